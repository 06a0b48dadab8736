/**
 * The result of checking one piece of input: the normalised value, or an error code that
 * content/ renders in the person's language (never an English sentence built in code).
 */
export type Check<T> = { ok: true; value: T } | { ok: false; error: string; params?: Record<string, string | number> };

export const ok = <T>(value: T): Check<T> => ({ ok: true, value });
export const fail = <T = never>(error: string, params?: Record<string, string | number>): Check<T> =>
  params ? { ok: false, error, params } : { ok: false, error };
