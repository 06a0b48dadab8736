import type { TurnKit } from './turn-kit.js';

/**
 * The summary as an Adaptive Card (1.3, which Web Chat renders): one row per answer, masked as the
 * text summary is, with an edit action per field that comes back as activity.value.editField.
 */
export function summaryCard(kit: TurnKit, category: string, rows: Array<{ id: string; label: string; value: string }>, fallbackText?: string): object {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    speak: fallbackText ?? kit.t('messages.summaryIntro', { category }),
    ...(fallbackText ? { fallbackText } : {}),
    body: [
      { type: 'TextBlock', text: kit.t('messages.summaryIntro', { category }), weight: 'Bolder', wrap: true, size: 'Medium' },
      ...rows.map((row) => ({
        type: 'ColumnSet',
        columns: [
          { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: row.label, isSubtle: true, wrap: true }] },
          { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: row.value, wrap: true }] },
          {
            type: 'Column',
            width: 'auto',
            items: [
              {
                type: 'ActionSet',
                actions: [{ type: 'Action.Submit', title: kit.t('messages.editAction', { field: row.label }), data: { editField: row.id } }],
              },
            ],
          },
        ],
      })),
    ],
  };
}
