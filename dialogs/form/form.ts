import type { FormContext, Question } from './declaration.js';

/** A question of any value type: a form holds many, each used only through its own declaration. */
export type AnyQuestion<C extends FormContext> = Question<C, any>;

/**
 * A form: its questions in the order they are asked, and how a conversation moves through them. Driven
 * by the state it fills, so "back", an edit and a resumed conversation all land on the right question:
 * a stage asks the question opened again (back, edit) first, else its first question that applies and
 * has no answer yet.
 */
export class Form<C extends FormContext> {
  private readonly byIds: Map<string, AnyQuestion<C>>;

  constructor(readonly questions: readonly AnyQuestion<C>[]) {
    this.byIds = new Map(questions.map((q) => [q.id, q]));
    if (this.byIds.size !== questions.length) throw new Error('Form: two questions share an id');
  }

  byId(id: string): AnyQuestion<C> | undefined {
    return this.byIds.get(id);
  }

  /** The question that fills a field of the record (its own field, or one its answer also decides). */
  byField(field: string): AnyQuestion<C> | undefined {
    return this.questions.find((q) => q.field === field || q.alsoFills?.includes(field));
  }

  isAnswered(question: AnyQuestion<C>, c: C): boolean {
    return question.get(c) !== undefined;
  }

  /** The question a stage asks next: one opened again that still applies, else the first that applies and has no answer. */
  next(stages: readonly string[], c: C): AnyQuestion<C> | undefined {
    const reopened = c.progress.reopened ?? [];
    const inStage = (q: AnyQuestion<C>) => stages.includes(q.stage);
    return (
      this.questions.find((q) => reopened.includes(q.id) && inStage(q) && q.applies(c)) ??
      this.questions.find((q) => inStage(q) && q.applies(c) && !this.isAnswered(q, c))
    );
  }

  /** Answered questions that apply, in order: what a summary shows. */
  answered(c: C): AnyQuestion<C>[] {
    return this.questions.filter((q) => q.applies(c) && this.isAnswered(q, c));
  }

  /**
   * Opens an answered question again (back, edit): it is asked once more with the earlier answer offered,
   * and the answer is kept until a new valid one arrives (or the person keeps it).
   */
  reopen(question: AnyQuestion<C>, c: C): void {
    const value = question.get(c);
    if (value !== undefined) c.progress.previous[question.id] = question.show(value, c);
    c.progress.reopened = [...(c.progress.reopened ?? []).filter((id) => id !== question.id), question.id];
    c.progress.history = c.progress.history.filter((h) => h !== question.id);
  }

  /** True while a question was opened again and its earlier answer is still kept. */
  isReopened(questionId: string, c: C): boolean {
    return (c.progress.reopened ?? []).includes(questionId);
  }

  /** A question is settled (a new answer, or the earlier one kept): it counts as answered, last in the history. */
  settle(questionId: string, c: C): void {
    settle(questionId, c);
  }
}

/** Marks a question (or another asking kept in the history, like a confirmation) as settled. */
export function settle(questionId: string, c: FormContext): void {
  const reopened = (c.progress.reopened ?? []).filter((id) => id !== questionId);
  if (reopened.length > 0) c.progress.reopened = reopened;
  else delete c.progress.reopened;
  c.progress.history = [...c.progress.history.filter((h) => h !== questionId), questionId];
  delete c.progress.previous[questionId];
  if (c.progress.editing === questionId) delete c.progress.editing;
}
