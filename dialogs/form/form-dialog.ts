import { ComponentDialog, DialogReason, WaterfallDialog, type DialogTurnResult, type PromptOptions, type WaterfallStepContext } from 'botbuilder-dialogs';
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
 * The form's loop: a waterfall (ask, record, after a confirmation) whose later steps start the next pass
 * on the same instance (again) instead of replacing it with a new one. replaceDialog ended the waterfall and
 * began another — each an async step of botbuilder's through the dialog context, a new instance id (a UUID),
 * the telemetry events of an end and a start — on every answer taken. What a pass begins with is the
 * same: the first step, with no values but the instance's id. The stored stack has the same shape.
 */
class FormLoop extends WaterfallDialog {
  again(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as Record<string, unknown>;
    for (const key of Object.keys(values)) if (key !== 'instanceId') delete values[key];
    return this.runStep(step, 0, DialogReason.replaceCalled);
  }
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
    this.loop = new FormLoop(`${id}.loop`, [this.ask.bind(this), this.record.bind(this), this.afterConfirmation.bind(this)]);
    this.addDialog(this.loop);
    this.initialDialogId = `${id}.loop`;
  }

  private readonly loop: FormLoop;

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { c } = await this.host.load(step.context);
    const question = this.form.next(this.stages, c);
    if (!question) return step.endDialog();
    (step.values as LoopValues).asked = question.id;
    return this.askWith(step, asked({ promptId: question.id }));
  }

  private async record(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const turn = await this.host.load(step.context);
    const question = this.form.byId((step.values as LoopValues).asked ?? '');
    if (!question) return this.loop.again(step);
    const confirmation = this.confirmationBefore(turn, question, step.result);
    if (confirmation) {
      (step.values as LoopValues).pending = { value: step.result };
      return this.askWith(step, confirmation);
    }
    return this.accept(step, turn, question, step.result);
  }

  /** The answer to the confirmation (a yes/no asking): yes takes the answer; otherwise the subclass decides (keep the earlier one). */
  private async afterConfirmation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const turn = await this.host.load(step.context);
    const { asked, pending } = step.values as LoopValues;
    const question = this.form.byId(asked ?? '');
    if (!question || !pending) return this.loop.again(step);
    if (step.result === true) return this.accept(step, turn, question, pending.value);
    await this.declined(turn, question);
    return this.loop.again(step);
  }

  private async accept(step: WaterfallStepContext, turn: FormTurn<C>, question: AnyQuestion<C>, value: unknown): Promise<DialogTurnResult> {
    question.set(turn.c, value);
    this.form.settle(question.id, turn.c);
    await this.afterAnswer(turn, question);
    return this.loop.again(step);
  }

  /**
   * Begins the question prompt with these options: what step.prompt does (which copies the options, and the
   * prompt copies them again as it begins) without its own async step and error wrapper around beginDialog.
   */
  private askWith(step: WaterfallStepContext, options: PromptOptions): Promise<DialogTurnResult> {
    return step.beginDialog(QuestionPrompt.ID, options);
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
