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
  personName: { promptId: 'details.personName', mask: paired(maskPersonName) },
  idNumber: { promptId: 'details.idNumber', mask: paired(maskResidentId) },
  phone: { promptId: 'details.phone', mask: paired(maskTypedPhone) },
  agentName: { promptId: 'details.agentName', mask: paired(maskPersonName) },
  agentIdNumber: { promptId: 'details.agentIdNumber', mask: paired(maskResidentId) },
  agentPhone: { promptId: 'details.agentPhone', mask: paired(maskTypedPhone) },
  address: { promptId: 'details.address', mask: paired(maskAddress) },
} as const satisfies Partial<Record<keyof Details, { promptId: string; mask: (text: string) => string }>>;

/** The `Details` fields that hold personal data. */
export const PERSONAL_DETAIL_FIELDS = Object.keys(PERSONAL_DETAILS) as Array<keyof typeof PERSONAL_DETAILS>;

/**
 * The questions after submitting (dialogs/lifecycle/) whose answers are personal or secret: the identity
 * check's ID number, phone and one-time code, and a changed phone or address. An ID number or a phone
 * typed anywhere is masked anyway (FilingBot.incomingTextMask); a code is never shown back.
 */
const LIFECYCLE_MASKS: Record<string, (text: string) => string> = {
  'lifecycle.idNumber': paired(maskResidentId),
  'lifecycle.phone': paired(maskTypedPhone),
  'lifecycle.code': () => '******',
  'lifecycle.change.phone': paired(maskTypedPhone),
  'lifecycle.change.address': paired(maskAddress),
};

const MASK_BY_PROMPT = new Map<string, (text: string) => string>([...Object.values(PERSONAL_DETAILS).map((d): [string, (text: string) => string] => [d.promptId, d.mask]), ...Object.entries(LIFECYCLE_MASKS)]);

/**
 * The kind of each bracket and quote a mask may part from its partner, by which end it is: ( and （ pair with ) and ）
 * alike, as people type them mixed. Straight single quotes are apostrophes (O'Brien), never looked at.
 */
const PAIRS: ReadonlyArray<readonly [string, string]> = [['(（﹙', ')）﹚'], ['[', ']'], ['【', '】'], ['〔', '〕'], ['「', '」'], ['『', '』'], ['《', '》'], ['〈', '〉'], ['“', '”'], ['"', '"']];
const kinds = (end: 0 | 1): Map<string, number> => new Map(PAIRS.flatMap((pair, kind) => [...pair[end]].map((c): [string, number] => [c, kind])));
const [OPENING_KIND, CLOSING_KIND] = [kinds(0), kinds(1)];

/**
 * `masked` with every bracket or quote that has lost its partner masked too: a mask keeps the first or last few
 * characters and stars the rest, so it may keep a "（" and star its "）" (山东省（日照市东港区）… → 山东省（日照****,
 * （138）1234567 → （**********7). Shown back, such a bracket is an unclosed one; it becomes a * like the rest.
 */
export function withoutPartedPairs(masked: string): string {
  const chars = Array.from(masked);
  const open: number[] = [];
  const parted = new Set<number>();
  chars.forEach((c, i) => {
    const innermost = open.at(-1);
    if (innermost !== undefined && CLOSING_KIND.get(c) === OPENING_KIND.get(chars[innermost]!)) open.pop();
    else if (OPENING_KIND.has(c)) open.push(i);
    else if (CLOSING_KIND.has(c)) parted.add(i);
  });
  for (const i of open) parted.add(i);
  return parted.size === 0 ? masked : chars.map((c, i) => (parted.has(i) ? '*' : c)).join('');
}

/**
 * A mask whose result never keeps a bracket or quote without its partner (withoutPartedPairs): each personal
 * answer is masked so wherever it is shown back — its question's `show`, the transcript, a handoff's summary.
 */
function paired(mask: (text: string) => string): (text: string) => string {
  return (text) => withoutPartedPairs(mask(text));
}

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
