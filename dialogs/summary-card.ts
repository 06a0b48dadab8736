import type { TurnKit } from './turn-kit.js';

/** The summary's groups, in the order a person told them: their situation, who they are, the treatment. */
export const SUMMARY_GROUPS = ['situation', 'person', 'treatment'] as const;
export type SummaryGroup = (typeof SUMMARY_GROUPS)[number];

/** The answers about the people (the insured person's scheme and identity, an agent); the other details are the treatment. */
const PERSON_FIELDS = new Set([
  'details.scheme',
  'details.personName',
  'details.idNumber',
  'details.phone',
  'details.agentName',
  'details.agentIdNumber',
  'details.agentPhone',
  'details.agentRelationship',
]);

/** The group an answer is shown in. */
export function summaryGroupOf(questionId: string): SummaryGroup {
  if (PERSON_FIELDS.has(questionId)) return 'person';
  return questionId.startsWith('details.') ? 'treatment' : 'situation';
}

/**
 * The summary as an Adaptive Card (1.3, which Web Chat, Teams and the Emulator render): the answers in
 * three groups (labels.groups.<group>), each a left-aligned list of label and value (a FactSet: one value
 * per line, masked as the text summary is), with one edit link per group that opens that group's
 * per-field edit actions (Action.ShowCard); each of those comes back as activity.value.editField. Then,
 * when given, what to prepare before submitting and how to hand it in.
 */
export function summaryCard(
  kit: TurnKit,
  category: string,
  rows: Array<{ id: string; label: string; value: string }>,
  fallbackText?: string,
  prepare?: { heading: string; lines: string[] },
): object {
  const groups = SUMMARY_GROUPS.map((group) => ({ group, rows: rows.filter((row) => summaryGroupOf(row.id) === group) })).filter((g) => g.rows.length > 0);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    speak: fallbackText ?? kit.t('messages.summaryIntro', { category }),
    ...(fallbackText ? { fallbackText } : {}),
    body: [
      { type: 'TextBlock', text: kit.t('messages.summaryIntro', { category }), weight: 'Bolder', wrap: true, size: 'Medium' },
      ...groups.map(({ group, rows: inGroup }) => {
        const name = kit.t(`labels.groups.${group}`);
        return {
          type: 'Container',
          id: `summary-${group}`,
          separator: true,
          spacing: 'Medium',
          items: [
            { type: 'TextBlock', text: name, weight: 'Bolder', wrap: true },
            { type: 'FactSet', facts: inGroup.map((row) => ({ title: row.label, value: row.value })) },
            {
              type: 'ActionSet',
              actions: [
                {
                  type: 'Action.ShowCard',
                  title: kit.t('messages.editAction', { field: name }),
                  card: {
                    type: 'AdaptiveCard',
                    body: [
                      {
                        type: 'ActionSet',
                        actions: inGroup.map((row) => ({ type: 'Action.Submit', title: kit.t('messages.editAction', { field: row.label }), data: { editField: row.id } })),
                      },
                    ],
                  },
                },
              ],
            },
          ],
        };
      }),
      // What to prepare before submitting, and how to hand it in: after the answers, no edit link.
      ...(prepare
        ? [
            {
              type: 'Container',
              id: 'summary-prepare',
              separator: true,
              spacing: 'Medium',
              items: [{ type: 'TextBlock', text: prepare.heading, weight: 'Bolder', wrap: true }, ...prepare.lines.map((line) => ({ type: 'TextBlock', text: line, wrap: true }))],
            },
          ]
        : []),
    ],
  };
}
