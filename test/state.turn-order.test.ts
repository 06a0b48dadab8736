import { expect } from 'chai';
import { TestAdapter } from 'botbuilder';
import { MemoryDeduper, MemoryTurnLock } from '../src/state/memory-turn-lock.js';
import { RedisTurnLock } from '../src/state/redis-turn-lock.js';
import type { TurnStartAppend } from '../src/state/turn-lock.js';
import { eventually } from './support/redis-server.js';
import { SharedRedis } from './support/redis.js';
import { message, newConversation, RecordingBot, redisTurnOrderMode, turnOrderContract, type TurnOrderMode } from './state.turn-order-contract.js';

const sharedRedis = new SharedRedis('turns');
const PREFIX = sharedRedis.prefix;
const readyClient = () => sharedRedis.readyClient();

after(() => sharedRedis.cleanUp());

const memoryLock = new MemoryTurnLock();
const memoryDeduper = new MemoryDeduper();
const modes: TurnOrderMode[] = [
  { name: 'one process (memory mode)', instance: async () => ({ lock: memoryLock, deduper: memoryDeduper }) },
  redisTurnOrderMode('two instances sharing Redis', sharedRedis),
  redisTurnOrderMode('two instances sharing Redis', sharedRedis, { turnState: false }),
];

describe('without turn ordering, the test harness does see overlapping turns', () => {
  it('a second message entering while the first is still open (the failure the middleware prevents)', async () => {
    const bot = new RecordingBot();
    const conv = newConversation();
    const one = new TestAdapter(bot.logic);
    const two = new TestAdapter(bot.logic);
    const open = bot.hold('A');
    const a = one.receiveActivity(message(conv, 'A'));
    const b = two.receiveActivity(message(conv, 'B'));
    await b;
    open();
    await a;
    expect(bot.events).to.deep.equal(['enter A', 'enter B', 'exit B', 'exit A']);
  });
});

for (const mode of modes) turnOrderContract(mode);

describe('the Redis turn lock', () => {
  const lockOn = async (options = {}): Promise<RedisTurnLock> => new RedisTurnLock(await readyClient(), { prefix: `${PREFIX}turn:`, ...options });

  it('a holder that outlives the lease time keeps the conversation (the lease is renewed)', async () => {
    // A lease time of 1.5 s: renewed every 0.5 s, so only an event loop stalled for a second and a half (a very
    // loaded test machine) could let it lapse; 300 ms did, now and then.
    const [holderLock, otherLock] = [await lockOn({ lockTtlMs: 1_500 }), await lockOn({ lockTtlMs: 1_500 })];
    const conv = `test/${newConversation()}`;
    const lease = (await holderLock.acquire(conv, { maxWaitMs: 100 }))!;
    // The other instance waits for three lease times and must not get in while the holder lives.
    expect(await otherLock.acquire(conv, { maxWaitMs: 4_500 })).to.equal(undefined);
    expect(lease.lost).to.equal(false);
    await lease.release();
    const next = await otherLock.acquire(conv, { maxWaitMs: 1_000 });
    expect(next).to.not.equal(undefined);
    await next!.release();
  });

  it('a waiter whose instance died is taken out of line, and the next one gets its turn', async () => {
    const holderLock = await lockOn();
    const deadClient = await readyClient();
    const deadLock = new RedisTurnLock(deadClient, { prefix: `${PREFIX}turn:`, waiterStaleMs: 500 });
    const nextLock = await lockOn({ waiterStaleMs: 500 });
    const conv = `test/${newConversation()}`;
    const lease = (await holderLock.acquire(conv, { maxWaitMs: 100 }))!;
    const dying = deadLock.acquire(conv, { maxWaitMs: 30_000 }).catch((err: unknown) => err);
    expect(await eventually(async () => (await holderLock.waiting(conv)) === 1)).to.equal(true);
    deadClient.disconnect();
    expect(await dying).to.have.property('name', 'StoreUnavailableError');
    const next = nextLock.acquire(conv, { maxWaitMs: 10_000 });
    await lease.release();
    const got = await next;
    expect(got).to.not.equal(undefined);
    await got!.release();
  });

  it('a release by a holder whose lease was taken over does not free the new holder', async () => {
    const [a, b] = [await lockOn({ lockTtlMs: 300 }), await lockOn({ lockTtlMs: 10_000 })];
    const client = await readyClient();
    const conv = `test/${newConversation()}`;
    const stale = (await a.acquire(conv, { maxWaitMs: 100 }))!;
    // Simulate a frozen holder: its lease is deleted as if it expired, then another instance takes it.
    await client.del(a.keysFor(conv)[0]);
    const fresh = (await b.acquire(conv, { maxWaitMs: 1_000 }))!;
    await stale.release();
    expect(stale.lost).to.equal(true);
    expect(await a.acquire(conv, { maxWaitMs: 200 })).to.equal(undefined);
    await fresh.release();
  });

  it('a channel\'s admission and append ride on the first step: refused without joining the line, otherwise appended at once and its turn taken in the order of the appends, even while another instance holds the conversation', async () => {
    // Three instances' locks, on one client: a lock takes a start only on its own store.
    const client = await readyClient();
    const [holderLock, lockA, lockB] = [0, 1, 2].map(() => new RedisTurnLock(client, { prefix: `${PREFIX}turn:` })) as [RedisTurnLock, RedisTurnLock, RedisTurnLock];
    const conv = `test/${newConversation()}`;
    const key = (name: string) => `${PREFIX}start:{${conv}}:${name}`;
    const start = (value: string): TurnStartAppend => ({ store: client, refusedIf: key('revoked'), marker: key('open'), list: key('list'), ttlSeconds: 60, value });
    const missing = start('never');
    expect(await lockA.acquire(conv, { maxWaitMs: 100, start: missing })).to.equal(undefined);
    expect(missing).to.include({ taken: true, refused: 'missing' });
    await client.set(key('open'), '1', 'EX', 60);
    await client.set(key('revoked'), '1', 'EX', 60);
    const revoked = start('never');
    expect(await lockA.acquire(conv, { maxWaitMs: 100, start: revoked })).to.equal(undefined);
    expect(revoked).to.include({ taken: true, refused: 'revoked' });
    expect(await client.llen(key('list')), 'nothing appended when refused').to.equal(0);
    expect(await holderLock.waiting(conv), 'nor the line joined').to.equal(0);
    await client.del(key('revoked'));

    const holder = (await holderLock.acquire(conv, { maxWaitMs: 100 }))!;
    const [first, second] = [start('first'), start('second')];
    const order: string[] = [];
    const a = lockA.acquire(conv, { maxWaitMs: 5_000, start: first }).then((lease) => (order.push('first'), lease));
    expect(await eventually(() => first.length === 1)).to.equal(true);
    const b = lockB.acquire(conv, { maxWaitMs: 5_000, start: second }).then((lease) => (order.push('second'), lease));
    expect(await eventually(() => second.length === 2)).to.equal(true);
    expect(await client.lrange(key('list'), 0, -1), 'appended while the conversation is held').to.deep.equal(['first', 'second']);
    expect(await client.ttl(key('list'))).to.be.greaterThan(0);
    await holder.release();
    const leaseA = (await a)!;
    expect(leaseA.handled, 'an activity just appended cannot have been handled').to.equal(false);
    await leaseA.release();
    await (await b)!.release();
    expect(order).to.deep.equal(['first', 'second']);
  });

  it('a lock on another store leaves the channel\'s append alone and takes the turn as usual', async () => {
    const lock = await lockOn();
    const conv = `test/${newConversation()}`;
    const elsewhere: TurnStartAppend = { store: {}, refusedIf: 'x', marker: 'y', list: 'z', ttlSeconds: 60, value: 'v' };
    const lease = (await lock.acquire(conv, { maxWaitMs: 100, start: elsewhere }))!;
    expect(elsewhere).to.not.have.any.keys('taken', 'refused', 'length');
    await lease.release();
  });

  it('key names carry a hash of the conversation, never the conversation id', async () => {
    const lock = await lockOn();
    const keys = lock.keysFor('wechat/o6_bmjrPTlm6_2sgVt7hMZOPfL2M');
    for (const key of keys) expect(key).to.not.include('o6_bmjrPTlm6');
    expect(new Set(keys.map((k) => k.slice(k.indexOf('{'), k.indexOf('}') + 1))).size).to.equal(1);
  });
});

describe('the in-process turn lock', () => {
  it('hands the conversation to waiters first come first served, and forgets idle conversations', async () => {
    const lock = new MemoryTurnLock();
    const order: string[] = [];
    const first = (await lock.acquire('c', { maxWaitMs: 100 }))!;
    const waiters = ['B', 'C', 'D'].map((label) =>
      lock.acquire('c', { maxWaitMs: 5_000 }).then(async (lease) => {
        order.push(label);
        await lease!.release();
      }),
    );
    expect(await lock.waiting('c')).to.equal(3);
    await first.release();
    await first.release(); // idempotent: must not hand out a second lease
    await Promise.all(waiters);
    expect(order).to.deep.equal(['B', 'C', 'D']);
    expect(await lock.waiting('c')).to.equal(0);
    expect(await lock.acquire('c', { maxWaitMs: 0 })).to.not.equal(undefined);
  });

  it('a waiter past its bound gets nothing and leaves the line', async () => {
    const lock = new MemoryTurnLock();
    const held = (await lock.acquire('c', { maxWaitMs: 100 }))!;
    expect(await lock.acquire('c', { maxWaitMs: 20 })).to.equal(undefined);
    expect(await lock.waiting('c')).to.equal(0);
    await held.release();
  });

  it('the in-process deduper forgets ids after its window', async () => {
    let now = 1_000_000;
    const deduper = new MemoryDeduper(60_000, () => now);
    expect(await deduper.handled('a')).to.equal(false);
    await deduper.remember('a');
    expect(await deduper.handled('a')).to.equal(true);
    now += 60_001;
    expect(await deduper.handled('a')).to.equal(false);
  });
});
