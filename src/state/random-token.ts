import { randomFillSync } from 'node:crypto';

/** Random bytes drawn ahead, as Node itself does for randomUUID: one call into the CSPRNG per 4 KB. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * `bytes` random bytes (from the CSPRNG) in base64url: turn lease tokens and state eTags, two a turn.
 * randomBytes() crosses into the native CSPRNG on every call; this takes them from a pool refilled when spent.
 */
export function randomToken(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`randomToken: at most ${pool.length} bytes`);
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const token = pool.toString('base64url', used, used + bytes);
  // Spent bytes are overwritten, so no copy of a token stays behind in the pool.
  pool.fill(0, used, used + bytes);
  used += bytes;
  return token;
}
