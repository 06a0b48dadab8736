import { expect } from 'chai';
import { startAppServer, type AppServer } from './support/app-server.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { DirectLineClient } from './channels.web.fixtures.js';
import { texts, WebPerson, withinHours } from './support/handoff.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';
import { Texts } from '../src/content/texts.js';

/**
 * Two app instances on one Redis: one queue. A person on instance A asks for a person; agents signed in on
 * A and on B see the same queue and take the conversation at the same moment — exactly one gets it — and
 * what the agent on B writes reaches the person polling A, and what the person writes reaches the agent.
 */
const T = new Texts();
const redis = new SharedRedis('handoff-app');

describe('live handoff on two instances sharing one Redis', function () {
  this.timeout(30_000);
  let a: AppServer;
  let b: AppServer;
  before(async () => {
    const env = { ...(await agentAccountsEnv()), REDIS_URL, REDIS_KEY_PREFIX: redis.prefix, WEB_TOKEN_SECRET: 'handoff-two-instances-secret-0123456789' };
    a = await startAppServer(env, { overrides: { handoffNow: withinHours() } });
    b = await startAppServer(env, { overrides: { handoffNow: withinHours() } });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await redis.cleanUp();
  });

  it('one queue, one take, and the chat across instances', async () => {
    const wang = new AgentClient(a.base);
    const li = new AgentClient(b.base);
    await wang.signIn(AGENTS.wang);
    await li.signIn(AGENTS.li);
    await wang.call('GET', 'queue');
    await li.call('GET', 'queue');
    expect(await b.app.handoff.agentsPresent(), 'both agents present, seen from either instance').to.equal(2);

    const person = new WebPerson(new DirectLineClient(a.base));
    await person.open();
    await person.say('你好');
    const asked = await person.say('人工服务');
    expect(texts(asked).join('\n')).to.include('第 1 位');

    const seenOnB = (await li.call('GET', 'queue')).json['waiting'] as Array<{ id: string; channel: string }>;
    const seenOnA = (await wang.call('GET', 'queue')).json['waiting'] as Array<{ id: string }>;
    expect(seenOnB).to.have.length(1);
    expect(seenOnA.map((w) => w.id)).to.deep.equal(seenOnB.map((w) => w.id));
    const id = seenOnB[0]!.id;

    // Both take at the same moment, on different instances: exactly one gets it.
    const [onA, onB] = await Promise.all([wang.call('POST', `handoffs/${id}/take`, {}), li.call('POST', `handoffs/${id}/take`, {})]);
    expect([onA.status, onB.status].sort()).to.deep.equal([200, 409]);
    const holder = onA.status === 200 ? { client: wang, agent: AGENTS.wang } : { client: li, agent: AGENTS.li };
    const joined = texts(await person.read()).filter((t) => t.includes('为您服务'));
    expect(joined, 'the person is told once who answers').to.deep.equal([T.t('zh-CN', 'handoff.joined', { name: holder.agent.displayName })]);

    // The holder writes through B's API (whichever instance it signed in on, the other may serve it too).
    const other = new AgentClient(holder.client === wang ? b.base : a.base);
    other.cookie = holder.client.cookie;
    other.csrf = holder.client.csrf;
    expect((await other.call('POST', `handoffs/${id}/messages`, { text: '请讲' })).status).to.equal(200);
    expect(texts(await person.read())).to.deep.equal([T.t('zh-CN', 'handoff.agentLine', { name: holder.agent.displayName, text: '请讲' })]);

    // The person's message (posted to B this time) reaches the agent (read on A).
    const personOnB = new WebPerson(new DirectLineClient(b.base));
    Object.assign(personOnB, { token: person.token, conversationId: person.conversationId });
    await personOnB.say('我想改一下就医地');
    const view = await holder.client.call('GET', `handoffs/${id}`);
    expect(view.json['messages'].filter((m: { from: string }) => m.from === 'person').map((m: { text: string }) => m.text)).to.deep.equal(['我想改一下就医地']);

    expect((await other.call('POST', `handoffs/${id}/hand-back`, {})).status).to.equal(200);
    expect(await a.app.handoff.queue.length()).to.equal(0);
    expect((await a.app.handoff.queue.taken()).map((h) => h.id)).to.not.include(id);
  });
});
