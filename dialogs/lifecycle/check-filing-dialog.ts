import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { DialogDeps } from '../dialog-deps.js';
import { filingStatusText, statusToday } from './filing-status.js';
import { IdentityCheckDialog, proveIdentity, provenFiling } from './identity-check-dialog.js';
import { profileOf } from './lifecycle-host.js';

export const CHECK_FILING_DIALOG = 'lifecycle.check';

/**
 * 查询备案 / check my filing: after the identity check, the filing's status as of today and what to do
 * next (filing-status.ts); a person who came by ID number hears of their other filings by reference.
 */
export class CheckFilingDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(CHECK_FILING_DIALOG);
    this.addDialog(new IdentityCheckDialog(deps));
    this.addDialog(new WaterfallDialog(`${CHECK_FILING_DIALOG}.steps`, [proveIdentity, this.show.bind(this)]));
    this.initialDialogId = `${CHECK_FILING_DIALOG}.steps`;
  }

  private async show(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const proven = await provenFiling(step, this.deps);
    if (!proven) return step.endDialog();
    const { kit, stored } = proven;
    const text = filingStatusText(kit, stored, profileOf(stored, this.deps));
    const others = proven.others.length > 0 ? `\n\n${kit.t('lifecycle.check.others', { references: proven.others.join(kit.t('common.listSeparator')) })}` : '';
    await kit.say(text + others, { lifecycle: 'check', filing: { reference: stored.reference, category: stored.category, status: statusToday(stored, kit.deps.today()) } });
    return step.endDialog();
  }
}
