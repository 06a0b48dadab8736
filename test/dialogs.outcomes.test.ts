import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { openingEn, openingZh, upTo, type Step } from './support/paths.js';

/**
 * What the person is told once their situation is clear: the outcome in plain words with the reasons
 * (channelData.category and channelData.reasons for the hotline console), and — for emergencies — the
 * advice to get treatment first, at once, with nothing standing in the way.
 */

interface OutcomeCase {
  name: string;
  steps: Step[];
  /** The last answer, after which the outcome is announced. */
  last: string;
  category: string;
  reasons: string[];
  /** Content keys whose sentence the announcement carries. */
  says: string[];
  /** The question that follows the announcement. */
  next: string;
}

const announcedBy = (replies: Partial<Activity>[]) => Chat.replyWith(replies, 'category');

const CASES: OutcomeCase[] = [
  {
    name: 'an emergency right now: treat first, deemed filed, no further questions (TMP_EMERGENCY)',
    steps: openingZh(),
    last: '正在急诊或抢救',
    category: 'TMP_EMERGENCY',
    reasons: ['CROSS_PROVINCE', 'EMERGENCY_DEEMED_FILED'],
    says: ['messages.emergencyAdvice', 'reasons.EMERGENCY_DEEMED_FILED'],
    next: 'menu.main',
  },
  {
    name: 'treated where insured (日照 → 日照): no filing needed',
    steps: [...openingZh('本人', '日照', '日照').slice(0, 4)],
    last: '日照',
    category: 'NO_FILING_NEEDED',
    reasons: ['SAME_POOLING_AREA'],
    says: ['messages.outcome.NO_FILING_NEEDED', 'reasons.SAME_POOLING_AREA', 'messages.noFilingNeeded'],
    next: 'menu.main',
  },
  {
    name: 'already discharged and paid in full: manual reimbursement explained, nothing filed',
    steps: openingZh('本人', '日照', '北京'),
    last: '已出院并自费结算',
    category: 'MANUAL_REIMBURSEMENT',
    reasons: ['CROSS_PROVINCE', 'DISCHARGED_MANUAL_REIMBURSEMENT'],
    says: ['messages.outcome.MANUAL_REIMBURSEMENT', 'reasons.DISCHARGED_MANUAL_REIMBURSEMENT', 'messages.manualReimbursement'],
    next: 'menu.main',
  },
  {
    name: 'insurance not active: cannot file, told how to restore it',
    steps: openingZh('本人', '日照', '青岛').slice(0, -1),
    last: '否，已停保',
    category: 'CANNOT_FILE',
    reasons: ['INTRA_PROVINCE', 'INSURANCE_NOT_ACTIVE'],
    says: ['messages.outcome.CANNOT_FILE', 'reasons.INSURANCE_NOT_ACTIVE', 'messages.cannotFile'],
    next: 'menu.main',
  },
  {
    name: 'a short stay with a referral: the category, then its consequences to accept (TMP_REFERRAL)',
    steps: [...openingZh(), ['1', 'situation.longTerm'], ['否', 'situation.hasReferral']],
    last: '有转诊证明',
    category: 'TMP_REFERRAL',
    reasons: ['CROSS_PROVINCE', 'SHORT_STAY', 'HAS_REFERRAL'],
    says: ['reasons.SHORT_STAY', 'reasons.HAS_REFERRAL'],
    next: 'outcome.understood',
  },
  {
    name: 'retired, hukou not moved, under Rizhao: a long-term resident, and why not a resettled retiree (LT_RESIDENT)',
    steps: [...openingZh(), ['1', 'situation.longTerm'], ['是', 'situation.retired'], ['是', 'situation.hukouMoved']],
    last: '没有迁',
    category: 'LT_RESIDENT',
    reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'RETIRED_HUKOU_NOT_MOVED'],
    says: ['reasons.LONG_STAY', 'reasons.RETIRED_HUKOU_NOT_MOVED'],
    next: 'outcome.understood',
  },
  {
    name: 'dispatched by the employer but on resident insurance: a long-term resident (LT_RESIDENT)',
    steps: [...openingZh(), ['1', 'situation.longTerm'], ['是', 'situation.retired'], ['否', 'situation.dispatchedByEmployer'], ['是', 'situation.scheme']],
    last: '城乡居民医保',
    category: 'LT_RESIDENT',
    reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'DISPATCHED_BY_EMPLOYER', 'WORKER_NEEDS_EMPLOYEE_SCHEME'],
    says: ['reasons.WORKER_NEEDS_EMPLOYEE_SCHEME'],
    next: 'outcome.understood',
  },
  {
    name: 'in hospital, short stay, no referral: a retroactive self-referral (TMP_OTHER)',
    steps: [...openingZh(), ['已住院，还没出院', 'situation.admissionDate'], ['11月20日', 'situation.longTerm'], ['否', 'situation.hasReferral']],
    last: '没有',
    category: 'TMP_OTHER',
    reasons: ['CROSS_PROVINCE', 'IN_HOSPITAL_RETROACTIVE', 'SHORT_STAY', 'NO_REFERRAL'],
    says: ['reasons.IN_HOSPITAL_RETROACTIVE'],
    next: 'outcome.understood',
  },
];

describe('the outcome: category and reasons, in words and in channelData', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const chat = new Chat();
      await chat.follow(c.steps);
      const replies = await chat.say(c.last);
      const announcement = announcedBy(replies);
      expect(announcement, Chat.textOf(replies)).not.to.equal(undefined);
      expect(announcement!.channelData).to.deep.include({ category: c.category, reasons: c.reasons });
      for (const key of c.says) expect(announcement!.text).to.include(chat.texts.t('zh-CN', key, { hotline: '0633-12393' }).split('{')[0]!);
      expect(Chat.promptOf(replies)).to.equal(c.next);
      // One announcement per outcome, and nothing filed by it.
      expect(replies.filter((r) => (r.channelData as { category?: string } | undefined)?.category)).to.have.length(1);
      expect(chat.created).to.have.length(0);
    });
  }

  it('already in hospital: the consequences say to have the hospital re-check the bill once filed', async () => {
    const chat = new Chat();
    await chat.follow([...openingZh(), ['已住院，还没出院', 'situation.admissionDate'], ['11月20日', 'situation.longTerm'], ['否', 'situation.hasReferral']]);
    const replies = await chat.say('没有');
    const consequences = Chat.channelData<{ items: string[] }>(replies, 'consequences');
    expect(consequences?.items).to.include('RETROACTIVE_BEFORE_DISCHARGE');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'consequences.RETROACTIVE_BEFORE_DISCHARGE').slice(0, 8));
  });
});

describe('an emergency is never delayed by paperwork', () => {
  it('chosen from the menu: the advice at once, as TMP_EMERGENCY, and no filing question follows', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main']]);
    const replies = await chat.say('正在急诊');
    expect(replies[0]!.channelData).to.deep.include({ category: 'TMP_EMERGENCY', reasons: ['EMERGENCY_DEEMED_FILED'] });
    expect(replies[0]!.text).to.include(chat.texts.t('zh-CN', 'messages.emergencyAdvice', { hotline: '0633-12393' }));
    expect(Chat.promptsOf(replies)).to.deep.equal(['menu.main']);
  });

  it('typed in English as "emergency": the advice in English', async () => {
    const chat = new Chat({ locale: 'en-US' });
    const replies = await chat.say('Emergency now');
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
    expect(Chat.textOf(replies)).to.include('Get treatment first');
  });

  it('answered as "what is happening now": the advice is the first thing said, before the reasons', async () => {
    const chat = new Chat();
    await chat.follow(openingZh());
    const replies = await chat.say('急诊');
    const announcement = announcedBy(replies)!;
    expect(replies.indexOf(announcement)).to.equal(0);
    expect(announcement.text!.startsWith(chat.texts.t('zh-CN', 'messages.emergencyAdvice', { hotline: '0633-12393' }))).to.equal(true);
    // No consequences to accept, no details: straight back to the menu.
    expect(Chat.channelData(replies, 'consequences')).to.equal(undefined);
    expect(Chat.promptsOf(replies)).to.deep.equal(['menu.main']);
  });
});

describe('consent declined', () => {
  it('nothing more is asked, the hotline is given, and nothing about the person is kept', async () => {
    const chat = new Chat();
    await chat.follow(openingZh().slice(0, 5));
    const replies = await chat.say('不同意');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.consentDeclined', { hotline: '0633-12393' }));
    expect(Chat.textOf(replies)).to.include('0633-12393');
    expect(Chat.promptsOf(replies)).to.deep.equal(['menu.main']);
    // Starting again asks everything again: the earlier answers were not kept.
    await chat.follow([
      ['1', 'situation.filerMode'],
      ['本人', 'situation.insuredPlace'],
    ]);
  });

  it('in English: "I do not agree" ends it the same way', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'consent.personalInfo'));
    const replies = await chat.say('I do not agree');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.consentDeclined', { hotline: '0633-12393' }));
    expect(Chat.promptsOf(replies)).to.deep.equal(['menu.main']);
  });
});

describe('policy is data: the national profile says what Rizhao does not', () => {
  const longTermResident = (insured: string): Step[] => [
    ...openingZh('本人', insured, '上海'),
    ['1', 'situation.longTerm'],
    ['是', 'situation.retired'],
    ['否', 'situation.dispatchedByEmployer'],
  ];
  const PROFILES = [
    { name: 'Rizhao insured under the Rizhao profile: the card is suspended at home', region: 'rizhao', insured: '日照', card: 'CARD_SUSPENDED_AT_HOME', not: 'CARD_USABLE_BOTH_PLACES', profile: 'rizhao' },
    { name: 'Qingdao insured under the national profile: the card stays usable at home', region: 'national', insured: '青岛', card: 'CARD_USABLE_BOTH_PLACES', not: 'CARD_SUSPENDED_AT_HOME', profile: 'national' },
  ];
  for (const p of PROFILES) {
    it(p.name, async () => {
      const chat = new Chat({ defaultRegion: p.region });
      await chat.follow(longTermResident(p.insured));
      const replies = await chat.say('不是');
      expect(Chat.channelData(replies, 'category')).to.equal('LT_RESIDENT');
      const consequences = Chat.channelData<{ items: string[] }>(replies, 'consequences')!;
      expect(consequences.items).to.include(p.card).and.not.to.include(p.not);
      const text = Chat.textOf(replies);
      expect(text).to.include(chat.texts.t('zh-CN', `consequences.${p.card}`));
      expect(text).not.to.include(chat.texts.t('zh-CN', `consequences.${p.not}`));
      expect(text).to.include(chat.profiles.get(p.profile)!.hotline.value);
    });
  }

  it('a person insured elsewhere is told whose rules these are and to confirm with their own agency', async () => {
    const chat = new Chat({ defaultRegion: 'national' });
    await chat.follow(longTermResident('青岛'));
    const replies = await chat.say('不是');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.outcome.profileFallback', { profile: '国家基本规则', hotline: '12393' }));
  });

  it('the national profile asks for no designated institutions: a complete filing without that question', async () => {
    const chat = new Chat({ defaultRegion: 'national' });
    await chat.follow([
      ...longTermResident('青岛'),
      ['不是', 'outcome.understood'],
      ['继续', 'details.scheme'],
      ['职工医保', 'details.personName'],
      ['张三', 'details.idNumber'],
      ['11010519491231002X', 'details.phone'],
      ['13812345678', 'details.startDate'],
      ['明天', 'details.address'],
      ['浦东新区世纪大道100号3号楼201室', 'details.commitment'],
      ['签署个人承诺书', 'review.confirm'],
    ]);
    const done = await chat.say('确认提交');
    const filing = Chat.channelData<{ reference: string }>(done, 'filing')!;
    const stored = await chat.filings.get(filing.reference);
    expect(stored).to.deep.include({ profileId: 'national', category: 'LT_RESIDENT' });
    expect(stored!.filing).not.to.have.property('institutions');
  });
});
