import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/ops/logger.js';
import { HttpChat } from './support/http-chat.js';
import { answerUntilOutcome, LT_RESIDENT_TO_SUMMARY, LT_WORKER_TO_NAME, openingEn, openingZh, TMP_OTHER_TO_SUMMARY, upTo, type TextStep } from './support/paths.js';
import { promptOf, textOf } from './support/replies.js';

/**
 * Issue 10, "done when", over plain HTTP against the real server (POST /api/messages with deliveryMode
 * expectReplies on a real port, the app's own understanding): the sentences are understood at their
 * questions; a confident reading is said back; 义乌 and 浦东新区 resolve; an emergency told in words gets the
 * advice at any point, also as the first message; a one-sentence description skips the questions it answered;
 * English choices carry buttons; a language switch asks again in the new language; the readings are counted.
 */

const understood = (replies: Partial<Activity>[]) => replies.find((r) => (r.channelData as { understood?: boolean } | undefined)?.understood)?.text;
const data = <T>(replies: Partial<Activity>[], key: string) => replies.map((r) => (r.channelData as Record<string, unknown> | undefined)?.[key]).find((v) => v !== undefined) as T | undefined;

describe('issue 10 over HTTP: people answer in their own words', () => {
  let app: App;
  let base: string;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-understanding-'));
    const config = loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'silent' });
    app = createApp(config, { logger: createLogger({ level: 'silent' }), today: () => '2026-11-24' });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });

  after(async () => {
    app.server.close();
    for (const closer of app.closers) await closer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function follow(chat: HttpChat, steps: TextStep[]): Promise<void> {
    for (const [say, next] of steps) {
      const { status, replies } = await chat.say(say);
      expect(status).to.equal(200);
      expect(promptOf(replies), `after "${say}": ${textOf(replies)}`).to.equal(next);
    }
  }

  // `held`: facts of the situation said with a place before consent, held for after it and said so.
  const HELD = '在就医地长期居住、已退休、户口已迁到就医地';
  const SENTENCES: Array<{ said: string; reach: TextStep[]; answer: string; next: string; held?: string }> = [
    { said: '不太同意，我不想在网上填身份证号', reach: upTo(TMP_OTHER_TO_SUMMARY, 'consent.personalInfo'), answer: '不同意', next: 'menu.main' },
    { said: '是单位派的，不是我自己要去的', reach: upTo(LT_WORKER_TO_NAME, 'situation.dispatchedByEmployer'), answer: '是，单位派驻', next: 'situation.scheme' },
    { said: '还没去，在计划', reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.now'), answer: '计划去外地看病或居住', next: 'situation.longTerm' },
    { said: '我已经退休了', reach: upTo(LT_RESIDENT_TO_SUMMARY, 'situation.retired'), answer: '已退休', next: 'situation.hukouMoved' },
    { said: '退休好几年了', reach: upTo(LT_RESIDENT_TO_SUMMARY, 'situation.retired'), answer: '已退休', next: 'situation.hukouMoved' },
    { said: '户口还在日照，没迁过来', reach: upTo(LT_RESIDENT_TO_SUMMARY, 'situation.hukouMoved'), answer: '没有迁', next: 'outcome.understood' },
    { said: '不是，就去几天看个专家', reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.longTerm'), answer: '否，短期看病', next: 'situation.hasReferral' },
    { said: '我签承诺书吧', reach: upTo(LT_RESIDENT_TO_SUMMARY, 'details.commitment'), answer: '签署个人承诺书', next: 'review.confirm' },
    { said: '明白了，接着办吧', reach: upTo(TMP_OTHER_TO_SUMMARY, 'outcome.understood'), answer: '我已了解，继续', next: 'details.scheme' },
    // A place inside a sentence, read with the question's role in mind.
    { said: '参保地是日照', reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace'), answer: '山东省日照市', next: 'situation.treatmentPlace' },
    { said: '我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口', reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace'), answer: '山东省日照市', next: 'situation.treatmentPlace', held: HELD },
    { said: '我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口', reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'), answer: '海南省海口市', next: 'consent.personalInfo', held: HELD },
  ];
  for (const s of SENTENCES) {
    it(`"${s.said}" is understood at its question and said back: ${s.answer}`, async () => {
      const chat = new HttpChat([base]);
      await follow(chat, s.reach);
      const { replies } = await chat.say(s.said);
      const said = app.bot.texts.t('zh-CN', 'messages.understood', { answer: s.answer });
      expect(understood(replies)).to.equal(s.held ? app.bot.texts.t('zh-CN', 'messages.factsHeldAfter', { said, facts: s.held }) : said);
      expect(promptOf(replies)).to.equal(s.next);
    });
  }

  it('"我在西安上大学" as the description: the student fact shown to confirm, then a long-term resident', async () => {
    const chat = new HttpChat([base]);
    await follow(chat, upTo(openingZh('本人', '日照', '西安'), 'situation.intake'));
    const { replies } = await chat.say('我在西安上大学');
    expect(data(replies, 'confirming')).to.equal(true);
    const say = async (text: string) => (await chat.say(text)).replies;
    const { outcome } = await answerUntilOutcome(say, await say('对'), {
      'situation.insuranceActive': '是',
      'situation.now': '还没去，在计划',
      'situation.longTerm': '是',
      'situation.retired': '没有退休',
    });
    expect(data(outcome, 'category')).to.equal('LT_RESIDENT');
    expect(data<string[]>(outcome, 'reasons')).to.include('STUDENT_LONG_TERM');
  });

  it('a close call asks which, with both readings as buttons: "半年左右" against a 180-day threshold', async () => {
    const chat = new HttpChat([base]);
    await follow(chat, upTo(TMP_OTHER_TO_SUMMARY, 'situation.longTerm'));
    const { replies } = await chat.say('半年左右');
    const asked = replies.at(-1)!;
    expect(promptOf(replies)).to.equal('situation.longTerm');
    expect(asked.text).to.equal('您是指“是，长期居住或工作”还是“否，短期看病”？');
    expect(asked.suggestedActions!.actions.map((a) => a.title).slice(0, 2)).to.deep.equal(['是，长期居住或工作', '否，短期看病']);
    expect(understood(replies)).to.equal(undefined);
    await follow(chat, [['是，长期居住或工作', 'situation.retired']]);
  });

  it('义乌 resolves to 浙江省金华市义乌市 (pooling area 金华市), 浦东新区 to 上海市', async () => {
    const chat = new HttpChat([base]);
    await follow(chat, upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace'));
    const yiwu = await chat.say('义乌');
    expect(understood(yiwu.replies)).to.include('浙江省金华市义乌市').and.to.include('浙江省金华市');
    expect(promptOf(yiwu.replies)).to.equal('situation.treatmentPlace');
    const pudong = await chat.say('浦东新区');
    expect(understood(pudong.replies)).to.include('上海市浦东新区');
    expect(promptOf(pudong.replies)).to.equal('consent.personalInfo');
  });

  it('an emergency told in words: the advice as the first message, and at any question', async () => {
    const first = new HttpChat([base]);
    const { replies } = await first.say('我在广州出差，急性阑尾炎，现在在急诊');
    expect(data(replies, 'category')).to.equal('TMP_EMERGENCY');
    expect(textOf(replies)).to.include('请先就医');

    const deep = new HttpChat([base]);
    await follow(deep, upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'));
    const advice = await deep.say('我在广州出差，急性阑尾炎，现在在急诊');
    expect(textOf(advice.replies)).to.include('请先就医');
    expect(promptOf(advice.replies)).to.equal('details.phone');
  });

  it('a one-sentence description skips the questions it answered', async () => {
    const chat = new HttpChat([base]);
    await follow(chat, upTo(openingZh('本人', '日照', '海口'), 'situation.intake'));
    const confirm = await chat.say('我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口');
    expect(data(confirm.replies, 'confirming')).to.equal(true);
    const say = async (text: string) => (await chat.say(text)).replies;
    const { asked, outcome } = await answerUntilOutcome(say, await say('对，就是这样'), { 'situation.insuranceActive': '是', 'situation.now': '计划去外地看病或居住' });
    // Long-term, retired and hukou were told, so not asked: at most three situation questions after the description.
    expect(data(outcome, 'category')).to.equal('LT_RETIREE');
    expect(asked.filter((q) => /^situation\.(longTerm|retired|hukouMoved)$/.test(q))).to.deep.equal([]);
    expect(asked.length).to.be.at.most(3);
  });

  it('English choices carry buttons, whatever their length', async () => {
    const chat = new HttpChat([base], 'en-US');
    const menu = await chat.say('hi');
    const titles = menu.replies.at(-1)!.suggestedActions!.actions.map((a) => a.title);
    expect(titles).to.include.members(['File for treatment elsewhere', 'Emergency now', 'Common questions', 'Talk to a person']);
    await follow(chat, upTo(openingEn(), 'situation.now').slice(1, -1));
    const now = await chat.say('yes');
    expect(now.replies.at(-1)!.suggestedActions!.actions.map((a) => a.title)).to.include('In hospital, not discharged');
  });

  it('a language switch asks the question waiting again, in the new language', async () => {
    const chat = new HttpChat([base]);
    await follow(chat, upTo(TMP_OTHER_TO_SUMMARY, 'situation.now'));
    const { replies } = await chat.say('说英语吧');
    expect(promptOf(replies)).to.equal('situation.now');
    expect(textOf(replies)).to.include('What is your situation right now?');
  });

  it('the readings are counted per question and status in /metrics (after the turn is saved)', async () => {
    const count = async (status: string) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = new RegExp(`^question_readings_total\\{question="situation\\.now",status="${status}"\\} (\\d+)$`, 'm').exec(text);
      return Number(line?.[1] ?? 0);
    };
    const before = { understood: await count('understood'), exact: await count('exact') };
    const words = new HttpChat([base]);
    await follow(words, [...upTo(TMP_OTHER_TO_SUMMARY, 'situation.now'), ['还没去，在计划', 'situation.longTerm']]);
    const button = new HttpChat([base]);
    await follow(button, [...upTo(TMP_OTHER_TO_SUMMARY, 'situation.now'), ['计划去外地看病或居住', 'situation.longTerm']]);
    expect(await count('understood')).to.equal(before.understood + 1);
    expect(await count('exact')).to.equal(before.exact + 1);
  });
});
