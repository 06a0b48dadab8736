/**
 * The design compared with src/nlu in `npm run eval:nlu -- --compare-nlpjs`: nlp.js end to end (@nlpjs/nlp with
 * @nlpjs/lang-zh's dictionary tokenizer, or @nlpjs/lang-en-min, and nlp.js's own neural NLU and None handling),
 * trained on the same examples of content/nlu/, behind the same exact layer, duration layer and guard, so the
 * comparison is of the trained part alone. nlp.js reads asynchronously; it is measured here, not used by the app.
 */
import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { LangZh } from '@nlpjs/lang-zh';
import { Nlp } from '@nlpjs/nlp';
import { DEFAULT_EXAMPLES_DIR, loadExamples, type LocaleExamples } from '../src/nlu/examples.js';
import { createUnderstanding, judgeDuration, type NluLocale, type Reading } from '../src/nlu/index.js';
import { toReading } from '../src/nlu/reading.js';
import type { Reader } from './nlu-evaluation.js';
import { QUESTION_VALUES } from './nlu-evaluation.js';

interface NlpLike {
  addLanguage(l: string): void;
  addDocument(l: string, text: string, intent: string): void;
  train(): Promise<unknown>;
  process(l: string, text: string): Promise<{ classifications: Array<{ intent: string; score: number }> }>;
}

const LANG: Record<NluLocale, string> = { 'zh-CN': 'zh', 'en-US': 'en' };

async function trained(locale: NluLocale, docs: Array<[string, string]>): Promise<NlpLike> {
  const container = await containerBootstrap();
  container.use(locale === 'zh-CN' ? LangZh : LangEn);
  const nlp = new Nlp({ container, languages: [LANG[locale]], autoSave: false, nlu: { log: false } }) as unknown as NlpLike;
  for (const [text, intent] of docs) nlp.addDocument(LANG[locale], text, intent);
  const log = console.log;
  console.log = () => {}; // lang-zh prints "Compiling dictionary"
  try {
    await nlp.train();
  } finally {
    console.log = log;
  }
  return nlp;
}

function questionDocs(e: LocaleExamples, q: string, values: readonly string[]): Array<[string, string]> {
  const ex = e.questions.get(q);
  const docs: Array<[string, string]> = [];
  for (const v of values) {
    for (const t of ex?.examples[v] ?? []) docs.push([t, v]);
    const yn = v === 'yes' || v === 'no' ? v : ex?.yesNo?.[v];
    if (yn) for (const t of e.yesNo[yn]) docs.push([t, v]);
  }
  for (const t of e.none) docs.push([t, 'None']);
  return docs;
}

function intentDocs(e: LocaleExamples): Array<[string, string]> {
  const docs: Array<[string, string]> = [];
  for (const [label, texts] of Object.entries(e.intents)) for (const t of texts) docs.push([t, label]);
  for (const [topic, texts] of Object.entries(e.faq)) for (const t of texts) docs.push([t, `faq:${topic}`]);
  for (const t of e.none) docs.push([t, 'None']);
  return docs;
}

export async function nlpjsReader(): Promise<{ reader: Reader }> {
  const ours = createUnderstanding();
  const models = new Map<string, NlpLike>();
  const examples = { 'zh-CN': loadExamples(DEFAULT_EXAMPLES_DIR, 'zh-CN'), 'en-US': loadExamples(DEFAULT_EXAMPLES_DIR, 'en-US') };
  for (const locale of ['zh-CN', 'en-US'] as const) {
    for (const [q, values] of Object.entries(QUESTION_VALUES)) models.set(`${locale}|${q}`, await trained(locale, questionDocs(examples[locale], q, values)));
    models.set(`${locale}|intents`, await trained(locale, intentDocs(examples[locale])));
  }
  const scores = async (key: string, locale: NluLocale, text: string) =>
    (await models.get(key)!.process(LANG[locale], text)).classifications.map((c) => ({ value: c.intent === 'None' ? '_none' : c.intent, score: c.score }));
  const reader: Reader = {
    async choice(q, values, text, locale, hints): Promise<Reading<string>> {
      const exact = ours.exactChoice(q, values, text, locale);
      if (exact) return { status: 'confident', value: exact, score: 1 };
      if (q === 'situation.longTerm') {
        const d = ours.durationOf(text, locale);
        if (d) return judgeDuration(d, hints.longTermMinDays);
      }
      const reading = toReading(await scores(`${locale}|${q}`, locale, text));
      const guarded = examples[locale].questions.get(q)?.guarded ?? [];
      if (reading.status === 'confident' && guarded.includes(reading.value) && ours.negated(text, locale)) return { status: 'none' };
      return reading;
    },
    async intent(text, locale) {
      const reading = toReading(await scores(`${locale}|intents`, locale, text));
      if (reading.status !== 'confident') return undefined;
      const v = reading.value;
      if (v.startsWith('faq:')) return { intent: 'faq', topic: v.slice(4), score: reading.score };
      if (v.startsWith('language:')) return { intent: 'language', locale: v.slice(9) as NluLocale, score: reading.score };
      return { intent: v as never, score: reading.score };
    },
  };
  return { reader };
}
