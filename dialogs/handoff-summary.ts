import type { Activity } from 'botbuilder';
import { resolveLocale, type Texts } from '../src/content/texts.js';
import type { ShownToAgent } from '../src/handoff/handoff.js';
import { FILING_FORM } from './filing-form.js';

/**
 * What an agent reads of the assistant's messages in a handoff's transcript (the console, and the
 * `handoff.initiate` an organisation's hub receives): their text, or a card's spoken text — but the
 * person's own summary (channelData.summary: its row ids) with the answers it alone shows in full (the
 * names and the address: `review` in their declarations, so that the person sees a typo) masked as
 * everywhere else, by their question's own `show` (张*, 浦东新区世纪****). The agent reads what the web
 * transcript keeps of the person's own answers (masked) and the draft's facts (masked), no more.
 */
export function shownToAgent(texts: Texts): ShownToAgent {
  return (message) => {
    const text = message.text || message.speak;
    const rows = summaryRows(message);
    return text && rows ? maskSummary(texts, text, rows, message.locale) : text;
  };
}

function summaryRows(message: Partial<Activity>): string[] | undefined {
  const rows = (message.channelData as { summary?: unknown } | undefined)?.summary;
  return Array.isArray(rows) && rows.every((r) => typeof r === 'string') ? (rows as string[]) : undefined;
}

/** The summary's lines ("label：value", or "2. label：value" where the summary is text) with the full answers masked. */
function maskSummary(texts: Texts, text: string, rows: string[], rawLocale: string | undefined): string {
  const locale = resolveLocale(rawLocale);
  const inFull = rows.flatMap((id, index) => {
    const question = FILING_FORM.byId(id);
    if (!question?.review) return [];
    // The label as the summary said it: the person's own, or its variant for someone filing for another.
    const labels = [`labels.${id}`, `agent.labels.${id}`].filter((key) => texts.has(locale, key)).map((key) => texts.t(locale, key));
    const leads = labels.flatMap((label) => [
      texts.t(locale, 'messages.summaryRow', { label, value: '' }),
      texts.t(locale, 'messages.summaryRowNumbered', { number: index + 1, label, value: '' }),
    ]);
    return [{ leads, mask: (value: string) => maskedAnswer(value, question.show.bind(question)) }];
  });
  return text
    .split('\n')
    .map((line) => {
      for (const row of inFull) {
        const lead = row.leads.find((l) => line.startsWith(l));
        if (lead !== undefined) return lead + row.mask(line.slice(lead.length));
      }
      return line;
    })
    .join('\n');
}

/** A name or an address as its question shows it back (from the value alone); masked whole should that ever need more. */
function maskedAnswer(value: string, show: (value: never, c: never) => string): string {
  try {
    return show(value as never, undefined as never);
  } catch {
    return '****';
  }
}
