import { expect } from 'chai';
import { emulatorMessage, postMessages, startAppServer, type AppServer } from './support/app-server.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { withinHours } from './support/handoff.js';
import { LT_RESIDENT_TO_SUMMARY, TMP_OTHER_SCRIPT, upTo } from './support/paths.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';
import { startCountedApp, type CountedApp } from './support/counted-app.js';
import { HttpChat } from './support/http-chat.js';
import { promptOf } from './support/replies.js';
import { RedisTranscriptStore } from '../src/handoff/redis-transcript-store.js';

/**
 * The handoff transcript of a Bot Framework conversation (POST /api/messages on a real port, a real Redis):
 * a person answers up to their address — their name, ID number and phone among the answers — and asks for a
 * person. handoff.initiate carries the turns before (the Bot Framework transcript shape) and the console's
 * transcript shows them, with the answers masked as the web transcript keeps them; Redis holds none of them
 * in clear, and neither do the logs.
 */
const redis = new SharedRedis('handoff-transcript-app');
const NAME = '李秀英';
const ID_NUMBER = '11010519491231002X';
const PHONE = '13812345678';

type Sent = { type: string; name?: string; text?: string; attachments?: Array<{ name?: string; contentType?: string; content?: { activities: Array<{ type: string; text?: string; from?: { role?: string }; channelId?: string; conversation?: { id: string } }> } }> };

describe('handoff transcript on the Bot Framework channel (real Redis, real port)', function () {
  this.timeout(40_000);
  let server: AppServer;
  before(async () => {
    server = await startAppServer(
      { ...(await agentAccountsEnv()), REDIS_URL, REDIS_KEY_PREFIX: redis.prefix, WEB_TOKEN_SECRET: 'handoff-transcript-app-secret-0123456789' },
      { overrides: { handoffNow: withinHours() } },
    );
  });
  after(async () => {
    await server?.stop();
    await redis.cleanUp();
  });

  it('handoff.initiate and the console show the earlier messages, masked; nothing personal in Redis or the logs', async () => {
    const wang = new AgentClient(server.base);
    await wang.signIn(AGENTS.wang);
    await wang.call('GET', 'queue');
    const first = emulatorMessage('你好');
    const conversation = (first['conversation'] as { id: string }).id;
    let n = 0;
    const say = async (text: string): Promise<Sent[]> => {
      n += 1;
      const r = await postMessages(server.base, { ...first, id: `${conversation}-${n}`, text });
      expect(r.status, text).to.equal(200);
      return (r.json()['activities'] ?? []) as Sent[];
    };
    for (const [text] of upTo(LT_RESIDENT_TO_SUMMARY, 'details.address')) await say(text);
    const asked = await say('人工服务');

    const initiate = asked.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
    expect(initiate, 'handoff.initiate').to.not.equal(undefined);
    const attachment = initiate!.attachments?.find((a) => a.name === 'Transcript');
    expect(attachment?.contentType).to.equal('application/json');
    const carried = attachment!.content!.activities;
    const personSaid = carried.filter((a) => a.from?.role === 'user').map((a) => a.text);
    expect(personSaid.slice(0, 2)).to.deep.equal(['你好', '1']);
    expect(personSaid).to.include('1101**********002X').and.include('138****5678').and.include('李**');
    expect(personSaid.at(-1)).to.equal('人工服务');
    // No conversation on them: on WeChat its id is the person's openid; the hub has the handoff's id.
    expect(carried.every((a) => a.type === 'message' && a.channelId === 'emulator' && a.conversation === undefined)).to.equal(true);
    expect(JSON.stringify(carried)).to.not.include(conversation);
    expect(carried.some((a) => a.from?.role === 'bot' && a.text?.includes('身份证'))).to.equal(true);

    const id = (await wang.call('GET', 'queue')).json['waiting'][0].id as string;
    expect((await wang.call('POST', `handoffs/${id}/take`, {})).status).to.equal(200);
    await wang.call('POST', `handoffs/${id}/messages`, { text: '您好，我是王芳' });
    await say(`我的身份证是${ID_NUMBER}`);
    const view = await wang.call('GET', `handoffs/${id}`);
    const transcript = view.json['transcript'] as Array<{ from: string; text: string }>;
    expect(transcript.filter((l) => l.from === 'person').map((l) => l.text)).to.deep.equal(personSaid);
    expect(transcript.filter((l) => l.from === 'assistant').length).to.be.greaterThan(5);
    // What was said with the agent is the chat, not the transcript.
    expect((view.json['messages'] as Array<{ from: string; text: string }>).filter((m) => m.from === 'person').map((m) => m.text)).to.deep.equal(['我的身份证是1101**********002X']);

    const shown = JSON.stringify([carried, view.json]);
    for (const secret of [NAME, ID_NUMBER, PHONE]) expect(shown, secret).to.not.include(secret);

    // Redis: every key this app wrote, every value, nothing personal in clear.
    const look = await redis.readyClient();
    const keys = await look.keys(`${redis.prefix}*`);
    expect(keys.some((k) => k.startsWith(`${redis.prefix}transcript:`)), 'the transcript is in Redis').to.equal(true);
    const values: string[] = [];
    for (const key of keys) {
      const type = await look.type(key);
      if (type === 'hash') values.push(JSON.stringify(await look.hgetall(key)));
      else if (type === 'list') values.push(...(await look.lrange(key, 0, -1)));
      else if (type === 'zset') values.push(...(await look.zrange(key, '0', '-1')));
      else if (type === 'string') values.push(String(await look.get(key)));
    }
    const raw = `${keys.join('\n')}\n${values.join('\n')}`;
    for (const secret of [NAME, ID_NUMBER, PHONE, '1101**********002X', '李**', '人工服务']) expect(raw, secret).to.not.include(secret);

    // The logs: nothing the person said, nor their conversation's id.
    const logged = JSON.stringify(server.lines);
    for (const secret of [NAME, ID_NUMBER, PHONE, '1101**********002X']) expect(logged, secret).to.not.include(secret);
    await wang.call('POST', `handoffs/${id}/hand-back`, {});
  });
});

describe('handoff transcript: what it costs a turn in Redis (agents configured, so it is kept)', function () {
  this.timeout(40_000);
  const counted = new SharedRedis('handoff-transcript-round-trips');
  let running: CountedApp | undefined;
  before(async () => {
    running = await startCountedApp(counted, await agentAccountsEnv());
    await new HttpChat([running.base]).say('你好'); // the scripts loaded into Redis once
  });
  after(async () => {
    await running?.stop();
    await counted.cleanUp();
  });

  it('every turn of a filing still costs two round trips (its transcript rides on the script that ends it), and the transcript is there', async () => {
    const { base, commands } = running!;
    const chat = new HttpChat([base]);
    const costs: Array<{ roundTrips: number; sent: string[] }> = [];
    for (const [say, next] of TMP_OTHER_SCRIPT) {
      commands.reset();
      const reply = await chat.say(say);
      expect(promptOf(reply.replies), say).to.equal(next);
      costs.push({ roundTrips: commands.roundTrips(), sent: [...commands.counts.keys()] });
    }
    expect(costs).to.deep.equal(costs.map(() => ({ roundTrips: 2, sent: ['evalsha'] })));
    const look = await counted.readyClient();
    const key = new RedisTranscriptStore(look, { prefix: `${counted.prefix}transcript:` }).key('emulator', chat.conversationId);
    expect(await look.llen(key), 'one value a turn').to.equal(TMP_OTHER_SCRIPT.length);
  });
});
