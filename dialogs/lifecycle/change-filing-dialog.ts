import { randomUUID } from 'node:crypto';
import { TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { compareDates } from '../../src/domain/calendar.js';
import { groupOf } from '../../src/domain/categories.js';
import { expectedEndDate, isFilable, validateFiling, type FilableCategory } from '../../src/domain/filing.js';
import { checkNewEndDate, earliestCancelDate, endDateBounds } from '../../src/domain/lifecycle.js';
import type { RegionProfile } from '../../src/domain/profile.js';
import { FilingStoreError, type StoredFiling } from '../../src/filings/filing-store.js';
import { ASKINGS } from '../conversation-askings.js';
import type { DialogDeps } from '../dialog-deps.js';
import { asked, QuestionPrompt } from '../form/question-prompt.js';
import { showPlace } from '../place-recognizer.js';
import { TurnKit } from '../turn-kit.js';
import { filingParams, statusToday, waitCapNote } from './filing-status.js';
import { IdentityCheckDialog, proveIdentity, provenFiling } from './identity-check-dialog.js';
import { LC_CHANGE_FIELD, LC_CHANGE_VALUE, type ChangeableField } from './lifecycle-askings.js';
import { lifecycleHost, profileOf, recordOf } from './lifecycle-host.js';

export const CHANGE_FILING_DIALOG = 'lifecycle.change';

interface Values {
  reference?: string;
  field?: Exclude<ChangeableField, 'PLACE'>;
  /** The new filing's idempotency key: a repeated answer files it once. */
  key?: string;
}

/**
 * What of a filing its profile lets the person change: institutions where the profile has them, the address
 * of a long-term filing, the phone, the end date of a temporary one where the profile lets a person change
 * it (`endDate`: there are bounds today); a new treatment place is a new filing.
 */
export function changeableFields(category: FilableCategory, profile: RegionProfile, endDate = false): ChangeableField[] {
  const institutions = profile.designatedInstitutions.required.value && profile.designatedInstitutions.max > 0;
  return [
    ...(institutions ? ['institutions' as const] : []),
    ...(groupOf(category) === 'LONG_TERM' ? ['address' as const] : []),
    'phone',
    ...(endDate ? ['endDate' as const] : []),
    'PLACE',
  ];
}

/** The bounds of a new end date for a stored filing today (domain: endDateBounds), or the error code why there are none. */
function endDateRuleOf(stored: StoredFiling, profile: RegionProfile, today: string) {
  const f = recordOf(stored);
  return endDateBounds({ startDate: f.startDate ?? today, endDate: f.endDate ?? null }, profile, today);
}

/**
 * 变更备案 / change: after the identity check, a filing in force (and, for a long-term one, past the wait
 * its profile sets for a change or a cancellation) may change one answer, asked with the filing's own
 * question and checks (its recogniser, the domain's validation). The result is a new filing that replaces
 * the old one, with the old one's validity (its start and end dates, the admission date it rests on): a
 * new phone, address or institutions never lengthen a filing or restart a wait. A temporary filing's end
 * date may change where its profile allows (profile.temporary.endDateChange: within the bounds of
 * src/domain/lifecycle.ts endDateBounds), its start kept; asked for where it cannot (a long-term filing has
 * none, or the profile sets it), the person is told why. The old one becomes CHANGED.
 */
export class ChangeFilingDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(CHANGE_FILING_DIALOG);
    this.addDialog(new IdentityCheckDialog(deps));
    this.addDialog(new QuestionPrompt(ASKINGS, lifecycleHost(deps)));
    this.addDialog(new WaterfallDialog(`${CHANGE_FILING_DIALOG}.steps`, [proveIdentity, this.which.bind(this), this.ask.bind(this), this.apply.bind(this)]));
    this.initialDialogId = `${CHANGE_FILING_DIALOG}.steps`;
  }

  private async which(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const proven = await provenFiling(step, this.deps);
    if (!proven) return step.endDialog();
    const { kit, stored } = proven;
    if (!isFilable(stored.category)) return step.endDialog();
    const profile = profileOf(stored, this.deps);
    const today = kit.deps.today();
    const params = { ...filingParams(kit, profile), reference: stored.reference };
    const status = statusToday(stored, today);
    if (status !== 'EFFECTIVE') {
      await kit.say(kit.t('lifecycle.change.notChangeable', { ...params, status: kit.t(`pages.receipt.statuses.${status}`) }), { lifecycle: 'change', refused: 'NOT_CHANGEABLE' });
      return step.endDialog();
    }
    const f = recordOf(stored);
    const earliest = f.startDate ? earliestCancelDate({ category: stored.category, startDate: f.startDate }, profile) : null;
    if (groupOf(stored.category) === 'LONG_TERM' && earliest !== null && compareDates(today, earliest) < 0) {
      await kit.say(kit.t('lifecycle.change.tooEarly', { ...params, earliest }), { lifecycle: 'change', refused: 'CHANGE_TOO_EARLY', earliest });
      return step.endDialog();
    }
    const values = step.values as Values;
    values.reference = stored.reference;
    values.key = randomUUID();
    const endDate = endDateRuleOf(stored, profile, today);
    kit.state.lifecycle = {
      reference: stored.reference,
      profileId: profile.id,
      changeable: changeableFields(stored.category, profile, endDate.ok),
      ...(endDate.ok
        ? { endDate: endDate.value }
        : { endDateRefused: { error: endDate.error, params: { ...stringParams(endDate.params), hotline: profile.hotline.value } } }),
    };
    const cap = waitCapNote(kit, stored, profile, 'change');
    if (cap) await kit.say(cap, { lifecycle: 'change', waitCap: true });
    return step.prompt(QuestionPrompt.ID, asked({ promptId: LC_CHANGE_FIELD.id, params }));
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const values = step.values as Values;
    const field = String(step.result) as ChangeableField;
    if (field === 'PLACE') {
      delete kit.state.lifecycle;
      await kit.say(kit.t('lifecycle.change.place', { reference: values.reference! }), { lifecycle: 'change', field });
      return step.endDialog();
    }
    values.field = field;
    const stored = (await this.deps.filings.get(values.reference!))!;
    const place = recordOf(stored).treatmentPlace;
    return step.prompt(QuestionPrompt.ID, asked({ promptId: LC_CHANGE_VALUE[field].id, params: { place: place ? showPlace(place, kit.locale) : '' } }));
  }

  /** The new filing: the old one's record with the new answer, checked by the domain's schema, filed once with the old one's validity; the old one CHANGED. */
  private async apply(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const values = step.values as Values;
    delete kit.state.lifecycle;
    const old = await this.deps.filings.get(values.reference!);
    if (!old || !isFilable(old.category)) return step.endDialog();
    const profile = profileOf(old, this.deps);
    const today = kit.deps.today();
    // A new end date is checked again against today's bounds (the answer may come on another day).
    let newEnd: string | undefined;
    if (values.field === 'endDate') {
      const bounds = endDateRuleOf(old, profile, today);
      const end = bounds.ok ? checkNewEndDate(String(step.result), bounds.value) : bounds;
      if (!end.ok) {
        const problem = kit.t(`errors.${end.error}`, { ...stringParams(end.params), hotline: profile.hotline.value });
        await sayInvalid(kit, profile, problem, end.error);
        return step.endDialog();
      }
      newEnd = end.value;
    }
    const draft = changedRecord(old, profile, today, values.field!, step.result);
    const checked = validateFiling(draft, profile, today);
    if (!checked.ok) {
      const problem = kit.has(`errors.${checked.error}`) ? kit.t(`errors.${checked.error}`, checked.params) : kit.t('errors.FIELD_INVALID');
      await sayInvalid(kit, profile, problem, checked.error);
      return step.endDialog();
    }
    let stored: StoredFiling;
    try {
      // The store files the new filing and marks the old one CHANGED (replacedBy) in one durable step.
      ({ stored } = await this.deps.filings.submit({
        idempotencyKey: values.key!,
        category: old.category,
        profileId: profile.id,
        profileVersion: profile.version,
        filing: { ...(checked.value as Record<string, unknown>), ...validityOf(old), ...(newEnd !== undefined ? { endDate: newEnd } : {}) },
        replaces: old.reference,
        origin: { channel: step.context.activity.channelId, conversation: TurnContext.getConversationReference(step.context.activity), locale: kit.locale },
      }));
    } catch (e) {
      if (!(e instanceof FilingStoreError && e.code === 'ILLEGAL_TRANSITION')) throw e;
      // It moved on since the person was asked (cancelled or changed elsewhere, expired).
      const now = await this.deps.filings.get(old.reference);
      await kit.say(kit.t('lifecycle.change.notChangeable', { ...filingParams(kit, profile), reference: old.reference, status: kit.t(`pages.receipt.statuses.${now?.status ?? old.status}`) }), { lifecycle: 'change', refused: 'NOT_CHANGEABLE' });
      return step.endDialog();
    }
    const done = newEnd !== undefined ? 'lifecycle.change.doneEndDate' : 'lifecycle.change.done';
    await kit.say(kit.t(done, { reference: stored.reference, old: old.reference, field: kit.t(`prompts.${LC_CHANGE_FIELD.id}.choices.${values.field}`), endDate: newEnd ?? '' }), {
      lifecycle: 'change',
      filing: { reference: stored.reference, category: stored.category, status: stored.status, replaces: old.reference, ...(newEnd !== undefined ? { endDate: newEnd } : {}) },
    });
    return step.endDialog();
  }
}

/**
 * What a change keeps of the old filing whatever the new answer: when it starts and ends, and whether (and
 * from which admission) it was retroactive, with the answers that says rest on.
 */
function validityOf(old: StoredFiling): Record<string, unknown> {
  const { startDate, endDate, retroactive, admissionDate, basis } = recordOf(old);
  return { startDate, endDate, retroactive, ...(admissionDate !== undefined ? { admissionDate } : {}), ...(basis !== undefined ? { basis } : {}) };
}

/**
 * The old filing's record with one answer changed, as a filing made today (to check the new answer with
 * the domain's rules of today; the old validity is put back after: validityOf): it starts today (a temporary
 * one's validity counted from today, as the profile sets it), planned rather than retroactive, under the
 * profile's current version.
 */
function changedRecord(old: StoredFiling, profile: RegionProfile, today: string, field: Exclude<ChangeableField, 'PLACE'>, value: unknown): Record<string, unknown> {
  const record = structuredClone(recordOf(old)) as Record<string, unknown> & { person?: Record<string, unknown>; basis?: { answers?: Record<string, unknown> } };
  const category = old.category as FilableCategory;
  record.startDate = today;
  record.endDate = expectedEndDate(category, profile, today);
  if (record.retroactive === true) {
    record.retroactive = false;
    delete record.admissionDate;
    if (record.basis?.answers) record.basis.answers.now = 'PLANNING';
  }
  record.profileId = profile.id;
  record.profileVersion = profile.version;
  if (field === 'institutions') record.institutions = value;
  if (field === 'address') record.address = value;
  if (field === 'phone') record.person = { ...(record.person ?? {}), phone: value };
  return record;
}

/** The new answer does not hold (`problem`, the domain's error `code`): the person is told why, the filing unchanged. */
function sayInvalid(kit: TurnKit, profile: RegionProfile, problem: string, code: string): Promise<void> {
  return kit.say(kit.t('lifecycle.change.invalid', { problem: withoutStop(problem), ...filingParams(kit, profile) }), { lifecycle: 'change', error: 'FILING_INVALID', problem: code });
}

/** A sentence put inside another, without its own full stop ("…：{problem}。"). */
const withoutStop = (sentence: string): string => sentence.replace(/[。.]\s*$/u, '');

/** A check's params as sentence placeholders. */
function stringParams(params: Record<string, string | number> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, String(v)]));
}
