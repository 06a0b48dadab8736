import { expect } from 'chai';
import { emulatorMessage, postMessages, startAppServer, type AppServer } from './support/app-server.js';
import { FakeConnector } from './support/fake-connector.js';
import { FakeWeChatApi, WeChatSender, wechatEnv } from './support/wechat.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { DirectLineClient } from './channels.web.fixtures.js';
import { events, messages, outsideHours, texts, WebPerson, withinHours, type TestClock } from './support/handoff.js';
import { LT_RESIDENT_TO_SUMMARY, openingZh } from './support/paths.js';
import type { Activity } from 'botbuilder';
import { Texts } from '../src/content/texts.js';

/**
 * The live handoff over HTTP on the real app server: a person on the web page asks for a person, an agent
 * in the console takes the conversation, they write to each other, the agent hands back at a chosen
 * question or fills the form in; the Bot Framework handoff events on the conversation; the hotline when
 * nobody can answer; leaving the queue with a word; /metrics.
 */
const T = new Texts();

async function metricsText(server: AppServer): Promise<string> {
  return (await fetch(`${server.base}/metrics`)).text();
}

/** The sum of a metric's series whose labels include every one given ('outcome="left"'). */
function metricValue(text: string, name: string, labels = ''): number {
  const wanted = labels ? labels.split(',') : [];
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Agent Wang signed in, in the console (present once it has read the queue). */
async function agentInConsole(server: AppServer): Promise<AgentClient> {
  const wang = new AgentClient(server.base);
  await wang.signIn(AGENTS.wang);
  await wang.call('GET', 'queue');
  return wang;
}

/** A person on the web page with the conversation open (in `locale`, zh-CN unless given). */
async function webPerson(server: AppServer, locale?: string): Promise<WebPerson> {
  const person = new WebPerson(new DirectLineClient(server.base));
  await person.open(locale);
  return person;
}

/** Answers the filing's opening questions (to the first question of the procedure). */
async function startFiling(person: WebPerson): Promise<void> {
  for (const [say] of openingZh()) await person.say(say);
}

describe('live handoff to a person (HTTP, web channel)', function () {
  this.timeout(30_000);
  let server: AppServer;
  let clock: TestClock;
  before(async () => {
    clock = withinHours();
    server = await startAppServer(await agentAccountsEnv(), { overrides: { handoffNow: clock } });
  });
  after(() => server.stop());

  it('the queue and the handoff routes answer 401 without a session', async () => {
    const anonymous = new AgentClient(server.base);
    for (const [method, path] of [
      ['GET', 'queue'],
      ['GET', 'queue/words'],
      ['POST', 'handoffs/x/take'],
      ['GET', 'handoffs/x'],
      ['POST', 'handoffs/x/messages'],
      ['POST', 'handoffs/x/hand-back'],
    ] as const) {
      expect((await anonymous.call(method, path, method === 'POST' ? {} : undefined)).status, `${method} ${path}`).to.equal(401);
    }
  });

  it('nobody in the console: the hotline with its hours, and that the answers are kept; nothing queued', async () => {
    const before = metricValue(await metricsText(server), 'handoffs_total', 'outcome="no_agent"');
    const person = await webPerson(server);
    const replies = await person.say('人工服务');
    const said = texts(replies).join('\n');
    expect(said).to.include(T.t('zh-CN', 'handoff.unavailable.no_agent'));
    expect(said).to.include('0633-12393').and.include('工作日 8:30–12:00、13:30–17:00').and.include('保留');
    expect(events(replies, 'handoff.initiate')).to.have.length(0);
    expect(await server.app.handoff.queue.length()).to.equal(0);
    expect(metricValue(await metricsText(server), 'handoffs_total', 'outcome="no_agent"')).to.equal(before + 1);
  });

  it('a person asks, an agent takes, they write to each other, the agent hands back at a chosen question', async () => {
    const wang = new AgentClient(server.base);
    await wang.signIn(AGENTS.wang);
    expect((await wang.call('GET', 'queue')).status).to.equal(200); // the agent is present now

    const person = await webPerson(server);
    await startFiling(person);
    const asked = await person.say('转人工');
    const queued = messages(asked).find((a) => (a.channelData as any)?.handoff?.status === 'queued');
    expect(queued, texts(asked).join(' | ')).to.not.equal(undefined);
    expect(queued!.text).to.include('第 1 位').and.include('退出排队');
    // The Bot Framework handoff event, sent on the conversation, with the transcript so far.
    const [initiate] = events(asked, 'handoff.initiate');
    expect(initiate, 'handoff.initiate').to.not.equal(undefined);
    const transcript = initiate!.attachments?.find((a) => a.name === 'Transcript')?.content as { activities: Array<{ text?: string }> };
    expect(transcript.activities.some((a) => a.text === '上海')).to.equal(true);

    // The queue as the console shows it: waiting time, channel, stage, facts masked, nothing that finds the person.
    const queue = await wang.call('GET', 'queue');
    const item = queue.json['waiting'].find((w: any) => w.channel === 'webchat');
    expect(item).to.include({ state: 'waiting', channel: 'webchat', reason: 'command' });
    expect(item.draft.stage).to.equal('situation');
    expect(item.draft.facts.map((f: any) => f.id)).to.include('situation.treatmentPlace');
    expect(JSON.stringify(queue.json)).not.to.include(person.conversationId);

    // While waiting, what the person writes is kept for the agent, and they hear their place again.
    const meanwhile = await person.say('我的身份证号是11010519491231002X');
    expect(texts(meanwhile).join('\n')).to.include('第 1 位');

    const taken = await wang.call('POST', `handoffs/${item.id}/take`, {});
    expect(taken.status).to.equal(200);
    const joined = await person.read();
    expect(texts(joined)).to.include(T.t('zh-CN', 'handoff.joined', { name: AGENTS.wang.displayName }));
    expect(events(joined, 'handoff.status').map((e) => (e.value as { state: string }).state)).to.deep.equal(['accepted']);
    expect(JSON.stringify(joined)).not.to.include(AGENTS.wang.id);

    // A second take (another agent, or the same twice) is refused.
    const li = new AgentClient(server.base);
    await li.signIn(AGENTS.li);
    expect((await li.call('POST', `handoffs/${item.id}/take`, {})).status).to.equal(409);
    expect((await li.call('GET', `handoffs/${item.id}`)).status, 'another agent cannot read it').to.equal(403);

    expect((await wang.call('POST', `handoffs/${item.id}/messages`, { text: '您好，我是王坐席，请问有什么可以帮您？' })).status).to.equal(200);
    const fromAgent = await person.read();
    expect(texts(fromAgent)).to.deep.equal([T.t('zh-CN', 'handoff.agentLine', { name: AGENTS.wang.displayName, text: '您好，我是王坐席，请问有什么可以帮您？' })]);
    // Marked as the agent's for a page that can show it apart: the name, the label, the lead of the text (never the agent's words).
    const marker = (messages(fromAgent)[0]!.channelData as { handoff?: Record<string, unknown> }).handoff;
    expect(marker).to.deep.equal({
      from: 'agent',
      agent: AGENTS.wang.displayName,
      label: T.t('zh-CN', 'handoff.agentLabel', { name: AGENTS.wang.displayName }),
      lead: T.t('zh-CN', 'handoff.agentLine', { name: AGENTS.wang.displayName, text: '' }),
    });

    // The person's words go to the agent, not to the assistant: no reply from the dialogs.
    expect(messages(await person.say('我想问一下是不是要先开转诊单'))).to.have.length(0);
    expect(messages(await person.say('电话幺三八-幺二三四-五六七八'))).to.have.length(0); // a number in words: masked for the agent too
    const view = await wang.call('GET', `handoffs/${item.id}`);
    expect(view.status).to.equal(200);
    const lines = view.json['messages'] as Array<{ from: string; text: string }>;
    expect(lines.filter((l) => l.from === 'person').map((l) => l.text)).to.deep.equal(['我的身份证号是1101**********002X', '我想问一下是不是要先开转诊单', '电话138****5678']);
    expect(view.json['transcript'].some((l: any) => l.from === 'assistant')).to.equal(true);

    // Handed back at the treatment place: asked again there, with the earlier answer offered.
    expect((await wang.call('POST', `handoffs/${item.id}/hand-back`, { at: 'situation.treatmentPlace' })).status).to.equal(200);
    const back = await person.read();
    expect(texts(back)[0]).to.equal(T.t('zh-CN', 'handoff.handedBack', { name: AGENTS.wang.displayName }));
    expect(events(back, 'handoff.status').map((e) => (e.value as { state: string }).state)).to.deep.equal(['completed']);
    expect(messages(back).at(-1)!.text).to.include(T.t('zh-CN', 'prompts.situation.treatmentPlace.text').slice(0, 6));
    // The assistant has the conversation again: an answer moves the filing on.
    const next = await person.say('北京');
    expect(messages(next).length).to.be.greaterThan(0);
    expect(await server.app.handoff.queue.length()).to.equal(0);

    const m = await metricsText(server);
    expect(metricValue(m, 'handoffs_total', 'reason="command",outcome="handed_back"')).to.equal(1);
    expect(metricValue(m, 'handoff_wait_seconds_count')).to.be.greaterThanOrEqual(1);
    expect(metricValue(m, 'handoff_queue_length')).to.equal(0);
  });

  it('the person leaves the queue with a word and the assistant asks its question again', async () => {
    const wang = await agentInConsole(server);
    const person = await webPerson(server);
    await startFiling(person);
    await person.say('人工服务');
    expect(await server.app.handoff.queue.length()).to.equal(1);
    const left = await person.say('退出排队');
    expect(texts(left)[0]).to.equal(T.t('zh-CN', 'handoff.left'));
    expect(events(left, 'handoff.status').map((e) => (e.value as { state: string }).state)).to.deep.equal(['failed']);
    expect(texts(left).at(-1)).to.include(T.t('zh-CN', 'prompts.situation.now.text').slice(0, 4));
    expect(await server.app.handoff.queue.length()).to.equal(0);
    expect(metricValue(await metricsText(server), 'handoffs_total', 'reason="command",outcome="left"')).to.equal(1);
  });

  it('from the summary: the agent and handoff.initiate read the transcript masked (no card, no account id, the summary\'s name and address masked)', async () => {
    const wang = await agentInConsole(server);
    const person = await webPerson(server);
    let shown: Activity[] = [];
    for (const [say] of LT_RESIDENT_TO_SUMMARY) shown = await person.say(say);
    // The person's own summary: the name and the address in full (a typo must be visible to them).
    expect(JSON.stringify(shown)).to.include('李秀英').and.include('浦东新区世纪大道100号3号楼201室');
    await person.say('我的电话是幺三八 幺二三四 五六七八，身份证一一〇一〇五一九四九一二三一〇〇二叉'); // in number words, anywhere
    const asked = await person.say('人工服务');
    const [initiate] = events(asked, 'handoff.initiate');
    const carried = (initiate!.attachments?.find((a) => a.name === 'Transcript')?.content as { activities: Activity[] }).activities;
    const id = (await wang.call('GET', 'queue')).json['waiting'][0].id as string;
    await wang.call('POST', `handoffs/${id}/take`, {});
    const seen = (await wang.call('GET', `handoffs/${id}`)).json['transcript'] as Array<{ from: string; text: string }>;
    for (const [who, what] of [['handoff.initiate', JSON.stringify(carried)], ['the console', JSON.stringify(seen)]] as const) {
      expect(what, who).to.not.include('李秀英').and.not.include('世纪大道100号').and.not.include('11010519491231002X').and.not.include('13812345678');
      expect(what, who).to.include(`${T.t('zh-CN', 'labels.details.personName')}：李**`).and.include(`${T.t('zh-CN', 'labels.details.address')}：浦东新区世纪****`);
      expect(what, who).to.not.include('AdaptiveCard');
      expect(what, who).to.include('我的电话是138****5678，身份证1101**********002X').and.not.include('幺二三四').and.not.include('〇〇二叉');
    }
    expect(carried.every((a) => a.type === 'message' && !a.attachments && !a.from?.id && ['user', 'bot'].includes(a.from?.role ?? ''))).to.equal(true);
    // No conversation on the carried activities: on WeChat its id is the person's openid (the hub has the handoff's id).
    expect(carried.filter((a) => a.conversation !== undefined)).to.deep.equal([]);
    expect(initiate!.value).to.have.property('handoffId', id);
    expect(carried.filter((a) => a.from?.role === 'user').map((a) => a.text)).to.include('李**');
    // Filling the form in for the person: the summary asked again reaches the console's chat masked too.
    expect((await wang.call('POST', `handoffs/${id}/fill`, {})).status).to.equal(200);
    const chat = JSON.stringify((await wang.call('GET', `handoffs/${id}`)).json['messages']);
    expect(chat).to.include(T.t('zh-CN', 'messages.summaryIntro', { category: '' }).slice(0, 3)).and.include('李**');
    expect(chat).to.not.include('李秀英').and.not.include('世纪大道100号');
    await wang.call('POST', `handoffs/${id}/finish`, {});
  });

  it('in English: queued in English, and "leave the queue" leaves', async () => {
    const wang = await agentInConsole(server);
    const person = await webPerson(server, 'en-US');
    await person.say('Hello');
    const queued = texts(await person.say('Talk to a person')).join('\n');
    expect(queued).to.include('number 1 in the queue').and.include('Leave the queue');
    expect((await wang.call('GET', 'queue')).json['waiting'][0].locale).to.equal('en-US');
    expect(texts(await person.say('leave the queue'))[0]).to.equal(T.t('en-US', 'handoff.left'));
    expect(await server.app.handoff.queue.length()).to.equal(0);
  });

  it('the agent fills the form in for the person: the agent\'s answers move the filing on, the person sees each step', async () => {
    const wang = await agentInConsole(server);
    const person = await webPerson(server);
    await startFiling(person);
    // Asked in the person's own words.
    expect(texts(await person.say('我想找个真人问问')).join('\n')).to.include('第 1 位');
    const id = (await wang.call('GET', 'queue')).json['waiting'][0].id as string;
    await wang.call('POST', `handoffs/${id}/take`, {});
    expect((await wang.call('POST', `handoffs/${id}/fill`, {})).status).to.equal(200);
    const filling = await person.read();
    expect(texts(filling)).to.include(T.t('zh-CN', 'handoff.filling', { name: AGENTS.wang.displayName }));
    expect((await wang.call('POST', `handoffs/${id}/messages`, { text: '计划去外地看病或居住', as: 'answer' })).status).to.equal(200);
    const step = await person.read();
    expect(texts(step)[0]).to.equal(T.t('zh-CN', 'handoff.agentLine', { name: AGENTS.wang.displayName, text: '计划去外地看病或居住' }));
    expect((messages(step)[0]!.channelData as { handoff?: Record<string, unknown> }).handoff).to.include({ from: 'agent', answered: true, lead: T.t('zh-CN', 'handoff.agentLine', { name: AGENTS.wang.displayName, text: '' }) });
    expect(messages(step).length).to.be.greaterThan(1);
    const view = await wang.call('GET', `handoffs/${id}`);
    expect(view.json['handoff'].state).to.equal('filling');
    expect(view.json['handoff'].draft.facts.map((f: any) => f.id)).to.include('situation.now');
    // The assistant's questions reach the console with their buttons' choices, to answer with.
    const asked = view.json['messages'].filter((l: any) => l.from === 'assistant').map((l: any) => l.text as string);
    expect(asked.some((t: string) => t.includes('否，短期看病'))).to.equal(true);
    expect((await wang.call('POST', `handoffs/${id}/finish`, {})).status).to.equal(200);
    expect(texts(await person.read())[0]).to.equal(T.t('zh-CN', 'handoff.finished', { name: AGENTS.wang.displayName }));
    expect(metricValue(await metricsText(server), 'handoffs_total', 'reason="words",outcome="finished"')).to.equal(1);
  });
});

describe('live handoff: nobody left to answer (HTTP)', function () {
  this.timeout(30_000);
  let server: AppServer;
  let clock: TestClock;
  beforeEach(async () => {
    clock = withinHours();
    server = await startAppServer(await agentAccountsEnv(), { overrides: { handoffNow: clock } });
  });
  afterEach(() => server.stop());

  async function queuedPerson(): Promise<{ person: WebPerson; wang: AgentClient; id: string }> {
    const wang = await agentInConsole(server);
    const person = await webPerson(server);
    await startFiling(person);
    await person.say('人工服务');
    const id = (await wang.call('GET', 'queue')).json['waiting'][0].id as string;
    return { person, wang, id };
  }

  it('the agent holding the conversation closed the console: the person\'s next message gets the hotline and the assistant again', async () => {
    const { person, wang, id } = await queuedPerson();
    await wang.call('POST', `handoffs/${id}/take`, {});
    await person.read();
    clock.skip(61_000); // the console stopped polling a minute ago
    const replies = await person.say('还在吗？');
    const said = texts(replies);
    expect(said[0]).to.include(T.t('zh-CN', 'handoff.agentGone')).and.include('0633-12393');
    expect(said.at(-1)).to.include(T.t('zh-CN', 'prompts.situation.now.text').slice(0, 4));
    expect(events(replies, 'handoff.status').map((e) => (e.value as { state: string }).state)).to.deep.equal(['failed']);
    expect(await server.app.handoff.queue.get(id)).to.equal(undefined);
    expect(metricValue(await metricsText(server), 'handoffs_total', 'outcome="agent_gone"')).to.equal(1);
    // The agent, back, finds it gone.
    expect((await wang.call('GET', `handoffs/${id}`)).status).to.equal(404);
  });

  it('an agent who signed out is gone at once: a person asking then gets the hotline', async () => {
    const wang = await agentInConsole(server);
    expect(await server.app.handoff.agentsPresent()).to.equal(1);
    await wang.call('POST', 'sign-out', {});
    expect(await server.app.handoff.agentsPresent()).to.equal(0);
    const person = await webPerson(server);
    expect(texts(await person.say('人工服务')).join('\n')).to.include(T.t('zh-CN', 'handoff.unavailable.no_agent'));
  });

  it('the agent holding the conversation signed out: the next console poll gives it back to the assistant, and the person is told at once', async () => {
    const { person, wang, id } = await queuedPerson();
    await wang.call('POST', `handoffs/${id}/take`, {});
    await person.read();
    await wang.call('POST', 'sign-out', {});
    const li = new AgentClient(server.base);
    await li.signIn(AGENTS.li);
    const queue = (await li.call('GET', 'queue')).json;
    expect([queue['waiting'].length, queue['othersTaken']]).to.deep.equal([0, 0]);
    const told = await person.read();
    expect(texts(told)[0]).to.equal(T.t('zh-CN', 'handoff.agentGone'));
    expect(texts(told).at(-1)).to.include(T.t('zh-CN', 'prompts.situation.now.text').slice(0, 4));
    expect(metricValue(await metricsText(server), 'handoffs_total', 'outcome="agent_gone"')).to.equal(1);
    // The person's next words are the assistant's again.
    expect(messages(await person.say('计划去外地看病或居住')).length).to.be.greaterThan(0);
  });

  it('a wait longer than the conversation lives is given up when a console next reads the queue', async () => {
    const { wang, id } = await queuedPerson();
    clock.skip(86_400_000 + 1000); // STATE_TTL_CONVERSATION_SECONDS (1 day) and a second
    const queue = (await wang.call('GET', 'queue')).json;
    expect(queue['waiting']).to.deep.equal([]);
    expect(await server.app.handoff.queue.get(id)).to.equal(undefined);
    expect(metricValue(await metricsText(server), 'handoffs_total', 'outcome="expired"')).to.equal(1);
  });

  it('every agent left while the person waited: told so, with the hotline; the assistant carries on', async () => {
    const { person, id } = await queuedPerson();
    clock.skip(61_000);
    const said = texts(await person.say('怎么还没人'));
    expect(said[0]).to.include(T.t('zh-CN', 'handoff.unavailable.no_agent')).and.include('0633-12393');
    expect(await server.app.handoff.queue.get(id)).to.equal(undefined);
    expect(metricValue(await metricsText(server), 'handoffs_total', 'outcome="no_agent"')).to.equal(1);
  });
});

describe('live handoff outside the hours (HTTP)', function () {
  this.timeout(20_000);
  let server: AppServer;
  before(async () => {
    server = await startAppServer(await agentAccountsEnv(), { overrides: { handoffNow: outsideHours() } });
  });
  after(() => server.stop());

  it('even with an agent in the console: the hours, the hotline, the answers kept', async () => {
    await agentInConsole(server);
    const person = await webPerson(server, 'en-US');
    const replies = await person.say('Talk to a person');
    const said = texts(replies).join('\n');
    expect(said).to.include(T.t('en-US', 'handoff.unavailable.closed', { hours: 'working days 8:30–12:00 and 13:30–17:00' }));
    expect(said).to.include('0633-12393');
    expect(await server.app.handoff.queue.length()).to.equal(0);
  });
});

describe('live handoff on the Bot Framework channel (/api/messages)', function () {
  this.timeout(30_000);
  let server: AppServer;
  let connector: FakeConnector;
  before(async () => {
    server = await startAppServer(await agentAccountsEnv(), { overrides: { handoffNow: withinHours() } });
    connector = await FakeConnector.start('127.0.0.1');
  });
  after(async () => {
    await connector.close();
    await server.stop();
  });

  it('the events and the agent\'s messages reach the conversation through the channel\'s connector', async () => {
    const wang = await agentInConsole(server);
    const first = emulatorMessage('你好', { deliveryMode: 'normal', serviceUrl: connector.url });
    const conversation = first['conversation'] as { id: string };
    const say = async (text: string, n: number) =>
      postMessages(server.base, { ...first, id: `${conversation.id}-${n}`, text });
    await say('你好', 1);
    await say('人工服务', 2);
    const sent = () => connector.received.map((r) => r.body as { type: string; name?: string; text?: string; value?: { state?: string }; attachments?: Array<{ name?: string; content?: { activities: Array<{ text?: string; from?: { role?: string } }> } }> });
    await waitFor(() => sent().some((a) => a.type === 'event' && a.name === 'handoff.initiate'));
    // The transcript this channel keeps for the handoff: the turns before, and the asking.
    const initiate = sent().find((a) => a.type === 'event' && a.name === 'handoff.initiate')!;
    const carried = initiate.attachments?.find((a) => a.name === 'Transcript')?.content?.activities ?? [];
    expect(carried.filter((a) => a.from?.role === 'user').map((a) => a.text)).to.deep.equal(['你好', '人工服务']);
    expect(carried.some((a) => a.from?.role === 'bot' && a.text?.includes('请问您想办理什么'))).to.equal(true);
    expect(sent().some((a) => a.type === 'message' && a.text?.includes('第 1 位'))).to.equal(true);
    const id = (await wang.call('GET', 'queue')).json['waiting'][0].id as string;
    expect((await wang.call('GET', 'queue')).json['waiting'][0].channel).to.equal('emulator');
    expect((await wang.call('POST', `handoffs/${id}/take`, {})).status).to.equal(200);
    await waitFor(() => sent().some((a) => a.text === T.t('zh-CN', 'handoff.joined', { name: AGENTS.wang.displayName })));
    expect(sent().some((a) => a.type === 'event' && a.name === 'handoff.status' && a.value?.state === 'accepted')).to.equal(true);
    await wang.call('POST', `handoffs/${id}/messages`, { text: '您好' });
    await waitFor(() => sent().some((a) => a.text === T.t('zh-CN', 'handoff.agentLine', { name: AGENTS.wang.displayName, text: '您好' })));
    await say('我想问问', 3);
    const view = await wang.call('GET', `handoffs/${id}`);
    expect(view.json['messages'].filter((m: { from: string }) => m.from === 'person').map((m: { text: string }) => m.text)).to.deep.equal(['我想问问']);
    // The transcript before the handoff; the chat since (the agent's line, the person's words) is not in it.
    const transcript = view.json['transcript'] as Array<{ from: string; text: string }>;
    expect(transcript.filter((l) => l.from === 'person').map((l) => l.text)).to.deep.equal(['你好', '人工服务']);
    expect(transcript.some((l) => l.from === 'assistant' && l.text.includes('请问您想办理什么'))).to.equal(true);
    expect(transcript.map((l) => l.text).join('\n')).to.not.include('我想问问');
    expect(transcript.filter((l) => l.from === 'agent')).to.deep.equal([]);
    await wang.call('POST', `handoffs/${id}/hand-back`, {});
    await waitFor(() => sent().some((a) => a.type === 'event' && a.name === 'handoff.status' && a.value?.state === 'completed'));
  });
});

describe('live handoff taken by an organisation\'s own agent hub (Bot Framework handoff protocol)', function () {
  this.timeout(30_000);
  let server: AppServer;
  before(async () => {
    server = await startAppServer(await agentAccountsEnv(), { overrides: { handoffNow: withinHours() } });
  });
  after(() => server.stop());

  it('handoff.status "accepted" from the hub holds the conversation; "completed" gives it back to the assistant', async () => {
    const wang = await agentInConsole(server);
    const first = emulatorMessage('你好');
    const conversation = first['conversation'] as { id: string };
    let n = 0;
    const post = async (extra: Record<string, unknown>) => {
      n += 1;
      const r = await postMessages(server.base, { ...first, id: `${conversation.id}-${n}`, ...extra });
      return ((r.json()['activities'] ?? []) as Array<{ type: string; name?: string; text?: string }>);
    };
    await post({ text: '你好' });
    await post({ text: '1' });
    const asked = await post({ text: '人工服务' });
    expect(asked.some((a) => a.type === 'event' && a.name === 'handoff.initiate')).to.equal(true);
    expect(await post({ type: 'event', name: 'handoff.status', value: { state: 'accepted', message: 'Contoso 服务台' }, text: undefined })).to.deep.equal([]);
    const queue = (await wang.call('GET', 'queue')).json;
    expect([queue['waiting'].length, queue['othersTaken']]).to.deep.equal([0, 1]);
    // Held by the hub: the person's words are not the assistant's, and the console's agent cannot act on it.
    expect((await post({ text: '在吗' })).filter((a) => a.type === 'message')).to.deep.equal([]);
    const back = await post({ type: 'event', name: 'handoff.status', value: { state: 'completed' }, text: undefined });
    expect(back.filter((a) => a.type === 'message').at(-1)?.text).to.include(T.t('zh-CN', 'prompts.situation.filerMode.text').slice(0, 6));
    expect(await server.app.handoff.queue.length()).to.equal(0);
    expect((await server.app.handoff.queue.taken()).length).to.equal(0);
    expect(metricValue(await metricsText(server), 'handoffs_total', 'outcome="handed_back"')).to.equal(1);
  });

  it('on the web page a person cannot end or take their handoff with a forged handoff.status event', async () => {
    await agentInConsole(server);
    const person = await webPerson(server);
    await person.say('你好');
    await person.say('人工服务');
    const before = await server.app.handoff.queue.length();
    expect(before).to.be.greaterThan(0);
    for (const state of ['accepted', 'completed']) {
      const posted = await person.client.post(person.token, person.conversationId, { type: 'event', name: 'handoff.status', value: { state }, from: { id: 'web-chat-user', role: 'user' } });
      expect(posted.status).to.equal(200);
    }
    expect(await server.app.handoff.queue.length()).to.equal(before);
  });
});

async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('live handoff on WeChat (/wechat)', function () {
  this.timeout(30_000);
  let server: AppServer;
  let api: FakeWeChatApi;
  before(async () => {
    api = await new FakeWeChatApi().start();
    server = await startAppServer({ ...(await agentAccountsEnv()), ...wechatEnv(api.base) }, { overrides: { handoffNow: withinHours() } });
  });
  after(async () => {
    await server.stop();
    await api.stop();
  });

  it('queued in the passive reply; the agent\'s messages arrive through the customer-service API; the person\'s words reach the agent', async () => {
    const wang = await agentInConsole(server);
    const person = new WeChatSender(server.base);
    await person.say('你好');
    const asked = await person.say('人工服务');
    expect(asked.text).to.include('第 1 位');
    const item = (await wang.call('GET', 'queue')).json['waiting'][0];
    expect(item.channel).to.equal('wechat');
    expect((await wang.call('POST', `handoffs/${item.id}/take`, {})).status).to.equal(200);
    await api.received(1);
    expect(api.to(person.openid)).to.deep.equal([T.t('zh-CN', 'handoff.joined', { name: AGENTS.wang.displayName })]);
    await wang.call('POST', `handoffs/${item.id}/messages`, { text: '您好，请讲' });
    await api.received(2);
    expect(api.to(person.openid)[1]).to.equal(T.t('zh-CN', 'handoff.agentLine', { name: AGENTS.wang.displayName, text: '您好，请讲' }));
    const reply = await person.say('我的电话是13812345678');
    expect([reply.status, reply.text], 'nothing from the assistant').to.deep.equal([200, undefined]);
    const view = await wang.call('GET', `handoffs/${item.id}`);
    expect(view.json['messages'].filter((m: { from: string }) => m.from === 'person').map((m: { text: string }) => m.text)).to.deep.equal(['我的电话是138****5678']);
    // WeChat keeps a transcript for the handoff too: what came before it.
    expect(view.json['transcript'].filter((l: { from: string }) => l.from === 'person').map((l: { text: string }) => l.text)).to.deep.equal(['你好', '人工服务']);
    await wang.call('POST', `handoffs/${item.id}/hand-back`, {});
    await api.received(4);
    expect(api.to(person.openid)[2]).to.equal(T.t('zh-CN', 'handoff.handedBack', { name: AGENTS.wang.displayName }));
  });

  it('from the summary (numbered text rows): the console reads the transcript with the summary\'s name and address masked', async () => {
    const wang = await agentInConsole(server);
    const person = new WeChatSender(server.base);
    for (const [say] of LT_RESIDENT_TO_SUMMARY) await person.say(say);
    await person.say('人工服务');
    const id = (await wang.call('GET', 'queue')).json['waiting'][0].id as string;
    expect((await wang.call('POST', `handoffs/${id}/take`, {})).status).to.equal(200);
    const transcript = (await wang.call('GET', `handoffs/${id}`)).json['transcript'] as Array<{ from: string; text: string }>;
    const summary = transcript.find((l) => l.from === 'assistant' && l.text.includes(T.t('zh-CN', 'messages.summaryEditHint')));
    expect(summary, 'the text summary is in the transcript').to.not.equal(undefined);
    expect(summary!.text.split('\n').some((line) => /^\d+\. /.test(line) && line.endsWith(`${T.t('zh-CN', 'labels.details.personName')}：李**`))).to.equal(true);
    expect(summary!.text).to.match(new RegExp(`\\d+\\. ${T.t('zh-CN', 'labels.details.address')}：浦东新区世纪\\*{4}`));
    const shown = JSON.stringify(transcript);
    expect(shown).to.not.include('李秀英').and.not.include('世纪大道100号').and.not.include('11010519491231002X').and.not.include('13812345678');
    await wang.call('POST', `handoffs/${id}/hand-back`, {});
  });
});
