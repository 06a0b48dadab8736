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
import { charactersReadAs, checkXCharacters, digitCharacters, MOBILE_SEPARATORS, readNumberText, RESIDENT_ID_SEPARATORS } from '../domain/spoken-digits.js';
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
// - grouped: at most one separator between the groups (138 1234 5678, 110105 19491231 002X), no digit right
//   beside it, so a number beside another (two phones, "1. 13812345678") is still found.
const D = `[${digitCharacters('0123456789', { separators: MOBILE_SEPARATORS })}]`;
const MOBILE_SEPS = `[${charactersReadAs(new RegExp(`^[${MOBILE_SEPARATORS}]$`, 'u'))}]`;
const ID_SEPS = `[${charactersReadAs(new RegExp(`^[${RESIDENT_ID_SEPARATORS}]$`, 'u'))}]`;
const ID_D = `[${digitCharacters()}]`;
const ID_LAST = `[${digitCharacters()}${checkXCharacters()}]`;
const [ZERO, ONE, SIX, EIGHT, SECOND] = ['0', '1', '6', '8', '3456789'].map((d) => `[${digitCharacters(d, { separators: MOBILE_SEPARATORS })}]`);
const PLUS = `[${charactersReadAs(/^\+$/)}]`;
const OPEN = `[${charactersReadAs(/^\($/)}]`;
const CLOSE = `[${charactersReadAs(/^\)$/)}]`;

/**
 * At most this many separators in a row inside a spread-out number, so a mask never scans a long run of them
 * again from every position (a line of 50 000 spaces or brackets); maskNumbers shortens longer runs.
 */
const RUN = 4;
/** Where a number may start: a digit, a + or an opening bracket (a cheap test before the look-behind). */
const START = `(?=[${digitCharacters('0123456789', { separators: MOBILE_SEPARATORS })}${charactersReadAs(/^[+(]$/)}])`;

/** `body` alone among the digits around it, up to RUN separators between. */
const alone = (body: string, seps: string): string => `${START}(?<!${D}${seps}{0,${RUN}})${body}(?!${seps}{0,${RUN}}${D})`;

const SPREAD_ID = alone(`${ID_D}(?:${ID_SEPS}{0,${RUN}}${ID_D}){16}${ID_SEPS}{0,${RUN}}${ID_LAST}`, ID_SEPS);
const GROUPED_ID = `(?<!${D})${ID_D}{6}${ID_SEPS}?${ID_D}{8}${ID_SEPS}?${ID_D}{3}${ID_LAST}(?!${D})`;
const ID_NUMBER = new RegExp(`${SPREAD_ID}|${GROUPED_ID}`, 'gu');

const S = `${MOBILE_SEPS}{0,${RUN}}`;
const SPREAD_COUNTRY = `(?:${OPEN}${S})?(?:${PLUS}${S}|${ZERO}${S}${ZERO}${S})?${EIGHT}${S}${SIX}${S}`;
const SPREAD_MOBILE = alone(`(?:${SPREAD_COUNTRY}|${OPEN}${S})?${ONE}${S}${SECOND}(?:${S}${D}){9}`, MOBILE_SEPS);
const S1 = `${MOBILE_SEPS}?`;
const GROUPED_COUNTRY = `(?:(?:${PLUS}|${ZERO}{2})?${EIGHT}${SIX}${S1}|${OPEN}${PLUS}?${EIGHT}${SIX}${CLOSE}${S1})`;
const GROUPED_MOBILE = `(?<!${D})${GROUPED_COUNTRY}?${ONE}${SECOND}${D}${S1}${D}{4}${S1}${D}{4}(?!${D})`;
const MOBILE = new RegExp(`${SPREAD_MOBILE}|${GROUPED_MOBILE}`, 'gu');

/** A character that reads as two digits or more (⑩ "10", ⑽ "(10)", ㊱ "36"), which the shapes above count as one. */
const MULTI_DIGIT = new RegExp(`[${charactersReadAs(/^[0-9]{2,}$/, MOBILE_SEPARATORS)}]`, 'gu');

/** A run of separators longer than a spread-out number may hold. */
const LONG_RUN = new RegExp(`${MOBILE_SEPS}{${RUN + 1},}`, 'gu');

/** A character that reads as one digit or more, as the shapes above count them (a digit, a number word, ⑩…). */
const DIGITISH = new RegExp(`${D}|${ID_D}|${MULTI_DIGIT.source}`, 'gu');
/** The fewest such characters a mobile number (11 digits; none reads as more than two) can be written with. */
const FEWEST_DIGITISH = 6;

/**
 * Whether `s` has characters enough to hold a phone or ID number: most text a log line carries has not, and
 * is passed over without trying the shapes (a tenth of their cost).
 */
function mayHoldNumber(s: string): boolean {
  let found = 0;
  DIGITISH.lastIndex = 0;
  while (DIGITISH.exec(s) !== null) if (++found >= FEWEST_DIGITISH) return true;
  return false;
}

/**
 * `mask` applied to `s`; where `s` holds a character read as several digits or a run of separators longer
 * than RUN, also to `s` with those spelled out (⑩ → 10) and shortened, and that is taken when it finds a
 * number (so 138123⑩678 and 1      3812345678 are masked; ordinary text keeps its ⑩ and its spaces).
 */
function maskNumbers(s: string, mask: (s: string) => string): string {
  if (!mayHoldNumber(s)) return s;
  const masked = mask(s);
  if (s.search(MULTI_DIGIT) < 0 && s.search(LONG_RUN) < 0) return masked;
  const spelled = s.replace(MULTI_DIGIT, (c) => readNumberText(c)).replace(LONG_RUN, (run) => Array.from(run).slice(0, RUN).join(''));
  const spelledMasked = mask(spelled);
  return spelledMasked === spelled ? masked : spelledMasked;
}

/** Masks resident ID numbers and mainland mobile numbers anywhere in a piece of text. */
export function maskFreeText(s: string): string {
  return maskNumbers(s, (t) => t.replace(ID_NUMBER, MASKED_ID).replace(MOBILE, MASKED_PHONE));
}

/**
 * Replaces each resident ID number and mainland mobile number found in `s` (the shapes above) with what
 * `id` and `phone` make of it: e.g. the display masks 1101**********002X and 138****5678.
 */
export function replaceIdAndPhoneNumbers(s: string, id: (found: string) => string, phone: (found: string) => string): string {
  return maskNumbers(s, (t) => t.replace(ID_NUMBER, (found) => id(found)).replace(MOBILE, (found) => phone(found)));
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
