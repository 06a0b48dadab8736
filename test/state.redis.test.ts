import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { RedisStorage, stateKeyKind, REDIS_STORAGE_DEFAULTS } from '../src/state/redis-storage.js';
import { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import { storageContract } from './state.storage-contract.js';
import { SharedRedis } from './support/redis.js';

/** Every key this run writes starts with PREFIX; only these are cleaned up. */
const sharedRedis = new SharedRedis('state');
const PREFIX = sharedRedis.prefix;

after(() => sharedRedis.cleanUp());

// Each handle is a separate client: a separate bot instance on the same data.
storageContract('the Redis store', (options) => new RedisStorage(sharedRedis.client(), { prefix: PREFIX, ...options }), { expires: true });

describe('the Redis store: lifetimes and atomic batches', () => {
  /** A raw client for looking at the server, ready before use (no offline queue). */
  const redis = () => sharedRedis.readyClient();

  it('tells conversation keys from user keys the way botbuilder names them', () => {
    const table: Array<[string, ReturnType<typeof stateKeyKind>]> = [
      ['webchat/conversations/abc', 'conversation'],
      ['msteams/conversations/a:b/users/u1', 'conversation'], // private conversation state
      ['webchat/users/u-1', 'user'],
      ['wechat/users/o_openid/conversations', 'user'],
      ['users/abc', 'other'],
      ['something-else', 'other'],
    ];
    for (const [key, kind] of table) expect(stateKeyKind(key), key).to.equal(kind);
  });

  it('conversation and user state get their own lifetimes, in milliseconds on the server', async () => {
    const r = await redis();
    const storage = new RedisStorage(r, { prefix: PREFIX, conversationTtlSeconds: 600, userTtlSeconds: 86_400 });
    const conv = `webchat/conversations/ttl-${Date.now()}`;
    const user = `webchat/users/ttl-${Date.now()}`;
    await storage.write({ [conv]: { a: 1 }, [user]: { locale: 'zh-CN' } });
    const convTtl = await r.pttl(PREFIX + conv);
    const userTtl = await r.pttl(PREFIX + user);
    expect(convTtl).to.be.within(1, 600_000);
    expect(userTtl).to.be.above(600_000).and.at.most(86_400_000);
  });

  it('reading a conversation slides its lifetime forward', async () => {
    const r = await redis();
    const storage = new RedisStorage(r, { prefix: PREFIX, conversationTtlSeconds: 600 });
    const conv = `webchat/conversations/slide-${Date.now()}`;
    await storage.write({ [conv]: { a: 1 } });
    await r.pexpire(PREFIX + conv, 5_000); // as if most of the lifetime had passed
    await storage.read([conv]);
    expect(await r.pttl(PREFIX + conv)).to.be.above(5_000);
  });

  it('a lifetime of 0 keeps the item until deleted; ttlFor decides per key', async () => {
    const r = await redis();
    const storage = new RedisStorage(r, { prefix: PREFIX, ttlFor: (key) => (key.endsWith('/keep') ? 0 : 120) });
    const keep = `webchat/conversations/${Date.now()}/keep`;
    const short = `webchat/users/${Date.now()}/short`;
    await storage.write({ [keep]: { a: 1 }, [short]: { b: 2 } });
    expect(await r.pttl(PREFIX + keep)).to.equal(-1);
    expect(await r.pttl(PREFIX + short)).to.be.within(1, 120_000);
  });

  it('the defaults: conversation state lives a day after last use, user state thirty days', () => {
    expect(REDIS_STORAGE_DEFAULTS.conversationTtlSeconds).to.equal(86_400);
    expect(REDIS_STORAGE_DEFAULTS.userTtlSeconds).to.equal(30 * 86_400);
  });

  it('a batch with one stale eTag writes nothing at all', async () => {
    const storage = new RedisStorage(await redis(), { prefix: PREFIX });
    const a = `webchat/conversations/atomic-a-${Date.now()}`;
    const b = `webchat/conversations/atomic-b-${Date.now()}`;
    await storage.write({ [a]: { v: 1 }, [b]: { v: 1 } });
    const seen = await storage.read([a, b]);
    await storage.write({ [b]: { ...seen[b], v: 2 } });
    let failed = false;
    await storage.write({ [a]: { ...seen[a], v: 3 }, [b]: { ...seen[b], v: 3 } }).catch(() => (failed = true));
    expect(failed).to.equal(true);
    const after = await storage.read([a, b]);
    expect([after[a]!.v, after[b]!.v]).to.deep.equal([1, 2]);
  });

  it('stores nothing outside its prefix', async () => {
    const r = await redis();
    const storage = new RedisStorage(r, { prefix: PREFIX });
    const key = `webchat/conversations/prefix-${Date.now()}`;
    await storage.write({ [key]: { a: 1 } });
    expect(await r.exists(PREFIX + key)).to.equal(1);
    expect(await r.exists(key)).to.equal(0);
  });
});

describe('the Redis store inside a turn the turn lock holds (turnState)', () => {
  const parts = async () => {
    const client = await sharedRedis.readyClient();
    const storage = new RedisStorage(client, { prefix: PREFIX, conversationTtlSeconds: 600 });
    const deduper = new RedisDeduper(client, { prefix: `${PREFIX}seen:` });
    const lock = new RedisTurnLock(client, { prefix: `${PREFIX}turn:`, turnState: { storage, deduper } });
    return { client, storage, deduper, lock };
  };
  const conversationIds = () => {
    const id = `held-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    return { conversation: `webchat/${id}`, key: `webchat/conversations/${id}/` };
  };

  it('the state read when the turn was taken answers reads; an unconditional write is saved by the end of the turn, with the activity', async () => {
    const { storage, deduper, lock } = await parts();
    const other = new RedisStorage(await sharedRedis.readyClient(), { prefix: PREFIX });
    const { conversation, key } = conversationIds();
    await other.write({ [key]: { step: 1 } });
    const lease = (await lock.acquire(conversation, { maxWaitMs: 1_000, activityId: `${conversation}/a1` }))!;
    expect(lease.handled).to.equal(false);
    expect(lease.succeeded).to.be.a('function');
    const read = await storage.read([key]);
    expect(read[key]).to.include({ step: 1 });
    await storage.write({ [key]: { ...read[key], step: 2, eTag: '*' } });
    expect((await storage.read([key]))[key]).to.include({ step: 2 });
    // Not in Redis before the turn ends...
    expect((await other.read([key]))[key]).to.include({ step: 1 });
    await lease.succeeded!();
    // ...and there after, with its lifetime (this store's), and the activity remembered.
    expect(await (await sharedRedis.readyClient()).pttl(PREFIX + key)).to.be.within(1, 600_000);
    expect((await other.read([key]))[key]).to.include({ step: 2 });
    expect(await deduper.handled(`${conversation}/a1`, conversation)).to.equal(true);
    const again = (await lock.acquire(conversation, { maxWaitMs: 1_000, activityId: `${conversation}/a1` }))!;
    expect(again.handled).to.equal(true);
    await again.release();
  });

  it('a channel\'s writes ride on the end of a successful turn (TurnEndAppend): replaced and appended with the state, lifetimes renewed; another store\'s or a failed turn\'s are not taken', async () => {
    const { client, storage, lock } = await parts();
    const { conversation, key } = conversationIds();
    const [list, marker] = [`${PREFIX}rider:${key}:list`, `${PREFIX}rider:${key}:open`];
    await client.rpush(list, 'mine', 'old');
    const lease = (await lock.acquire(conversation, { maxWaitMs: 1_000, activityId: `${conversation}/r1` }))!;
    await storage.write({ [key]: { ...(await storage.read([key]))[key], step: 1, eTag: '*' } });
    const rider = { store: client, list, marker, ttlSeconds: 120, values: ['a', 'b'], replace: { index: 0, value: 'mine, masked' } };
    await lease.succeeded!(rider);
    expect(rider).to.include({ taken: true, length: 4 });
    expect(await client.lrange(list, 0, -1)).to.deep.equal(['mine, masked', 'old', 'a', 'b']);
    for (const k of [list, marker]) expect(await client.ttl(k), k).to.be.within(1, 120);
    expect((await new RedisStorage(client, { prefix: PREFIX }).read([key]))[key]).to.include({ step: 1 });

    const elsewhere = { ...rider, store: {}, values: ['c'], taken: undefined, length: undefined };
    await (await lock.acquire(conversation, { maxWaitMs: 1_000 }))!.succeeded!(elsewhere);
    expect(elsewhere).to.include({ taken: undefined, length: undefined });
    const failed = (await lock.acquire(conversation, { maxWaitMs: 1_000 }))!;
    const notAfterFailure = { ...rider, values: ['d'], taken: undefined, length: undefined };
    await failed.release();
    await failed.succeeded!(notAfterFailure);
    expect(notAfterFailure).to.include({ taken: undefined });
    expect(await client.llen(list)).to.equal(4);
  });

  it('a write naming a stale eTag is refused at once, inside a turn as outside', async () => {
    const { storage, lock } = await parts();
    const other = new RedisStorage(await sharedRedis.readyClient(), { prefix: PREFIX });
    const { conversation, key } = conversationIds();
    await other.write({ [key]: { step: 1 } });
    const stale = (await other.read([key]))[key]!;
    await other.write({ [key]: { step: 2 } });
    const lease = (await lock.acquire(conversation, { maxWaitMs: 1_000 }))!;
    let failed = false;
    await storage.write({ [key]: { ...stale, step: 3 } }).catch(() => (failed = true));
    expect(failed).to.equal(true);
    const fresh = (await storage.read([key]))[key]!;
    expect(fresh).to.include({ step: 2 });
    await storage.write({ [key]: { ...fresh, step: 4 } });
    expect((await other.read([key]))[key], 'a conditional write is not held back').to.include({ step: 4 });
    await lease.release();
  });

  it('a failed turn still saves what it wrote (as a write outside a turn would have) but does not remember its activity', async () => {
    const { storage, deduper, lock } = await parts();
    const { conversation, key } = conversationIds();
    const lease = (await lock.acquire(conversation, { maxWaitMs: 1_000, activityId: `${conversation}/a1` }))!;
    await storage.write({ [key]: { step: 1 } });
    await lease.release();
    expect((await storage.read([key]))[key]).to.include({ step: 1 });
    expect(await deduper.handled(`${conversation}/a1`, conversation)).to.equal(false);
  });

  it('a turn whose closing script fails lets go of the conversation at once (a compare-and-delete after it), not when its lease lapses', async () => {
    const client = (await sharedRedis.readyClient()) as Redis;
    const storage = new RedisStorage(client, { prefix: PREFIX });
    const deduper = new RedisDeduper(client, { prefix: `${PREFIX}seen:` });
    // A lease far longer than the test: the next turn is taken only if the failed one let go.
    const lock = new RedisTurnLock(client, { prefix: `${PREFIX}turn:`, lockTtlMs: 600_000, turnState: { storage, deduper } });
    const { conversation, key } = conversationIds();
    const lease = (await lock.acquire(conversation, { maxWaitMs: 1_000, activityId: `${conversation}/f1` }))!;
    await storage.write({ [key]: { step: 1 } });
    const [lockKey] = lock.keysFor(conversation);
    const send = client.sendCommand.bind(client);
    let failed = 0;
    client.sendCommand = ((command: { name: string; args: unknown[]; reject: (err: Error) => void; promise: Promise<unknown> }, stream?: unknown) => {
      // The connection drops as the closing script (the lock, the seen key and the state among its keys) is sent.
      if (failed === 0 && command.name === 'evalsha' && command.args.map(String).includes(lockKey) && command.args.length > 4) {
        failed += 1;
        command.reject(new Error('Connection is closed.'));
        return command.promise;
      }
      return send(command as never, stream as never);
    }) as typeof client.sendCommand;
    try {
      let error: unknown;
      await lease.succeeded!().catch((err: unknown) => (error = err));
      expect(error, 'the turn failed').to.be.instanceOf(Error);
    } finally {
      client.sendCommand = send;
    }
    expect(failed).to.equal(1);
    const next = await lock.acquire(conversation, { maxWaitMs: 2_000, activityId: `${conversation}/f1` });
    expect(next, 'the next turn is taken').to.not.equal(undefined);
    expect(next!.handled, 'the failed turn was not remembered').to.equal(false);
    await next!.release();
  });

  it('a delete inside a turn is at once and leaves nothing to save', async () => {
    const { storage, lock } = await parts();
    const { conversation, key } = conversationIds();
    await storage.write({ [key]: { step: 1 } });
    const lease = (await lock.acquire(conversation, { maxWaitMs: 1_000 }))!;
    await storage.write({ [key]: { step: 2 } });
    await storage.delete([key]);
    expect(await storage.read([key])).to.deep.equal({});
    await lease.succeeded!();
    expect(await storage.read([key])).to.deep.equal({});
  });
});
