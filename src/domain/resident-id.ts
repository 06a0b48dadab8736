import { compareDates, isIsoDate, type IsoDate } from './calendar.js';
import { fail, ok, type Check } from './result.js';
import { readNumberText, RESIDENT_ID_SEPARATORS } from './spoken-digits.js';

const SEPARATORS = new RegExp(`[${RESIDENT_ID_SEPARATORS}]+`, 'gu');

/**
 * The 18-character citizen identity number of GB 11643-1999 (居民身份证号码), which is also the
 * social-security number. See shared/domain.md §6.3.
 */
export interface ResidentId {
  /** Normalised: 17 digits and a check character (digit or upper-case X). */
  number: string;
  birthDate: IsoDate;
  sex: 'M' | 'F';
}

/**
 * Province-level prefixes an identity number may start with. Only the first two digits are checked:
 * address codes in identity numbers are never re-issued when divisions change (e.g. 371200 莱芜市),
 * so the 6-digit code need not exist in today's GB/T 2260 list.
 * 71 台湾 (GB/T 2260); 81/82/83: residence permits of Hong Kong, Macao and Taiwan residents.
 */
const PROVINCE_PREFIXES: ReadonlySet<string> = new Set(
  [
    [11, 15],
    [21, 23],
    [31, 37],
    [41, 46],
    [50, 54],
    [61, 65],
    [71, 71],
    [81, 83],
  ].flatMap(([from, to]) => Array.from({ length: to! - from! + 1 }, (_, i) => String(from! + i))),
);

/** ISO 7064 MOD 11-2 as GB 11643 applies it to the first 17 digits. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

const EARLIEST_BIRTH_YEAR = 1900;

/**
 * Full-width forms become ASCII (NFKC), digits said as words become digits (三七一一… , 叉 for X), white
 * space and dashes between groups go, a lower-case x becomes X.
 */
export function normaliseResidentId(input: string): string {
  return readNumberText(input, { withX: true }).replace(SEPARATORS, '').replace(/x/g, 'X');
}

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/**
 * Checks a resident identity number and derives birth date and sex from it. Error codes, in the
 * order they are tested: ID_EMPTY, ID_FIFTEEN_DIGITS, ID_FORMAT, ID_PROVINCE, ID_BIRTH_DATE,
 * ID_BIRTH_FUTURE, ID_CHECK_DIGIT. `today` is the date in Asia/Shanghai.
 */
export function checkResidentId(input: string, today: IsoDate): Check<ResidentId> {
  const n = normaliseResidentId(input);
  if (n === '') return fail('ID_EMPTY');
  if (/^\d{15}$/.test(n)) return fail('ID_FIFTEEN_DIGITS');
  if (!/^\d{17}[\dX]$/.test(n)) return fail('ID_FORMAT', { length: Array.from(n).length });
  if (!PROVINCE_PREFIXES.has(n.slice(0, 2))) return fail('ID_PROVINCE');

  const birthDate = `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`;
  if (!isIsoDate(birthDate) || Number(n.slice(6, 10)) < EARLIEST_BIRTH_YEAR) return fail('ID_BIRTH_DATE');
  if (compareDates(birthDate, today) > 0) return fail('ID_BIRTH_FUTURE');

  if (residentIdCheckChar(n) !== n[17]) return fail('ID_CHECK_DIGIT');

  return ok({ number: n, birthDate, sex: Number(n[16]) % 2 === 1 ? 'M' : 'F' });
}

/**
 * Masks an identity number for display and logs: the first 4 and last 4 characters of a full number
 * stay (1101**********002X); shorter strings keep less (first 3 and last 4 from 12 characters, first
 * and last one below that, nothing below 3). The length is kept.
 */
export function maskResidentId(n: string): string {
  const chars = Array.from(normaliseResidentId(n));
  const len = chars.length;
  const [head, tail] = len >= 15 ? [4, 4] : len >= 12 ? [3, 4] : len >= 3 ? [1, 1] : [0, 0];
  return chars.map((c, i) => (i < head || i >= len - tail ? c : '*')).join('');
}
