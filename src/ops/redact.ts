/**
 * Keeping personal data out of logs. Two layers, both applied by createLogger():
 *
 * 1. By field: any property whose name says it holds personal data (ID numbers, phones, names,
 *    addresses, what the person typed) is replaced with REDACTED, at any depth, wherever it sits
 *    (`activity.text`, `activity.from.name`, `state.details`, `err.data.phone`, …).
 * 2. By shape: in every remaining string (messages, error messages and stacks, free-form fields),
 *    18-digit resident ID numbers and mainland mobile numbers are masked in every spelling the phone and ID
 *    checks accept (138一二三四五六七八, 幺三八 幺二三四 五六七八, full-width, 1 3 8 1 …, +86 (138) 1234-5678).
 *
 * Nothing here imports pino, so the same functions can clean anything else that leaves the process.
 */
import { charactersReadAs, checkXCharacters, digitCharacters, MOBILE_SEPARATORS, numberishCharacters, readNumberText, RESIDENT_ID_SEPARATORS } from '../domain/spoken-digits.js';
import { unwrapDialogError } from './dialog-error.js';

export const REDACTED = '[REDACTED]';
export const MASKED_ID = '[ID]';
export const MASKED_PHONE = '[PHONE]';

/**
 * Property names (compared without case, "_" or "-") whose value is dropped whole. `text`, `value`,
 * `speak`, `attachments` and `channelData` are what a person sends in an activity; `details` and
 * `previous` are the filing answers kept in conversation state.
 */
const SENSITIVE_KEYS = new Set([
  // identity documents
  'idnumber', 'idno', 'idcard', 'idcardno', 'certno', 'certnumber', 'certificateno', 'agentidnumber', 'psnidnumber',
  // phones
  'phone', 'phoneno', 'phonenumber', 'tel', 'telephone', 'mobile', 'mobileno', 'mobilephone', 'agentphone', 'contactphone',
  // names
  'name', 'psnname', 'personname', 'realname', 'fullname', 'username', 'nickname', 'agentname', 'employername',
  'contactname', 'patientname', 'membername', 'agentrelationship',
  // addresses and contact
  'address', 'addr', 'homeaddress', 'email', 'birthday', 'birthdate',
  // channel identities that may be personal (a WeChat openid identifies a person)
  'openid', 'unionid',
  // what a person said or sent
  'text', 'value', 'speak', 'attachments', 'channeldata',
  // filing answers (dialogs/filing-state.ts)
  'details', 'previous', 'referringhospital', 'institutions',
]);

/** Pino `redact` paths for the common shapes, the first line of defence; the walker covers any depth. */
export const REDACT_PATHS: string[] = [
  ...['idNumber', 'certno', 'phone', 'tel', 'mobile', 'name', 'psnName', 'address', 'text', 'value', 'channelData', 'details'].flatMap(
    (k) => [k, `*.${k}`],
  ),
  'activity.from.name',
  'activity.recipient.name',
  'activity.channelData',
  'activity.text',
  'activity.value',
  'activity.attachments',
  '*.from.name',
  '*.activity.text',
  '*.activity.value',
];

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));
}

// One definition with the checks (src/domain/spoken-digits.ts): a character is taken for what the phone and
// ID checks read it as (readNumberText: NFKC, then number words). A digit is any way of writing or saying
// one (1, １, ①, 𝟏, 一, 幺, 壹 …); a mobile number may come with +86 / 0086 / 86.
// Two shapes of each number:
// - spread: between any two characters any run of the separators the check itself removes (a space or dash
//   after every digit, brackets, line breaks, no-break and ideographic spaces, dashes of any width), the
//   number alone in its run of digits and separators (so page numbers "11 12 13 14 15 16" are no phone);
// - grouped: the groups written together, up to RUN separators between them (138 1234 5678, 110105  19491231
//   002X), no digit right beside it, so a number beside another (two phones, "1. 138  1234  5678") is still found.
/** Every digit as the phone check reads it (⑴ "(1)" too, its brackets being separators). */
const DIGITS = digitCharacters('0123456789', { separators: MOBILE_SEPARATORS });
const CLASSES = {
  D: DIGITS,
  MOBILE_SEPS: charactersReadAs(new RegExp(`^[${MOBILE_SEPARATORS}]$`, 'u')),
  ID_SEPS: charactersReadAs(new RegExp(`^[${RESIDENT_ID_SEPARATORS}]$`, 'u')),
  ID_D: digitCharacters(),
  ID_LAST: [...digitCharacters(), ...checkXCharacters()],
  ZERO: digitCharacters('0', { separators: MOBILE_SEPARATORS }),
  ONE: digitCharacters('1', { separators: MOBILE_SEPARATORS }),
  SIX: digitCharacters('6', { separators: MOBILE_SEPARATORS }),
  EIGHT: digitCharacters('8', { separators: MOBILE_SEPARATORS }),
  SECOND: digitCharacters('3456789', { separators: MOBILE_SEPARATORS }),
  PLUS: charactersReadAs(/^\+$/),
  OPEN: charactersReadAs(/^\($/),
  CLOSE: charactersReadAs(/^\)$/),
  /** Where a number may start: a digit, a + or an opening bracket (a cheap test before the look-behind). */
  START: [...DIGITS, ...charactersReadAs(/^[+(]$/)],
  /** A character that reads as two digits or more (⑩ "10", ⑽ "(10)", ㊱ "36"), which the shapes count as one. */
  MULTI_DIGIT: charactersReadAs(/^[0-9]{2,}$/, MOBILE_SEPARATORS),
};

/**
 * At most this many separators in a row inside a spread-out number, so a mask never scans a long run of them
 * again from every position (a line of 50 000 spaces or brackets); maskRun shortens longer runs.
 */
const RUN = 4;

interface Shapes {
  ID_NUMBER: RegExp;
  MOBILE: RegExp;
  /** A character that reads as two digits or more. */
  MULTI_DIGIT: RegExp;
  /** A run of separators longer than a spread-out number may hold. */
  LONG_RUN: RegExp;
}

/**
 * The shapes of both numbers, built of the characters of CLASSES that `keep` keeps. All of them for any text;
 * the ASCII ones only for text all in ASCII, where they find just what the others find (no other character can
 * match there) but much faster: small classes, no surrogate pairs, no `u` flag.
 */
function shapesOf(keep: (c: string) => boolean, flags: string): Shapes {
  const cls = (chars: string[]): string =>
    `[${chars
      .filter(keep)
      .map((c) => {
        const cp = c.codePointAt(0)!;
        return cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
      })
      .join('')}]`;
  const { D, MOBILE_SEPS, ID_SEPS, ID_D, ID_LAST, ZERO, ONE, SIX, EIGHT, SECOND, PLUS, OPEN, CLOSE, START: START_CHARS, MULTI_DIGIT } = Object.fromEntries(
    Object.entries(CLASSES).map(([name, chars]) => [name, cls(chars)]),
  ) as Record<keyof typeof CLASSES, string>;
  const START = `(?=${START_CHARS})`;
  /** `body` alone among the digits around it, up to RUN separators between. */
  const alone = (body: string, seps: string): string => `${START}(?<!${D}${seps}{0,${RUN}})${body}(?!${seps}{0,${RUN}}${D})`;

  const SPREAD_ID = alone(`${ID_D}(?:${ID_SEPS}{0,${RUN}}${ID_D}){16}${ID_SEPS}{0,${RUN}}${ID_LAST}`, ID_SEPS);
  const GROUPED_ID = `(?<!${D})${ID_D}{6}${ID_SEPS}{0,${RUN}}${ID_D}{8}${ID_SEPS}{0,${RUN}}${ID_D}{3}${ID_LAST}(?!${D})`;

  const S = `${MOBILE_SEPS}{0,${RUN}}`;
  const SPREAD_COUNTRY = `(?:${OPEN}${S})?(?:${PLUS}${S}|${ZERO}${S}${ZERO}${S})?${EIGHT}${S}${SIX}${S}`;
  const SPREAD_MOBILE = alone(`(?:${SPREAD_COUNTRY}|${OPEN}${S})?${ONE}${S}${SECOND}(?:${S}${D}){9}`, MOBILE_SEPS);
  const GROUPED_COUNTRY = `(?:(?:${PLUS}|${ZERO}{2})?${EIGHT}${SIX}${S}|${OPEN}${PLUS}?${EIGHT}${SIX}${CLOSE}${S})`;
  const GROUPED_MOBILE = `(?<!${D})${GROUPED_COUNTRY}?${ONE}${SECOND}${D}${S}${D}{4}${S}${D}{4}(?!${D})`;
  return {
    ID_NUMBER: new RegExp(`${SPREAD_ID}|${GROUPED_ID}`, flags),
    MOBILE: new RegExp(`${SPREAD_MOBILE}|${GROUPED_MOBILE}`, flags),
    MULTI_DIGIT: new RegExp(MULTI_DIGIT, flags),
    LONG_RUN: new RegExp(`${MOBILE_SEPS}{${RUN + 1},}`, flags),
  };
}

const ANY_TEXT = shapesOf(() => true, 'gu');
const ASCII_TEXT = shapesOf((c) => c.charCodeAt(0) < 0x80, 'g');

/**
 * What each character a number may be written with reads as, for a quick pass over the text before the shapes:
 * 0 for a character no number holds (a letter, a comma, most of any text), else 1 + the digits it reads as
 * (1 for a separator, a +, a bracket or an X; 2 for 1, １, 一; 3 for ⑩). Every character of every class above is
 * one of these (they are all built from the same readings), so a number never spans a character read as 0.
 * A high surrogate is HIGH_SURROGATE: the pair's code point is looked up in DIGITS_OF_ASTRAL.
 */
const DIGITS_OF_BMP = new Uint8Array(0x10000);
const DIGITS_OF_ASTRAL = new Map<number, number>();
const HIGH_SURROGATE = 255;
DIGITS_OF_BMP.fill(HIGH_SURROGATE, 0xd800, 0xdc00);
for (const [c, read] of numberishCharacters()) {
  const cp = c.codePointAt(0)!;
  const weight = 1 + read.replace(/[^0-9]/g, '').length;
  if (cp < 0x10000) DIGITS_OF_BMP[cp] = weight;
  else DIGITS_OF_ASTRAL.set(cp, weight);
}
/** The fewest digits a mobile number the shapes find reads as (11), and an ID number (17 and its check character). */
const MOBILE_DIGITS = 11;
const ID_DIGITS = 17;

/**
 * The stretches of `s` a number may lie in, as [start, end, digits] triples: each a longest run of characters a
 * number may be written with that reads as MOBILE_DIGITS digits or more. The shapes (their look-arounds too) never
 * look past the ends of such a run, so they find in each run what they find in all of `s`; most text a log line
 * carries has no such run and is passed over with one look at each character.
 */
function numberRuns(s: string): number[] {
  const runs: number[] = [];
  let start = -1;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const at = i;
    let weight = DIGITS_OF_BMP[s.charCodeAt(i)]!;
    if (weight === HIGH_SURROGATE) {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      weight = DIGITS_OF_ASTRAL.get(cp) ?? 0;
    }
    if (weight > 0) {
      if (start < 0) {
        start = at;
        digits = 0;
      }
      digits += weight - 1;
    } else if (start >= 0) {
      if (digits >= MOBILE_DIGITS) runs.push(start, at, digits);
      start = -1;
    }
  }
  if (start >= 0 && digits >= MOBILE_DIGITS) runs.push(start, s.length, digits);
  return runs;
}

/** What masks a piece of text with the given shapes; `withId` false when it cannot hold an ID number (too few digits). */
type Mask = (text: string, shapes: Shapes, withId: boolean) => string;

const ALL_ASCII = /^[\u0000-\u007f]*$/;
const shapesFor = (text: string): Shapes => (ALL_ASCII.test(text) ? ASCII_TEXT : ANY_TEXT);

/**
 * `mask` applied to each run of `s` a number may lie in (numberRuns), the rest kept as it is. Where a run holds a
 * character read as several digits or a run of separators longer than RUN, `mask` is also applied to it with those
 * spelled out (⑩ → 10) and shortened, and that is taken when it leaves fewer digits in clear (so 138123⑩678 and
 * 1      3812345678 are masked; ordinary text keeps its ⑩ and its spaces).
 */
function maskNumbers(s: string, mask: Mask): string {
  const runs = numberRuns(s);
  if (runs.length === 0) return s;
  let out = '';
  let last = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const [start, end, digits] = [runs[r]!, runs[r + 1]!, runs[r + 2]!];
    out += s.slice(last, start) + maskRun(s.slice(start, end), digits >= ID_DIGITS, mask);
    last = end;
  }
  return out + s.slice(last);
}

function maskRun(run: string, withId: boolean, mask: Mask): string {
  const shapes = shapesFor(run);
  const masked = mask(run, shapes, withId);
  if (run.search(shapes.MULTI_DIGIT) < 0 && run.search(shapes.LONG_RUN) < 0) return masked;
  const spelled = run.replace(shapes.MULTI_DIGIT, (c) => readNumberText(c)).replace(shapes.LONG_RUN, (seps) => Array.from(seps).slice(0, RUN).join(''));
  const spelledMasked = mask(spelled, shapesFor(spelled), withId);
  // Spelled out only where that finds more (fewer digits, + or X left in clear): else the run keeps its ⑩, its spaces
  // and its brackets as they were ("(((((13812345678)))))" stays balanced).
  return digitsIn(spelledMasked) < digitsIn(masked) ? spelledMasked : masked;
}

/** The characters besides digits that are a number's own, not its separators: +, and the X of an ID number. */
const NUMBER_SIGNS = new Set([...CLASSES.PLUS, ...checkXCharacters()]);

/** How many characters of a number's own `s` holds: digits (⑩ counts two), + and X (NUMBER_SIGNS). */
function digitsIn(s: string): number {
  let digits = 0;
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    const weight = cp < 0x10000 ? DIGITS_OF_BMP[cp]! : (DIGITS_OF_ASTRAL.get(cp) ?? 0);
    if (weight > 1 && weight !== HIGH_SURROGATE) digits += weight - 1;
    else if (NUMBER_SIGNS.has(c)) digits++;
  }
  return digits;
}

const OPENING = new Set(CLASSES.OPEN);
const CLOSING = new Set(CLASSES.CLOSE);
const AROUND = /^(\s*)([^]*?)(\s*)$/u;

/**
 * `make` of a number found, its brackets kept as they stand around it: a bracket of the number's that is not
 * paired within it (the "(" of "(13812345678)", whose ")" the shape does not take) stays in the text, an opening
 * one before what `make` gives and a closing one after it, so "(13812345678)" becomes "([PHONE])", never
 * "[PHONE])". `make` gets the number without them; brackets paired within it ("(138) 1234 5678") are the number's.
 */
function keepingBrackets(make: (found: string) => string): (found: string) => string {
  return (found) => {
    const chars = Array.from(found);
    const open: number[] = [];
    const unpairedClosing: number[] = [];
    chars.forEach((c, i) => {
      if (OPENING.has(c)) open.push(i);
      else if (CLOSING.has(c) && open.pop() === undefined) unpairedClosing.push(i);
    });
    if (open.length === 0 && unpairedClosing.length === 0) return make(found);
    const unpaired = new Set([...open, ...unpairedClosing]);
    const [, before, number, after] = AROUND.exec(chars.filter((_, i) => !unpaired.has(i)).join(''))!;
    return `${open.map((i) => chars[i]).join('')}${before}${make(number!)}${after}${unpairedClosing.map((i) => chars[i]).join('')}`;
  };
}

const maskedAsId = keepingBrackets(() => MASKED_ID);
const maskedAsPhone = keepingBrackets(() => MASKED_PHONE);
/** A bracket of any width: where there is none, a mask is put in the number's place as it stands (faster). */
const BRACKET = new RegExp(`[${[...CLASSES.OPEN, ...CLASSES.CLOSE].join('')}]`, 'u');

/** Masks resident ID numbers and mainland mobile numbers anywhere in a piece of text. */
export function maskFreeText(s: string): string {
  return maskNumbers(s, (t, { ID_NUMBER, MOBILE }, withId) => {
    if (!BRACKET.test(t)) return (withId ? t.replace(ID_NUMBER, MASKED_ID) : t).replace(MOBILE, MASKED_PHONE);
    return (withId ? t.replace(ID_NUMBER, maskedAsId) : t).replace(MOBILE, maskedAsPhone);
  });
}

/**
 * Replaces each resident ID number and mainland mobile number found in `s` (the shapes above) with what
 * `id` and `phone` make of it: e.g. the display masks 1101**********002X and 138****5678. A bracket of the
 * number's that is not paired within it stays in the text beside it (keepingBrackets).
 */
export function replaceIdAndPhoneNumbers(s: string, id: (found: string) => string, phone: (found: string) => string): string {
  const [shownId, shownPhone] = [keepingBrackets(id), keepingBrackets(phone)];
  return maskNumbers(s, (t, { ID_NUMBER, MOBILE }, withId) => (withId ? t.replace(ID_NUMBER, shownId) : t).replace(MOBILE, shownPhone));
}

function maskNumber(n: number): number | string {
  // A phone or ID stored as a number; ordinary measurements never have this shape.
  if (Number.isInteger(n) && n > 0) {
    const s = String(n);
    if (maskFreeText(s) !== s) return REDACTED;
  }
  return n;
}

const MAX_DEPTH = 10;

/**
 * A copy of `value` with sensitive fields replaced and free text masked. Errors become plain
 * objects `{ type, message, stack, ...ownFields }` (all cleaned), cycles become "[Circular]". An error out
 * of a dialog (a DialogContextError, at any depth: an error's cause or field) becomes the original error
 * and the dialog's id, never the dialog stack with its state (which quotes what the person said).
 */
export function redactDeep(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return maskFreeText(value);
    case 'number':
      return maskNumber(value);
    case 'bigint':
      return maskFreeText(value.toString());
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    const { error, dialog } = unwrapDialogError(value);
    if (error !== value) {
      const cleaned = walk(error, depth + 1, seen);
      return dialog !== undefined && cleaned && typeof cleaned === 'object' && !Array.isArray(cleaned) ? { ...cleaned, dialog } : cleaned;
    }
    if (value instanceof Error) return cleanError(value, depth, seen);
    if (value instanceof Map) return walk(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return walk([...value], depth, seen);
    if (Buffer.isBuffer(value)) return `[Buffer ${value.length}]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSensitiveKey(k) && v !== undefined ? REDACTED : walk(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

const JSON_SPAN = /\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/g;
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|“[^”]*”|「[^」]*」/g;
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff\u00b7·]+/g;

/**
 * Error messages are written by code we do not control (drivers, libraries, a careless
 * `new Error(\`failed for ${JSON.stringify(x)}\`)`): besides ID and phone numbers, they lose embedded
 * JSON, quoted values and runs of Chinese characters (names, addresses) — our own error messages
 * never need them.
 */
export function cleanErrorText(s: string): string {
  return maskFreeText(s).replace(JSON_SPAN, '[DATA]').replace(QUOTED, '[DATA]').replace(CJK_RUN, '[TEXT]');
}

function cleanError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: err.constructor?.name ?? 'Error',
    message: cleanErrorText(String(err.message ?? '')),
  };
  if (err.stack) out.stack = cleanErrorText(err.stack);
  for (const [k, v] of Object.entries(err)) {
    if (k === 'message' || k === 'stack') continue;
    out[k] = isSensitiveKey(k) && v !== undefined ? REDACTED : walk(v, depth + 1, seen);
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && !('cause' in out)) out.cause = walk(cause, depth + 1, seen);
  return out;
}
