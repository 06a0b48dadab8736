import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Asking, FormContext } from './declaration.js';
import type { AnyQuestion, Form } from './form.js';
import { asked, QuestionPrompt, type AskOptions, type FormHost, type FormTurn } from './question-prompt.js';

interface LoopValues {
  /** The question asked in this pass. */
  asked?: string;
  /** An answer waiting for the confirmation asked about it. */
  pending?: { value: unknown };
}

/**
 * Asks the questions of some stages of a form, one per pass: the question the form says is next, its
 * answer (the typed value the question's prompt recognised) set into the state, and again, until none is
 * left. Driven by the state, so "back", an edit and a resumed conversation all land right. Generic over
 * the form's state; subclasses may ask for a confirmation before an answer is taken, and react to one.
 */
export class FormDialog<C extends FormContext> extends ComponentDialog {
  constructor(
    id: string,
    protected readonly form: Form<C>,
    private readonly stages: readonly string[],
    askings: ReadonlyMap<string, Asking<C, any>>,
    protected readonly host: FormHost<C>,
  ) {
    super(id);
    this.addDialog(new QuestionPrompt(askings, host));
    this.addDialog(new WaterfallDialog(`${id}.loop`, [this.ask.bind(this), this.record.bind(this), this.afterConfirmation.bind(this)]));
    this.initialDialogId = `${id}.loop`;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { c } = await this.host.load(step.context);
    const question = this.form.next(this.stages, c);
    if (!question) return step.endDialog();
    (step.values as LoopValues).asked = question.id;
    return step.prompt(QuestionPrompt.ID, asked({ promptId: question.id }));
  }

  private async record(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const turn = await this.host.load(step.context);
    const question = this.form.byId((step.values as LoopValues).asked ?? '');
    if (!question) return step.replaceDialog(this.initialDialogId);
    const confirmation = this.confirmationBefore(turn, question, step.result);
    if (confirmation) {
      (step.values as LoopValues).pending = { value: step.result };
      return step.prompt(QuestionPrompt.ID, confirmation);
    }
    return this.accept(step, turn, question, step.result);
  }

  /** The answer to the confirmation (a yes/no asking): yes takes the answer; otherwise the subclass decides (keep the earlier one). */
  private async afterConfirmation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const turn = await this.host.load(step.context);
    const { asked, pending } = step.values as LoopValues;
    const question = this.form.byId(asked ?? '');
    if (!question || !pending) return step.replaceDialog(this.initialDialogId);
    if (step.result === true) return this.accept(step, turn, question, pending.value);
    await this.declined(turn, question);
    return step.replaceDialog(this.initialDialogId);
  }

  private async accept(step: WaterfallStepContext, turn: FormTurn<C>, question: AnyQuestion<C>, value: unknown): Promise<DialogTurnResult> {
    question.set(turn.c, value);
    this.form.settle(question.id, turn.c);
    await this.afterAnswer(turn, question);
    return step.replaceDialog(this.initialDialogId);
  }

  /** A confirmation to ask before the answer is taken (a yes/no asking), or undefined to take it at once. */
  protected confirmationBefore(_turn: FormTurn<C>, _question: AnyQuestion<C>, _value: unknown): AskOptions | undefined {
    return undefined;
  }

  /** The confirmation was declined: by default the question is settled with its earlier answer. */
  protected async declined(turn: FormTurn<C>, question: AnyQuestion<C>): Promise<void> {
    this.form.settle(question.id, turn.c);
  }

  /** A hook for stages that react to an answer (a note, metrics). */
  protected async afterAnswer(_turn: FormTurn<C>, _question: AnyQuestion<C>): Promise<void> {}
}
