import type { Activity } from 'botbuilder';
import type { Locale, Texts } from '../../content/texts.js';
import { EXISTING_FILING_ACTIONS, type CallRecord, type ExistingFilingAction } from './call-store.js';

/** One answer in the side panel (FilingBot.answersOf). */
export interface CallAnswer {
  id: string;
  label: string;
  value: string;
  /** For a choice, which one (its key), whatever its words. */
  choice?: string;
  editable: boolean;
}

/**
 * What the console draws after a turn of a guided call: what the bot said (read back, help, errors, the
 * summary, the receipt), the question to read aloud with its choices and progress, the outcome script with
 * its "read to the caller" tick, and every answer so far. Built from the turn's messages (their
 * channelData contract), the conversation's answers and the call record.
 */
export interface CallScreen {
  call: { id: string; status: CallRecord['status']; locale: Locale; startedAt: string };
  said: Array<{ text: string; kind: 'said' | 'error' | 'summary' | 'filing' }>;
  question?: {
    promptId: string;
    /** The sentence to read aloud (channelData.spoken). */
    spoken: string;
    /** The question as written (without its progress line). */
    text: string;
    choices: string[];
    progress?: { step: number; of: number; stage: string; stageName: string };
    /** A follow-up about an answer: which reading was meant, or is this right. */
    followUp: boolean;
  };
  script?: CallRecord['script'];
  /** The prompt at which the script must be read before going on (the consequences' confirmation). */
  scriptGate?: string;
  answers: CallAnswer[];
  consent?: CallRecord['consent'];
  filing?: CallRecord['filing'];
}

interface Contract {
  promptId?: string;
  spoken?: string;
  progress?: { step: number; of: number; stage: string };
  offered?: boolean;
  confirming?: boolean;
  error?: unknown;
  summary?: unknown;
  filing?: { reference: string; category: string; status: string };
  /** A message of the dialogs after submitting (check, cancel, change, the identity check): dialogs/lifecycle/. */
  lifecycle?: string;
  category?: string;
  consequences?: unknown;
}

const contractOf = (activity: Partial<Activity>) => (activity.channelData ?? {}) as Contract;

/** The outcome script of a turn: the messages telling the outcome (channelData.category) and its consequences; undefined when none. */
export function scriptOf(sent: Array<Partial<Activity>>): { outcome: string; lines: string[] } | undefined {
  const told = sent.filter((a) => contractOf(a).category !== undefined || contractOf(a).consequences !== undefined);
  const outcome = told.map((a) => contractOf(a).category).find((c) => c !== undefined);
  if (!outcome) return undefined;
  return { outcome, lines: told.map((a) => (a.text ?? a.speak ?? '').trim()).filter((t) => t !== '') };
}

/** The question a turn ends with (its last message expecting an answer). */
function questionOf(sent: Array<Partial<Activity>>, texts: Texts, locale: Locale): CallScreen['question'] {
  const asking = [...sent].reverse().find((a) => a.inputHint === 'expectingInput' && contractOf(a).promptId !== undefined);
  if (!asking) return undefined;
  const contract = contractOf(asking);
  const written = asking.text ?? '';
  const text = contract.progress ? written.split('\n').slice(1).join('\n') : written;
  return {
    promptId: contract.promptId!,
    spoken: contract.spoken ?? text,
    text,
    choices: (asking.suggestedActions?.actions ?? []).map((action) => String(action.title ?? action.value ?? '')),
    ...(contract.progress ? { progress: { ...contract.progress, stageName: texts.t(locale, `labels.steps.${contract.progress.stage}`) } } : {}),
    followUp: contract.offered === true || contract.confirming === true,
  };
}

export function callScreen(input: { record: CallRecord; sent: Array<Partial<Activity>>; answers: CallAnswer[]; texts: Texts; scriptGate: string }): CallScreen {
  const { record, sent, texts } = input;
  const question = questionOf(sent, texts, record.locale);
  const said: CallScreen['said'] = [];
  for (const activity of sent) {
    const contract = contractOf(activity);
    if (contract.category !== undefined || contract.consequences !== undefined) continue; // the script
    if (activity.inputHint === 'expectingInput' && contract.promptId !== undefined && contract.promptId === question?.promptId) continue; // the question
    const text = (activity.text ?? activity.speak ?? '').trim();
    if (text === '') continue;
    said.push({ text, kind: contract.error !== undefined ? 'error' : contract.filing !== undefined ? 'filing' : contract.summary !== undefined ? 'summary' : 'said' });
  }
  return {
    call: { id: record.id, status: record.status, locale: record.locale, startedAt: record.startedAt },
    said,
    ...(question ? { question } : {}),
    ...(record.script ? { script: record.script, scriptGate: input.scriptGate } : {}),
    answers: input.answers,
    ...(record.consent ? { consent: record.consent } : {}),
    ...(record.filing ? { filing: record.filing } : {}),
  };
}

/**
 * The filing a turn submitted (the confirmation's channelData.filing), if any. A filing told by the dialogs
 * after submitting (checked, cancelled, changed: channelData.lifecycle) was not submitted in the call.
 */
export function filingOf(sent: Array<Partial<Activity>>): CallRecord['filing'] {
  for (const activity of sent) {
    const contract = contractOf(activity);
    if (contract.lifecycle !== undefined) continue;
    const filing = contract.filing;
    if (filing && typeof filing.reference === 'string' && (activity.channelData as { repeated?: boolean }).repeated !== true) return { reference: filing.reference, category: filing.category, status: filing.status };
  }
  return undefined;
}

/**
 * What a turn did with a filing submitted before, once the identity check found it: checked, cancelled or
 * changed it, or told why it cannot be (the messages of those dialogs), if anything.
 */
export function handledOf(sent: Array<Partial<Activity>>): ExistingFilingAction | undefined {
  for (const activity of sent) {
    const { lifecycle } = contractOf(activity);
    if ((EXISTING_FILING_ACTIONS as readonly unknown[]).includes(lifecycle)) return lifecycle as ExistingFilingAction;
  }
  return undefined;
}
