import type { Activity, CardAction } from 'botbuilder';
import { TextPrompt, type PromptValidatorContext } from 'botbuilder-dialogs';
import { fail, ok, type Check } from '../src/domain/result.js';
import type { DialogDeps } from './dialog-deps.js';
import { choiceLabel, matchChoice } from './question.js';
import { isReopened, questionById, SUGGEST_SEPARATOR } from './questions.js';
import { TurnKit } from './turn-kit.js';

/** After this many invalid answers to one question, the person is offered help and the hotline. */
export const FAILURES_BEFORE_HELP = 3;

/** What a prompt carries in its options (PromptOptions.validations) so the validator can parse it. */
export interface AskSpec {
  promptId: string;
  /** Choice values, as keys under prompts.<id>.choices; absent for a registered text question. */
  choices?: string[];
  params?: Record<string, string | number | undefined>;
  /** Words of the question other than prompts.<id>.text (the menu shown again says less than the first one). */
  textKey?: string;
}

/**
 * Builds the activity that asks a question, adding the earlier answer when the person came back to
 * it (back or edit), so they can keep it (a "keep" word or button) or change it.
 */
export function questionActivity(kit: TurnKit, ask: AskSpec) {
  const previous = kit.state.previous[ask.promptId];
  let text = kit.t(ask.textKey ?? `prompts.${ask.promptId}.text`, ask.params ?? {});
  if (previous) text += `\n\n${kit.t('messages.previousAnswer', { answer: previous })}`;
  kit.state.asking = ask.promptId;
  const nav = !/^(menu|faq)\./.test(ask.promptId);
  const offered = kit.state.suggestions?.promptId === ask.promptId ? kit.state.suggestions.values : [];
  const question = offered.length > 0 ? questionById(ask.promptId) : undefined;
  if (question?.suggestionLabel) {
    // Candidates offered after an ambiguous answer: shown as choices, still parsed by the question.
    return offerKeep(kit, ask.promptId, kit.question(ask.promptId, text, offered, nav, offered.map((v) => question.suggestionLabel!(v, kit.q))));
  }
  return offerKeep(kit, ask.promptId, kit.question(ask.promptId, text, ask.choices ?? [], nav));
}

/** A question opened again with its answer kept: a button to keep that answer, where the channel shows buttons. */
function offerKeep(kit: TurnKit, promptId: string, activity: Partial<Activity>): Partial<Activity> {
  if (!activity.suggestedActions || !isReopened(promptId, kit.q)) return activity;
  const label = kit.t('commands.keep.label');
  const keep: CardAction = { type: 'imBack', title: label, value: label };
  return { ...activity, suggestedActions: { ...activity.suggestedActions, actions: [keep, ...activity.suggestedActions.actions] } };
}

/** An example for a question: its own from content, or for a choice question its first choice. */
function exampleOf(kit: TurnKit, ask: AskSpec): string | undefined {
  if (kit.has(`prompts.${ask.promptId}.example`)) return kit.t(`prompts.${ask.promptId}.example`, ask.params ?? {});
  const first = ask.choices?.[0];
  return first === undefined ? undefined : kit.t('messages.choiceExample', { label: choiceLabel(kit.deps.texts, kit.locale, ask.promptId, first) });
}

/** Parses an answer to the question being asked: a choice, or a registered question's own parser. */
export function parseAnswer(text: string, kit: TurnKit, ask: AskSpec): Check<unknown> {
  if (ask.choices) {
    const choice = matchChoice(text, ask.promptId, ask.choices, kit.locale, kit.deps.texts);
    return choice === undefined ? fail('CHOICE_NOT_RECOGNISED') : ok(choice);
  }
  const question = questionById(ask.promptId);
  if (!question) throw new Error(`no question "${ask.promptId}"`);
  return question.parse(text, kit.q);
}

/**
 * The one prompt every question goes through. Its validator parses the answer; when it is not valid it
 * tells the person what was wrong with an example, in their language, and asks again (after repeated
 * failures it also offers help and the hotline). Nothing already given is lost.
 */
export class AnswerPrompt extends TextPrompt {
  static readonly ID = 'answer';

  constructor(deps: DialogDeps) {
    super(AnswerPrompt.ID, async (prompt: PromptValidatorContext<string>) => {
      const ask = prompt.options.validations as AskSpec;
      const kit = await TurnKit.load(prompt.context, deps);
      const text = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
      const result = text.trim() ? parseAnswer(text, kit, ask) : fail('EMPTY_ANSWER');
      if (result.ok) {
        delete kit.state.failures[ask.promptId];
        return true;
      }
      await reportInvalid(kit, ask, result);
      return false;
    });
  }
}

async function reportInvalid(kit: TurnKit, ask: AskSpec, error: { error: string; params?: Record<string, string | number> }): Promise<void> {
  const failures = (kit.state.failures[ask.promptId] ?? 0) + 1;
  kit.state.failures[ask.promptId] = failures;
  const suggest = error.params?.suggest;
  if (typeof suggest === 'string' && suggest) kit.state.suggestions = { promptId: ask.promptId, values: suggest.split(SUGGEST_SEPARATOR) };
  else if (kit.state.suggestions?.promptId === ask.promptId) delete kit.state.suggestions;
  let text = kit.t(`errors.${error.error}`, { ...(ask.params ?? {}), ...(error.params ?? {}) });
  const example = exampleOf(kit, ask);
  if (example) text += kit.t('messages.example', { example });
  const stuck = failures >= FAILURES_BEFORE_HELP;
  if (stuck) text += `\n\n${kit.t('messages.stuck')}`;
  await kit.say(text, { promptId: ask.promptId, error: error.error, ...(stuck ? { handoff: { hotline: kit.profile.hotline.value } } : {}) });
  await kit.context.sendActivity(questionActivity(kit, ask));
}
