import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { AnswerPrompt, parseAnswer, questionActivity, type AskSpec } from './ask.js';
import type { DialogDeps } from './dialog-deps.js';
import type { Question, Stage } from './question.js';
import { nextUnanswered, questionById, settleQuestion, wouldEnd } from './questions.js';
import { TurnKit } from './turn-kit.js';

/** A question opened again (back, edit) keeps its earlier answer, and the person is told so. */
export async function keepEarlierAnswer(kit: TurnKit, questionId: string): Promise<void> {
  settleQuestion(questionId, kit.q);
  await kit.say(kit.t('commands.keep.done', { field: kit.t(`labels.${questionId}`) }), { kept: questionId });
}

/** "This answer would end your filing — change it anyway?" (yes: change it; no: keep the earlier answer). */
export const END_FILING: AskSpec = { promptId: 'outcome.endFiling', choices: ['yes', 'no'] };

interface PendingChange {
  pending?: { promptId: string; value: unknown };
}

/**
 * A stage that asks its questions one by one: each pass asks the first question of the stage that
 * applies and has no answer yet, records the answer, and loops; the stage ends when none is left.
 * Because it is driven by the state, "back", an edit and a resumed conversation all land right.
 */
export class QuestionsDialog extends ComponentDialog {
  constructor(
    id: string,
    private readonly stages: Stage[],
    protected readonly deps: DialogDeps,
  ) {
    super(id);
    this.addDialog(new AnswerPrompt(deps));
    this.addDialog(new WaterfallDialog(`${id}.loop`, [this.ask.bind(this), this.record.bind(this), this.confirmEnd.bind(this)]));
    this.initialDialogId = `${id}.loop`;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const question = nextUnanswered(this.stages, kit.q);
    if (!question) return step.endDialog();
    const ask: AskSpec = {
      promptId: question.id,
      ...(question.choices ? { choices: question.choices(kit.q) } : {}),
      ...(question.params ? { params: question.params(kit.q) } : {}),
    };
    return step.prompt(AnswerPrompt.ID, { prompt: questionActivity(kit, ask), validations: ask });
  }

  private async record(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const question = questionById(kit.state.asking ?? '');
    // The validator accepted this answer a moment ago; parse it once more to get the typed value.
    const parsed = question?.parse(String(step.result), kit.q);
    if (!question || !parsed?.ok) return step.replaceDialog(this.initialDialogId);
    const ending = wouldEnd(question, parsed.value, kit.q);
    if (ending) {
      // A changed answer would end the filing (a typo at an edit): ask first, keep everything if not.
      (step.values as PendingChange).pending = { promptId: question.id, value: parsed.value };
      const ask: AskSpec = {
        ...END_FILING,
        params: {
          field: kit.t(`labels.${question.id}`),
          answer: ending.shown,
          result: kit.t(`prompts.${END_FILING.promptId}.endings.${ending.ending}`),
          previous: kit.state.previous[question.id] ?? '',
        },
      };
      return step.prompt(AnswerPrompt.ID, { prompt: questionActivity(kit, ask), validations: ask });
    }
    return this.accept(step, kit, question, parsed.value);
  }

  /** The answer to "this would end your filing — change it?": change (the filing ends) or keep the earlier answer. */
  private async confirmEnd(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const pending = (step.values as PendingChange).pending;
    const question = pending ? questionById(pending.promptId) : undefined;
    if (!pending || !question) return step.replaceDialog(this.initialDialogId);
    const choice = parseAnswer(String(step.result), kit, END_FILING);
    if (choice.ok && choice.value === 'yes') return this.accept(step, kit, question, pending.value);
    await keepEarlierAnswer(kit, question.id);
    return step.replaceDialog(this.initialDialogId);
  }

  private async accept(step: WaterfallStepContext, kit: TurnKit, question: Question, value: unknown): Promise<DialogTurnResult> {
    question.apply(value, kit.q);
    delete kit.state.suggestions;
    settleQuestion(question.id, kit.q);
    await this.afterAnswer(kit, question.id);
    return step.replaceDialog(this.initialDialogId);
  }

  /** A hook for stages that react to an answer (metrics, a note). */
  protected async afterAnswer(_kit: TurnKit, _promptId: string): Promise<void> {}
}
