import { normalizeReference } from '../../src/filings/reference.js';
import type { Texts } from '../../src/content/texts.js';
import type { Intent } from '../../src/nlu/understanding.js';
import { saysWordOf } from '../form/recognizers.js';
import { CANCEL_FILING_DIALOG } from './cancel-filing-dialog.js';
import { CHANGE_FILING_DIALOG } from './change-filing-dialog.js';
import { CHECK_FILING_DIALOG } from './check-filing-dialog.js';
import type { IdentityCheckOptions } from './identity-check-dialog.js';

/** Which dialog after submitting the words ask for, and the filing's reference when they name one. */
export interface LifecycleRequest {
  dialog: typeof CHECK_FILING_DIALOG | typeof CANCEL_FILING_DIALOG | typeof CHANGE_FILING_DIALOG;
  options: IdentityCheckOptions;
  /** Said exactly (the advertised words, or a reference): taken over any reading of the words as an answer. */
  exact: boolean;
}

const DIALOG_OF_INTENT = { checkFiling: CHECK_FILING_DIALOG, cancelFiling: CANCEL_FILING_DIALOG, changeFiling: CHANGE_FILING_DIALOG } as const;

/**
 * The characters whose NFKC form holds a y or Y (y, Y, fullwidth, circled, mathematical…; the test checks
 * the list against every code point): words without one hold no reference, and are not folded or searched.
 */
export const FOLDS_TO_Y =
  /[Yy\u02B8\u24B4\u24CE\u24E8\u33C9\uFF39\uFF59\u{1CCEE}\u{1D418}\u{1D432}\u{1D44C}\u{1D466}\u{1D480}\u{1D49A}\u{1D4B4}\u{1D4CE}\u{1D4E8}\u{1D502}\u{1D51C}\u{1D536}\u{1D550}\u{1D56A}\u{1D584}\u{1D59E}\u{1D5B8}\u{1D5D2}\u{1D5EC}\u{1D606}\u{1D620}\u{1D63A}\u{1D654}\u{1D66E}\u{1D688}\u{1D6A2}\u{1F128}\u{1F148}]/u;

/** A reference written anywhere in the words (YD + 8 digits + 6 symbols, spaces or hyphens between), in canonical form. */
function referenceIn(text: string): string | undefined {
  if (!FOLDS_TO_Y.test(text)) return undefined;
  const folded = text.normalize('NFKC');
  for (const m of folded.matchAll(/y\s*d[\s\-－—_]*\d{8}[\s\-－—_]*[0-9a-z]{6}/gi)) {
    const reference = normalizeReference(m[0]);
    if (reference) return reference;
  }
  return undefined;
}

type LifecycleIntent = keyof typeof DIALOG_OF_INTENT;

const LIFECYCLE_INTENTS = Object.keys(DIALOG_OF_INTENT) as LifecycleIntent[];
const ALL_LIFECYCLE_WORDS = LIFECYCLE_INTENTS.map((intent) => `lifecycle.words.${intent}`);

/**
 * The words the menu and the help advertise (content: lifecycle.words.<intent>), exactly, in either language:
 * first whether they are any of them (the words normalised once), then which.
 */
function exactIntent(text: string, texts: Texts): LifecycleIntent | undefined {
  if (!saysWordOf(texts, text, ALL_LIFECYCLE_WORDS)) return undefined;
  return LIFECYCLE_INTENTS.find((intent) => saysWordOf(texts, text, [`lifecycle.words.${intent}`]));
}

/**
 * 查询备案 / 取消备案 / 变更备案: the words the menu advertises, or said in the person's own words (the
 * intents checkFiling, cancelFiling, changeFiling), with or without a reference; or a bare reference,
 * which is a check.
 */
export function lifecycleRequest(text: string, intentOf: (text: string) => Intent | undefined, texts: Texts): LifecycleRequest | undefined {
  const reference = referenceIn(text);
  const options: IdentityCheckOptions = reference ? { reference } : {};
  const rest = reference ? text.normalize('NFKC').replace(/y\s*d[\s\-－—_]*\d{8}[\s\-－—_]*[0-9a-z]{6}/gi, ' ').trim() : text;
  const exact = rest ? exactIntent(rest, texts) : undefined;
  const intent = exact ?? (rest ? intentOf(rest) : undefined);
  if (intent === 'checkFiling' || intent === 'cancelFiling' || intent === 'changeFiling') return { dialog: DIALOG_OF_INTENT[intent], options, exact: exact !== undefined || reference !== undefined };
  // A bare reference (nothing else said, or nothing else understood): the person wants to know how it stands.
  if (reference && (rest.replace(/[\p{P}\s]/gu, '') === '' || intent === undefined)) return { dialog: CHECK_FILING_DIALOG, options, exact: true };
  return undefined;
}
