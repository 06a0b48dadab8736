import { TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CategoryId } from '../src/domain/categories.js';
import { receiptOf } from '../src/pages/receipt.js';
import { ASKINGS, CONFIRM, EDIT_FIELD, EDIT_PREFIX, editableAnswers, START_OVER } from './conversation-askings.js';
import type { DialogDeps } from './dialog-deps.js';
import { documentsFor } from '../src/domain/documents.js';
import { buildFilingDraft, validateFiling } from './filing-draft.js';
import { newFilingState } from './filing-state.js';
import { categoryName } from './outcome-dialog.js';
import { confirmationOf } from './receipt-card.js';
import { acceptedCategory } from './details-questions.js';
import { FILING_FORM } from './filing-form.js';
import { asked, QuestionPrompt } from './form/question-prompt.js';
import { clearFiling } from './start-over.js';
import { summaryCard } from './summary-card.js';
import { summaryText, type SummaryLine } from './handoff-summary.js';
import { filingHost, TurnKit } from './turn-kit.js';
import { recordFunnel } from './funnel.js';

export const REVIEW_DIALOG = 'review';

/** turnState key: the reference of a filing stored during this turn (read by the turn error handler). */
export const SUBMITTED_REFERENCE_KEY = 'submittedReference';

export type ReviewResult = { kind: 'submitted'; reference: string } | { kind: 'edit' } | { kind: 'cancelled' };

/** Opens one answer for editing: the summary comes back once it is answered again. */
export function openForEdit(kit: TurnKit, questionId: string): boolean {
  const question = FILING_FORM.byId(questionId);
  if (!question || !question.editable || !question.applies(kit.q) || !FILING_FORM.isAnswered(question, kit.q)) return false;
  // Asked again with the earlier answer offered; the answer itself is kept until a new valid one arrives.
  FILING_FORM.reopen(question, kit.q);
  kit.state.editing = question.id;
  return true;
}

/**
 * The summary of everything given (personal data masked), with per-field edit, then the submission:
 * validated by the domain schema, stored once per filing however often "submit" arrives.
 */
export class ReviewDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(REVIEW_DIALOG);
    this.addDialog(new QuestionPrompt(ASKINGS, filingHost(deps)));
    this.addDialog(
      new WaterfallDialog(`${REVIEW_DIALOG}.steps`, [this.summarise.bind(this), this.decide.bind(this), this.edit.bind(this)]),
    );
    this.initialDialogId = `${REVIEW_DIALOG}.steps`;
  }

  private async summarise(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const again = (step.options as { again?: boolean } | undefined)?.again === true;
    if (!kit.state.editing && !again) recordFunnel(step.context, 'details_completed');
    const category = acceptedCategory(kit.q)!;
    // The person's own review: names and the address in full (a typo must be visible), the ID number and phones masked.
    const rows = editableAnswers(kit.q).map((q) => {
      const value = q.get(kit.q);
      return { id: q.id, label: kit.t(`labels.${q.id}`), value: q.review ? q.review(value, kit.q) : q.show(value, kit.q), inFull: q.review !== undefined };
    });
    // A row's line; an answer in full is marked where it lies (channelData.inFull: masked for an agent, dialogs/handoff-summary.ts).
    const line = (r: (typeof rows)[number], words: (value: string) => string): SummaryLine => (r.inFull ? { id: r.id, value: r.value, line: words } : words(r.value));
    // What to prepare, and how and where to hand it in, before the person submits (not only after).
    const prepare = { heading: kit.t('messages.prepareHeading'), lines: preparationLines(kit, category) };
    const intro = kit.t('messages.summaryIntro', { category: categoryName(kit, category) });
    const summary = rows.map((r) => r.id);
    if (kit.showsCards) {
      // A card, with an edit button per row; its text (spoken, and its fallback) is the plain summary.
      const { text, inFull } = summaryText([intro, ...rows.map((r) => line(r, (value) => kit.t('messages.summaryRow', { label: r.label, value }))), '', prepare.heading, ...prepare.lines]);
      await kit.sayCard(summaryCard(kit, categoryName(kit, category), rows, text, prepare), text, { summary, inFull });
    } else {
      // Text only: numbered rows, each changed by "修改<number>" (the confirmation reads it: EDIT_PREFIX).
      const numbered = rows.map((r, i) => line(r, (value) => kit.t('messages.summaryRowNumbered', { number: i + 1, label: r.label, value })));
      const { text, inFull } = summaryText([intro, ...numbered, kit.t('messages.summaryEditHint'), '', prepare.heading, ...prepare.lines]);
      await kit.say(text, { summary, inFull });
    }
    return step.prompt(QuestionPrompt.ID, asked({ promptId: CONFIRM.id }));
  }

  private async decide(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (step.result === 'submit') return this.submit(step, kit);
    if (typeof step.result === 'string' && step.result.startsWith(EDIT_PREFIX)) {
      // "修改2" at a text summary: that answer, opened at once.
      openForEdit(kit, step.result.slice(EDIT_PREFIX.length));
      return step.endDialog({ kind: 'edit' } satisfies ReviewResult);
    }
    if (step.result === 'restart') {
      // Everything entered would be gone: asked first.
      (step.values as Record<string, unknown>).startOver = true;
      return step.prompt(QuestionPrompt.ID, asked({ promptId: START_OVER.id }));
    }
    return step.prompt(QuestionPrompt.ID, asked({ promptId: EDIT_FIELD.id }));
  }

  private async edit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if ((step.values as Record<string, unknown>).startOver === true) {
      if (step.result !== true) return step.replaceDialog(`${REVIEW_DIALOG}.steps`, { again: true });
      await clearFiling(kit, CONFIRM.id);
      return step.endDialog({ kind: 'cancelled' } satisfies ReviewResult);
    }
    openForEdit(kit, String(step.result));
    return step.endDialog({ kind: 'edit' } satisfies ReviewResult);
  }

  private async submit(step: WaterfallStepContext, kit: TurnKit): Promise<DialogTurnResult> {
    const draft = buildFilingDraft(kit);
    const valid = validateFiling(kit, draft);
    if (!valid.ok) {
      const edit = kit.t(`prompts.${CONFIRM.id}.choices.edit`);
      await kit.say(kit.t('messages.submitInvalid', { ...valid.params, edit }), { error: 'FILING_INVALID', problem: valid.error });
      return step.replaceDialog(`${REVIEW_DIALOG}.steps`);
    }
    const { stored } = await this.deps.filings.submit({
      idempotencyKey: kit.state.idempotencyKey,
      category: draft.category,
      profileId: kit.profile.id,
      profileVersion: kit.profile.version,
      filing: valid.value,
      // Where to tell the person when the agency decides (src/notices/): this channel and conversation.
      ...(step.context.activity.channelId
        ? { origin: { channel: step.context.activity.channelId, conversation: TurnContext.getConversationReference(step.context.activity), locale: kit.locale } }
        : {}),
    });
    recordFunnel(kit.context, 'submitted');
    // The confirmation is the filing's receipt (the words of /receipt/<reference>): a card where cards are
    // drawn, the same as text elsewhere; channelData.filing on it either way (the page's receipt bar).
    const name = categoryName(kit, draft.category);
    const view = receiptOf(stored, kit.locale, kit.deps);
    const confirmation = view ? confirmationOf(kit, view, stored.reference, name) : { text: kit.t('messages.submitted', { reference: stored.reference, category: name }), card: undefined };
    const filing = { reference: stored.reference, category: stored.category, status: stored.status };
    // If this turn fails after this point (the state cannot be saved), the apology must not say the
    // message was not handled: the filing is stored, and a retry gives the same reference.
    step.context.turnState.set(SUBMITTED_REFERENCE_KEY, stored.reference);
    if (kit.showsCards && confirmation.card) await kit.sayCard(confirmation.card, confirmation.text, { filing });
    else await kit.say(confirmation.text, { filing });
    const locale = kit.state.locale;
    Object.assign(kit.state, newFilingState(locale), { submitted: filing });
    return step.endDialog({ kind: 'submitted', reference: stored.reference } satisfies ReviewResult);
  }
}

/**
 * What the filing needs prepared, told on the summary before the person submits (domain.md §7): the
 * category's documents and how and where they are handed in (the profile's documentsHandIn), or the
 * commitment signed in place of the proof, or that an identity document is all it needs. (After
 * submitting, the receipt says it again: src/pages/receipt.ts.)
 */
export function preparationLines(kit: TurnKit, category: CategoryId): string[] {
  const needs = documentsFor(category, kit.profile);
  const name = (code: string) => kit.t(`labels.documents.${code}`);
  const identity = name('IDENTITY');
  if (needs.proof.length === 0) return [kit.t('labels.documents.none', { identity })];
  const commitment = kit.state.details.commitment;
  if (commitment === true) return [kit.t('labels.documents.commitmentInstead', { proof: needs.proof.map(name).join(kit.t('common.listSeparator')), identity })];
  return [kit.t(commitment === false ? 'labels.documents.chosen' : 'labels.documents.prepare', { documents: kit.documentsText(category) }), kit.profileWords(kit.profile.documentsHandIn.value)];
}
