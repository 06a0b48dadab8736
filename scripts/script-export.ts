/**
 * Writes the hotline's printable script — the whole decision tree as one HTML page, every question in its
 * spoken form, its choices and where each leads, every outcome and its consequences per region profile —
 * generated from the question declarations (src/channels/hotline/call-script.ts), for agent training:
 *
 *   npm run script:export -- --out script.html [--locale en-US] [--today 2026-12-01]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { callScript } from '../src/channels/hotline/call-script.js';
import { resolveLocale, Texts } from '../src/content/texts.js';
import { todayInShanghai } from '../src/domain/calendar.js';
import { loadProfiles } from '../src/domain/profile.js';
import { createUnderstanding } from '../src/nlu/index.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, locale: { type: 'string', default: 'zh-CN' }, today: { type: 'string' } } });
if (!values.out) {
  process.stderr.write('usage: npm run script:export -- --out FILE [--locale zh-CN|en-US] [--today YYYY-MM-DD]\n');
  process.exit(2);
}
const html = await callScript({ texts: new Texts(), profiles: loadProfiles(), understanding: createUnderstanding(), today: values.today ?? todayInShanghai() }, resolveLocale(values.locale));
writeFileSync(values.out, html);
process.stdout.write(`wrote ${values.out} (${Math.round(Buffer.byteLength(html) / 1024)} KB)\n`);
