import { LOCALES } from '../../src/content/texts.js';
import { naturalDate } from '../../src/content/natural.js';
import { parseDate, parseDateRange } from '../../src/domain/dates.js';
import { checkNewEndDate } from '../../src/domain/lifecycle.js';
import { normalizeReference } from '../../src/filings/reference.js';
import { checkMobile, maskMobile } from '../../src/domain/phone.js';
import { checkResidentId, maskResidentId } from '../../src/domain/resident-id.js';
import { fail, ok, type Check } from '../../src/domain/result.js';
import type { FilingContext } from '../filing-context.js';
import { FILING_FORM } from '../filing-form.js';
import { asking, type Asking } from '../form/declaration.js';
import { normalizeAnswer, type Recognizer } from '../form/recognition.js';
import { choice, choiceLabel, text, yesNo } from '../form/recognizers.js';

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
  takes: 'idNumber',
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
  takes: 'idNumber',
  nav: false,
  readBack: false,
});

export const LC_PHONE = asking<FilingContext, string>({
  id: 'lifecycle.phone',
  purpose: 'Identity check: the mobile number on file for that person (the one-time code goes to it).',
  recognizer: text({ parse: (t) => checkMobile(t), label: (v) => maskMobile(v) }),
  takes: 'phone',
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
const CHANGEABLE_FIELDS = ['institutions', 'address', 'phone', 'endDate', 'PLACE'] as const;
export type ChangeableField = (typeof CHANGEABLE_FIELDS)[number];

const fieldChoice = choice<FilingContext, string>({ values: (c) => c.state.lifecycle?.changeable ?? [] });

/** The end date named as a whole answer (its label or a synonym, in either language), when it is not among the choices. */
function namesEndDate(said: string, id: string, c: FilingContext): boolean {
  const words = LOCALES.flatMap((l) => [choiceLabel(c.texts, l, id, 'endDate'), ...c.texts.list(l, `prompts.${id}.synonyms.endDate`)]);
  const answer = normalizeAnswer(said);
  return answer !== '' && words.some((w) => normalizeAnswer(w) === answer);
}

/**
 * Which answer to change: the choices of this filing; the end date asked for where it cannot change (a
 * long-term filing has none, or the profile sets it) is answered with the reason, and the question again.
 */
const changeFieldRecognizer: Recognizer<FilingContext, string> = {
  ...fieldChoice,
  recognize(said, scope) {
    const refused = scope.c.state.lifecycle?.endDateRefused;
    if (refused && namesEndDate(said, scope.id, scope.c)) return { status: 'invalid', error: refused.error, ...(refused.params ? { params: refused.params } : {}) };
    return fieldChoice.recognize(said, scope);
  },
};

export const LC_CHANGE_FIELD = asking<FilingContext, string>({
  id: 'lifecycle.change.field',
  purpose: 'Which answer of a filing to change: the ones its category and profile allow, or the treatment place (a new filing).',
  recognizer: changeFieldRecognizer,
  nav: false,
});

/** A new value asked with the filing's own question (the same recogniser, so the same checks), under an id of its own. */
function changeOf(field: 'institutions' | 'address' | 'phone', questionId: string, purpose: string): Asking<FilingContext, any> {
  const question = FILING_FORM.byId(questionId);
  if (!question) throw new Error(`lifecycle: no filing question ${questionId}`);
  return asking<FilingContext, unknown>({
    id: `lifecycle.change.${field}`,
    purpose,
    recognizer: question.recognizer,
    ...(question.params ? { params: question.params } : {}),
    ...(question.takes ? { takes: question.takes } : {}),
    nav: false,
  });
}

/**
 * A new end date, read as the filing's start date is (the same recogniser: 下个月底, "end of March", a period
 * ending on its last day) and checked by the domain against the bounds of the filing being changed.
 */
function parseEndDate(said: string, c: FilingContext): Check<string> {
  const bounds = c.state.lifecycle?.endDate;
  if (!bounds) return fail(c.state.lifecycle?.endDateRefused?.error ?? 'END_DATE_NONE');
  const options = { locale: c.locale, today: c.today, prefer: 'future' as const };
  let date = parseDate(said, options);
  if (!date.ok && date.error === 'DATE_AMBIGUOUS') {
    const range = parseDateRange(said, options);
    if (range.ok) date = ok(range.value.end);
  }
  return date.ok ? checkNewEndDate(date.value, bounds) : date;
}

export const LC_CHANGE_END_DATE = asking<FilingContext, string>({
  id: 'lifecycle.change.endDate',
  purpose: 'Change: the new end date of a temporary filing, within the bounds its profile sets (not before today or the minimum validity, not after the maximum).',
  recognizer: text({ parse: parseEndDate, label: (v, c) => naturalDate(v, c.locale), readsWords: true }),
  params: (c) => {
    const b = c.state.lifecycle?.endDate;
    // The example is a day the check takes: the latest bound, or the earliest when that is the end it has.
    const example = b ? naturalDate(b.latest !== b.current ? b.latest : b.earliest, c.locale) : '';
    return { current: b?.current ?? '', earliest: b?.earliest ?? '', latest: b?.latest ?? '', example };
  },
  nav: false,
});

export const LC_CHANGE_VALUE: Record<Exclude<ChangeableField, 'PLACE'>, Asking<FilingContext, any>> = {
  institutions: changeOf('institutions', 'details.institutions', 'Change: the new designated medical institutions (the filing\'s question and checks).'),
  address: changeOf('address', 'details.address', 'Change: the new address at the destination (the filing\'s question and checks).'),
  phone: changeOf('phone', 'details.phone', 'Change: the insured person\'s new mobile number (the filing\'s question and checks).'),
  endDate: LC_CHANGE_END_DATE,
};

/** Every asking of the dialogs after submitting, in the order a person meets them. */
export const LIFECYCLE_ASKINGS: readonly Asking<FilingContext, any>[] = [LC_FIND, LC_ID_NUMBER, LC_PHONE, LC_CODE, LC_CANCEL_CONFIRM, LC_CHANGE_FIELD, ...Object.values(LC_CHANGE_VALUE)];

/** True for a promptId of these dialogs (an interruption does not start another check over one of them). */
export const isLifecyclePrompt = (promptId: string | undefined): boolean => promptId !== undefined && promptId.startsWith('lifecycle.');
