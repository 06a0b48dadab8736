import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { AnswerPrompt, questionActivity, type AskSpec } from './ask.js';
import type { DialogDeps } from './dialog-deps.js';
import type { Stage } from './question.js';
import { nextUnanswered, questionById } from './questions.js';
import { TurnKit } from './turn-kit.js';

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
    this.addDialog(new WaterfallDialog(`${id}.loop`, [this.ask.bind(this), this.record.bind(this)]));
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
    question.apply(parsed.value, kit.q);
    delete kit.state.suggestions;
    kit.state.history = [...kit.state.history.filter((h) => h !== question.id), question.id];
    delete kit.state.previous[question.id];
    if (kit.state.editing === question.id) delete kit.state.editing;
    await this.afterAnswer(kit, question.id);
    return step.replaceDialog(this.initialDialogId);
  }

  /** A hook for stages that react to an answer (metrics, a note). */
  protected async afterAnswer(_kit: TurnKit, _promptId: string): Promise<void> {}
}
