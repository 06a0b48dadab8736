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

const MASK_BY_PROMPT = new Map<string, (text: string) => string>(Object.values(PERSONAL_DETAILS).map((d) => [d.promptId, d.mask]));

/**
 * How the incoming message of this turn is to be shown back once the bot has taken it: masked as the
 * personal answer it was (1101**********002X, 138****5678, 张*, 上海市徐汇****), valid or not, or undefined
 * when the turn read no answer to a personal question (commands such as help or back never are).
 */
export function personalAnswerMask(context: TurnContext): ((text: string) => string) | undefined {
  const promptId = answeredPromptId(context);
  return promptId === undefined ? undefined : MASK_BY_PROMPT.get(promptId);
}

/** A phone as typed (spaces, +86) masked by its 11 digits when it is a mobile number, else as it stands. */
export function maskTypedPhone(text: string): string {
  const mobile = checkMobile(text);
  return maskMobile(mobile.ok ? mobile.value : text.trim());
}
