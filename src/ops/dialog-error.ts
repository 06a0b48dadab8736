/**
 * botbuilder-dialogs wraps an error thrown inside a dialog in a DialogContextError: its `error` is the
 * original, and its `dialogContext.stack` is the whole dialog stack with every dialog's state, which
 * holds what the person said (prompt texts quoting earlier answers). Code that classifies or logs a
 * turn's error looks at the original, and keeps only the id of the dialog that was running.
 */
export interface UnwrappedError {
  /** The error as thrown inside the dialog (or the error itself when it was not wrapped). */
  error: unknown;
  /** The active dialog's id when the error came out of a dialog. */
  dialog?: string;
}

export function unwrapDialogError(error: unknown): UnwrappedError {
  let current = error;
  let dialog: string | undefined;
  for (let depth = 0; depth < 10 && isDialogContextError(current); depth += 1) {
    dialog ??= current.dialogContext?.activeDialog;
    current = current.error;
  }
  return { error: current, ...(dialog ? { dialog } : {}) };
}

interface DialogContextErrorShape {
  name: 'DialogContextError';
  error: unknown;
  dialogContext?: { activeDialog?: string };
}

/** By shape, not class: a logger may already have copied the error into a plain object. */
function isDialogContextError(error: unknown): error is DialogContextErrorShape {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'DialogContextError' && 'error' in error;
}
