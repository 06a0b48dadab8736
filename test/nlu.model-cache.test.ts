import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainedClassifier, type LabelledExample } from '../src/nlu/classifier.js';
import { DEFAULT_EXAMPLES_DIR, loadExamples } from '../src/nlu/examples.js';
import { createUnderstanding } from '../src/nlu/index.js';
import { cachedClassifier, modelCacheCounts, modelKey } from '../src/nlu/model-cache.js';
import { TextAnalyser } from '../src/nlu/text.js';

const analyser = new TextAnalyser('zh-CN', loadExamples(DEFAULT_EXAMPLES_DIR, 'zh-CN').lexicon);
const examples: LabelledExample[] = [
  { text: '我要去外地看病', label: 'go' },
  { text: '去北京住院', label: 'go' },
  { text: '在本地看病', label: 'stay' },
  { text: '不出去了', label: 'stay' },
  { text: '今天天气不错', label: '_none' },
];
const sentences = ['我想去上海看病', '不去外地', '天气怎么样'];

describe('NLU model cache: trained classifiers kept in files, keyed by what they follow from', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nlu-models-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('trains and writes on first use, then reads the same model back: the same readings to the last digit', () => {
    const before = { ...modelCacheCounts };
    const trained = cachedClassifier(examples, analyser, 'zh-CN', { dir });
    expect(modelCacheCounts.trained - before.trained).to.equal(1);
    expect(readdirSync(dir)).to.deep.equal([`${modelKey(examples, analyser.lexicon, 'zh-CN')}.json`]);
    const read = cachedClassifier(examples, analyser, 'zh-CN', { dir });
    expect(modelCacheCounts.read - before.read).to.equal(1);
    expect(modelCacheCounts.trained - before.trained).to.equal(1);
    for (const s of sentences) expect(read.classify(s)).to.deep.equal(trained.classify(s));
    expect(read.classify(sentences[0]!)).to.deep.equal(new TrainedClassifier(examples, analyser, 'zh-CN').classify(sentences[0]!));
  });

  it('a changed example, label or lexicon names another file: trained again, never the stale model', () => {
    cachedClassifier(examples, analyser, 'zh-CN', { dir });
    const changed = examples.map((e, i) => (i === 0 ? { ...e, text: '我要去外地住院' } : e));
    const relabelled = examples.map((e, i) => (i === 4 ? { ...e, label: 'stay' } : e));
    const otherLexicon = new TextAnalyser('zh-CN', { ...analyser.lexicon, negations: [...analyser.lexicon.negations, '莫'] });
    const keys = new Set([
      modelKey(examples, analyser.lexicon, 'zh-CN'),
      modelKey(changed, analyser.lexicon, 'zh-CN'),
      modelKey(relabelled, analyser.lexicon, 'zh-CN'),
      modelKey(examples, otherLexicon.lexicon, 'zh-CN'),
      modelKey(examples, analyser.lexicon, 'en-US'),
    ]);
    expect(keys.size).to.equal(5);
    const before = { ...modelCacheCounts };
    const retrained = cachedClassifier(changed, analyser, 'zh-CN', { dir });
    expect(modelCacheCounts.trained - before.trained).to.equal(1);
    expect(modelCacheCounts.read - before.read).to.equal(0);
    expect(readdirSync(dir)).to.have.length(2);
    expect(retrained.classify(sentences[1]!)).to.deep.equal(new TrainedClassifier(changed, analyser, 'zh-CN').classify(sentences[1]!));
  });

  it('a damaged file is trained around (and replaced), not an error', () => {
    writeFileSync(join(dir, `${modelKey(examples, analyser.lexicon, 'zh-CN')}.json`), '{"labels":["go"],"features":[],"weights":"AAAA","bias":""}');
    const before = { ...modelCacheCounts };
    const c = cachedClassifier(examples, analyser, 'zh-CN', { dir });
    expect(modelCacheCounts.trained - before.trained).to.equal(1);
    expect(c.classify(sentences[0]!).ranked[0]!.value).to.equal('go');
    cachedClassifier(examples, analyser, 'zh-CN', { dir });
    expect(modelCacheCounts.read - before.read).to.equal(1);
  });

  it('the understanding: a first warm-up trains every classifier and writes it, the next start reads them all and reads people alike', () => {
    const before = { ...modelCacheCounts };
    const first = createUnderstanding({ modelCacheDir: dir });
    first.warmUp();
    const trained = modelCacheCounts.trained - before.trained;
    // Classifiers with the same training set share a file (read back by the second of them).
    const classifiers = trained + modelCacheCounts.read - before.read;
    expect(trained).to.be.greaterThan(10);
    expect(readdirSync(dir)).to.have.length(trained);
    // Another examples path to the same content: a new understanding, as a new process would build.
    const again = createUnderstanding({ modelCacheDir: dir, examplesDir: `${DEFAULT_EXAMPLES_DIR}./` });
    expect(again).to.not.equal(first);
    const mid = { ...modelCacheCounts };
    again.warmUp();
    expect(modelCacheCounts.trained - mid.trained).to.equal(0);
    expect(modelCacheCounts.read - mid.read).to.equal(classifiers);
    for (const [text, locale] of [['我想找个真人问问', 'zh-CN'], ['what documents should I prepare', 'en-US'], ['户口没迁怎么办', 'zh-CN']] as const) {
      expect(again.intentReading(text, locale)).to.deep.equal(first.intentReading(text, locale));
    }
  });
});
