import { expect } from 'chai';
import { MemoryAgentSessionStore, RedisAgentSessionStore, type AgentSessionStore } from '../src/agents/agent-sessions.js';
import { SharedRedis } from './support/redis.js';

/**
 * The store of agents' sessions, failed sign-ins and presence, one contract for both: the embedded one
 * (a clock the test moves) and Redis (real time, short idle times).
 */

interface Place {
  name: string;
  make(): Promise<{ store: AgentSessionStore; pass(ms: number): Promise<void> }>;
  done?(): Promise<void>;
}

const redis = new SharedRedis('agent-sessions');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const session = (agentId: string) => ({ agentId, displayName: '坐席', csrf: 'c'.repeat(43), createdAt: Date.now() });
const token = (n: number) => String(n).padStart(43, 'T');

const places: Place[] = [
  {
    name: 'embedded',
    make: async () => {
      let now = 1_000_000;
      return { store: new MemoryAgentSessionStore(() => now), pass: async (ms) => void (now += ms) };
    },
  },
  {
    name: 'Redis',
    make: async () => ({ store: new RedisAgentSessionStore(redis.client(), { prefix: `${redis.prefix}${Math.random()}:` }), pass: sleep }),
    done: () => redis.cleanUp(),
  },
];

for (const place of places) {
  describe(`agent session store (${place.name})`, () => {
    after(async () => place.done?.());

    it('a session ends after the idle time without use, and each use restarts it', async () => {
      const { store, pass } = await place.make();
      await store.create(token(1), session('a1'), 300);
      await pass(200);
      expect((await store.use(token(1), 300))?.agentId, 'used within the idle time').to.equal('a1');
      await pass(200);
      expect((await store.use(token(1), 300))?.agentId, 'idle time restarted by the last use').to.equal('a1');
      await pass(400);
      expect(await store.use(token(1), 300), 'idle too long').to.equal(undefined);
    });

    it('a removed session is gone; an unknown token finds nothing', async () => {
      const { store } = await place.make();
      await store.create(token(2), session('a2'), 10_000);
      await store.remove(token(2));
      expect(await store.use(token(2), 10_000)).to.equal(undefined);
      expect(await store.use(token(3), 10_000)).to.equal(undefined);
    });

    it('failures count within their window, a lock holds for its time, clearing forgets', async () => {
      const { store, pass } = await place.make();
      expect(await store.failed('a3', 300)).to.equal(1);
      expect(await store.failed('a3', 300)).to.equal(2);
      await pass(400);
      expect(await store.failed('a3', 300), 'a new window').to.equal(1);
      await store.clearFailures('a3');
      expect(await store.failed('a3', 300)).to.equal(1);
      expect(await store.lockedFor('a3')).to.equal(0);
      await store.lock('a3', 300);
      expect(await store.lockedFor('a3')).to.be.within(1, 300);
      await pass(400);
      expect(await store.lockedFor('a3')).to.equal(0);
    });

    it('presence: agents signed in until their time, taken off at sign-out', async () => {
      const { store, pass } = await place.make();
      const now = place.name === 'embedded' ? 1_000_000 : Date.now();
      await store.present('a4', now + 300);
      await store.present('a5', now + 10_000);
      expect((await store.signedIn()).sort()).to.deep.equal(['a4', 'a5']);
      await store.present('a5', undefined);
      expect(await store.signedIn()).to.deep.equal(['a4']);
      await pass(400);
      expect(await store.signedIn()).to.deep.equal([]);
    });
  });
}
