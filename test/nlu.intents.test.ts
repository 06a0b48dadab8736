import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUnderstanding, type IntentReading, type NluLocale } from '../src/nlu/index.js';
import { DEFAULT_EXAMPLES_DIR, loadExamples } from '../src/nlu/examples.js';
import { IntentRecogniser } from '../src/nlu/intents.js';
import { TextAnalyser } from '../src/nlu/text.js';

const u = createUnderstanding();
const label = (r: IntentReading | undefined): string =>
  !r ? 'none' : r.intent === 'faq' ? `faq:${r.topic}` : r.intent === 'language' ? `language:${r.locale}` : r.intent;

describe('understanding: intents said in free words, at any point', () => {
  const cases: Array<[string, NluLocale, string]> = [
    ['我在广州出差，急性阑尾炎，现在在急诊', 'zh-CN', 'emergency'],
    ['老人在外地旅游时突然晕倒，刚被送去抢救', 'zh-CN', 'emergency'],
    ["we're visiting Xi'an and my wife just had a stroke, we're in the ER", 'en-US', 'emergency'],
    ['我想找个真人问问', 'zh-CN', 'human'],
    ['could I talk to an actual person please', 'en-US', 'human'],
    ['这个问题我看不明白', 'zh-CN', 'help'],
    ['刚才那个选错了，退回去', 'zh-CN', 'back'],
    ['全部重新来过', 'zh-CN', 'restart'],
    ['can we do this in english', 'zh-CN', 'language:en-US'],
    ['换中文吧', 'en-US', 'language:zh-CN'],
    ['查询备案', 'zh-CN', 'checkFiling'],
    ['取消备案', 'zh-CN', 'cancelFiling'],
    ['变更备案', 'zh-CN', 'changeFiling'],
    ['has my filing been approved?', 'en-US', 'checkFiling'],
    ['备案以后回参保地看病还能刷卡吗', 'zh-CN', 'faq:CARD'],
    ['what documents should I prepare', 'en-US', 'faq:MATERIALS'],
  ];
  for (const [text, locale, expected] of cases) {
    it(`“${text}” (${locale}) → ${expected}`, () => expect(label(u.intent(text, locale))).to.equal(expected));
  }

  describe('check, cancel or change said with “我想” is read clear of the threshold, and wanting to file is none of them', () => {
    for (const [text, expected] of [['我想查询备案', 'checkFiling'], ['我想查一下备案', 'checkFiling'], ['我想取消备案', 'cancelFiling']] as const) {
      it(`“${text}” → ${expected}, score at least 0.9`, () => {
        const r = u.intent(text, 'zh-CN');
        expect(label(r)).to.equal(expected);
        expect(r!.score).to.be.at.least(0.9);
      });
    }
    it('“我想变更备案” → changeFiling (was a close call with cancelFiling)', () => expect(label(u.intent('我想变更备案', 'zh-CN'))).to.equal('changeFiling'));
    it('“我想办理备案” is no check, cancel or change', () => expect(['checkFiling', 'cancelFiling', 'changeFiling']).not.to.include(label(u.intent('我想办理备案', 'zh-CN'))));
  });

  describe('the command words are exact in either language', () => {
    for (const [text, expected] of [['人工服务', 'human'], ['Talk to a person', 'human'], ['返回上一步', 'back'], ['English', 'language:en-US'], ['中文', 'language:zh-CN'], ['保留', 'keep']] as const) {
      it(`“${text}” → ${expected} with score 1`, () => {
        const r = u.intent(text, 'zh-CN');
        expect([label(r), r?.score]).to.deep.equal([expected, 1]);
      });
    }
  });

  describe('answers to questions are not taken for intents', () => {
    for (const [text, locale] of [['退休好几年了', 'zh-CN'], ['户口没迁过来', 'zh-CN'], ['是的', 'zh-CN'], ['给我自己办', 'zh-CN'], ['no, still working', 'en-US'], ['日照', 'zh-CN']] as const) {
      it(`“${text}” is no intent`, () => expect(label(u.intent(text, locale))).to.equal('none'));
    }
  });

  describe('a hospital alone is not an emergency; a word of urgency with it is', () => {
    for (const text of ['人在医院', '现在在医院', '我妈在医院']) it(`“${text}” is no emergency`, () => expect(label(u.intent(text, 'zh-CN'))).to.not.equal('emergency'));
    for (const text of ['在医院急诊', '急性胃炎，人在医院', '突然晕倒了，现在在医院']) it(`“${text}” is an emergency`, () => expect(label(u.intent(text, 'zh-CN'))).to.equal('emergency'));
  });

  it('the scores are there for the engine to weigh an intent against an answer ("正在急诊" at "what is happening now")', () => {
    const r = u.intentReading('现在人正在急诊室', 'zh-CN');
    expect(r.status).to.equal('confident');
    expect(r.status === 'confident' && r.value.intent).to.equal('emergency');
    expect(u.choice('situation.now', ['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID'], '现在人正在急诊室', 'zh-CN')).to.include({ status: 'confident', value: 'EMERGENCY_NOW' });
  });
});

describe('a cancel is read only from words that say cancel (a stricter bar for an intent that undoes something)', () => {
  for (const [text, locale] of [['办理异地就医备案', 'zh-CN'], ['他们说我要办异地就医备案', 'zh-CN'], ['我要办异地就医备案', 'zh-CN'], ['file my registration', 'en-US']] as const) {
    it(`“${text}” is no cancel`, () => expect(label(u.intent(text, locale))).to.not.equal('cancelFiling'));
  }
  // Asked both ways before the cancel word: a question whether, no request (会不会, 要不要 stopped counting as negation).
  for (const text of ['会不会被取消备案', '要不要取消备案', '需不需要撤销备案']) {
    it(`“${text}” asks whether, and is no cancel`, () => expect(label(u.intent(text, 'zh-CN'))).to.not.equal('cancelFiling'));
  }
  for (const [text, locale] of [['取消备案', 'zh-CN'], ['我想把备案撤掉', 'zh-CN'], ['我要取消备案', 'zh-CN'], ['备案不要了，撤销吧', 'zh-CN'], ['please withdraw my registration', 'en-US']] as const) {
    it(`“${text}” is a cancel`, () => expect(label(u.intent(text, locale))).to.equal('cancelFiling'));
  }
  for (const locale of ['zh-CN', 'en-US'] as const) {
    it(`every cancel example of ${locale} holds one of the words it must be said with`, () => {
      const examples = loadExamples(DEFAULT_EXAMPLES_DIR, locale);
      const words = examples.intentWords.cancelFiling!;
      expect(words.length).to.be.greaterThan(0);
      expect(examples.intents.cancelFiling!.filter((t) => !words.some((w) => t.toLowerCase().includes(w)))).to.deep.equal([]);
    });
  }
});

describe('training: one example more does not tip unrelated readings', () => {
  const dev = JSON.parse(readFileSync(new URL('./nlu/dev-set.json', import.meta.url), 'utf8')) as { intents: Array<{ locale: NluLocale; text: string }> };
  const readings = (locale: NluLocale, extra?: [string, string]): Map<string, string> => {
    const examples = loadExamples(DEFAULT_EXAMPLES_DIR, locale);
    if (extra) examples.intents[extra[0]] = [...examples.intents[extra[0]]!, extra[1]];
    const recogniser = new IntentRecogniser(locale, examples, new TextAnalyser(locale, examples.lexicon), {}, { dir: false });
    return new Map(dev.intents.filter((i) => i.locale === locale).map((i) => {
      const r = recogniser.readAll(i.text);
      return [i.text, r.status === 'confident' ? label(r.value) : r.status];
    }));
  };
  // The training order was a shuffle of the whole list: one check example more reordered everything and
  // tipped 取消备案, 在手机上哪里能办 and 帮我看看怎么办备案 (the stationed-worker FAQ).
  for (const [locale, intent, text] of [['zh-CN', 'checkFiling', '帮我查下备案进度'], ['zh-CN', 'help', '这个我不会弄'], ['en-US', 'checkFiling', 'where is my filing at']] as const) {
    it(`adding “${text}” to ${intent} (${locale}) changes no reading of the dev set`, () => {
      const before = readings(locale);
      const after = readings(locale, [intent, text]);
      expect([...before].filter(([t, v]) => after.get(t) !== v).map(([t, v]) => `${t}: ${v} → ${after.get(t)}`)).to.deep.equal([]);
    });
  }
});

describe('understanding: the words that ask are content (content/nlu/<locale>/intents.json asks)', () => {
  const noAsks = { marks: [], anywhere: [], first: [], last: [] };
  for (const [text, locale, topic] of [
    ['what documents should I prepare', 'en-US', 'MATERIALS'],
    ['备案以后回参保地看病还能刷卡吗', 'zh-CN', 'CARD'],
  ] as const) {
    it(`“${text}” is a FAQ question by its words that ask; without them, only a close reading`, () => {
      const examples = loadExamples(DEFAULT_EXAMPLES_DIR, locale);
      const analyser = new TextAnalyser(locale, examples.lexicon);
      expect(new IntentRecogniser(locale, examples, analyser, {}).readAll(text)).to.deep.include({ status: 'confident' });
      expect(new IntentRecogniser(locale, examples, analyser, {}).read(text)).to.include({ intent: 'faq', topic });
      expect(new IntentRecogniser(locale, { ...examples, asks: noAsks }, analyser, {}).readAll(text)).to.deep.include({ status: 'close' });
    });
  }

  it('each kind of asking word: a mark, a word anywhere, the first word, the last', () => {
    const zh = loadExamples(DEFAULT_EXAMPLES_DIR, 'zh-CN');
    const en = loadExamples(DEFAULT_EXAMPLES_DIR, 'en-US');
    expect(zh.asks.marks).to.include('吗');
    expect(zh.asks.anywhere).to.include('能不能');
    expect(zh.asks.last).to.include('吧');
    expect(en.asks.first).to.include('is');
    expect(en.asks.anywhere).to.include('can i');
  });

  it('an intents.json without asks stops loading, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-asks-'));
    try {
      cpSync(DEFAULT_EXAMPLES_DIR, dir, { recursive: true });
      const file = join(dir, 'en-US', 'intents.json');
      const intents = JSON.parse(readFileSync(file, 'utf8'));
      delete intents.asks;
      writeFileSync(file, JSON.stringify(intents));
      expect(() => loadExamples(dir, 'en-US')).to.throw(/en-US\/intents\.json: asks/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
