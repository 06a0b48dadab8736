import { expect } from 'chai';
import { startAppServer, type AppServer } from '../support/app-server.js';
import { AGENTS, agentAccountsEnv } from '../support/agents.js';
import { withinHours } from '../support/handoff.js';
import { Texts } from '../../src/content/texts.js';
import { WebChatDriver, type Step } from './webchat-driver.js';

/**
 * The live handoff in two real browsers: a person on the web page asks for a person mid-filing; an agent
 * signed in to the console in a second browser sees the conversation in the queue, takes it, reads the
 * transcript and the draft; they exchange messages; the agent hands back; the person finishes the filing
 * with the assistant and gets the reference.
 */
const T = new Texts();

describe('live handoff, end to end in two real browsers', function () {
  this.timeout(180_000);
  let server: AppServer;
  let person: WebChatDriver;
  let agent: WebChatDriver;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    server = await startAppServer(await agentAccountsEnv(), { overrides: { handoffNow: withinHours() } });
    person = await WebChatDriver.launch();
    agent = await WebChatDriver.launch({ width: 1280, height: 900 });
  });

  after(async () => {
    await person?.close();
    await agent?.close();
    await server?.stop();
  });

  const upToNow: Step[] = [
    { sees: '请问您想办理什么' },
    { click: '办理异地就医备案' },
    { click: '为本人办理' },
    { sees: '参保地' },
    { type: '日照' },
    { sees: '就医地' },
    { type: '上海' },
    { click: '同意' },
    { click: '一步一步回答' },
    { click: '是，正常参保' },
    { sees: '现在是什么情况' },
  ];

  it('a person asks for a person, an agent takes the conversation, they write, the agent hands back, the person files', async () => {
    const name = AGENTS.wang.displayName;
    // The agent signs in to the console: the queue panel polls, so the agent counts as present.
    const console = agent.page;
    await console.goto(`${server.base}/agent/`);
    await console.fill('#account', AGENTS.wang.id);
    await console.fill('#password', AGENTS.wang.password);
    await console.click('#sign-in-form button[type=submit]');
    await console.waitForSelector('#handoff-queue', { state: 'visible' });
    await console.waitForFunction(() => /1/.test(document.getElementById('handoff-agents')?.textContent ?? ''));

    // The person, mid-filing, asks for a person: told their place and the wait.
    await person.open(`${server.base}/`);
    await person.run(upToNow);
    await person.run([{ type: '人工服务' }, { sees: '您排在第 1 位' }]);
    expect(await person.suggestedActions(), 'leaving is one click away').to.deep.equal(['退出排队']);

    // The console shows the conversation waiting: channel, stage, the facts so far.
    const take = console.locator('#handoff-queue button.take');
    await take.waitFor({ timeout: 10_000 });
    const row = await console.locator('#handoff-queue li[data-id]').first().textContent();
    expect(row).to.include('webchat').and.include('您的情况').and.include('上海');
    expect(await console.title()).to.match(/^\(1\) /);
    // The queue keeps polling; a button the agent focused with the keyboard stays focused as the waiting time ticks.
    await take.focus();
    const waited = await console.locator('#handoff-queue .handoff-waited').first().textContent();
    await console.waitForFunction((before) => document.querySelector('#handoff-queue .handoff-waited')?.textContent !== before, waited);
    expect(await console.evaluate(() => document.activeElement?.classList.contains('take'))).to.equal(true);
    await console.keyboard.press('Enter');
    await console.waitForSelector('#handoff-conversation:not([hidden])');
    // The transcript before the handoff, and the draft.
    await console.waitForFunction(() => (document.getElementById('handoff-transcript')?.textContent ?? '').includes('现在是什么情况'));
    expect(await console.locator('#handoff-draft').textContent()).to.include('上海');

    // The person is told who answers: 人工客服 and the display name, never the account.
    await person.run([{ see: T.t('zh-CN', 'handoff.joined', { name }) }]);

    // They write to each other.
    await console.fill('#handoff-text', '您好，我是王坐席。请问哪里不清楚？');
    await console.click('#handoff-send');
    // On the page the agent's line is shown as theirs: a label with their name over a bubble of its own, and
    // the words alone in it (the "人工客服 <name>：" the text carries for other channels is not repeated).
    await person.run([{ see: '您好，我是王坐席。请问哪里不清楚？' }]);
    const shown = await person.page.$$eval('.yidi-activity', (rows) =>
      rows.map((row) => ({
        agent: row.getAttribute('data-from') === 'agent' && row.classList.contains('yidi-activity--agent'),
        label: row.querySelector(':scope > .yidi-agent-label')?.textContent ?? null,
        text: (row.querySelector('.webchat__bubble__content')?.textContent ?? '').trim(),
        background: getComputedStyle(row.querySelector('.webchat__bubble__content') ?? row).backgroundColor,
      })),
    );
    const agentRows = shown.filter((r) => r.agent);
    expect(agentRows, 'one line of the agent').to.have.length(1);
    expect(agentRows[0]).to.include({ label: T.t('zh-CN', 'handoff.agentLabel', { name }), text: '您好，我是王坐席。请问哪里不清楚？' });
    const botRows = shown.filter((r) => !r.agent && r.text);
    expect(botRows.length, "the assistant's lines").to.be.greaterThan(5);
    expect(botRows.every((r) => r.label === null), "the assistant's lines carry no agent label").to.equal(true);
    expect(botRows.map((r) => r.background)).to.not.include(agentRows[0]!.background);
    // Screen readers hear who speaks: Web Chat labels the message, and announces it, with the whole line.
    const line = T.t('zh-CN', 'handoff.agentLine', { name, text: '您好，我是王坐席。请问哪里不清楚？' });
    const spoken = await person.page.evaluate(() => {
      const row = document.querySelector('.yidi-activity--agent')!.closest('article.webchat__basic-transcript__activity')!;
      const labelled = row.querySelector('[role="article"][aria-labelledby]')?.getAttribute('aria-labelledby') ?? '';
      const label = document.getElementById(labelled)?.textContent ?? '';
      const live = [...document.querySelectorAll('.webchat__live-region-activity')].map((a) => a.textContent ?? '');
      return { label, live };
    });
    expect(spoken.label).to.include(line);
    expect(spoken.live.some((text) => text.includes(line)), 'the live region announces the whole line').to.equal(true);
    expect(await person.axe()).to.deep.equal([]);
    await person.run([{ type: '我只是去上海看一次病，不知道选哪个' }]);
    await console.waitForFunction(() => [...document.querySelectorAll('#handoff-chat li.from-person')].some((li) => (li.textContent ?? '').includes('我只是去上海看一次病')));
    // The assistant said nothing to that: the message went to the agent.
    const lastBot = (await person.transcript()).filter((l) => l.from === 'bot').at(-1)!.text;
    expect(lastBot).to.equal('您好，我是王坐席。请问哪里不清楚？');
    await console.fill('#handoff-text', '请选“计划去外地看病或居住”，再选短期看病。我把对话交回助手。');
    await console.click('#handoff-send');
    await person.run([{ sees: '请选“计划去外地看病或居住”' }, { screenshot: 'handoff-person-chat' }]);
    await agent.screenshot('handoff-console-chat');
    // The panel passes axe (WCAG 2.1 A/AA) with a conversation open.
    expect((await agent.axe()).filter((v) => v.nodes.some((n) => n.includes('handoff')))).to.deep.equal([]);

    // The agent hands back where the person stopped.
    await console.selectOption('#handoff-hand-back-at', '');
    await console.click('#handoff-hand-back');
    await console.waitForSelector('#handoff-conversation', { state: 'hidden' });
    await person.run([{ see: T.t('zh-CN', 'handoff.handedBack', { name }) }]);

    // The person finishes the filing with the assistant.
    await person.run([
      { click: '计划去外地看病或居住' },
      { click: '否，短期看病' },
      { click: '没有，自己去' },
      { sees: '应办理“自主转诊人员”备案' },
      { click: '我已了解，继续' },
      { click: '职工医保' },
      { sees: '请输入您的姓名' },
      { type: '张三' },
      { sees: '身份证号码' },
      { type: '11010519491231002x' },
      { sees: '手机号码' },
      { type: '13812345678' },
      { sees: '备案从哪一天开始' },
      { type: '下个月1号' },
      { sees: '定点医疗机构' },
      { type: '上海市第六人民医院' },
      { sees: '请核对' },
      { click: '确认提交' },
      { sees: '备案已提交' },
      { screenshot: 'handoff-person-submitted' },
    ]);
    const { reference, text } = await person.submittedReference();
    expect((await server.app.filings.get(reference))?.category).to.equal('TMP_OTHER');
    expect(text).to.not.include(AGENTS.wang.id);
    expect(await server.app.handoff.queue.length()).to.equal(0);
    expect(person.problems, 'no console errors (the page names its icon: no /favicon.ico)').to.deep.equal([]);
    expect(agent.problems.filter((p) => !/401/.test(p))).to.deep.equal([]);
  });
});
