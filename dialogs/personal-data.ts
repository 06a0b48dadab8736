import type { TurnContext } from 'botbuilder';
import { maskAddress } from '../src/domain/free-text.js';
import { maskPersonName } from '../src/domain/person-name.js';
import { checkMobile, maskMobile } from '../src/domain/phone.js';
import { maskResidentId } from '../src/domain/resident-id.js';
import type { Details } from './filing-state.js';
import { answeredPromptId } from './form/answered.js';

/**
 * The answers that are personal data: the insured person's and the agent's name, resident ID number and
 * phone, and the address. Shown back masked (each question's `show`), sealed at rest in the conversation
 * state (`filing.details.<field>`, see FilingBot.sealedStateFields), and masked in the web transcript
 * once the bot has taken the message that gave them (below).
 */
export const PERSONAL_DETAILS = {
  personName: { promptId: 'details.personName', mask: maskPersonName },
  idNumber: { promptId: 'details.idNumber', mask: maskResidentId },
  phone: { promptId: 'details.phone', mask: maskTypedPhone },
  agentName: { promptId: 'details.agentName', mask: maskPersonName },
  agentIdNumber: { promptId: 'details.agentIdNumber', mask: maskResidentId },
  agentPhone: { promptId: 'details.agentPhone', mask: maskTypedPhone },
  address: { promptId: 'details.address', mask: maskAddress },
} as const satisfies Partial<Record<keyof Details, { promptId: string; mask: (text: string) => string }>>;

/** The `Details` fields that hold personal data. */
export const PERSONAL_DETAIL_FIELDS = Object.keys(PERSONAL_DETAILS) as Array<keyof typeof PERSONAL_DETAILS>;

/**
 * The questions after submitting (dialogs/lifecycle/) whose answers are personal or secret: the identity
 * check's ID number, phone and one-time code, and a changed phone or address. An ID number or a phone
 * typed anywhere is masked anyway (FilingBot.incomingTextMask); a code is never shown back.
 */
const LIFECYCLE_MASKS: Record<string, (text: string) => string> = {
  'lifecycle.idNumber': maskResidentId,
  'lifecycle.phone': maskTypedPhone,
  'lifecycle.code': () => '******',
  'lifecycle.change.phone': maskTypedPhone,
  'lifecycle.change.address': maskAddress,
};

const MASK_BY_PROMPT = new Map<string, (text: string) => string>([...Object.values(PERSONAL_DETAILS).map((d): [string, (text: string) => string] => [d.promptId, d.mask]), ...Object.entries(LIFECYCLE_MASKS)]);

/**
 * How the incoming message of this turn is to be shown back once the bot has taken it: masked as the
 * personal answer it was (1101**********002X, 138****5678, 张*, 上海市徐汇****), valid or not, or undefined
 * when the turn read no answer to a personal question (commands such as help or back never are).
 */
export function personalAnswerMask(context: TurnContext): ((text: string) => string) | undefined {
  const promptId = answeredPromptId(context);
  return promptId === undefined ? undefined : maskOfAnswer(promptId);
}

/** How the answer to a question is masked from its text alone, when the question asks for personal data. */
export function maskOfAnswer(promptId: string): ((text: string) => string) | undefined {
  return MASK_BY_PROMPT.get(promptId);
}

/** A phone as typed (spaces, +86) masked by its 11 digits when it is a mobile number, else as it stands. */
export function maskTypedPhone(text: string): string {
  const mobile = checkMobile(text);
  return maskMobile(mobile.ok ? mobile.value : text.trim());
}
