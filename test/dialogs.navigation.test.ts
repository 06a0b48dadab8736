import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, openingZh, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo, type Step } from './support/paths.js';

/**
 * Moving around in the conversation, as a hotline agent would guide a caller: back (the earlier answer
 * offered), help (why we ask, an example, then the same question), cancel / start over, a person, and
 * per-field edit from the summary — including an edit that changes the category — and a double submit.
 */

describe('back: the previous question again, with the earlier answer offered', () => {
  const CASES: Array<{ at: string; steps: Step[]; back: string; previous: string; also?: (replies: Partial<Activity>[]) => void }> = [
    { at: 'situation.treatmentPlace', steps: upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'), back: 'situation.insuredPlace', previous: '山东省日照市' },
    { at: 'situation.intake (just after consent)', steps: upTo(TMP_OTHER_TO_SUMMARY, 'situation.intake'), back: 'consent.personalInfo', previous: '同意' },
    { at: 'situation.insuranceActive (after choosing to answer step by step)', steps: upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuranceActive'), back: 'situation.intake', previous: '一步一步回答' },
    { at: 'outcome.understood', steps: upTo(TMP_OTHER_TO_SUMMARY, 'outcome.understood'), back: 'situation.hasReferral', previous: '没有，自己去' },
    {
      at: 'details.scheme, the first question after the outcome: back across it to the consequences',
      steps: upTo(TMP_OTHER_TO_SUMMARY, 'details.scheme'),
      back: 'outcome.understood',
      previous: '我已了解，继续',
      also: (replies) => expect(Chat.channelData<{ category: string }>(replies, 'consequences')?.category).to.equal('TMP_OTHER'),
    },
    {
      at: 'details.phone: the ID number is offered masked',
      steps: upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'),
      back: 'details.idNumber',
      previous: '1101**********002X',
      also: (replies) => expect(Chat.textOf(replies)).not.to.include('11010519491231002X'),
    },
    { at: 'review.confirm (the summary)', steps: TMP_OTHER_TO_SUMMARY, back: 'details.institutions', previous: '上海市第六人民医院' },
  ];
  for (const c of CASES) {
    it(`at ${c.at} → ${c.back}`, async () => {
      const chat = new Chat();
      await chat.follow(c.steps);
      const replies = await chat.say('返回上一步');
      expect(Chat.promptOf(replies)).to.equal(c.back);
      expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.previousAnswer', { answer: c.previous }));
      c.also?.(replies);
    });
  }

  it('the first question has nothing before it: said so, and asked again', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.filerMode'));
    const replies = await chat.say('上一步');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.nothingToGoBackTo'));
    expect(Chat.promptOf(replies)).to.equal('situation.filerMode');
  });

  it('after going back, the same answer carries on where it left off, nothing asked twice', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.scheme'));
    await chat.follow([
      ['返回', 'outcome.understood'],
      ['继续', 'details.scheme'],
      ['职工医保', 'details.personName'],
      ['返回', 'details.scheme'],
      ['职工医保', 'details.personName'],
    ]);
  });

  it('in English: "back" at the start date offers the phone number masked', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TMP_OTHER_EN_TO_START_DATE);
    const replies = await chat.say('back');
    expect(Chat.promptOf(replies)).to.equal('details.phone');
    expect(Chat.textOf(replies)).to.include('Your earlier answer was: 138****5678');
  });
});

describe('help: why we ask, an example, then the same question', () => {
  const CASES: Array<{ at: string; locale?: string; steps: Step[]; say: string; params?: Record<string, string | number> }> = [
    { at: 'situation.insuredPlace', steps: upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace'), say: '帮助' },
    { at: 'situation.longTerm', steps: upTo(TMP_OTHER_TO_SUMMARY, 'situation.longTerm'), say: '为什么', params: { days: 180 } },
    { at: 'details.idNumber', steps: upTo(TMP_OTHER_TO_SUMMARY, 'details.idNumber'), say: '？' },
    { at: 'details.institutions', steps: upTo(TMP_OTHER_TO_SUMMARY, 'details.institutions'), say: '怎么填', params: { min: 1, max: 3 } },
    { at: 'review.confirm', steps: TMP_OTHER_TO_SUMMARY, say: '帮助' },
    {
      at: 'details.phone',
      locale: 'en-US',
      steps: [
        ['hi', 'menu.main'],
        ['1', 'situation.filerMode'],
        ['1', 'situation.insuredPlace'],
        ['Rizhao', 'situation.treatmentPlace'],
        ['Shanghai', 'consent.personalInfo'],
        ['1', 'situation.intake'],
        ['1', 'situation.insuranceActive'],
        ['1', 'situation.now'],
        ['1', 'situation.longTerm'],
        ['2', 'situation.hasReferral'],
        ['2', 'outcome.understood'],
        ['1', 'details.scheme'],
        ['1', 'details.personName'],
        ['Zhang San', 'details.idNumber'],
        ['11010519491231002X', 'details.phone'],
      ],
      say: 'help',
    },
  ];
  for (const c of CASES) {
    it(`at ${c.at} (${c.locale ?? 'zh-CN'}, "${c.say}")`, async () => {
      const chat = new Chat(c.locale ? { locale: c.locale } : {});
      await chat.follow(c.steps);
      const replies = await chat.say(c.say);
      const locale = (c.locale ?? 'zh-CN') as 'zh-CN' | 'en-US';
      const help = Chat.replyWith(replies, 'help');
      expect(help?.channelData).to.deep.include({ help: c.at });
      // A help that names a button says its label ({choice_<value>}).
      const prefix = `prompts.${c.at}.choices.`;
      const labels = Object.fromEntries(chat.texts.keys(locale).filter((k) => k.startsWith(prefix)).map((k) => [`choice_${k.slice(prefix.length)}`, chat.texts.t(locale, k)]));
      expect(help!.text).to.include(chat.texts.t(locale, `prompts.${c.at}.help`, { hotline: '0633-12393', ...labels, ...c.params }));
      if (chat.texts.has(locale, `prompts.${c.at}.example`)) {
        expect(help!.text).to.include(chat.texts.t(locale, `prompts.${c.at}.example`));
      }
      expect(Chat.promptOf(replies)).to.equal(c.at);
    });
  }

  it('after help the answer is taken as usual', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace'));
    await chat.follow([
      ['帮助', 'situation.insuredPlace'],
      ['日照', 'situation.treatmentPlace'],
    ]);
  });
});

describe('cancel / start over: everything cleared, back to the menu', () => {
  for (const [locale, steps, say] of [
    ['zh-CN', upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'), '重新开始'],
    ['zh-CN', TMP_OTHER_TO_SUMMARY, '放弃本次备案'],
    ['en-US', upTo(TMP_OTHER_EN_TO_START_DATE, 'situation.treatmentPlace'), 'start over'],
  ] as Array<[string, Step[], string]>) {
    it(`"${say}" at ${steps.at(-1)![1]}`, async () => {
      const chat = new Chat({ locale });
      await chat.follow(steps);
      // Everything would be lost: asked first (see dialogs.polish.test.ts).
      await chat.follow([[say, 'confirm.startOver']]);
      const replies = await chat.say(locale === 'en-US' ? 'yes' : '是');
      expect(Chat.textOf(replies)).to.include(chat.texts.t(locale as 'zh-CN', 'messages.cancelled'));
      expect(Chat.promptOf(replies)).to.equal('menu.main');
      // A new filing asks everything again: no answer survived.
      await chat.follow([
        ['1', 'situation.filerMode'],
        ['1', 'situation.insuredPlace'],
      ]);
      const next = await chat.say(locale === 'en-US' ? 'Rizhao' : '日照');
      expect(Chat.textOf(next)).not.to.include(chat.texts.t(locale as 'zh-CN', 'messages.previousAnswer', { answer: '' }).slice(0, 6));
      expect(chat.created).to.have.length(0);
    });
  }
});

describe('talk to a person: the hotline, and the same question again', () => {
  for (const [region, insured, hotline] of [
    ['rizhao', '日照', '0633-12393'],
    ['national', '青岛', '12393'],
  ]) {
    it(`${region} profile, at the start date: ${hotline}`, async () => {
      const chat = new Chat({ defaultRegion: region });
      await chat.follow(upTo([...openingZh('本人', insured), ...TMP_OTHER_TO_SUMMARY.slice(7)], 'details.startDate'));
      const replies = await chat.say('人工服务');
      expect(Chat.channelData(replies, 'handoff')).to.deep.equal({ hotline });
      expect(Chat.textOf(replies)).to.include(hotline);
      expect(Chat.promptOf(replies)).to.equal('details.startDate');
      await chat.follow([['明天', region === 'rizhao' ? 'details.institutions' : 'review.confirm']]);
    });
  }

  it('in English: "talk to a person"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([
      ['hi', 'menu.main'],
      ['1', 'situation.filerMode'],
    ]);
    const replies = await chat.say('talk to a person');
    const hours = chat.profiles.get('rizhao')!.hotlineHours.value['en-US'];
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.human', { hotline: '0633-12393', hours, conversationTtl: '1 day' }));
    expect(Chat.promptOf(replies)).to.equal('situation.filerMode');
  });
});

describe('per-field edit from the summary: one answer changed, back to the summary', () => {
  it('typed: "修改信息", the field by name, the new answer → the summary at once, nothing else asked', async () => {
    const chat = new Chat();
    await chat.follow([...TMP_OTHER_TO_SUMMARY, ['修改信息', 'review.editField']]);
    const ask = await chat.say('开始日期');
    expect(Chat.promptOf(ask)).to.equal('details.startDate');
    expect(Chat.textOf(ask)).to.include(chat.texts.t('zh-CN', 'messages.previousAnswer', { answer: '2026年11月25日' }));
    const summary = await chat.say('2026-12-01');
    expect(Chat.promptsOf(summary)).to.deep.equal(['review.confirm']);
    expect(Chat.textOf(summary)).to.include('开始日期：2026年12月1日').and.not.to.include('2026年11月25日');
    const done = await chat.say('确认提交');
    const stored = await chat.filings.get(Chat.channelData<{ reference: string }>(done, 'filing')!.reference);
    expect(stored!.filing).to.deep.include({ startDate: '2026-12-01', endDate: '2027-11-30', scheme: 'EMPLOYEE' });
    expect(stored!.filing).to.deep.include({ person: { name: '张三', idNumber: '11010519491231002X', phone: '13812345678' } });
  });

  it('via a card submit { editField: "details.phone" }: the masked number offered, the new one stored', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const ask = await chat.say({ value: { editField: 'details.phone' } });
    expect(Chat.promptOf(ask)).to.equal('details.phone');
    expect(Chat.textOf(ask)).to.include('138****5678').and.not.to.include('13812345678');
    const summary = await chat.say('139 1234 5678');
    expect(Chat.promptsOf(summary)).to.deep.equal(['review.confirm']);
    expect(Chat.textOf(summary)).to.include('139****5678');
    const done = await chat.say('确认提交');
    const stored = await chat.filings.get(Chat.channelData<{ reference: string }>(done, 'filing')!.reference);
    expect((stored!.filing as { person: { phone: string } }).person.phone).to.equal('13912345678');
  });

  it('on a channel with cards the summary is an Adaptive Card with one edit action per field', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const card = chat.transcript.filter((r) => r.attachments?.length).at(-1)!.attachments![0]!;
    expect(card.contentType).to.equal('application/vnd.microsoft.card.adaptive');
    const edits = JSON.stringify(card.content).match(/"editField":"[\w.]+"/g) ?? [];
    expect(edits).to.include('"editField":"details.phone"').and.to.include('"editField":"details.startDate"');
    expect(JSON.stringify(card.content)).not.to.include('13812345678');
  });

  it('an edit that changes the category re-classifies and says so: long-term → referral, new fields asked, irrelevant ones dropped', async () => {
    const chat = new Chat();
    await chat.follow(LT_RESIDENT_TO_SUMMARY);
    await chat.follow([
      [{ value: { editField: 'situation.longTerm' } }, 'situation.longTerm'],
      ['否，短期看病', 'situation.hasReferral'],
    ]);
    const outcome = await chat.say('有转诊证明');
    const announcement = Chat.replyWith(outcome, 'category')!;
    expect(announcement.channelData).to.deep.include({ category: 'TMP_REFERRAL', reclassified: { from: 'LT_RESIDENT', to: 'TMP_REFERRAL' } });
    expect(announcement.text).to.include(chat.texts.t('zh-CN', 'messages.reclassified', { from: '异地长期居住人员' }));
    // The new consequences are to be accepted again.
    expect(Chat.channelData<{ category: string }>(outcome, 'consequences')?.category).to.equal('TMP_REFERRAL');
    expect(Chat.promptOf(outcome)).to.equal('outcome.understood');
    await chat.follow([
      ['我已了解，继续', 'details.referringHospital'],
    ]);
    const summary = await chat.say('日照市人民医院');
    expect(Chat.promptOf(summary)).to.equal('review.confirm');
    const rows = Chat.channelData<string[]>(summary, 'summary')!;
    expect(rows).to.include('details.referringHospital').and.to.include('details.idNumber');
    for (const gone of ['situation.retired', 'situation.hukouMoved', 'details.address', 'details.commitment']) expect(rows).not.to.include(gone);
    expect(Chat.textOf(summary)).not.to.include('浦东新区');

    const done = await chat.say('确认提交');
    const filing = Chat.channelData<{ reference: string; category: string }>(done, 'filing')!;
    expect(filing.category).to.equal('TMP_REFERRAL');
    const stored = await chat.filings.get(filing.reference);
    expect(stored!.filing).to.deep.include({ category: 'TMP_REFERRAL', referringHospital: '日照市人民医院', startDate: '2026-12-01', endDate: '2027-11-30' });
    expect(stored!.filing).not.to.have.property('address');
    expect(stored!.filing).not.to.have.property('commitment');
  });

  it('long-term yes → no without a referral: LT_RESIDENT → TMP_OTHER, accepted again, address and commitment dropped', async () => {
    const chat = new Chat();
    await chat.follow([
      ...LT_RESIDENT_TO_SUMMARY,
      ['修改信息', 'review.editField'],
      ['长期居住或工作', 'situation.longTerm'],
      ['否', 'situation.hasReferral'],
    ]);
    const outcome = await chat.say('没有，自己去');
    expect(Chat.channelData(outcome, 'reclassified')).to.deep.equal({ from: 'LT_RESIDENT', to: 'TMP_OTHER' });
    expect(Chat.promptOf(outcome)).to.equal('outcome.understood');
    const summary = await chat.say('我已了解，继续');
    expect(Chat.promptOf(summary)).to.equal('review.confirm');
    expect(Chat.channelData<string[]>(summary, 'summary')).not.to.include.members(['details.address']);
    const done = await chat.say('确认提交');
    const stored = await chat.filings.get(Chat.channelData<{ reference: string }>(done, 'filing')!.reference);
    expect(stored!.category).to.equal('TMP_OTHER');
    expect(stored!.filing).to.deep.include({ endDate: '2027-11-30', institutions: ['复旦大学附属中山医院'] });
    expect(stored!.filing).not.to.have.any.keys('address', 'commitment');
  });

  it('an edit that keeps the category does not announce it again', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const ask = await chat.say({ value: { editField: 'situation.treatmentPlace' } });
    expect(Chat.promptOf(ask)).to.equal('situation.treatmentPlace');
    const summary = await chat.say('北京');
    expect(Chat.channelData(summary, 'category')).to.equal(undefined);
    expect(Chat.promptOf(summary)).to.equal('review.confirm');
    expect(Chat.textOf(summary)).to.include('北京市');
  });
});

describe('a double submit creates one filing', () => {
  it('"确认提交" twice: the second says it is already submitted, with the same reference', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const first = Chat.channelData<{ reference: string }>(await chat.say('确认提交'), 'filing')!;
    const again = await chat.say('确认提交');
    expect(Chat.channelData<{ reference: string }>(again, 'filing')?.reference).to.equal(first.reference);
    expect(Chat.textOf(again)).to.include(chat.texts.t('zh-CN', 'messages.alreadySubmitted', { reference: first.reference }));
    expect(chat.created).to.have.length(1);
  });

  it('the same activity delivered twice (same id)', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const submit = { id: 'activity-submit-1', text: '确认提交' };
    const first = Chat.channelData<{ reference: string }>(await chat.say(submit), 'filing')!;
    const second = Chat.channelData<{ reference: string }>(await chat.say(submit), 'filing');
    expect(second?.reference).to.equal(first.reference);
    expect(chat.created).to.have.length(1);
  });

  it('two submits arriving at the same moment (a double click before the first reply)', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    await Promise.all([chat.say('确认提交'), chat.say('确认提交')]);
    expect(chat.created).to.have.length(1);
    const references = new Set(chat.transcript.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing?.reference).filter(Boolean));
    expect(references.size).to.equal(1);
  });
});
