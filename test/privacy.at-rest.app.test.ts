import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { LT_RESIDENT_TO_SUMMARY } from './support/paths.js';
import { REDIS_URL } from './support/redis.js';

/**
 * Personal data at rest in Redis, seen as an operator with redis-cli would: after a whole web filing up to
 * the summary card, no key the app wrote (conversation state, the web transcript, tokens, bookkeeping)
 * holds the person's name, ID number, phone or address in clear, while the page still gets them back.
 */
describe('nothing personal in clear in Redis after a web filing (state and transcript sealed)', function () {
  this.timeout(60_000);
  const prefix = `test:atrest:${process.pid}:${randomBytes(4).toString('hex')}:`;
  let server: AppServer;
  let redis: Redis;

  before(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    server = await startAppServer({ REDIS_URL, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent' });
  });
  after(async () => {
    await server.stop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  /** Every value under the prefix, whatever the key's type. */
  async function everythingStored(): Promise<string> {
    const out: string[] = [];
    for (const key of await redis.keys(`${prefix}*`)) {
      const type = await redis.type(key);
      if (type === 'string') out.push((await redis.get(key)) ?? '');
      else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') out.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') out.push(...(await redis.smembers(key)));
      else if (type === 'zset') out.push(...(await redis.zrange(key, '0', '-1')));
      else out.push(`<${type} ${key}>`);
      out.push(key);
    }
    return out.join('\n');
  }

  it('a long-term resident up to the summary: state and transcript hold no name, ID number, phone or address; the page shows the card', async () => {
    const web = new DirectLineClient(server.base);
    const { token, conversationId } = await web.open('zh-CN');
    for (const [text] of LT_RESIDENT_TO_SUMMARY) expect((await web.post(token, conversationId, userMessage(text))).status).to.equal(200);

    const stored = await everythingStored();
    expect(stored, 'the app wrote under its prefix').to.include('webchat');
    for (const personal of ['李秀英', '11010519491231002X', '13812345678', '世纪大道100号']) expect(stored, personal).not.to.include(personal);

    const page = await web.poll(token, conversationId);
    const summary = JSON.stringify((page.body as { activities: unknown[] }).activities);
    expect(summary, 'the person sees their own summary in full').to.include('李秀英').and.to.include('世纪大道100号');
  });
});
