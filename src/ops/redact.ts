/**
 * Keeping personal data out of logs. Two layers, both applied by createLogger():
 *
 * 1. By field: any property whose name says it holds personal data (ID numbers, phones, names,
 *    addresses, what the person typed) is replaced with REDACTED, at any depth, wherever it sits
 *    (`activity.text`, `activity.from.name`, `state.details`, `err.data.phone`, …).
 * 2. By shape: in every remaining string (messages, error messages and stacks, free-form fields),
 *    18-digit resident ID numbers and mainland mobile numbers are masked, their digits as written or said
 *    (138一二三四五六七八, 幺三八 幺二三四 五六七八, full-width).
 *
 * Nothing here imports pino, so the same functions can clean anything else that leaves the process.
 */
import { checkXCharacters, digitCharacters } from '../domain/spoken-digits.js';
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

// A digit as written or said (src/domain/spoken-digits.ts): half-width, full-width, or a number word
// (一三八…, 幺, 两, 洞/〇/零; 叉 for the X of an ID number). Mobile numbers may come with +86 / 0086 and
// spaces or dashes between the groups.
const D = `[${digitCharacters()}]`;
const SEP = '[\\s\\u00A0\\u3000\\-\\u2010-\\u2014\\uFF0D]?';
const ID_NUMBER = new RegExp(`(?<!${D})${D}{6}${SEP}${D}{8}${SEP}${D}{3}[${digitCharacters()}${checkXCharacters()}](?!${D})`, 'gu');
const [ZERO, ONE, SIX, EIGHT] = ['0', '1', '6', '8'].map((d) => `[${digitCharacters(d)}]`);
const COUNTRY = `${EIGHT}${SIX}`;
const MOBILE = new RegExp(
  `(?<!${D})(?:(?:[+\\uFF0B]|${ZERO}{2})?${COUNTRY}${SEP}|[(\\uFF08][+\\uFF0B]?${COUNTRY}[)\\uFF09]${SEP})?${ONE}[${digitCharacters('3456789')}]${D}${SEP}${D}{4}${SEP}${D}{4}(?!${D})`,
  'gu',
);

/** Masks resident ID numbers and mainland mobile numbers anywhere in a piece of text. */
export function maskFreeText(s: string): string {
  return s.replace(ID_NUMBER, MASKED_ID).replace(MOBILE, MASKED_PHONE);
}

/**
 * Replaces each resident ID number and mainland mobile number found in `s` (the shapes above) with what
 * `id` and `phone` make of it: e.g. the display masks 1101**********002X and 138****5678.
 */
export function replaceIdAndPhoneNumbers(s: string, id: (found: string) => string, phone: (found: string) => string): string {
  return s.replace(ID_NUMBER, (found) => id(found)).replace(MOBILE, (found) => phone(found));
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
