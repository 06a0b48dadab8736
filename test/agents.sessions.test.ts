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

    it('sign-in attempts per address: a burst, then refused (with a wait) until refilled; other addresses have their own', async () => {
      const { store, pass } = await place.make();
      const spec = { burst: 3, perSecond: 2 };
      const taken = [];
      for (let i = 0; i < 4; i++) taken.push(await store.signInAttempt('198.51.100.7', spec));
      expect(taken.map((d) => d.allowed)).to.deep.equal([true, true, true, false]);
      expect(taken[3]).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
      expect((await store.signInAttempt('198.51.100.8', spec)).allowed, 'another address').to.equal(true);
      await pass(600);
      expect((await store.signInAttempt('198.51.100.7', spec)).allowed, 'one refilled').to.equal(true);
      expect((await store.signInAttempt('198.51.100.7', spec)).allowed, 'only one').to.equal(false);
    });

    it('sign-in attempts at the same moment from one address: no more than the burst are allowed', async () => {
      const { store } = await place.make();
      const decisions = await Promise.all(Array.from({ length: 12 }, () => store.signInAttempt('203.0.113.5', { burst: 5, perSecond: 0.001 })));
      expect(decisions.filter((d) => d.allowed).length).to.equal(5);
      expect(decisions.find((d) => !d.allowed)).to.deep.equal({ allowed: false, retryAfterSeconds: 1000 });
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
