import type { DocumentView } from '../src/pages/document.js';
import { bullet, bulletList } from './bullet-list.js';
import type { TurnKit } from './turn-kit.js';

/**
 * The confirmation of a submitted filing as its receipt, in the chat: the same words as the printable
 * receipt (src/pages/receipt.ts, /receipt/<reference>), of which the chat shows what the filing is — its
 * reference in large type, category, status, start, validity and institutions, what to prepare and bring,
 * what happens next — and not who it is for: a confirmation is what people screenshot and send on, and the
 * reference is all that finds the filing (the printable receipt names the person, masked). The hotline is
 * in what happens next already (who decides, and whom to ask), so the receipt's closing note is left out.
 */
const CHAT_ROWS = ['category', 'status', 'startDate', 'validity', 'institutions'];

export interface Confirmation {
  /** The receipt as plain text: what a channel without cards shows, and a card's speak and fallbackText. */
  text: string;
  /** The receipt as an Adaptive Card (1.3; the elements the page's own renderer draws). */
  card: object;
}

export function confirmationOf(kit: TurnKit, view: DocumentView, reference: string, categoryName: string): Confirmation {
  const rows = (view.sections.find((s) => s.key === 'details')?.rows ?? []).filter((row) => row.key !== undefined && CHAT_ROWS.includes(row.key));
  const lists = ['bring', 'next'].flatMap((key) => view.sections.filter((s) => s.key === key && (s.items?.length ?? 0) > 0).map((s) => ({ key, heading: s.heading, items: s.items! })));
  const t = kit.t.bind(kit);
  const row = (r: { label: string; value: string }) => t('messages.summaryRow', { label: r.label, value: r.value });
  const text = [
    kit.t('messages.submitted', { reference, category: categoryName }),
    // The category is in the first line already.
    rows.filter((r) => r.key !== 'category').map(row).join('\n'),
    ...lists.map((list) => [list.heading, bulletList(t, list.items)].join('\n')),
  ]
    .filter((part) => part !== '')
    .join('\n\n');

  const card = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    speak: text,
    fallbackText: text,
    body: [
      { type: 'TextBlock', text: kit.t('messages.submittedTitle'), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: view.highlight?.label ?? '', isSubtle: true, spacing: 'Small', wrap: true },
      { type: 'TextBlock', text: reference, size: 'ExtraLarge', weight: 'Bolder', spacing: 'None', wrap: true },
      { type: 'TextBlock', text: kit.t('messages.submittedKeep'), wrap: true },
      { type: 'FactSet', facts: rows.map((r) => ({ title: r.label, value: r.value })) },
      ...lists.map((list) => ({
        type: 'Container',
        id: `receipt-${list.key}`,
        separator: true,
        spacing: 'Medium',
        items: [
          { type: 'TextBlock', text: list.heading, weight: 'Bolder', wrap: true },
          ...list.items.map((item) => ({ type: 'TextBlock', text: bullet(t, item), wrap: true })),
        ],
      })),
    ],
  };
  return { text, card };
}
