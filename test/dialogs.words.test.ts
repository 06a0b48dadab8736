import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { AGENT_IN_HOSPITAL, LT_RESIDENT_TO_SUMMARY, LT_WORKER_TO_NAME, openingEn, openingZh, PARENT_AND_AGENT, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo, type Step } from './support/paths.js';

/**
 * The words people found wanting in real conversations (issue 16), one test for each slip: how dates
 * read, who "you" is, what the consent covers, whose child, when the hotline answers, what is kept, and
 * questions that ask for names instead of offering choices.
 */

/** Everything a person sees of these replies: the text, a card's words and the buttons. */
const shown = (replies: Partial<Activity>[]) => replies.map((r) => `${r.text ?? ''}\n${r.speak ?? ''}\n${JSON.stringify(r.attachments ?? [])}\n${JSON.stringify(r.suggestedActions ?? {})}`).join('\n');

/** A calendar date as the domain keeps it (2026-12-06), which no reply should show. */
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

describe('dates read as people write them (2026年12月6日 / 6 December 2026), never 2026-12-06', () => {
  it('zh-CN, someone already in hospital: the admission date, the start date question and its example, an error, the summary, the confirmation', async () => {
    for (const channelId of ['test', 'test-cards']) {
      const chat = new Chat({ channelId });
      await chat.follow(upTo(AGENT_IN_HOSPITAL, 'details.startDate'));
      const refused = await chat.say('2026-11-21'); // after the admission: refused, naming the admission date
      expect(Chat.promptOf(refused)).to.equal('details.startDate');
      expect(Chat.textOf(refused)).to.include('2026年11月20日');
      await chat.follow(AGENT_IN_HOSPITAL.slice(AGENT_IN_HOSPITAL.findIndex(([, next]) => next === 'details.startDate') + 1));
      await chat.follow([['确认提交', 'menu.main']]);
      const all = shown(chat.transcript);
      expect(all, channelId).not.to.match(ISO_DATE);
      expect(all).to.include('今天是 2026年11月24日').and.include('2026年11月20日');
    }
  });

  it('en-US: "Today is 24 November 2026", the start date said back and the validity as people read them', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TMP_OTHER_EN_TO_START_DATE);
    await chat.follow([
      ['next Monday', 'details.institutions'],
      ["Shanghai Sixth People's Hospital", 'review.confirm'],
      ['Submit', 'menu.main'],
    ]);
    const all = shown(chat.transcript);
    expect(all).not.to.match(ISO_DATE);
    expect(all).to.include('Today is 24 November 2026').and.include('30 November 2026');
  });
});

/** The questions asked in a conversation (the replies that ask, with their promptId), with their words. */
const questionsIn = (transcript: Partial<Activity>[]) =>
  transcript
    .filter((r) => r.inputHint === 'expectingInput' && (r.channelData as { promptId?: string } | undefined)?.promptId)
    .map((r) => ({ id: (r.channelData as { promptId: string }).promptId, text: r.text ?? '' }));

/** Self-filings down every branch of the procedure that asks about the person (retired, hukou, dispatched, scheme, referral, in hospital). */
const SELF_PATHS: Array<{ name: string; steps: Step[] }> = [
  { name: 'a retiree living long-term elsewhere (LT_RESIDENT, with commitment)', steps: LT_RESIDENT_TO_SUMMARY },
  { name: 'a self-referred short stay (TMP_OTHER)', steps: TMP_OTHER_TO_SUMMARY },
  { name: 'a worker sent by the employer (LT_WORKER), up to the name', steps: LT_WORKER_TO_NAME },
  { name: 'in hospital (retroactive)', steps: upTo(AGENT_IN_HOSPITAL, 'details.scheme').map(([say, next]) => [say === '为他人代办' ? '为本人办理' : say, next]) },
];

describe('who "you" is: 您 for oneself, 参保人 for someone else (the agent.* variants)', () => {
  for (const path of SELF_PATHS) {
    it(`for oneself, ${path.name}: no question speaks of "参保人"`, async () => {
      const chat = new Chat();
      await chat.follow(path.steps);
      const slips = questionsIn(chat.transcript).filter((q) => q.text.includes('参保人'));
      expect(slips).to.deep.equal([]);
      // And what it is told back about itself says 您 (the reasons, as before).
      expect(Chat.textOf(chat.transcript)).to.include('您');
    });
  }

  it('for oneself, in English: no question speaks of "the insured person"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TMP_OTHER_EN_TO_START_DATE);
    expect(questionsIn(chat.transcript).filter((q) => /insured person/i.test(q.text))).to.deep.equal([]);
  });

  it('for someone else: every question about the insured person says 参保人, and so do the reasons told after them', async () => {
    const chat = new Chat();
    await chat.follow([...openingZh('为他人代办'), ['计划去外地看病或居住', 'situation.longTerm'], ['是', 'situation.retired'], ['是', 'situation.hukouMoved'], ['否', 'outcome.understood']]);
    const about = questionsIn(chat.transcript).filter((q) => /^situation\.(insuredPlace|intake|insuranceActive|now|longTerm|retired|hukouMoved)$/.test(q.id));
    expect(about.map((q) => q.id)).to.include.members(['situation.retired', 'situation.hukouMoved', 'situation.longTerm']);
    for (const q of about) expect(q.text, q.id).to.include('参保人');
    expect(Chat.textOf(chat.transcript.slice(-3))).to.include(chat.texts.t('zh-CN', 'agent.reasons.RETIRED_HUKOU_NOT_MOVED'));
    await chat.follow([['我已了解，继续', 'details.scheme'], ['城乡居民医保', 'details.personName']]);
    expect(Chat.textOf(chat.transcript.slice(-1))).to.include('请输入参保人的姓名');
  });

  it('for someone else, the example of a description speaks of the insured person, and the intake reads it as filed for someone else', async () => {
    const chat = new Chat();
    await chat.follow(openingZh('为他人代办').slice(0, 6));
    const help = Chat.textOf(await chat.say('帮助'));
    const example = chat.texts.t('zh-CN', 'agent.prompts.situation.intake.example');
    expect(help).to.include(example);
    const replies = await chat.say(example);
    expect(Chat.channelData(replies, 'confirming')).to.equal(true);
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'prompts.situation.retired.choices.yes'));
  });
});

describe('the consent says whose information it covers', () => {
  it('for someone else: the insured person’s medical situation, their and the agent’s numbers, and the insured person’s agreement — never "您的就医情况"', async () => {
    const chat = new Chat();
    const replies = await chat.follow(upTo(openingZh('为他人代办'), 'consent.personalInfo'));
    const consent = Chat.textOf(replies);
    expect(consent).to.include('参保人的就医情况').and.include('参保人同意').and.not.include('您的就医情况');
    expect(Chat.textOf(await chat.say('帮助'))).to.include('参保人');
  });

  it('for oneself: 您的就医情况, as before', async () => {
    const chat = new Chat();
    expect(Chat.textOf(await chat.follow(upTo(openingZh(), 'consent.personalInfo')))).to.include('您的就医情况');
  });

  it('in English, for someone else: "the insured person\'s medical situation"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    const consent = Chat.textOf(await chat.follow(upTo(openingEn('For someone else'), 'consent.personalInfo')));
    expect(consent).to.include("the insured person's medical situation").and.not.include('your medical situation');
  });
});

describe('the agent’s relationship says whose child', () => {
  it('asked as "您是参保人的什么人？", the buttons say 参保人的子女 (not a bare 子女); typed "子女" or "我是他女儿" still means the insured person’s child', async () => {
    const chat = new Chat({ channelId: 'test-cards' });
    await chat.follow([...upTo(AGENT_IN_HOSPITAL, 'details.scheme'), ...upTo(PARENT_AND_AGENT, 'details.agentRelationship')]);
    const asked = chat.transcript.at(-1)!;
    expect(asked.text).to.include('您是参保人的什么人');
    expect(asked.text).to.include(chat.texts.t('zh-CN', 'prompts.details.agentRelationship.choices.CHILD'));
    expect(chat.texts.t('zh-CN', 'prompts.details.agentRelationship.choices.CHILD')).to.equal('参保人的子女');
    for (const said of ['子女', '我是他女儿']) {
      const again = new Chat();
      await again.follow([...upTo(AGENT_IN_HOSPITAL, 'details.scheme'), ...upTo(PARENT_AND_AGENT, 'details.agentRelationship')]);
      await again.follow([[said, 'details.startDate']]);
      await again.follow([['11月20日', 'details.institutions'], ['复旦大学附属华山医院', 'review.confirm']]);
      expect(Chat.textOf(again.transcript.slice(-2)), said).to.include('与参保人关系：参保人的子女');
    }
  });

  it('in English: "the insured person\'s child"', async () => {
    expect(new Chat().texts.t('en-US', 'prompts.details.agentRelationship.choices.CHILD')).to.equal("The insured person's child");
  });
});

describe('"人工服务" says when the hotline answers and, truthfully, what is kept and for how long', () => {
  it('the profile’s hours (not "工作时间"), and how long the answers are kept after the last message, in this conversation (the same browser tab)', async () => {
    const chat = new Chat();
    await chat.follow(openingZh().slice(0, 4));
    const said = Chat.textOf(await chat.say('人工服务'));
    const rizhao = chat.profiles.get('rizhao')!;
    expect(said).to.include(rizhao.hotline.value).and.include(rizhao.hotlineHours.value['zh-CN']).and.not.include('工作时间');
    expect(said).to.include('1 天').and.include('标签页').and.not.include('随时可以回来继续');
  });

  it('in English: the hours and "1 day"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([['hi', 'menu.main']]);
    const said = Chat.textOf(await chat.say('Talk to a person'));
    expect(said).to.include(chat.profiles.get('rizhao')!.hotlineHours.value['en-US']).and.include('1 day').and.not.include('office hours');
  });
});

describe('the hospitals question asks for names (请输入), it offers nothing to choose', () => {
  it('zh-CN and en-US', async () => {
    const chat = new Chat();
    const replies = await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.institutions'));
    const asked = Chat.textOf(replies.filter((r) => (r.channelData as { promptId?: string } | undefined)?.promptId === 'details.institutions'));
    expect(asked).to.include(`\n${chat.texts.t('zh-CN', 'prompts.details.institutions.text', { min: 1, max: 3 })}`).and.not.include('请选择');
    expect(chat.texts.t('zh-CN', 'prompts.details.institutions.text')).to.match(/^请输入/);
    expect(replies.at(-1)?.suggestedActions?.actions.map((a) => a.title) ?? []).to.not.include.members(['上海市第六人民医院']);
    expect(chat.texts.t('en-US', 'prompts.details.institutions.text')).to.match(/^Please type the names/);
  });
});
