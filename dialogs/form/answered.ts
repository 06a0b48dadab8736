import type { TurnContext } from 'botbuilder';

/** The turnState key under which a turn notes the question its message was read as an answer to. */
const ANSWERED_KEY = 'formAnsweredPromptId';

/**
 * Notes that this turn's message was read as an answer (taken, or not valid, or close) to `promptId`.
 * Commands and other interruptions are decided before a question reads the message, so they never
 * land here. What an answer to a question means beyond that (e.g. that it is personal data, to be kept
 * masked in a transcript: dialogs/personal-data.ts) is the asker's to say.
 */
export function noteAnswered(context: TurnContext, promptId: string): void {
  context.turnState.set(ANSWERED_KEY, promptId);
}

/** The question this turn's message was read as an answer to, if any. */
export function answeredPromptId(context: TurnContext): string | undefined {
  return context.turnState.get(ANSWERED_KEY) as string | undefined;
}
