import { isCategory } from '../../src/domain/categories.js';
import { filersPhone as phoneOf } from '../../src/domain/filer-contact.js';
import { maskMobile } from '../../src/domain/phone.js';
import type { AskOptions } from '../form/question-prompt.js';
import { saysWordOf } from '../form/recognizers.js';
import type { TurnKit } from '../turn-kit.js';
import { profileOf, recordOf } from './lifecycle-host.js';

/**
 * The reference by text message, right after submitting: the menu that follows the confirmation offers it
 * (when an SmsSender is configured and the filing has a phone), and "短信发送编号" / "text me the reference"
 * sends it once to the filer's phone on file — the insured person's, or the agent's when an agent filed.
 * No identity check: it goes to the phone given in this very conversation, only about the filing it made.
 */

/** The phone on file of the one who filed, or undefined. */
async function filersPhone(kit: TurnKit, reference: string): Promise<{ phone: string; category: string } | undefined> {
  const stored = await kit.deps.filings.get(reference);
  if (!stored) return undefined;
  const phone = phoneOf(recordOf(stored));
  if (!phone) return undefined;
  const category = isCategory(stored.category) ? profileOf(stored, kit.deps).categories[stored.category].name[kit.locale] : stored.category;
  return { phone, category };
}

/** The menu after a submission: "anything else?" with the offer, when the reference can be texted. */
export async function menuAfterSubmit(kit: TurnKit, menuId: string): Promise<Partial<AskOptions> | undefined> {
  const submitted = kit.state.submitted;
  if (!kit.deps.sms || !submitted || submitted.texted) return undefined;
  const to = await filersPhone(kit, submitted.reference);
  if (!to) return undefined;
  return { textKey: 'lifecycle.receipt.menu', params: { again: kit.t(`prompts.${menuId}.again`), phone: maskMobile(to.phone) } };
}

/** "短信发送编号" and the like (content: lifecycle.receipt.words), in either language, as a whole message. */
export function asksReceiptBySms(kit: TurnKit, text: string): boolean {
  return saysWordOf(kit.deps.texts, text, ['lifecycle.receipt.words']);
}

/** Sends the just-submitted filing's reference to the filer's phone, once; tells the person what happened. */
export async function textReceipt(kit: TurnKit): Promise<void> {
  const submitted = kit.state.submitted!;
  if (submitted.texted) {
    await kit.say(kit.t('lifecycle.receipt.already', { reference: submitted.reference }), { receiptTexted: 'already' });
    return;
  }
  const to = kit.deps.sms ? await filersPhone(kit, submitted.reference) : undefined;
  if (!to || !kit.deps.sms) {
    await kit.say(kit.t('lifecycle.receipt.unavailable', { reference: submitted.reference }), { receiptTexted: 'unavailable' });
    return;
  }
  try {
    await kit.deps.sms.send({ to: to.phone, text: kit.t('lifecycle.sms.reference', { reference: submitted.reference, category: to.category }), purpose: 'reference' });
  } catch {
    await kit.say(kit.t('lifecycle.receipt.failed', { reference: submitted.reference, hours: kit.hotlineHours }), { receiptTexted: 'failed' });
    return;
  }
  submitted.texted = true;
  await kit.say(kit.t('lifecycle.receipt.sent', { reference: submitted.reference, phone: maskMobile(to.phone) }), { receiptTexted: 'sent' });
}
