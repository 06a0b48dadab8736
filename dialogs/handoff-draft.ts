import { CATEGORY_IDS, type CategoryId } from '../src/domain/categories.js';
import type { DraftView } from '../src/handoff/handoff.js';
import { FILING_FORM } from './filing-form.js';
import { filingProgress } from './filing-steps.js';
import { categoryName } from './outcome-dialog.js';
import type { TurnKit } from './turn-kit.js';

/**
 * The draft filing as an agent sees it in the console: where the person is (the filing's step and the
 * question waiting), the category so far, and every answer as the assistant shows answers back — the
 * ID number and phones masked, names masked as everywhere but the person's own summary.
 */
export function draftView(kit: TurnKit, waitingAt: string | undefined): DraftView {
  const progress = waitingAt ? filingProgress(waitingAt, kit.q) : undefined;
  const category = kit.state.acceptedCategory ?? announcedCategory(kit.state.announced);
  const facts = kit.state.active
    ? FILING_FORM.answered(kit.q)
        .filter((q) => kit.has(`labels.${q.id}`))
        .map((q) => ({ id: q.id, label: kit.t(`labels.${q.id}`), value: q.show(q.get(kit.q), kit.q) }))
    : [];
  return {
    ...(progress ? { stage: progress.stage, step: progress.step, of: progress.of } : {}),
    ...(waitingAt ? { waitingAt } : {}),
    ...(category ? { category: categoryName(kit, category) } : {}),
    facts,
  };
}

/** The category an announced outcome named ("kind|reasons|profile"), if it is one. */
function announcedCategory(announced: string | undefined): CategoryId | undefined {
  const kind = announced?.split('|')[0];
  return (CATEGORY_IDS as readonly string[]).includes(kind ?? '') ? (kind as CategoryId) : undefined;
}
