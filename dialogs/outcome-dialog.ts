import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isCategory, type CategoryId } from '../src/domain/categories.js';
import { consequencesOf, nearestAlternative, type ConsequenceDates, type ConsequenceItem } from '../src/domain/consequences.js';
import type { Outcome } from '../src/domain/situation.js';
import { ASKINGS, UNDERSTOOD } from './conversation-askings.js';
import type { DialogDeps } from './dialog-deps.js';
import { settle } from './form/form.js';
import { asked, QuestionPrompt } from './form/question-prompt.js';
import { bulletList } from './bullet-list.js';
import { settledOutcome } from './outcome-memo.js';
import { filingHost, TurnKit } from './turn-kit.js';
import { recordFunnel } from './funnel.js';

export const OUTCOME_DIALOG = 'outcome';

/** What the filing dialog does after the outcome: go on to the details, or stop here. */
export interface OutcomeResult {
  ended: boolean;
}

/**
 * The date consequences are counted from: the start date once given; before that today (or the admission
 * date) stands in, and the dated items say "if it starts on …" instead of stating it as fact.
 */
export function provisionalStart(kit: TurnKit): ConsequenceDates {
  const start = kit.state.details.startDate;
  return start ? { start } : { start: kit.state.situation.admissionDate ?? kit.deps.today(), provisional: true };
}

export function renderItems(kit: TurnKit, items: ConsequenceItem[], extra: Record<string, string | number> = {}): string {
  return bulletList(
    kit.t.bind(kit),
    items.map((item) => kit.t(`consequences.${item.code}`, { agency: kit.profile.agency.value[kit.locale], ...extra, ...(item.params ?? {}) })),
  );
}

/** The reasons of an outcome, one bullet each. */
function reasonLines(kit: TurnKit, reasons: readonly string[]): string {
  return bulletList(kit.t.bind(kit), reasons.map((code) => kit.t(`reasons.${code}`)));
}

/**
 * A deemed-filed emergency as it is told, from the outcome or from the emergency command at any
 * question: the advice to get treatment first, before anything else, then the category and reasons.
 */
export function emergencyLines(kit: TurnKit, reasons: readonly string[]): string[] {
  return [emergencyAdvice(kit), kit.t('messages.outcome.TMP_EMERGENCY', { category: categoryName(kit, 'TMP_EMERGENCY') }), reasonLines(kit, reasons)];
}

/** The advice to get treatment first; on a guided call the agent's (spoken.emergencyAdvice: the agent is the hotline it would name). */
export function emergencyAdvice(kit: TurnKit): string {
  return kit.t(kit.capabilities.spoken ? 'spoken.emergencyAdvice' : 'messages.emergencyAdvice');
}

export function categoryName(kit: TurnKit, category: CategoryId): string {
  return kit.profile.categories[category].name[kit.locale];
}

/**
 * Tells the person their outcome in plain words with the reasons, then — for a category to file —
 * what it means for them, and waits for an explicit "I understand" (or a comparison with the nearest
 * alternative first). Emergency, no-filing-needed, discharged and cannot-file outcomes end here.
 */
export class OutcomeDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(OUTCOME_DIALOG);
    this.addDialog(new QuestionPrompt(ASKINGS, filingHost(deps)));
    this.addDialog(new WaterfallDialog(`${OUTCOME_DIALOG}.steps`, [this.announce.bind(this), this.decide.bind(this)]));
    this.initialDialogId = `${OUTCOME_DIALOG}.steps`;
  }

  private async announce(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const outcome = settledOutcome(kit.q);
    if (!outcome) throw new Error('the outcome dialog started before the situation was complete');
    const comparing = (step.options as { comparing?: boolean } | undefined)?.comparing === true;
    // Whose rules are quoted is part of what was announced: an edit of the insured place that moves the
    // person onto (or off) a fallback profile is announced again, with the note.
    const announcedKey = `${outcome.kind}|${outcome.reasons.join(',')}|${kit.profile.id}${kit.profileIsFallback ? '|fallback' : ''}`;
    if (kit.state.announced !== announcedKey) {
      await this.sayOutcome(kit, outcome);
      kit.state.announced = announcedKey;
      recordFunnel(step.context, 'situation_completed');
      recordFunnel(step.context, 'classified', { category: outcome.kind });
    }
    if (!outcome.category || !isCategory(outcome.kind) || outcome.category === 'TMP_EMERGENCY') {
      kit.state.active = false;
      return step.endDialog({ ended: true } satisfies OutcomeResult);
    }
    if (kit.state.acceptedCategory === outcome.category) return step.endDialog({ ended: false } satisfies OutcomeResult);
    if (!comparing) {
      const consequences = consequencesOf(outcome.category, kit.profile, provisionalStart(kit), { retroactive: outcome.retroactive });
      await kit.say(
        kit.t('messages.consequencesIntro', { category: categoryName(kit, outcome.category) }) + '\n' + renderItems(kit, consequences.items),
        { consequences: { category: outcome.category, items: consequences.items.map((i) => i.code) } },
      );
    }
    return step.prompt(QuestionPrompt.ID, asked({ promptId: UNDERSTOOD.id }));
  }

  private async decide(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const outcome = settledOutcome(kit.q)!;
    if (step.result === 'accept') {
      kit.state.acceptedCategory = outcome.category!;
      // In the history like a question: "back" from the first detail shows the consequences again.
      settle(UNDERSTOOD.id, kit.q);
      recordFunnel(step.context, 'consequences_accepted');
      return step.endDialog({ ended: false } satisfies OutcomeResult);
    }
    const alternative = nearestAlternative(outcome, kit.profile, provisionalStart(kit));
    await kit.say(
      alternative
        ? kit.t('messages.alternativeIntro', { category: categoryName(kit, alternative.category) }) + '\n' + renderItems(kit, alternative.differences)
        : kit.t('messages.noAlternative'),
      alternative ? { alternative: { category: alternative.category, items: alternative.differences.map((i) => i.code) } } : undefined,
    );
    return step.replaceDialog(`${OUTCOME_DIALOG}.steps`, { comparing: true });
  }

  private async sayOutcome(kit: TurnKit, outcome: Outcome): Promise<void> {
    const lines = outcomeLines(kit, outcome);
    // A changed answer that changes the accepted category says so first.
    const before = kit.state.acceptedCategory;
    const reclassified = before !== undefined && before !== outcome.kind ? { from: before, to: outcome.kind } : undefined;
    if (reclassified) lines.unshift(kit.t('messages.reclassified', { from: categoryName(kit, reclassified.from) }));
    await kit.say(lines.join('\n\n'), {
      category: outcome.kind,
      reasons: outcome.reasons,
      scope: outcome.scope,
      retroactive: outcome.retroactive,
      ...(reclassified ? { reclassified } : {}),
    });
  }
}

/**
 * How an outcome is told, paragraph by paragraph: the category (or what happens instead) with its reasons,
 * whose rules were applied where they matter, and what to do for an outcome that ends the filing. Also the
 * hotline's printable script (src/channels/hotline/call-script.ts) tells every outcome with it.
 */
export function outcomeLines(kit: TurnKit, outcome: Outcome): string[] {
  const lines =
    outcome.category === 'TMP_EMERGENCY'
      ? emergencyLines(kit, outcome.reasons)
      : [outcome.category ? kit.t('messages.outcome.category', { category: categoryName(kit, outcome.category) }) : kit.t(`messages.outcome.${outcome.kind}`), reasonLines(kit, outcome.reasons)];
  // Each fact once: the reasons already say what a retroactive filing must respect; the note on whose
  // rules apply only where the outcome or what follows rests on the profile.
  if (kit.profileIsFallback && restsOnProfile(outcome)) {
    lines.push(kit.t('messages.outcome.profileFallback', { profile: kit.profile.name[kit.locale] }));
  }
  if (outcome.kind === 'MANUAL_REIMBURSEMENT') lines.push(kit.t('messages.manualReimbursement'));
  if (outcome.kind === 'NO_FILING_NEEDED' && outcome.reasons.includes('SAME_POOLING_AREA')) lines.push(kit.t('messages.noFilingNeeded'));
  if (outcome.kind === 'CANNOT_FILE') lines.push(kit.t('messages.cannotFile'));
  return lines;
}

/** The outcome (or the consequences told after it) quotes the region profile's rules. */
function restsOnProfile(outcome: Outcome): boolean {
  return outcome.category !== undefined || outcome.reasons.some((code) => code.endsWith('_FILING_NOT_REQUIRED'));
}
