import { ComponentDialog, type Dialog, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import type { FormContext } from './declaration.js';
import { QuestionPrompt, type AskOptions } from './question-prompt.js';

/** The question prompt a conversation waits at: the dialog on top of the innermost stack. */
export interface WaitingPrompt {
  prompt: QuestionPrompt<FormContext>;
  options: AskOptions;
  state: object;
}

/**
 * The question prompt this turn's dialogs wait at (the leaf of the stack), if any. Read from the stack's
 * shape, as DialogContext.child would find it (a component dialog keeps its inner stack under
 * state.dialogs, and looks a dialog up in its own set, then in those around it), without making a
 * DialogContext for every level: botbuilder builds a state manager and a component registration for each.
 */
export function waitingPrompt(dc: DialogContext): WaitingPrompt | undefined {
  let find = (id: string): Dialog | undefined => dc.findDialog(id);
  let instance = dc.activeDialog;
  let dialog = instance ? find(instance.id) : undefined;
  for (let depth = 0; instance && dialog instanceof ComponentDialog && depth < 20; depth++) {
    const inner = (instance.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack;
    const container = dialog;
    const outer = find;
    find = (id) => container.dialogs.find(id) ?? outer(id);
    instance = inner?.[inner.length - 1];
    dialog = instance ? find(instance.id) : undefined;
  }
  if (!instance || !(dialog instanceof QuestionPrompt)) return undefined;
  const { options, state } = instance.state as { options: AskOptions; state: object };
  return { prompt: dialog as QuestionPrompt<FormContext>, options, state };
}

/**
 * The promptId a stored dialog stack waits at, read from its shape (the active dialog is the last of a
 * stack; a component dialog keeps its inner stack under state.dialogs; the question prompt its options): for code outside the dialogs, after a turn.
 */
export function waitingPromptId(dialogState: DialogState | undefined): string | undefined {
  let stack = dialogState?.dialogStack;
  for (let depth = 0; stack && stack.length > 0 && depth < 20; depth++) {
    const top = stack[stack.length - 1]!;
    if (top.id === QuestionPrompt.ID) return (top.state as { options?: AskOptions } | undefined)?.options?.promptId;
    stack = (top.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack;
  }
  return undefined;
}
