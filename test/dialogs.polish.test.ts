import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { residentIdCheckChar } from '../src/domain/resident-id.js';
import { AGENT_IN_HOSPITAL, LT_RESIDENT_TO_SUMMARY, openingEn, openingZh, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo, type Step } from './support/paths.js';

/**
 * Quality found on real conversations: each fact told once, what the person hears fits who they are
 * (filing for themselves or for someone else) and what they already did.
 */

/** The sentences of a text (split at full stops, line breaks and bullets), without punctuation. */
function sentences(text: string): string[] {
  return text
    .split(/[。！？!?\n•]+|\.\s/)
    .map((s) => s.replace(/[\s，、,：:；;（）()“”"'‘’.]/g, ''))
    .filter((s) => s.length > 0);
}

function longestCommon(a: string, b: string): string {
  let best = '';
  for (let i = 0; i < a.length; i++) {
    for (let j = i + best.length + 1; j <= a.length; j++) {
      const piece = a.slice(i, j);
      if (!b.includes(piece)) break;
      best = piece;
    }
  }
  return best;
}

/** Two sentences of the text that share a run of at least `min` characters (a fact said twice), or undefined. */
export function repeated(text: string, min = 8): [string, string, string] | undefined {
  const all = sentences(text);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const common = longestCommon(all[i]!, all[j]!);
      if (common.length >= min) return [all[i]!, all[j]!, common];
    }
  }
  return undefined;
}

const announcementOf = (replies: Partial<Activity>[]) => Chat.replyWith(replies, 'category')?.text ?? '';
const consequencesOf = (replies: Partial<Activity>[]) => Chat.replyWith(replies, 'consequences')?.text ?? '';

describe('outcomes tell each fact once', () => {
  const cases: Array<{ name: string; steps: Step[]; last: string }> = [
    { name: 'in hospital (retroactive)', steps: upTo(AGENT_IN_HOSPITAL, 'situation.hasReferral').map(([s, n]) => [s === '为他人代办' ? '本人' : s, n]), last: '否' },
    { name: 'same pooling area', steps: openingZh('本人', '日照', '日照').slice(0, 4), last: '日照' },
    { name: 'discharged and paid', steps: openingZh('本人', '日照', '北京'), last: '已出院并自费结算' },
    { name: 'insurance stopped', steps: openingZh('本人', '日照', '青岛').slice(0, -1), last: '否，已停保' },
    { name: 'an emergency now', steps: openingZh(), last: '正在急诊或抢救' },
  ];
  for (const c of cases) {
    it(`${c.name}: no sentence of the announcement (and the consequences after it) repeats another`, async () => {
      const chat = new Chat();
      await chat.follow(c.steps);
      const replies = await chat.say(c.last);
      const told = [announcementOf(replies), consequencesOf(replies)].join('\n');
      expect(told).not.to.equal('\n');
      // The category's name is in the headline and the consequences' intro by design: not a fact told twice.
      const category = Chat.channelData<string>(replies, 'category')!;
      const name = chat.profiles.get('rizhao')?.categories[category as 'TMP_OTHER']?.name['zh-CN'] ?? '\u0000';
      expect(repeated(told.split(name).join('')), told).to.equal(undefined);
    });
  }

  it('in hospital: "before the discharge settlement" is said once, in the reasons', async () => {
    const chat = new Chat();
    await chat.follow([...openingZh(), ['已住院，还没出院', 'situation.admissionDate'], ['11月20日', 'situation.longTerm'], ['否', 'situation.hasReferral']]);
    const replies = await chat.say('没有');
    const told = [announcementOf(replies), consequencesOf(replies)].join('\n');
    expect(told.split('出院结算之前').length - 1 + (told.split('出院结算前').length - 1)).to.equal(1);
    expect(Chat.channelData<{ items: string[] }>(replies, 'consequences')?.items).to.include('RETROACTIVE_BEFORE_DISCHARGE');
  });

  it('the same area says "use your card" once', async () => {
    const chat = new Chat();
    await chat.follow(openingZh('本人', '日照', '日照').slice(0, 4));
    const told = announcementOf(await chat.say('日照'));
    expect(told.split('社保卡').length - 1).to.equal(1);
  });

  it('an insured place without a profile, same area: no "以下按…政策说明" where no policy follows', async () => {
    const chat = new Chat();
    await chat.follow(openingZh('本人', '青岛', '青岛').slice(0, 4));
    const told = announcementOf(await chat.say('青岛'));
    expect(told).to.include(chat.texts.t('zh-CN', 'reasons.SAME_POOLING_AREA'));
    expect(told).not.to.include(chat.texts.t('zh-CN', 'messages.outcome.profileFallback').slice(0, 6));
  });
});

describe('consequences before and after the start date is known', () => {
  it('long-term: the 60-day cancel wait, not the national cap on agencies', async () => {
    const chat = new Chat();
    const replies = await chat.follow(upTo(LT_RESIDENT_TO_SUMMARY, 'outcome.understood'));
    const items = Chat.channelData<{ items: string[] }>(replies, 'consequences')!.items;
    expect(items).to.include('CANCEL_AFTER_DAYS_PROVISIONAL');
    expect(items).not.to.include('CHANGE_CANCEL_CAP_MONTHS');
    expect(consequencesOf(replies)).not.to.include('6个月');
  });

  it('before the start date: dates are told as "if it starts on today", not as fact', async () => {
    const chat = new Chat();
    const replies = await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'outcome.understood'));
    const items = Chat.channelData<{ items: string[] }>(replies, 'consequences')!.items;
    expect(items).to.include('VALIDITY_FIXED_PROVISIONAL');
    expect(items).not.to.include('VALIDITY_FIXED');
    expect(consequencesOf(replies)).to.include(chat.texts.t('zh-CN', 'consequences.VALIDITY_FIXED_PROVISIONAL', { months: 12, start: '2026年11月24日', endDate: '2027年11月23日' }));
  });

  it('after submission (the receipt): counted from the start date given, stated as fact, and the chosen institutions listed', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const replies = await chat.say('确认提交');
    const text = Chat.textOf(replies);
    expect(text).to.include('开始日期：2026年11月25日').and.include(`有效期：${chat.texts.t('zh-CN', 'pages.receipt.validityFixed', { endDate: '2027年11月24日' })}`);
    expect(text).to.include(chat.texts.t('zh-CN', 'pages.receipt.renew')).and.not.include('如从');
    expect(text).to.include('定点医疗机构：上海市第六人民医院');
    expect(text).not.to.include(chat.texts.t('zh-CN', 'consequences.CHOOSE_INSTITUTIONS', { min: 1, max: 3 }));
  });
});

describe('filing for someone else: the insured person, not "you"', () => {
  it('zh-CN: reasons and consequences use the agent variants (参保人)', async () => {
    const chat = new Chat();
    const replies = await chat.follow(upTo(AGENT_IN_HOSPITAL, 'outcome.understood'));
    const told = [announcementOf(replies), consequencesOf(replies)].join('\n');
    expect(told).to.include(chat.texts.t('zh-CN', 'agent.reasons.IN_HOSPITAL_RETROACTIVE'));
    expect(told).to.include(chat.texts.t('zh-CN', 'agent.consequences.CARD_USABLE_BOTH_PLACES'));
    expect(told).not.to.include('您');
  });

  it('en-US: "the insured person", not "your card"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    const steps: Step[] = [...openingEn('For someone else'), ['1', 'situation.longTerm'], ['no', 'situation.hasReferral']];
    await chat.follow(steps);
    const replies = await chat.say('no');
    const told = [announcementOf(replies), consequencesOf(replies)].join('\n');
    expect(told).to.include(chat.texts.t('en-US', 'agent.reasons.NO_REFERRAL'));
    expect(told).not.to.match(/\byour card\b|\bYou\b/);
  });

  it('for oneself the ordinary words stay', async () => {
    const chat = new Chat();
    const replies = await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'outcome.understood'));
    expect(announcementOf(replies)).to.include(chat.texts.t('zh-CN', 'reasons.NO_REFERRAL'));
  });
});

describe('free text that answers another question is refused politely (domain checks, content words)', () => {
  const toInstitutions = upTo(TMP_OTHER_TO_SUMMARY, 'details.institutions');

  it('"11月27日" is not a hospital: re-asked with INSTITUTION_NOT_MEDICAL and an example', async () => {
    const chat = new Chat();
    await chat.follow(toInstitutions);
    const replies = await chat.say('11月27日');
    expect(Chat.replyWith(replies, 'error')?.channelData).to.deep.include({ error: 'INSTITUTION_NOT_MEDICAL', promptId: 'details.institutions' });
    expect(Chat.promptOf(replies)).to.equal('details.institutions');
  });

  it('a hospital name is not a home address: ADDRESS_IS_INSTITUTION, then a real address goes on', async () => {
    const chat = new Chat();
    await chat.follow(upTo(LT_RESIDENT_TO_SUMMARY, 'details.address'));
    const replies = await chat.say('复旦大学附属中山医院');
    expect(Chat.replyWith(replies, 'error')?.channelData).to.deep.include({ error: 'ADDRESS_IS_INSTITUTION' });
    await chat.follow([['浦东新区世纪大道100号3号楼201室', 'details.institutions']]);
  });

  it('an agent born in 2020 is a child: AGENT_UNDER_AGE, and an adult agent goes on', async () => {
    const chat = new Chat();
    await chat.follow(upTo(AGENT_IN_HOSPITAL, 'details.agentIdNumber'));
    const first17 = '11010120200501001';
    const child = first17 + residentIdCheckChar(first17);
    const replies = await chat.say(child);
    expect(Chat.replyWith(replies, 'error')?.channelData).to.deep.include({ error: 'AGENT_UNDER_AGE' });
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'errors.AGENT_UNDER_AGE', { age: 18 }));
    await chat.follow([['110101199003074514', 'details.agentPhone']]);
  });
});

describe('a start date given as a period: its first day', () => {
  it('zh-CN "下个月1号到明年3月1号" → 2026-12-01, no "不太明确"', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    const replies = await chat.say('下个月1号到明年3月1号');
    expect(Chat.replyWith(replies, 'error')).to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('details.institutions');
    await chat.follow([['上海市第六人民医院', 'review.confirm']]);
    expect(Chat.textOf(chat.transcript.slice(-2))).to.include('2026年12月1日');
  });

  it('en-US "between next Monday and Friday" → next Monday', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TMP_OTHER_EN_TO_START_DATE);
    const replies = await chat.say('between next Monday and Friday');
    expect(Chat.replyWith(replies, 'error')).to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('details.institutions');
  });
});

describe('after a language switch, buttons of the other language still work', () => {
  it('"English" at the filer question, then the Chinese button "为本人办理" is understood', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main'], ['1', 'situation.filerMode']]);
    await chat.follow([['English', 'situation.filerMode']]);
    const replies = await chat.say('为本人办理');
    expect(Chat.replyWith(replies, 'error')).to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'prompts.situation.insuredPlace.text'));
  });

  it('"中文" in English mode, then the English button "For someone else" is understood', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([['hi', 'menu.main'], ['1', 'situation.filerMode'], ['中文', 'situation.filerMode']]);
    await chat.follow([['For someone else', 'situation.insuredPlace']]);
  });
});

describe('starting over asks first when answers would be lost', () => {
  it('"3" at the summary: asked, "不" keeps everything and shows the summary again', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const asked = await chat.say('3');
    expect(Chat.promptOf(asked)).to.equal('confirm.startOver');
    expect(Chat.textOf(asked)).to.include(chat.texts.t('zh-CN', 'prompts.confirm.startOver.text'));
    expect(Chat.textOf(asked)).not.to.include(chat.texts.t('zh-CN', 'messages.cancelled'));
    await chat.follow([['不', 'review.confirm']]);
    await chat.say('确认提交');
    expect(chat.created).to.have.length(1);
  });

  it('"重新开始" mid-filing, then "是": cleared, the menu', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'));
    await chat.follow([['重新开始', 'confirm.startOver']]);
    const replies = await chat.say('是');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.cancelled'));
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });

  it('"start over" mid-filing in English, then "no": the same question again, answers kept', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TMP_OTHER_EN_TO_START_DATE);
    await chat.follow([['start over', 'confirm.startOver'], ['no', 'details.startDate'], ['tomorrow', 'details.institutions']]);
  });

  it('nothing to lose (right after choosing to file): no question, straight to the menu', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main'], ['1', 'situation.filerMode'], ['重新开始', 'menu.main']]);
  });
});

describe('the FAQ: the citizens\' questions of domain.md §10, and the topics offered again after an answer', () => {
  it('offers the 23 topics of domain.md §10, each answered in both languages', () => {
    const chat = new Chat();
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const topics = chat.texts.list(locale, 'faq.topics');
      expect(topics).to.have.length(23);
      for (const topic of topics) expect(chat.texts.has(locale, `faq.answers.${topic}`), topic).to.equal(true);
    }
  });

  it('after an answer, the topics again as buttons (not only the main menu); "返回主菜单" goes to the menu', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow([['你好', 'menu.main'], ['常见问题', 'faq.topic']]);
    const replies = await chat.say(String(chat.texts.list('zh-CN', 'faq.topics').indexOf('INSTITUTIONS') + 1));
    expect(Chat.channelData(replies, 'faq')).to.equal('INSTITUTIONS');
    expect(Chat.promptOf(replies)).to.equal('faq.topic');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'prompts.faq.topic.again', { choice_MENU: chat.texts.t('zh-CN', 'prompts.faq.topic.choices.MENU') }));
    const back = await chat.say('返回主菜单');
    expect(Chat.promptOf(back)).to.equal('menu.main');
    expect(Chat.textOf(back)).not.to.include(chat.texts.t('zh-CN', 'messages.cancelled'));
  });

  it('without buttons (numbered lines), after an answer a short question: the topics again (1), another question in words, or the menu', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main'], ['常见问题', 'faq.topic']]);
    const replies = await chat.say(String(chat.texts.list('zh-CN', 'faq.topics').indexOf('INSTITUTIONS') + 1));
    expect(Chat.channelData(replies, 'faq')).to.equal('INSTITUTIONS');
    expect(Chat.promptOf(replies)).to.equal('faq.more');
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'prompts.faq.topic.choices.WHEN'));
    await chat.follow([['1', 'faq.topic'], ['1', 'faq.more']]);
    const asked = await chat.say('备案要准备什么材料');
    expect(Chat.channelData(asked, 'faq')).to.equal('MATERIALS');
    expect(Chat.promptOf(asked)).to.equal('faq.more');
    await chat.follow([['返回主菜单', 'menu.main']]);
  });

  for (const [region, says] of [
    ['rizhao', ['1到3家']],
    ['national', ['不需要指定医院']],
  ] as const) {
    it(`${region}: "要指定医院吗" answers from the profile, and marks what the insured place decides`, async () => {
      const chat = new Chat({ defaultRegion: region });
      await chat.follow([['你好', 'menu.main'], ['常见问题', 'faq.topic']]);
      const replies = await chat.say('要指定医院吗');
      const text = Chat.replyWith(replies, 'faq')!.text!;
      for (const word of says) expect(text).to.include(word);
      expect(text).to.include('以参保地规定为准');
    });
  }

  it('the cancel answer says which channels, in English too', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([['hi', 'menu.main'], ['3', 'faq.topic']]);
    const replies = await chat.say('How to cancel');
    const text = Chat.replyWith(replies, 'faq')!.text!;
    expect(text).not.to.match(/^Through the same channels\./);
    expect(text).to.include('reference number');
  });
});

describe('the submission confirmation tells each fact once', () => {
  for (const [name, steps] of [
    ['for oneself', TMP_OTHER_TO_SUMMARY],
    ['for someone in hospital', AGENT_IN_HOSPITAL],
  ] as Array<[string, Step[]]>) {
    it(`${name}: no sentence repeats another (networked institutions, who decides on approval)`, async () => {
      const chat = new Chat();
      await chat.follow(steps);
      const replies = await chat.say('确认提交');
      const text = Chat.replyWith(replies, 'filing')!.text!;
      const category = Chat.channelData<{ category: string }>(replies, 'filing')!.category;
      const categoryName = chat.profiles.get('rizhao')!.categories[category as 'TMP_OTHER'].name['zh-CN'];
      // Names (the category's, the agency's) are not facts told twice.
      const agency = chat.profiles.get('rizhao')!.agency.value['zh-CN'];
      expect(repeated(text.split(categoryName).join('').split(agency).join('')), text).to.equal(undefined);
      // "Check the hospital is networked" and "the agency decides on approval": once each.
      expect((text.match(/已联网|联网定点医疗机构/g) ?? []).length, text).to.equal(1);
      expect((text.match(/审核结果|是否通过/g) ?? []).length, text).to.equal(1);
    });
  }
});
