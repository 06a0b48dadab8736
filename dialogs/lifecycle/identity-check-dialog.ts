import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { maskMobile } from '../../src/domain/phone.js';
import type { StoredFiling } from '../../src/filings/filing-store.js';
import type { IdentityCheck } from '../../src/identity/identity-check.js';
import { ASKINGS } from '../conversation-askings.js';
import type { DialogDeps } from '../dialog-deps.js';
import { asked, QuestionPrompt } from '../form/question-prompt.js';
import { TurnKit } from '../turn-kit.js';
import { LC_CODE, LC_FIND, LC_ID_NUMBER, LC_PHONE, type FilingKey } from './lifecycle-askings.js';
import { lifecycleHost, recordOf, subjectOf } from './lifecycle-host.js';

export const IDENTITY_CHECK_DIALOG = 'lifecycle.identity';
const STEPS = `${IDENTITY_CHECK_DIALOG}.steps`;
const CODE_LOOP = `${IDENTITY_CHECK_DIALOG}.code`;

export interface IdentityCheckOptions {
  /** The filing's reference when the person already named it (a bare reference typed anywhere). */
  reference?: string;
}

/** Proven: the filing the person may see and act on, and their other filings (newest first) when they came by ID number. */
export type IdentityCheckResult = { proven: true; reference: string; others: string[] } | { proven: false };

/** The first step of a dialog after submitting: the identity check, for the filing the options name (if any). */
export async function proveIdentity(step: WaterfallStepContext): Promise<DialogTurnResult> {
  return step.beginDialog(IDENTITY_CHECK_DIALOG, (step.options ?? {}) as IdentityCheckOptions);
}

/** The filing the check proved, read in the step after proveIdentity. */
export interface ProvenFiling {
  kit: TurnKit;
  stored: StoredFiling;
  /** The person's other filings, newest first (when they came by ID number). */
  others: string[];
}

/** The step after proveIdentity: the turn's kit and the proven filing, or undefined when not proven or no longer stored. */
export async function provenFiling(step: WaterfallStepContext, deps: DialogDeps): Promise<ProvenFiling | undefined> {
  const result = step.result as IdentityCheckResult;
  if (!result.proven) return undefined;
  const kit = await TurnKit.load(step.context, deps);
  const stored = await deps.filings.get(result.reference);
  return stored ? { kit, stored, others: result.others } : undefined;
}

/**
 * Before anything of a filing is shown or changed, the person proves they are its insured person or the
 * agent who filed it: which filing (the reference, or the ID number when it is lost), the full ID number,
 * the phone on file, and a one-time code sent to that phone. Nothing tells whether a filing exists until
 * the end: a reference that finds nothing and details that do not match get the same answer. ID numbers
 * and phones are compared as keyed hashes and kept nowhere (the dialog state holds only hashes and
 * references); attempts are limited per filing, conversation and address (src/identity/).
 */
export class IdentityCheckDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(IDENTITY_CHECK_DIALOG);
    this.addDialog(new QuestionPrompt(ASKINGS, lifecycleHost(deps)));
    this.addDialog(
      new WaterfallDialog(STEPS, [this.which.bind(this), this.lookUp.bind(this), this.askPhone.bind(this), this.match.bind(this), this.done.bind(this)]),
    );
    this.addDialog(new WaterfallDialog(CODE_LOOP, [this.askCode.bind(this), this.checkCode.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private get identity(): IdentityCheck {
    return this.deps.identity!;
  }

  private async which(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (!this.deps.identity) {
      await kit.say(kit.t('lifecycle.identity.unavailable', { hours: kit.hotlineHours }), { lifecycle: 'unavailable', handoff: { hotline: kit.hotline } });
      return step.endDialog({ proven: false } satisfies IdentityCheckResult);
    }
    const { reference } = (step.options as IdentityCheckOptions | undefined) ?? {};
    if (reference) return step.next({ kind: 'reference', reference } satisfies FilingKey);
    await kit.say(kit.t('lifecycle.identity.intro'), { lifecycle: 'identity' });
    return step.prompt(QuestionPrompt.ID, asked({ promptId: LC_FIND.id }));
  }

  /** The filings the key names (none, maybe): kept as references; an ID number given here is kept as its hash only. */
  private async lookUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const key = step.result as FilingKey;
    const values = step.values as Values;
    if (key.kind === 'reference') {
      const stored = await this.deps.filings.get(key.reference);
      values.references = stored ? [stored.reference] : [];
      values.named = key.reference;
      // Proven for this filing a moment ago in this conversation (a check, then a cancel): not asked again.
      const proven = kit.state.proven;
      if (stored && proven && proven.until > Date.now() && proven.references.includes(stored.reference)) {
        return step.endDialog({ proven: true, reference: stored.reference, others: [] } satisfies IdentityCheckResult);
      }
    } else {
      values.references = (await this.deps.filings.findByIdNumber(key.idNumber)).map((f) => f.reference);
      values.idHash = this.identity.fingerprint(key.idNumber);
    }
    if (await this.refusedWhileLocked(kit, step)) return step.endDialog({ proven: false } satisfies IdentityCheckResult);
    if (values.idHash) return step.next();
    return step.prompt(QuestionPrompt.ID, asked({ promptId: LC_ID_NUMBER.id }));
  }

  private async askPhone(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as Values;
    if (typeof step.result === 'string') values.idHash = this.identity.fingerprint(step.result);
    return step.prompt(QuestionPrompt.ID, asked({ promptId: LC_PHONE.id }));
  }

  /** The details against each filing found (newest first): the first that matches gets a code, sent to the phone just typed (the one on file). */
  private async match(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const values = step.values as Values;
    const phone = String(step.result);
    const phoneHash = this.identity.fingerprint(phone);
    const found: StoredFiling[] = [];
    for (const reference of values.references ?? []) {
      const stored = await this.deps.filings.get(reference);
      if (stored && this.holds(stored, values.idHash!, phoneHash)) found.push(stored);
    }
    const matched = found[0];
    if (!matched) {
      let locked = await this.identity.mismatch(subjectOf(step.context, values.named ?? values.references?.[0]));
      // Came by ID number: a filing's own lockout is not told, or it would tell that the ID number has a filing.
      if (!values.named) locked = await this.identity.lockedFor(subjectOf(step.context));
      if (locked > 0) return this.lockedOut(step, kit, locked);
      await kit.say(kit.t('lifecycle.identity.mismatch'), { lifecycle: 'identity', identity: 'mismatch' });
      // Asked again from the start (an ID number given as the key is not kept to be asked with again).
      return step.replaceDialog(STEPS, values.named ? { reference: values.named } : {});
    }
    values.reference = matched.reference;
    values.others = found.slice(1).map((f) => f.reference);
    const minutes = Math.max(1, Math.round(this.identity.limits.codeTtlMs / 60_000));
    const sent = await this.identity.sendCode({ ...subjectOf(step.context, matched.reference), reference: matched.reference }, phone, (code) => kit.t('lifecycle.sms.code', { code, minutes }));
    if (sent === 'locked') return this.lockedOut(step, kit, await this.identity.lockedFor(subjectOf(step.context, matched.reference)));
    if (sent === 'limited') {
      const wait = Math.max(1, Math.ceil((await this.identity.codesPausedFor(subjectOf(step.context, matched.reference))) / 60_000));
      await kit.say(kit.t('lifecycle.identity.codesLimited', { minutes: wait, hours: kit.hotlineHours }), { lifecycle: 'identity', identity: 'code_limited', handoff: { hotline: kit.hotline } });
      return step.endDialog({ proven: false } satisfies IdentityCheckResult);
    }
    if (sent === 'send_failed') {
      await kit.say(kit.t('lifecycle.identity.sendFailed', { hours: kit.hotlineHours }), { lifecycle: 'identity', identity: 'send_failed', handoff: { hotline: kit.hotline } });
      return step.endDialog({ proven: false } satisfies IdentityCheckResult);
    }
    await kit.say(kit.t('lifecycle.identity.codeSent', { phone: maskMobile(phone), minutes }), { lifecycle: 'identity', codeSent: true });
    return step.beginDialog(CODE_LOOP, { reference: matched.reference });
  }

  private async done(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as Values;
    const result = step.result as { verified: boolean; again?: boolean };
    if (result.again) return step.replaceDialog(STEPS, { reference: values.reference });
    if (!result.verified) return step.endDialog({ proven: false } satisfies IdentityCheckResult);
    // Every filing the ID number and phone matched is the person's: proven for a while in this conversation.
    const kit = await TurnKit.load(step.context, this.deps);
    kit.state.proven = { references: [values.reference!, ...(values.others ?? [])], until: Date.now() + this.identity.limits.provenMs };
    return step.endDialog({ proven: true, reference: values.reference!, others: values.others ?? [] } satisfies IdentityCheckResult);
  }

  private async askCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(QuestionPrompt.ID, asked({ promptId: LC_CODE.id }));
  }

  private async checkCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const { reference } = step.options as { reference: string };
    const checked = await this.identity.verify({ ...subjectOf(step.context, reference), reference }, String(step.result));
    switch (checked.status) {
      case 'verified':
        await kit.say(kit.t('lifecycle.identity.verified'), { lifecycle: 'identity', verified: true });
        return step.endDialog({ verified: true });
      case 'wrong':
        await kit.say(kit.t('lifecycle.identity.codeWrong', { remaining: checked.remaining }), { lifecycle: 'identity', identity: 'code_wrong', remaining: checked.remaining });
        return step.replaceDialog(CODE_LOOP, { reference });
      case 'expired':
        await kit.say(kit.t('lifecycle.identity.codeExpired'), { lifecycle: 'identity', identity: 'code_expired' });
        return step.endDialog({ verified: false, again: true });
      case 'locked':
        await this.sayLocked(kit, checked.lockedForMs);
        return step.endDialog({ verified: false });
    }
  }

  /**
   * Refuses at once while the conversation or the address is locked out, or the filing the person named by
   * reference (counted whether it exists or not). By ID number, a filing's lockout is not told here: an ID
   * number with a filing and one without are both asked the phone, and a wrong phone gets the mismatch.
   */
  private async refusedWhileLocked(kit: TurnKit, step: WaterfallStepContext): Promise<boolean> {
    const values = step.values as Values;
    const locked = await this.identity.refusedFor(subjectOf(step.context, values.named));
    if (locked <= 0) return false;
    await this.sayLocked(kit, locked);
    return true;
  }

  private async lockedOut(step: WaterfallStepContext, kit: TurnKit, lockedForMs: number): Promise<DialogTurnResult> {
    await this.sayLocked(kit, lockedForMs);
    return step.endDialog({ proven: false } satisfies IdentityCheckResult);
  }

  private async sayLocked(kit: TurnKit, lockedForMs: number): Promise<void> {
    const minutes = Math.max(1, Math.ceil(lockedForMs / 60_000));
    await kit.say(kit.t('lifecycle.identity.locked', { minutes, hours: kit.hotlineHours }), { lifecycle: 'identity', identity: 'locked', handoff: { hotline: kit.hotline } });
  }

  /** The insured person, or the agent who filed, with this ID number and this phone (both as keyed hashes). */
  private holds(stored: StoredFiling, idHash: string, phoneHash: string): boolean {
    const f = recordOf(stored);
    const same = (who: { idNumber?: string; phone?: string } | undefined) =>
      who?.idNumber !== undefined && who.phone !== undefined && this.identity.fingerprint(who.idNumber) === idHash && this.identity.fingerprint(who.phone) === phoneHash;
    return same(f.person) || (f.filerMode === 'AGENT' && same(f.agent));
  }
}

interface Values {
  /** The reference the person named (counted against even when it finds nothing). */
  named?: string;
  /** The filings the key found, newest first. */
  references?: string[];
  /** The ID number's keyed hash. */
  idHash?: string;
  /** The filing proven. */
  reference?: string;
  others?: string[];
}
