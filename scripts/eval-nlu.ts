/**
 * npm run eval:nlu — how well the understanding reads the dev set (test/nlu/dev-set.json):
 * per question understood / wrong advance / re-asked, intents, the one-sentence intake (right category, further
 * questions), recognition time p50/p99 and training time.
 *
 *   npm run eval:nlu                      the understanding of src/nlu
 *   npm run eval:nlu -- --record          also write the figures to test/nlu/baseline.json
 *   npm run eval:nlu -- --compare-nlpjs   also measure the nlp.js design on the same dev set
 *   npm run eval:nlu -- --failures        list every sentence read wrong
 */
import { writeFileSync } from 'node:fs';
import { createUnderstanding } from '../src/nlu/index.js';
import { BASELINE, evaluate, figures, type Evaluation, type Reader } from './nlu-evaluation.js';
import { nlpjsReader } from './nlpjs-reader.js';
import { placeReader } from './place-reader.js';

const args = new Set(process.argv.slice(2));
const pct = (n: number, d: number): string => (d === 0 ? '   -  ' : `${((n / d) * 100).toFixed(1).padStart(5)}%`);

function print(title: string, e: Evaluation, trainingMs: number): void {
  console.log(`\n${title}`);
  console.log(`${'question'.padEnd(32)} ${'n'.padStart(4)} ${'understood'.padStart(10)} ${'wrong adv.'.padStart(10)} ${'re-asked'.padStart(9)}`);
  const row = (name: string, t: Evaluation['choices']): void =>
    console.log(`${name.padEnd(32)} ${String(t.total).padStart(4)} ${pct(t.understood, t.answers).padStart(10)} ${pct(t.wrongAdvance, t.total).padStart(10)} ${pct(t.reAsked, t.total).padStart(9)}`);
  for (const [q, t] of Object.entries(e.perQuestion).sort(([a], [b]) => a.localeCompare(b))) row(q, t);
  row('ALL CHOICES', e.choices);
  row('INTENTS', e.intents);
  if (e.places.total) row('PLACES (both place questions)', e.places);
  if (e.intake.total) {
    console.log(
      `intake: right category ${e.intake.rightCategory}/${e.intake.total}, at most 3 further questions ${e.intake.withinThreeFurther}/${e.intake.total} (max ${e.intake.maxFurther}), a wrong fact in ${e.intake.wrongFacts}`,
    );
  }
  const faqRow = (name: string, t: Evaluation['faq']['firstMessage']['zh-CN']): void =>
    console.log(`${name.padEnd(32)} ${String(t.total).padStart(4)} ${pct(t.understood, t.total).padStart(10)} ${pct(t.wrongAnswer, t.total).padStart(10)} ${pct(t.notUnderstood, t.total).padStart(9)}`);
  if (e.faq.firstMessage['zh-CN'].total + e.faq.firstMessage['en-US'].total > 0) {
    console.log(`${'FAQ (common questions)'.padEnd(32)} ${'n'.padStart(4)} ${'understood'.padStart(10)} ${'wrong ans.'.padStart(10)} ${'not und.'.padStart(9)}`);
    for (const locale of ['zh-CN', 'en-US'] as const) {
      faqRow(`FAQ first message ${locale}`, e.faq.firstMessage[locale]);
      faqRow(`FAQ mid-filing ${locale}`, e.faq.midFiling[locale]);
    }
    console.log(`answers at the filing's questions read as a common question: ${e.faq.onAnswers}`);
  }
  console.log(`recognition time per call: p50 ${e.timing.p50.toFixed(3)} ms, p99 ${e.timing.p99.toFixed(3)} ms (${e.timing.samples} calls); training ${trainingMs.toFixed(0)} ms`);
  if (args.has('--failures')) for (const f of e.failures) console.log(`  ✗ ${f}`);
}

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const understanding = createUnderstanding();
understanding.warmUp();
const trainingMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
// On a shared machine wall time varies with the load; the CPU time of training is what the process spends.
const trainingCpuMs = (cpu.user + cpu.system) / 1000;
const ours: Reader = {
  choice: (q, values, text, locale, hints) => understanding.choice(q, values, text, locale, hints),
  intent: (text, locale) => understanding.intent(text, locale),
  intake: (text, locale, today, hints) => understanding.intake(text, locale, today, hints),
  place: placeReader(understanding),
};
const result = await evaluate(ours);
print('src/nlu: jieba segmentation + negation-scope features + softmax regression, layered (exact, duration, guards)', result, trainingMs);
console.log(`training CPU time ${trainingCpuMs.toFixed(0)} ms (examples read, jieba loaded, every classifier of both languages trained)`);

if (args.has('--compare-nlpjs')) {
  const t1 = performance.now();
  const nlpjs = await nlpjsReader();
  const nlpjsTraining = performance.now() - t1;
  print('@nlpjs/nlp + @nlpjs/lang-zh / lang-en-min (its tokenizers, its neural NLU and None handling), same exact layer', await evaluate(nlpjs.reader), nlpjsTraining);
}

if (args.has('--record')) {
  writeFileSync(BASELINE, `${JSON.stringify({ $comment: 'Recorded by npm run eval:nlu -- --record. test/nlu.eval.test.ts fails when a figure gets worse: understood below, wrong advance above.', ...figures(result) }, null, 2)}\n`);
  console.log(`\nrecorded ${BASELINE.pathname}`);
}
