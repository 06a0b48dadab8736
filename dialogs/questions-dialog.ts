import { ASKINGS, END_FILING } from './conversation-askings.js';
import type { DialogDeps } from './dialog-deps.js';
import type { FilingContext } from './filing-context.js';
import { FILING_FORM, wouldEnd } from './filing-form.js';
import { FormDialog } from './form/form-dialog.js';
import type { AnyQuestion } from './form/form.js';
import type { AskOptions, FormTurn } from './form/question-prompt.js';
import { filingHost } from './turn-kit.js';

/** A question opened again (back, edit) keeps its earlier answer, and the person is told so. */
export async function keepEarlierAnswer({ c, voice }: FormTurn<FilingContext>, questionId: string): Promise<void> {
  FILING_FORM.settle(questionId, c);
  await voice.say(voice.t('commands.keep.done', { field: voice.t(`labels.${questionId}`) }), { kept: questionId });
}

/**
 * A stage of the filing form (the situation, the details): its questions one by one, from the state. A
 * changed answer that would end the filing (a typo at an edit) is asked about first, and keeping the
 * earlier answer keeps everything.
 */
export class QuestionsDialog extends FormDialog<FilingContext> {
  constructor(id: string, stages: readonly string[], deps: DialogDeps) {
    super(id, FILING_FORM, stages, ASKINGS, filingHost(deps));
  }

  protected override confirmationBefore({ c, voice }: FormTurn<FilingContext>, question: AnyQuestion<FilingContext>, value: unknown): AskOptions | undefined {
    const ending = wouldEnd(question, value, c);
    if (!ending) return undefined;
    return {
      promptId: END_FILING.id,
      params: {
        field: voice.t(`labels.${question.id}`),
        answer: ending.shown,
        result: voice.t(`prompts.${END_FILING.id}.endings.${ending.ending}`),
        previous: c.progress.previous[question.id] ?? '',
      },
    };
  }

  protected override async declined(turn: FormTurn<FilingContext>, question: AnyQuestion<FilingContext>): Promise<void> {
    await keepEarlierAnswer(turn, question.id);
  }
}
