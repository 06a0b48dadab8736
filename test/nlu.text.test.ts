import { expect } from 'chai';
import { languageOfText } from '../src/channels/wechat/wechat-language.js';
import { createUnderstanding } from '../src/nlu/index.js';
import { cuePattern, languageOfScript } from '../src/nlu/text.js';

/** The text helpers of the understanding (src/nlu/text.ts). */

describe('understanding: cuePattern makes a cue list of content a pattern', () => {
  it('the cues longest first: a split takes the whole word (没有 before 没)', () => {
    const re = cuePattern(['没', '没有'], '{cues}');
    expect('我没有迁'.split(re)).to.deep.equal(['我', '迁']);
    expect('我没有迁'.match(re)?.[0]).to.equal('没有');
  });

  it('the cues escaped: a cue with a dot or a bracket is matched as written', () => {
    const re = cuePattern(['e.g.', '(a)'], String.raw`^{cues}$`);
    expect(re.test('e.g.')).to.equal(true);
    expect(re.test('exgx')).to.equal(false);
    expect(re.test('(a)')).to.equal(true);
  });

  it('every {cues} of the shape is the cues, with the flags given', () => {
    const re = cuePattern(["didn't", 'not'], String.raw`\b{cues}\b.*\b{cues}\b`, 'iu');
    expect(re.flags).to.equal('iu');
    expect(re.test("NOT that I didn't")).to.equal(true);
    expect(re.test('not once')).to.equal(false);
  });

  it('an empty list matches nothing where the cues stand', () => {
    const re = cuePattern([], String.raw`{cues}\s*$`);
    for (const text of ['', '不', 'anything']) expect(re.test(text)).to.equal(false);
    expect(cuePattern([], '[,.]+|{cues}').test('a, b')).to.equal(true);
  });

  it('made once per list, shape and flags', () => {
    const cues = ['不', '没'];
    expect(cuePattern(cues, '{cues}$')).to.equal(cuePattern(cues, '{cues}$'));
    expect(cuePattern(cues, '{cues}$')).not.to.equal(cuePattern(cues, '{cues}$', 'iu'));
    expect(cuePattern(cues, '{cues}$')).not.to.equal(cuePattern(cues, '^{cues}'));
    expect(cuePattern(cues, '{cues}$')).not.to.equal(cuePattern([...cues], '{cues}$'));
  });
});

describe('understanding: languageOfScript, the one reading of which script a text is in (the NLU’s fallback, WeChat’s first message)', () => {
  for (const [text, expected] of [
    ['我想办备案', 'zh-CN'],
    ['hi 我想办备案', 'zh-CN'],
    ['ok，同意', 'zh-CN'],
    ['hello', 'en-US'],
    ['I need to file', 'en-US'],
    ['Ｈｉ', 'en-US'],
    ['13812345678', undefined],
    ['👍', undefined],
    ['?', undefined],
    ['a', undefined],
  ] as const) {
    it(`“${text}” → ${expected ?? 'nothing'}`, () => expect(languageOfScript(text)).to.equal(expected));
  }

  it('WeChat reads a first message’s language with it', () => {
    for (const text of ['hi 我想办备案', 'hello', '123']) expect(languageOfText(text)).to.equal(languageOfScript(text));
  });
});

describe('understanding: words in the other script are read in that language', () => {
  const u = createUnderstanding();
  it('English words at a Chinese question, Chinese ones at an English question', () => {
    expect(u.choice('situation.retired', ['yes', 'no'], 'not retired yet', 'zh-CN')).to.include({ status: 'confident', value: 'no' });
    expect(u.choice('situation.retired', ['yes', 'no'], '还没退休', 'en-US')).to.include({ status: 'confident', value: 'no' });
  });
  it('mixed words at an English question are read as Chinese where English reads nothing', () => {
    expect(u.intent('hi 我想转人工', 'en-US')?.intent).to.equal('human');
  });
});

describe('understanding: a question asked both ways (能不能, 要不要, 对不对) negates nothing', () => {
  const u = createUnderstanding();
  for (const text of ['能不能帮我办备案', '能不能用医保卡', '我能不能备案', '要不要转诊证明', '会不会影响报销', '用不用备案', '对不对', '可以不可以备案', '去没去医院', '报不报销']) {
    it(`“${text}” is not negated`, () => expect(u.negated(text, 'zh-CN')).to.equal(false));
  }
  for (const text of ['不能用医保卡', '能不能不转诊', '他能不去吗', '我不同意', '没去医院']) {
    it(`“${text}” is still negated`, () => expect(u.negated(text, 'zh-CN')).to.equal(true));
  }
  it('“能不能帮我办备案” at the menu: a filing', () => {
    expect(u.choice('menu.main', ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN'], '能不能帮我办备案', 'zh-CN')).to.include({ status: 'confident', value: 'FILE' });
  });
  it('“要不要转诊证明” is no “no” to having a referral', () => {
    expect(u.choice('situation.hasReferral', ['yes', 'no'], '要不要转诊证明', 'zh-CN')).not.to.include({ value: 'no' });
  });
});

describe('understanding: isChineseWord, one word of the Chinese dictionary (no place one character off)', () => {
  const u = createUnderstanding();
  for (const [text, expected] of [
    ['同意', true],
    ['明白', true],
    ['日招', false],
    ['义鸟', false],
    ['agree', false],
    ['ok', false],
    ['同意 ok', false],
  ] as const) {
    it(`“${text}” → ${expected}`, () => expect(u.isChineseWord?.(text)).to.equal(expected));
  }
});
