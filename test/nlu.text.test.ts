import { expect } from 'chai';
import { cuePattern } from '../src/nlu/text.js';

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
