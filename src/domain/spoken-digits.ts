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
 * How the number readers (phone.ts, resident-id.ts) read what was typed before they look at it: full-width and
 * other compatibility forms become ASCII (NFKC: １, ①, 𝟏 → 1; ＋ → +; ﹣ → -), then digits said as words become
 * digits. The masks of logs and transcripts (src/ops/redact.ts) take a character for what this reads it as.
 */
export function readNumberText(text: string, { withX = false }: { withX?: boolean } = {}): string {
  return digitsOfWords(text.normalize('NFKC'), { withX });
}

/**
 * What may stand between the digits of a mobile number, once read (readNumberText): white space, dashes of
 * any width, brackets. For a regular expression's character class (no brackets), with the `u` flag.
 */
export const MOBILE_SEPARATORS = '\\s\\-\\u2010-\\u2014()\\uFF08\\uFF09';
/** What may stand between the characters of an identity number, once read: white space, dashes of any width. */
export const RESIDENT_ID_SEPARATORS = '\\s\\-\\u2010-\\u2014';

/** What a number reader reads a character as: only characters read as something a number may hold. */
const NUMBERISH = new RegExp(`^[0-9xX+${MOBILE_SEPARATORS}]+$`, 'u');

/**
 * The blocks that hold every character read as something a number may hold, besides the words above: Latin
 * and its supplements, the Ogham space, general punctuation to the enclosed alphanumerics, the CJK radicals to
 * the enclosed CJK forms, the compatibility ideographs to the full-width forms, and the supplementary planes'
 * digit blocks (outlined, mathematical, enclosed, segmented digits). Reading all 196,000 code points to U+2FFFF
 * took ~120 ms of every start; a test reads them all and checks that nothing outside these reads as a number.
 */
export const NUMBERISH_BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x02ff], [0x1680, 0x1680], [0x2000, 0x24ff], [0x2e80, 0x33ff], [0xf900, 0xffef],
  [0x1cc00, 0x1ccff], [0x1d400, 0x1d7ff], [0x1f100, 0x1f2ff], [0x1fb00, 0x1fbff],
];

/** The code points of NUMBERISH_BLOCKS and of the words above, each once. */
function numberishCandidates(): Set<number> {
  const candidates = new Set<number>();
  for (const [from, to] of NUMBERISH_BLOCKS) for (let cp = from; cp <= to; cp++) candidates.add(cp);
  for (const word of [...Object.keys(DIGIT_WORDS), ...Object.keys(X_WORDS)]) candidates.add(word.codePointAt(0)!);
  return candidates;
}

/** The given code points (surrogates skipped) by what they read as, when that is numberish; in code point order. */
export function numberishReadings(codePoints: Iterable<number>): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const cp of [...codePoints].sort((a, b) => a - b)) {
    if (cp >= 0xd800 && cp < 0xe000) continue;
    const c = String.fromCodePoint(cp);
    const read = readNumberText(c, { withX: true });
    if (!NUMBERISH.test(read)) continue;
    const list = table.get(read);
    if (list) list.push(c);
    else table.set(read, [c]);
  }
  return table;
}

/** Every character read as something numberish, by what it reads as, and each such character's reading (built once, when first asked). */
let readAs: Map<string, string[]> | undefined;
let readingOf: Map<string, string> | undefined;
function charactersReadAsTable(): Map<string, string[]> {
  readAs ??= numberishReadings(numberishCandidates());
  return readAs;
}

/**
 * Every character read as something a number may hold (a digit or more, an X, a separator of either check, a +),
 * with what it reads as: the characters the masks of logs and transcripts (src/ops/redact.ts) look at, and no
 * other. Built once, when first asked.
 */
export function numberishCharacters(): ReadonlyMap<string, string> {
  readingOf ??= new Map([...charactersReadAsTable()].flatMap(([read, list]) => list.map((c): [string, string] => [c, read])));
  return readingOf;
}

/**
 * The characters whose reading (readNumberText), once the characters of `ignoring` (a character class's
 * body) are gone, matches `pattern`: e.g. every way of writing a digit 1 the checks accept (1, １, ①, 𝟏, 一,
 * 幺, 壹, ⼀; ⑴ and ㈠, read "(1)", where brackets are separators). So a mask finds a number in every spelling a
 * check reads.
 */
export function charactersReadAs(pattern: RegExp, ignoring?: string): string[] {
  const drop = ignoring === undefined ? undefined : new RegExp(`[${ignoring}]`, 'gu');
  const chars: string[] = [];
  for (const [read, list] of charactersReadAsTable()) {
    const kept = drop ? read.replace(drop, '') : read;
    if (kept !== '' && pattern.test(kept)) chars.push(...list);
  }
  return chars;
}

/**
 * The characters a digit among `digits` may be written or said as: the ASCII digit, its full-width and other
 * compatibility forms, the words above; with `separators` (a class body), also a character read as one digit
 * among those (⑴ → "(1)"). What the masks of logs and transcripts (src/ops/redact.ts) take for a digit.
 */
export function digitCharacters(digits = '0123456789', { separators }: { separators?: string } = {}): string[] {
  return charactersReadAs(new RegExp(`^[${digits}]$`), separators);
}

/** The characters the check character X of an identity number may be written or said as (x, full-width, 叉, ×, Ⅹ). */
export function checkXCharacters(): string[] {
  return charactersReadAs(/^[xX]$/);
}
