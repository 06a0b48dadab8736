import { fail, ok, type Check } from './result.js';
import { MOBILE_SEPARATORS, readNumberText } from './spoken-digits.js';

/** Separators people type inside a phone number: white space, dashes of any width, brackets. */
const SEPARATORS = new RegExp(`[${MOBILE_SEPARATORS}]`, 'gu');
/** Country code of mainland China, written +86, 0086 or 86 in front of the 11 digits. */
const COUNTRY_PREFIX = /^(?:\+86|0086|86)(?=\d{11}$)/;
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * Checks a mainland mobile number (shared/domain.md §6.1 `tel`) and returns its 11 digits; digits said
 * as words (一三八…, 幺三八…, spaces or dashes between) are read as digits. Error codes: MOBILE_EMPTY, MOBILE_FORMAT.
 */
export function checkMobile(input: string): Check<string> {
  const compact = readNumberText(input).replace(SEPARATORS, '');
  if (compact === '') return fail('MOBILE_EMPTY');
  const digits = compact.replace(COUNTRY_PREFIX, '');
  return MAINLAND_MOBILE.test(digits) ? ok(digits) : fail('MOBILE_FORMAT');
}

/** 13812345678 → 138****5678. Anything else keeps at most its first and last character. */
export function maskMobile(n: string): string {
  const chars = Array.from(n);
  const len = chars.length;
  const [head, tail] = len === 11 ? [3, 4] : len >= 3 ? [1, 1] : [0, 0];
  return chars.map((c, i) => (i < head || i >= len - tail ? c : '*')).join('');
}
