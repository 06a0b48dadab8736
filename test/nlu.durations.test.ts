import { expect } from 'chai';
import { loadProfiles } from '../src/domain/profile.js';
import { createUnderstanding, judgeDuration, type NluLocale } from '../src/nlu/index.js';

const u = createUnderstanding();
const threshold = loadProfiles().get('rizhao')!.longTermMinDays.value;

describe("understanding: how long a stay is, judged against the profile's long-term threshold", () => {
  describe('durations in days', () => {
    const cases: Array<[string, NluLocale, number]> = [
      ['两年', 'zh-CN', 731],
      ['八个月', 'zh-CN', 244],
      ['半年', 'zh-CN', 183],
      ['一个礼拜', 'zh-CN', 7],
      ['三五天', 'zh-CN', 4],
      ['一年半', 'zh-CN', 548],
      ['两个半月', 'zh-CN', 76],
      ['for a couple of years', 'en-US', 731],
      ['about 8 months', 'en-US', 244],
      ['half a year', 'en-US', 183],
      ['a year and a half', 'en-US', 548],
    ];
    for (const [text, locale, days] of cases) it(`“${text}” is ${days} days`, () => expect(u.duration(text, locale)).to.equal(days));
    it('a date is no duration (“12月1日”, “2026年”)', () => {
      expect(u.duration('12月1日', 'zh-CN')).to.equal(undefined);
      expect(u.duration('2026年', 'zh-CN')).to.equal(undefined);
    });
    it('a time ago is when, not how long (“两年前搬过去的”, “three days ago”); “三天前后” is about three days', () => {
      expect(u.duration('两年前搬过去的', 'zh-CN')).to.equal(undefined);
      expect(u.duration('三个月之前', 'zh-CN')).to.equal(undefined);
      expect(u.duration('I moved there three days ago', 'en-US')).to.equal(undefined);
      expect(u.duration('I moved there two years ago and will stay for three years', 'en-US')).to.equal(1096);
      expect(u.duration('三天前后', 'zh-CN')).to.equal(3);
    });
  });

  describe(`at "long-term?" (threshold from the rizhao profile)`, () => {
    const read = (text: string, locale: NluLocale = 'zh-CN') => u.choice('situation.longTerm', ['yes', 'no'], text, locale, { longTermMinDays: threshold });
    const cases: Array<[string, NluLocale, string]> = [
      ['两年', 'zh-CN', 'yes'],
      ['八个月', 'zh-CN', 'yes'],
      ['一个礼拜', 'zh-CN', 'no'],
      ['三五天', 'zh-CN', 'no'],
      ['半年以上', 'zh-CN', 'yes'],
      ['不到半年', 'zh-CN', 'no'],
      ['for a couple of years', 'en-US', 'yes'],
      ['about 8 months', 'en-US', 'yes'],
      ['less than six months', 'en-US', 'no'],
    ];
    for (const [text, locale, value] of cases) it(`“${text}” → ${value}`, () => expect(read(text, locale)).to.include({ status: 'confident', value }));
    for (const text of ['半年', '半年左右', '六个月']) {
      it(`“${text}” is near the threshold: a close call with both readings, not a guess`, () => {
        const r = read(text);
        expect(r.status).to.equal('close');
        expect(r.status === 'close' && r.candidates.map((c) => c.value).sort()).to.deep.equal(['no', 'yes']);
      });
    }
    it('the threshold is the profile\'s: eight months is short against a threshold of a year', () => {
      const d = u.durationOf('八个月', 'zh-CN')!;
      expect(judgeDuration(d, threshold * 2)).to.include({ status: 'confident', value: 'no' });
    });
  });
});
