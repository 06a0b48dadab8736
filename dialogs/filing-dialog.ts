import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { DialogDeps } from './dialog-deps.js';
import { OUTCOME_DIALOG, OutcomeDialog, type OutcomeResult } from './outcome-dialog.js';
import { DETAILS_STAGES, SITUATION_STAGES } from './filing-form.js';
import { QuestionsDialog } from './questions-dialog.js';
import { REVIEW_DIALOG, ReviewDialog, type ReviewResult } from './review-dialog.js';
import { TurnKit } from './turn-kit.js';
import { recordFunnel } from './funnel.js';

export const FILING_DIALOG = 'filing';
export const SITUATION_DIALOG = 'situation';
export const DETAILS_DIALOG = 'details';

export type FilingResult = { kind: 'submitted'; reference: string } | { kind: 'ended' } | { kind: 'cancelled' };

/**
 * One filing from the first question to the reference number: situation → outcome and consequences →
 * details → summary and submit. Each stage skips what is already answered, so the dialog can be
 * restarted at any time (back, edit, a language switch, a resumed conversation) without losing anything.
 */
export class FilingDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(FILING_DIALOG);
    this.addDialog(new QuestionsDialog(SITUATION_DIALOG, SITUATION_STAGES, deps));
    this.addDialog(new OutcomeDialog(deps));
    this.addDialog(new QuestionsDialog(DETAILS_DIALOG, DETAILS_STAGES, deps));
    this.addDialog(new ReviewDialog(deps));
    this.addDialog(
      new WaterfallDialog(`${FILING_DIALOG}.steps`, [
        this.situation.bind(this),
        this.outcome.bind(this),
        this.details.bind(this),
        this.review.bind(this),
        this.finish.bind(this),
      ]),
    );
    this.initialDialogId = `${FILING_DIALOG}.steps`;
  }

  private async situation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (!kit.state.active) {
      kit.state.active = true;
      recordFunnel(step.context, 'conversation_started');
    }
    return step.beginDialog(SITUATION_DIALOG);
  }

  private async outcome(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (kit.state.consent?.personalInfo === false) {
      await kit.say(kit.t('messages.consentDeclined'));
      kit.state.active = false;
      return step.endDialog({ kind: 'ended' } satisfies FilingResult);
    }
    return step.beginDialog(OUTCOME_DIALOG);
  }

  private async details(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as OutcomeResult).ended) return step.endDialog({ kind: 'ended' } satisfies FilingResult);
    return step.beginDialog(DETAILS_DIALOG);
  }

  private async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.beginDialog(REVIEW_DIALOG);
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as ReviewResult;
    if (result.kind === 'edit') return step.replaceDialog(`${FILING_DIALOG}.steps`);
    return step.endDialog(result satisfies FilingResult);
  }
}
