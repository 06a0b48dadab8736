import { expect } from 'chai';
import { LOCALES, Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { Chat } from './support/chat.js';
import { TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/** Typography and wording of the content: one quote style in Chinese, buttons named by their real labels, natural English. */

const texts = new Texts();
const strings = (locale: (typeof LOCALES)[number]) =>
  texts
    .keys(locale)
    .filter((k) => !texts.isList(locale, k))
    .map((k) => [k, texts.t(locale, k)] as const);

describe('content: quotes and button names', () => {
  it('zh-CN uses Chinese quotes “…”: no ASCII double quotes around Chinese text', () => {
    const ascii = strings('zh-CN').filter(([, s]) => /"[^"]*[\u3400-\u9fff][^"]*"/.test(s));
    expect(ascii.map(([k]) => k)).to.deep.equal([]);
  });

  it('zh-CN Chinese quotes are balanced', () => {
    const unbalanced = strings('zh-CN').filter(([, s]) => (s.match(/“/g) ?? []).length !== (s.match(/”/g) ?? []).length);
    expect(unbalanced.map(([k]) => k)).to.deep.equal([]);
  });

  for (const locale of LOCALES) {
    it(`${locale}: a question's words never quote a shortened form of one of its own buttons ("修改" for "修改信息")`, () => {
      const wrong: string[] = [];
      const promptIds = new Set(texts.keys(locale).filter((k) => /^prompts\..+\.choices\./.test(k)).map((k) => k.replace(/^prompts\.(.+)\.choices\..+$/, '$1')));
      for (const id of promptIds) {
        const labels = texts.keys(locale).filter((k) => k.startsWith(`prompts.${id}.choices.`)).map((k) => texts.t(locale, k));
        for (const part of ['text', 'help', 'again']) {
          const key = `prompts.${id}.${part}`;
          if (!texts.has(locale, key)) continue;
          for (const m of texts.t(locale, key).matchAll(/[“"]([^”"]+)[”"]/g)) {
            const quoted = m[1]!;
            if (quoted.startsWith('{')) continue;
            if (!labels.includes(quoted) && labels.some((label) => label.includes(quoted))) wrong.push(`${key}: "${quoted}"`);
          }
        }
      }
      expect(wrong).to.deep.equal([]);
    });
  }

  it('zh-CN: help at the summary names the edit button by its label', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const replies = await chat.say('帮助');
    expect(Chat.textOf(replies)).to.include(`“${chat.texts.t('zh-CN', 'prompts.review.confirm.choices.edit')}”`);
  });

  it('en-US: help at the consequences names the compare button by its label', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(TMP_OTHER_EN_TO_START_DATE, 'outcome.understood'));
    const replies = await chat.say('help');
    expect(Chat.textOf(replies)).to.include(`"${chat.texts.t('en-US', 'prompts.outcome.understood.choices.compare')}"`);
  });
});

describe('content: natural English', () => {
  const en = strings('en-US');
  for (const [slip, why] of [
    [/\bAccording to \{profile\}/, '"According to Rizhao" — say "Under Rizhao\'s rules"'],
    [/^Through the same channels\./, 'an answer that starts without its subject'],
    [/\(the agent\)\.$/, '"Please type your name (the agent)."'],
    [/\byour \(the agent's\)/, '"your (the agent\'s)"'],
  ] as Array<[RegExp, string]>) {
    it(`no ${why}`, () => {
      expect(en.filter(([, s]) => slip.test(s)).map(([k]) => k)).to.deep.equal([]);
    });
  }
});

describe('content: English that reads right for an agent and inside a sentence', () => {
  it('the documents to prepare name the insured person, never "your" (an agent may be filing)', () => {
    const yours = strings('en-US').filter(([k, s]) => k.startsWith('labels.documents.') && !/\.(prepare|chosen)$/.test(k) && /\byour\b/i.test(s));
    expect(yours.map(([k]) => k)).to.deep.equal([]);
  });

  it('every region profile’s English agency name reads mid-sentence ("decided by the … Administration")', () => {
    for (const profile of loadProfiles().values()) {
      expect(profile.agency.value['en-US'], profile.id).to.match(/^the /);
      expect(profile.fallbackContact.agency['en-US'], profile.id).to.match(/^the /);
    }
  });
});
