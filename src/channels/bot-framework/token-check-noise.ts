/**
 * The names of jsonwebtoken's errors for a token that does not verify (its classes are not re-exported by
 * botbuilder): what the token check prints, and what the Bot Framework channel answers as a refusal.
 */
export const JWT_ERROR_NAMES = ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'] as const;
export type JwtErrorName = (typeof JWT_ERROR_NAMES)[number];

const JWT_ERRORS = new Set<string>(JWT_ERROR_NAMES);
const KEY_NOT_FOUND = 'Error finding key for token.';

/**
 * What botbuilder's token check prints (botframework-connector's JwtTokenExtractor, in the catch around
 * `jsonwebtoken.verify`): the signing key after "Error finding key for token.", and a jsonwebtoken error with
 * its stack. Anyone can make it print them by sending a bad token, so they are dropped wherever they come
 * from (a console drop rule: src/ops/library-console.ts); the channel logs each refusal itself as one line.
 * Recognised by their shape rather than by the call they happen in: following a call's async context needs
 * an AsyncLocalStorage, and once one is in use Node 20 runs a hook on every promise of the process (see
 * request-context.ts). The HTTP tests of refused tokens (test/channels.bot-framework.auth.test.ts) fail if an
 * upgrade prints them differently.
 */
export function isTokenCheckNoise(args: readonly unknown[]): boolean {
  const [first] = args;
  if (typeof first === 'string') return first.startsWith(KEY_NOT_FOUND);
  return first instanceof Error && JWT_ERRORS.has(first.name);
}
