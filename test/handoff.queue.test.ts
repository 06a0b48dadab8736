import { expect } from 'chai';
import { MemoryHandoffQueue } from '../src/handoff/handoff-queue.js';
import { RedisHandoffQueue } from '../src/handoff/redis-handoff-queue.js';
import { MemoryAgentPresence } from '../src/handoff/agent-presence.js';
import { RedisAgentPresence } from '../src/handoff/redis-agent-presence.js';
import type { AgentPresence } from '../src/handoff/agent-presence.js';
import { aHandoff, handoffQueueContract } from './handoff.queue-contract.js';
import { FieldCipher } from '../src/privacy/field-cipher.js';
import { TEST_KEYS } from './support/keys.js';
import { SharedRedis } from './support/redis.js';

const redis = new SharedRedis('handoff');
after(() => redis.cleanUp());

handoffQueueContract('memory', async () => new MemoryHandoffQueue());
handoffQueueContract('Redis, sealed', async () => new RedisHandoffQueue(redis.client(), { prefix: `${redis.prefix}sealed${Math.random()}:`, cipher: new FieldCipher(TEST_KEYS) }));

describe('the handoff queue in Redis, sealed', () => {
  it('keeps the conversation reference, the draft and the chat sealed: no id, answer or word in any key', async () => {
    const prefix = `${redis.prefix}look:`;
    const queue = new RedisHandoffQueue(redis.client(), { prefix, cipher: new FieldCipher(TEST_KEYS) });
    const h = aHandoff(Date.now(), { draft: { stage: 'person', facts: [{ id: 'details.address', label: '住址', value: '上海市徐汇****' }] } });
    await queue.enqueue(h);
    await queue.take(h.id, { id: 'a0101', displayName: '王坐席' }, Date.now());
    await queue.say(h.id, { from: 'person', text: '我住在漕溪北路', at: 1 });
    await queue.update(h.id, 'a0101', { draft: { stage: 'treatment', facts: [{ id: 'details.startDate', label: '开始日期', value: '2026-12-01' }] } });
    const look = await redis.readyClient();
    const keys = await look.keys(`${prefix}*`);
    expect(keys.length).to.be.greaterThan(3);
    const everything: string[] = [];
    for (const key of keys) {
      const type = await look.type(key);
      if (type === 'hash') everything.push(JSON.stringify(await look.hgetall(key)));
      else if (type === 'list') everything.push(...(await look.lrange(key, '0', '-1')));
      else if (type === 'zset') everything.push(...(await look.zrange(key, '0', '-1')));
      else everything.push(String(await look.get(key)));
    }
    const raw = everything.join('\n');
    for (const secret of [h.reference.conversation!.id, '漕溪北路', '徐汇', '2026-12-01']) expect(raw, secret).to.not.include(secret);
    expect((await queue.messages(h.id))[0]!.text).to.equal('我住在漕溪北路');
    expect((await queue.get(h.id))!.draft.facts[0]!.value).to.equal('2026-12-01');
    expect((await queue.get(h.id))!.reference).to.deep.equal(h.reference);
  });
});
// Each case its own prefix (a fresh queue); two clients, as two instances have, for the queue the case uses.
let n = 0;
handoffQueueContract('Redis', async () => {
  n += 1;
  const first = new RedisHandoffQueue(redis.client(), { prefix: `${redis.prefix}q${n}:` });
  const second = new RedisHandoffQueue(redis.client(), { prefix: `${redis.prefix}q${n}:` });
  // Every other call through the other instance's connection: what one writes, the other reads.
  let turn = 0;
  return new Proxy(first, {
    get(_target, prop) {
      const instance = turn++ % 2 ? second : first;
      const value = Reflect.get(instance, prop) as unknown;
      return typeof value === 'function' ? value.bind(instance) : value;
    },
  });
});

describe('agent presence', () => {
  for (const [name, make] of [
    ['memory', () => new MemoryAgentPresence()],
    ['Redis', () => new RedisAgentPresence(redis.client(), { prefix: `${redis.prefix}presence:${Math.random()}:` })],
  ] as Array<[string, () => AgentPresence]>) {
    it(`${name}: an agent counts while seen within the window; signing out removes them at once`, async () => {
      const presence = make();
      await presence.seen('a1', 1_000);
      await presence.seen('a2', 5_000);
      expect(await presence.count(0)).to.equal(2);
      expect(await presence.count(2_000), 'a1 was last seen before').to.equal(1);
      await presence.gone('a2');
      expect(await presence.count(0)).to.equal(0);
    });
  }
});
