import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { groupOf } from '../../src/domain/categories.js';
import { isFilable } from '../../src/domain/filing.js';
import { canCancel } from '../../src/domain/lifecycle.js';
import { ASKINGS } from '../conversation-askings.js';
import type { DialogDeps } from '../dialog-deps.js';
import { asked, QuestionPrompt } from '../form/question-prompt.js';
import { TurnKit } from '../turn-kit.js';
import { filingParams, waitCapNote } from './filing-status.js';
import { IdentityCheckDialog, proveIdentity, provenFiling } from './identity-check-dialog.js';
import { LC_CANCEL_CONFIRM } from './lifecycle-askings.js';
import { lifecycleHost, profileOf, recordOf, setStatusByPerson } from './lifecycle-host.js';

export const CANCEL_FILING_DIALOG = 'lifecycle.cancel';

/**
 * 取消备案 / cancel: after the identity check, the rules of the filing's profile (src/domain/lifecycle.ts
 * canCancel): a long-term filing before its start plus the profile's wait is refused with the earliest
 * date; a temporary filing past its end needs nothing; a filing not in force cannot be cancelled; otherwise
 * the person is told what cancelling means under the profile and asked to confirm, and the filing becomes
 * CANCELLED (the person's act).
 */
export class CancelFilingDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(CANCEL_FILING_DIALOG);
    this.addDialog(new IdentityCheckDialog(deps));
    this.addDialog(new QuestionPrompt(ASKINGS, lifecycleHost(deps)));
    this.addDialog(new WaterfallDialog(`${CANCEL_FILING_DIALOG}.steps`, [proveIdentity, this.decide.bind(this), this.act.bind(this)]));
    this.initialDialogId = `${CANCEL_FILING_DIALOG}.steps`;
  }

  private async decide(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const proven = await provenFiling(step, this.deps);
    if (!proven) return step.endDialog();
    const { kit, stored } = proven;
    if (!isFilable(stored.category)) return step.endDialog();
    const profile = profileOf(stored, this.deps);
    const f = recordOf(stored);
    const params = { ...filingParams(kit, profile), reference: stored.reference };
    const allowed = canCancel({ category: stored.category, startDate: f.startDate ?? '', endDate: f.endDate ?? null, status: stored.status }, profile, kit.deps.today());
    if (!allowed.ok) {
      const status = String(allowed.params?.status ?? '');
      // A temporary filing past its end has ended by itself: nothing to do.
      const key = allowed.error === 'FILING_EXPIRED' || status === 'EXPIRED' ? 'lifecycle.cancel.expired' : allowed.error === 'CANCEL_TOO_EARLY' ? 'lifecycle.cancel.tooEarly' : 'lifecycle.cancel.notCancellable';
      const statusWords = status ? kit.t(`pages.receipt.statuses.${status}`) : '';
      await kit.say(kit.t(key, { ...params, earliest: String(allowed.params?.earliest ?? ''), endDate: f.endDate ?? '', status: statusWords }), {
        lifecycle: 'cancel',
        refused: allowed.error,
        ...(allowed.params?.earliest ? { earliest: allowed.params.earliest } : {}),
      });
      return step.endDialog();
    }
    (step.values as { reference?: string }).reference = stored.reference;
    const group = groupOf(stored.category) === 'LONG_TERM' ? 'LONG_TERM' : 'TEMPORARY';
    const card = group === 'LONG_TERM' ? profile.longTerm.insuredPlaceCard.value : profile.temporary.insuredPlaceCard.value;
    const cap = waitCapNote(kit, stored, profile, 'cancel');
    await kit.say([kit.t(`lifecycle.cancel.means.${group}.${card}`, params), ...(cap ? [cap] : [])].join('\n\n'), { lifecycle: 'cancel', reference: stored.reference });
    return step.prompt(QuestionPrompt.ID, asked({ promptId: LC_CANCEL_CONFIRM.id, params: { reference: stored.reference } }));
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const reference = (step.values as { reference?: string }).reference!;
    if (step.result !== true) {
      await kit.say(kit.t('lifecycle.cancel.kept', { reference }), { lifecycle: 'cancel', kept: reference });
      return step.endDialog();
    }
    const stored = await setStatusByPerson(this.deps, reference, 'CANCELLED');
    if (!stored) {
      // It moved on since the person was asked (expired, changed elsewhere): told how it stands now.
      const now = await this.deps.filings.get(reference);
      const profile = now ? profileOf(now, this.deps) : kit.profile;
      await kit.say(kit.t('lifecycle.cancel.notCancellable', { ...filingParams(kit, profile), status: kit.t(`pages.receipt.statuses.${now?.status ?? 'CANCELLED'}`) }), { lifecycle: 'cancel', refused: 'NOT_CANCELLABLE' });
      return step.endDialog();
    }
    await kit.say(kit.t('lifecycle.cancel.done', { reference }), { lifecycle: 'cancel', filing: { reference, status: stored.status } });
    return step.endDialog();
  }
}
