import { normalizeReference } from '../../src/filings/reference.js';
import { checkMobile, maskMobile } from '../../src/domain/phone.js';
import { checkResidentId, maskResidentId } from '../../src/domain/resident-id.js';
import { fail, ok, type Check } from '../../src/domain/result.js';
import type { FilingContext } from '../filing-context.js';
import { FILING_FORM } from '../filing-form.js';
import { asking, type Asking } from '../form/declaration.js';
import { choice, text, yesNo } from '../form/recognizers.js';

/**
 * What the dialogs after submitting ask — which filing, the identity check (ID number, phone, one-time
 * code), "cancel it?", which answer to change and its new value — one declaration each. Their words are in
 * content/locales/<locale>/prompts.lifecycle.json (prompts.lifecycle.<…>), their errors in
 * errors.lifecycle.json. None is a step of the filing form, and none offers back or help as buttons.
 */

/** How a person names the filing they mean: its reference, or (the reference lost) the insured person's ID number. */
export type FilingKey = { kind: 'reference'; reference: string } | { kind: 'idNumber'; idNumber: string };

function parseFilingKey(said: string, c: FilingContext): Check<FilingKey> {
  const reference = normalizeReference(said);
  if (reference) return ok({ kind: 'reference', reference });
  const compact = said.normalize('NFKC').replace(/[\s-]/g, '');
  if (/^yd/i.test(compact)) return fail('lifecycle.REFERENCE_TYPO');
  if (/^\d{15,17}[\dxX]?$/.test(compact)) {
    const id = checkResidentId(said, c.today);
    return id.ok ? ok({ kind: 'idNumber', idNumber: id.value.number }) : id;
  }
  return fail('lifecycle.FIND_INVALID');
}

export const LC_FIND = asking<FilingContext, FilingKey>({
  id: 'lifecycle.find',
  purpose: 'Which filing to check, cancel or change: its reference number, or the insured person\'s ID number when the reference is lost (nothing is shown before the identity check).',
  recognizer: text({ parse: parseFilingKey, label: (v) => (v.kind === 'reference' ? v.reference : maskResidentId(v.idNumber)) }),
  nav: false,
  readBack: false,
});

export const LC_ID_NUMBER = asking<FilingContext, string>({
  id: 'lifecycle.idNumber',
  purpose: 'Identity check: the full resident ID number of the insured person, or of the agent who filed (compared as a keyed hash, never shown).',
  recognizer: text({
    parse: (t, c) => {
      const id = checkResidentId(t, c.today);
      return id.ok ? ok(id.value.number) : id;
    },
    label: (v) => maskResidentId(v),
  }),
  nav: false,
  readBack: false,
});

export const LC_PHONE = asking<FilingContext, string>({
  id: 'lifecycle.phone',
  purpose: 'Identity check: the mobile number on file for that person (the one-time code goes to it).',
  recognizer: text({ parse: (t) => checkMobile(t), label: (v) => maskMobile(v) }),
  nav: false,
  readBack: false,
});

/** Six digits, as typed or read out (spaces, full-width digits). */
function parseCode(said: string): Check<string> {
  const digits = said.normalize('NFKC').replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? ok(digits) : fail('lifecycle.CODE_FORMAT');
}

export const LC_CODE = asking<FilingContext, string>({
  id: 'lifecycle.code',
  purpose: 'Identity check: the six-digit one-time code sent by SMS to the phone on file.',
  recognizer: text({ parse: parseCode, label: () => '******' }),
  nav: false,
  readBack: false,
});

export const LC_CANCEL_CONFIRM = asking<FilingContext, boolean>({
  id: 'lifecycle.cancel.confirm',
  purpose: 'Cancel the filing, after being told what cancelling means under its profile: yes or no.',
  recognizer: yesNo(),
  nav: false,
});

/** The answers of a filing a person may change (a new treatment place is a new filing, told so). */
const CHANGEABLE_FIELDS = ['institutions', 'address', 'phone', 'PLACE'] as const;
export type ChangeableField = (typeof CHANGEABLE_FIELDS)[number];

export const LC_CHANGE_FIELD = asking<FilingContext, string>({
  id: 'lifecycle.change.field',
  purpose: 'Which answer of a filing to change: the ones its category and profile allow, or the treatment place (a new filing).',
  recognizer: choice({ values: (c) => c.state.lifecycle?.changeable ?? [] }),
  nav: false,
});

/** A new value asked with the filing's own question (the same recogniser, so the same checks), under an id of its own. */
function changeOf(field: Exclude<ChangeableField, 'PLACE'>, questionId: string, purpose: string): Asking<FilingContext, any> {
  const question = FILING_FORM.byId(questionId);
  if (!question) throw new Error(`lifecycle: no filing question ${questionId}`);
  return asking<FilingContext, unknown>({
    id: `lifecycle.change.${field}`,
    purpose,
    recognizer: question.recognizer,
    ...(question.params ? { params: question.params } : {}),
    nav: false,
  });
}

export const LC_CHANGE_VALUE: Record<Exclude<ChangeableField, 'PLACE'>, Asking<FilingContext, any>> = {
  institutions: changeOf('institutions', 'details.institutions', 'Change: the new designated medical institutions (the filing\'s question and checks).'),
  address: changeOf('address', 'details.address', 'Change: the new address at the destination (the filing\'s question and checks).'),
  phone: changeOf('phone', 'details.phone', 'Change: the insured person\'s new mobile number (the filing\'s question and checks).'),
};

/** Every asking of the dialogs after submitting, in the order a person meets them. */
export const LIFECYCLE_ASKINGS: readonly Asking<FilingContext, any>[] = [LC_FIND, LC_ID_NUMBER, LC_PHONE, LC_CODE, LC_CANCEL_CONFIRM, LC_CHANGE_FIELD, ...Object.values(LC_CHANGE_VALUE)];

/** True for a promptId of these dialogs (an interruption does not start another check over one of them). */
export const isLifecyclePrompt = (promptId: string | undefined): boolean => promptId !== undefined && promptId.startsWith('lifecycle.');
