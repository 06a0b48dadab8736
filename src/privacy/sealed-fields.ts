import type { FieldCipher } from './field-cipher.js';

/** Where a sealed object keeps its sealed fields: one envelope at its root. */
export const SEALED_KEY = '$sealed';

/**
 * Sealing chosen fields of a JSON object, named by dotted paths (`person.idNumber`,
 * `filing.details.phone`), together: their values leave their places and go, as one JSON object keyed by
 * path, into one sealed envelope at the object's root (`$sealed`, see FieldCipher for its form). One
 * cipher operation per object rather than one per field: a cipher costs microseconds to set up on its
 * own, whatever it seals. Only string values are sealed; a path that is absent, or holds anything but a
 * string, is left alone (and an object with none of them gets no envelope).
 *
 * The envelope is bound to a `context` (e.g. the filing's reference, the state item's key), authenticated
 * with it: an envelope copied into another record does not open.
 *
 * The objects given are never changed: a copy shares everything but the objects along the listed paths.
 * `open` remembers, for the copy it returns, which envelope it came from; `seal` of that same object
 * with the same personal values gives that envelope back without sealing again, so a turn that changes
 * none of them seals nothing.
 */
export class SealedFields {
  /** Each listed path, split once, with its dotted name (the envelope's key). */
  readonly #paths: ReadonlyArray<{ readonly name: string; readonly keys: readonly string[] }>;
  readonly #opened = new WeakMap<object, { context: string; plain: string; envelope: string }>();

  constructor(
    readonly cipher: FieldCipher,
    readonly paths: readonly string[],
  ) {
    this.#paths = paths.map((name) => ({ name, keys: name.split('.') }));
  }

  /** A copy with the listed string fields sealed into one envelope under the current key. */
  seal<T>(value: T, context: string): T {
    if (!isObject(value)) return value;
    const { rest, found } = this.#take(value);
    const existing = rest[SEALED_KEY];
    const given = Object.keys(found).length > 0;
    // Already sealed under the current key, nothing in clear: as it is.
    if (!given && typeof existing === 'string' && this.cipher.keyIdOf(existing) === this.cipher.keyId) return value;
    // Values sealed before and still there (an object that was never opened) are kept, unless given anew.
    const values = { ...(typeof existing === 'string' ? this.#unpack(existing, context) : {}), ...found };
    if (Object.keys(values).length === 0) {
      if (existing === undefined) return value;
      const { [SEALED_KEY]: _dropped, ...others } = rest;
      return others as T;
    }
    const plain = canonical(values);
    const memo = this.#opened.get(value);
    const reuse = memo && memo.context === context && memo.plain === plain && this.cipher.keyIdOf(memo.envelope) === this.cipher.keyId;
    return { ...rest, [SEALED_KEY]: reuse ? memo.envelope : this.cipher.seal(plain, context) } as T;
  }

  /**
   * A copy with the envelope opened and every field back in its place. An object without an envelope
   * (written before sealing) comes back as it is. Throws DataKeyError when the envelope does not open.
   */
  open<T>(value: T, context: string): T {
    if (!isObject(value)) return value;
    const envelope = value[SEALED_KEY];
    if (typeof envelope !== 'string') return value;
    const values = this.#unpack(envelope, context);
    const { [SEALED_KEY]: _envelope, ...rest } = value;
    let result: Record<string, unknown> = rest;
    const found: Record<string, string> = {};
    for (const { name, keys } of this.#paths) {
      const text = values[name];
      if (typeof text !== 'string') continue;
      found[name] = text;
      result = putAt(result, keys, 0, text) as Record<string, unknown>;
    }
    this.#opened.set(result, { context, plain: canonical(found), envelope });
    return result as T;
  }

  /** The object with its fields sealed anew under the current key (after opening an envelope under another). */
  reseal<T>(value: T, context: string): T {
    return this.seal(this.open(value, context), context);
  }

  /** True when a listed field is in clear, or the envelope is sealed with a key other than the current one. */
  needsReseal(value: unknown): boolean {
    if (!isObject(value)) return false;
    if (Object.keys(this.#take(value).found).length > 0) return true;
    const envelope = value[SEALED_KEY];
    return typeof envelope === 'string' && this.cipher.keyIdOf(envelope) !== this.cipher.keyId;
  }

  /** The value at a path (sealed objects: only what is in clear), or undefined. */
  static at(value: unknown, path: string): unknown {
    return valueAt(value, path.split('.'));
  }

  /** The listed string fields found (by path) and the object without them. */
  #take(value: Record<string, unknown>): { rest: Record<string, unknown>; found: Record<string, string> } {
    const found: Record<string, string> = {};
    let rest: Record<string, unknown> = value;
    for (const { name, keys } of this.#paths) {
      const text = valueAt(rest, keys);
      if (typeof text !== 'string') continue;
      found[name] = text;
      rest = removeAt(rest, keys, 0) as Record<string, unknown>;
    }
    return { rest, found };
  }

  #unpack(envelope: string, context: string): Record<string, unknown> {
    const values = JSON.parse(this.cipher.open(envelope, context)) as unknown;
    return isObject(values) ? values : {};
  }
}

/** The sealed values as one JSON text, keys in order (the same values always give the same text). */
function canonical(values: Record<string, unknown>): string {
  return JSON.stringify(values, Object.keys(values).sort());
}

/** The value at the path's keys (split once, by the caller), or undefined. */
function valueAt(value: unknown, keys: readonly string[]): unknown {
  let v: unknown = value;
  for (const key of keys) v = isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined;
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `value` without the field at `path[i…]`, copying only the objects along the path. */
function removeAt(value: unknown, path: readonly string[], i: number): unknown {
  if (!isObject(value)) return value;
  const key = path[i]!;
  if (!Object.hasOwn(value, key)) return value;
  if (i === path.length - 1) {
    const { [key]: _removed, ...others } = value;
    return others;
  }
  const inner = removeAt(value[key], path, i + 1);
  return inner === value[key] ? value : { ...value, [key]: inner };
}

/** `value` with `text` at `path[i…]`, copying the objects along the path and making those that are missing. */
function putAt(value: unknown, path: readonly string[], i: number, text: string): unknown {
  const base = isObject(value) ? value : {};
  const key = path[i]!;
  return { ...base, [key]: i === path.length - 1 ? text : putAt(base[key], path, i + 1, text) };
}
