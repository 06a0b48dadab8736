import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient, whenReady, type RedisClient } from '../src/state/redis-client.js';
import { RedisWaitingConversations } from '../src/state/redis-waiting-conversations.js';
import { MemoryWaitingConversations } from '../src/state/waiting-conversations.js';
import { waitingConversationsContract } from './state.waiting-contract.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `test:waiting:${process.pid}:${randomBytes(4).toString('hex')}:`;

waitingConversationsContract('in process memory', async () => new MemoryWaitingConversations());

describe('on Redis', () => {
  let client: RedisClient;
  let n = 0;
  before(async () => {
    client = createRedisClient(REDIS_URL);
    await whenReady(client, 5_000, 'test');
  });
  after(async () => {
    const keys = await (client as Redis).keys(`${RUN}*`);
    if (keys.length) await client.del(...keys);
    await client.quit();
  });

  waitingConversationsContract('on Redis', async () => new RedisWaitingConversations(client, { prefix: `${RUN}${(n += 1)}:` }));

  it('keeps hashed conversation ids and prompt ids only, under one hash tag (Cluster-safe)', async () => {
    const store = new RedisWaitingConversations(client, { prefix: `${RUN}keys:` });
    await store.waiting('webchat:conversation-of-someone', 'details.idNumber', 1_000);
    const keys = (await (client as Redis).keys(`${RUN}keys:*`)).sort();
    expect(keys).to.deep.equal([`${RUN}keys:{waiting}:since`, `${RUN}keys:{waiting}:step`]);
    const dump = JSON.stringify([await (client as Redis).zrange(keys[0]!, "0", "-1"), await (client as Redis).hgetall(keys[1]!)]);
    expect(dump).to.include('details.idNumber');
    expect(dump).not.to.include('conversation-of-someone');
  });
});
