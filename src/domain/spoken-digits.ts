/**
 * Digits said as Chinese number words, as a hotline agent types what they hear or a person types what
 * they would say: 一三八…, 幺三八… (幺 for 1, as 1 is read in phone numbers), 两 for 2, 洞 for 0 (as in
 * radio talk), 〇/零 for 0, and 叉 for the X that ends some ID numbers. Language data of the number
 * readers (phone.ts, resident-id.ts), like the numerals of dates.ts; no words a person is shown.
 */
const DIGIT_WORDS: Readonly<Record<string, string>> = {
  〇: '0', 零: '0', 洞: '0',
  一: '1', 幺: '1', 壹: '1',
  二: '2', 两: '2', 貳: '2', 贰: '2',
  三: '3', 叁: '3',
  四: '4', 肆: '4',
  五: '5', 伍: '5',
  六: '6', 陆: '6', 陸: '6',
  七: '7', 柒: '7',
  八: '8', 捌: '8',
  九: '9', 玖: '9',
};

/** The check character X of an identity number, said 叉 (or written ×). */
const X_WORDS: Readonly<Record<string, string>> = { 叉: 'X', '×': 'X' };

const DIGIT_WORD = new RegExp(`[${Object.keys(DIGIT_WORDS).join('')}]`, 'gu');
const X_WORD = new RegExp(`[${Object.keys(X_WORDS).join('')}]`, 'gu');

/**
 * Each digit said as a word becomes the digit (一三八 一二三四 → 138 1234); `withX` also reads 叉 as X.
 * Anything else stays as it is, so a text that is not a number stays not a number.
 */
export function digitsOfWords(text: string, { withX = false }: { withX?: boolean } = {}): string {
  const digits = text.replace(DIGIT_WORD, (w) => DIGIT_WORDS[w]!);
  return withX ? digits.replace(X_WORD, (w) => X_WORDS[w]!) : digits;
}

/**
 * The characters a digit among `digits` may be written or said as, for a regular expression's character
 * class (no brackets): the ASCII digit, its full-width form and the words above. What the masks of logs
 * and transcripts (src/ops/redact.ts) take for a digit, so a number said in words is found as typed.
 */
export function digitCharacters(digits = '0123456789'): string {
  return Array.from(digits)
    .map((d) => `${d}${String.fromCharCode(0xff10 + Number(d))}${Object.keys(DIGIT_WORDS).filter((w) => DIGIT_WORDS[w] === d).join('')}`)
    .join('');
}

/** The characters the check character X of an identity number may be written or said as (x, full-width, 叉, ×). */
export function checkXCharacters(): string {
  return `Xx\uFF38\uFF58${Object.keys(X_WORDS).join('')}`;
}
