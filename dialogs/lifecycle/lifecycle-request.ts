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

/** A reference (YD + 8 digits + 6 symbols, spaces or hyphens between), in words folded by NFKC (full-width, circled, styled letters). */
const REFERENCE = /y\s*d[\s\-－—_]*\d{8}[\s\-－—_]*[0-9a-z]{6}/gi;

/** A reference written anywhere in the folded words, in canonical form. */
function referenceIn(folded: string): string | undefined {
  for (const m of folded.matchAll(REFERENCE)) {
    const reference = normalizeReference(m[0]);
    if (reference) return reference;
  }
  return undefined;
}

type LifecycleIntent = keyof typeof DIALOG_OF_INTENT;

const LIFECYCLE_INTENTS = Object.keys(DIALOG_OF_INTENT) as LifecycleIntent[];

/** The words the menu and the help advertise (content: lifecycle.words.<intent>), exactly, in either language. */
function exactIntent(text: string, texts: Texts): LifecycleIntent | undefined {
  return LIFECYCLE_INTENTS.find((intent) => saysWordOf(texts, text, [`lifecycle.words.${intent}`]));
}

/**
 * 查询备案 / 取消备案 / 变更备案: the words the menu advertises, or said in the person's own words (the
 * intents checkFiling, cancelFiling, changeFiling), with or without a reference; or a bare reference,
 * which is a check.
 */
export function lifecycleRequest(text: string, intentOf: (text: string) => Intent | undefined, texts: Texts): LifecycleRequest | undefined {
  const folded = text.normalize('NFKC');
  const reference = referenceIn(folded);
  const options: IdentityCheckOptions = reference ? { reference } : {};
  const rest = reference ? folded.replace(REFERENCE, ' ').trim() : text;
  const exact = rest ? exactIntent(rest, texts) : undefined;
  const intent = exact ?? (rest ? intentOf(rest) : undefined);
  if (intent === 'checkFiling' || intent === 'cancelFiling' || intent === 'changeFiling') return { dialog: DIALOG_OF_INTENT[intent], options, exact: exact !== undefined || reference !== undefined };
  // A bare reference (nothing else said, or nothing else understood): the person wants to know how it stands.
  if (reference && (rest.replace(/[\p{P}\s]/gu, '') === '' || intent === undefined)) return { dialog: CHECK_FILING_DIALOG, options, exact: true };
  return undefined;
}
