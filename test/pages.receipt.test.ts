import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { durationText, naturalDate } from '../src/content/natural.js';
import { privacyNotice } from '../src/pages/privacy.js';
import { receiptOf } from '../src/pages/receipt.js';
import { Chat } from './support/chat.js';
import { AGENT_IN_HOSPITAL, LT_RESIDENT_TO_SUMMARY } from './support/paths.js';

const texts = new Texts();
const profiles = loadProfiles();
const sources = { profiles, defaultRegion: 'rizhao', texts };
const words = (view: NonNullable<ReturnType<typeof receiptOf>>) =>
  JSON.stringify([view.title, view.lead, view.highlight, view.sections, view.notes]);

/** Files through the real dialogs and returns the stored filing. */
async function filed(script: typeof LT_RESIDENT_TO_SUMMARY) {
  const chat = new Chat();
  await chat.follow(script);
  await chat.say('确认提交');
  expect(chat.created).to.have.length(1);
  return chat.created[0]!;
}

/**
 * A filing's receipt in words (src/pages/receipt.ts), from a filing stored by the real dialogs: every
 * word from content/ and the filing's profile, personal data masked, dates as people read them.
 */
describe('the receipt of a filing, in words', () => {
  it('a long-term resident who signed the commitment: open-ended validity, the commitment in place of documents, the card suspended at home', async () => {
    const stored = await filed(LT_RESIDENT_TO_SUMMARY);
    const view = receiptOf(stored, 'zh-CN', sources)!;
    const all = words(view);
    expect(view.highlight?.value).to.equal(stored.reference);
    expect(all).to.include(texts.t('zh-CN', 'pages.receipt.validityOpen'));
    expect(all).to.include('李*').and.include('1101**********002X').and.include('138****5678');
    expect(all).to.not.include('李秀英').and.not.include('11010519491231002X').and.not.include('13812345678').and.not.include('世纪大道');
    expect(all).to.include(texts.t('zh-CN', 'labels.commitment.text'));
    expect(all).to.include(texts.t('zh-CN', 'consequences.CARD_SUSPENDED_AT_HOME'));
    expect(all).to.include(naturalDate('2026-12-01', 'zh-CN')).and.include('2026年12月1日');
    expect(all, 'no ISO date left for a person to read').to.not.match(/\d{4}-\d{2}-\d{2}/);
    expect(all).to.not.match(/\{\w+\}/);
  });

  it('filed by an agent: the agent named (masked) and the sentences about the insured person in their agent form', async () => {
    const stored = await filed(AGENT_IN_HOSPITAL);
    const view = receiptOf(stored, 'zh-CN', sources)!;
    const rows = view.sections[0]!.rows!.map((r) => [r.label, r.value]);
    expect(rows).to.deep.include([texts.t('zh-CN', 'pages.receipt.agent'), '王**']);
    expect(rows).to.deep.include([texts.t('zh-CN', 'pages.receipt.person'), '李**']);
    expect(words(view)).to.include(texts.t('zh-CN', 'consequences.RETROACTIVE_BEFORE_DISCHARGE'));
  });

  it('documents chosen instead of the commitment: which ones, and how and where to hand them in (the profile’s words, naming its agency)', async () => {
    const stored = await filed([...LT_RESIDENT_TO_SUMMARY.slice(0, -1), ['提供证明材料', 'review.confirm']]);
    const rizhao = profiles.get('rizhao')!;
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const bring = receiptOf(stored, locale, sources)!.sections.find((s) => s.key === 'bring')!.items!;
      expect(bring.join('\n')).to.include(texts.t(locale, 'labels.documents.RESIDENCE_PROOF'));
      expect(bring, locale).to.include(rizhao.documentsHandIn.value[locale].replaceAll('{agency}', rizhao.agency.value[locale]));
    }
  });

  it('in English: the same filing in English words, with dates such as "1 December 2026"', async () => {
    const stored = await filed(LT_RESIDENT_TO_SUMMARY);
    const view = receiptOf(stored, 'en-US', sources)!;
    const all = words(view);
    expect(view.title).to.equal(texts.t('en-US', 'pages.receipt.title'));
    const rizhao = profiles.get('rizhao')!;
    expect(all).to.include('1 December 2026').and.include(rizhao.afterSubmit.value['en-US'].replace('{agency}', rizhao.agency.value['en-US']));
    expect(all, 'a commitment instead of documents: nothing to hand in').to.not.include(rizhao.documentsHandIn.value['en-US'].split('{agency}')[0]!);
    // Only what the person typed (a name, masked; an institution) stays as written.
    expect(all.replace(/复旦大学附属中山医院|李\*\*/g, '')).to.not.match(/\p{Script=Han}/u);
  });
});

describe('the privacy notice, in words', () => {
  it('quotes the profile and the configured lifetimes, never a number of its own', () => {
    const rizhao = profiles.get('rizhao')!;
    const a = JSON.stringify(privacyNotice('zh-CN', { profile: rizhao, texts, conversationTtlSeconds: 86_400, receiptLinkTtlSeconds: 86_400 }));
    const b = JSON.stringify(privacyNotice('zh-CN', { profile: rizhao, texts, conversationTtlSeconds: 3 * 3600, receiptLinkTtlSeconds: 1800 }));
    expect(a).to.include('1 天');
    expect(b).to.include('3 小时').and.include('30 分钟').and.not.include('1 天');
    expect(a).to.include(rizhao.agency.value['zh-CN']).and.include(rizhao.hotlineHours.value['zh-CN']).and.include(rizhao.filingRetention.value['zh-CN']);
    const national = JSON.stringify(privacyNotice('en-US', { profile: profiles.get('national')!, texts, conversationTtlSeconds: 86_400, receiptLinkTtlSeconds: 86_400 }));
    expect(national).to.include(profiles.get('national')!.agency.value['en-US']).and.include('1 day').and.not.include('1 days');
  });

  it('durations read as people say them', () => {
    expect(durationText(texts, 'zh-CN', 86_400)).to.equal('1 天');
    expect(durationText(texts, 'en-US', 7200)).to.equal('2 hours');
    expect(durationText(texts, 'en-US', 5400)).to.equal('90 minutes');
    expect(durationText(texts, 'en-US', 86_400)).to.equal('1 day');
    expect(durationText(texts, 'en-US', 3 * 86_400)).to.equal('3 days');
  });
});
