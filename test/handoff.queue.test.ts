import { expect } from 'chai';
import { MemoryHandoffQueue } from '../src/handoff/handoff-queue.js';
import { RedisHandoffQueue } from '../src/handoff/redis-handoff-queue.js';
import { MemoryAgentPresence } from '../src/handoff/agent-presence.js';
import { RedisAgentPresence } from '../src/handoff/redis-agent-presence.js';
import type { AgentPresence } from '../src/handoff/agent-presence.js';
import { handoffQueueContract } from './handoff.queue-contract.js';
import { SharedRedis } from './support/redis.js';

const redis = new SharedRedis('handoff');
after(() => redis.cleanUp());

handoffQueueContract('memory', async () => new MemoryHandoffQueue());
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
