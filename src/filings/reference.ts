import { randomInt } from 'node:crypto';
import { isIsoDate, todayInShanghai } from '../domain/calendar.js';

/**
 * Filing reference numbers, made to be read out over the phone: `YD20261124-7K3Q9M`.
 *
 * - `YD` (异地) and the filing date in Asia/Shanghai, so staff can place a filing in time at a glance;
 * - five random Crockford base32 symbols (0-9 and A-Z without I, L, O, U: no letter that looks or sounds
 *   like another), about 33 million per day; the store retries on the rare clash;
 * - one check symbol over the date and the random part. It is a polynomial check in GF(32): every
 *   single wrong symbol and every swap of two symbols (adjacent or not, across the hyphen too) is caught.
 *
 * Input is forgiving the Crockford way: case does not matter, the hyphen may be left out or be a space,
 * and O is read as 0, I and L as 1.
 */
export const REFERENCE_PREFIX = 'YD';
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 5;

const CANONICAL = /^YD(\d{8})-([0-9A-HJKMNP-TV-Z]{5})([0-9A-HJKMNP-TV-Z])$/;

/** Multiplies a GF(32) element by the generator x, modulo the primitive polynomial x^5 + x^2 + 1. */
function timesX(v: number): number {
  const shifted = v << 1;
  return shifted & 0b100000 ? shifted ^ 0b100101 : shifted;
}

/** Horner evaluation at x of the polynomial whose coefficients are the symbols' values. */
function horner(symbols: string): number {
  let h = 0;
  for (const ch of symbols) {
    const v = CROCKFORD_ALPHABET.indexOf(ch);
    if (v < 0) throw new RangeError('not a Crockford base32 symbol');
    h = timesX(h) ^ v;
  }
  return h;
}

/** The check symbol that makes the whole payload (symbols + check) evaluate to zero. */
export function checkSymbol(payload: string): string {
  return CROCKFORD_ALPHABET[timesX(horner(payload))]!;
}

const secureRandom = (): number => randomInt(0, 2 ** 32) / 2 ** 32;

/** A new reference for a filing made at `now`. `random` returns numbers in [0, 1); crypto by default. */
export function newReference(now: Date = new Date(), random: () => number = secureRandom): string {
  const date = todayInShanghai(now).replaceAll('-', '');
  let tail = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    const r = random();
    const index = Math.min(CROCKFORD_ALPHABET.length - 1, Math.max(0, Math.floor(r * CROCKFORD_ALPHABET.length)));
    tail += CROCKFORD_ALPHABET[index];
  }
  return `${REFERENCE_PREFIX}${date}-${tail}${checkSymbol(date + tail)}`;
}

/**
 * The canonical form of a reference as a person typed or read it, or undefined when it is not a
 * reference or its check symbol does not match (a typo).
 */
export function normalizeReference(input: string): string | undefined {
  if (typeof input !== 'string' || input.length > 40) return undefined;
  const compact = input
    .toUpperCase()
    .replace(/[\s\-－—_]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  const m = /^YD(\d{8})([0-9A-Z]{5})([0-9A-Z])$/.exec(compact);
  if (!m) return undefined;
  const [, date, tail, check] = m as unknown as [string, string, string, string];
  if (!isIsoDate(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`)) return undefined;
  if (/[U]/.test(tail + check)) return undefined;
  if (horner(date + tail + check) !== 0) return undefined;
  const canonical = `${REFERENCE_PREFIX}${date}-${tail}${check}`;
  return CANONICAL.test(canonical) ? canonical : undefined;
}

/** True when `s` is a well-formed reference whose check symbol matches (forgiving input, see above). */
export function isValidReference(s: string): boolean {
  return normalizeReference(s) !== undefined;
}
