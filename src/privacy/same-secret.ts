import { timingSafeEqual } from 'node:crypto';

/** Whether a presented secret (a token, a CSRF token, a code's hash) is the expected one, in constant time for equal lengths. */
export function sameSecret(presented: string | Buffer, expected: string | Buffer): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
