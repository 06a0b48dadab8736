import { FAQ_TOPIC, MENU } from './main-dialog.js';
import { UNDERSTOOD } from './outcome-dialog.js';
import { END_FILING } from './questions-dialog.js';
import { QUESTIONS } from './questions.js';
import { CONFIRM, EDIT_FIELD } from './review-dialog.js';
import { START_OVER } from './start-over.js';

/**
 * Every promptId the dialogs can send, in conversation order: the menu, each question of the filing,
 * the consequences confirmation, "this would end your filing", the summary, the field to edit, "clear everything and start over?",
 * and the FAQ topic. The hotline console
 * and analytics read their purposes from content/prompt-catalog.json, which lists exactly these.
 */
export function promptIds(): string[] {
  const [situation, details] = [QUESTIONS.filter((q) => q.stage !== 'details'), QUESTIONS.filter((q) => q.stage === 'details')];
  return [MENU.promptId, ...situation.map((q) => q.id), UNDERSTOOD.promptId, ...details.map((q) => q.id), END_FILING.promptId, CONFIRM.promptId, EDIT_FIELD, START_OVER.promptId, FAQ_TOPIC];
}
