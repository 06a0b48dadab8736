import { expect } from 'chai';
import { ReplyError } from 'ioredis';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { TurnOrderMiddleware } from '../src/bot/turn-order-middleware.js';
import { StoreUnavailableError, toStoreError, type StoreFault } from '../src/state/errors.js';
import { REDIS_CLIENT_DEFAULTS } from '../src/state/redis-client.js';
import { REDIS_STORAGE_DEFAULTS } from '../src/state/redis-storage.js';
import { RedisTurnLock } from '../src/state/redis-turn-lock.js';
import { createStateStorage, type StateStorage } from '../src/state/state-storage.js';
import { watchForCrashes } from './support/crashes.js';
import { PrivateRedisServer, eventually } from './support/redis-server.js';

/**
 * "Fails fast" means: refused within the readiness wait plus one command timeout (about a second
 * each by default), instead of hanging the turn until a client-side retry budget runs out. The
 * bound below is that sum plus generous slack; it checks that nothing hangs, not how fast we are.
 */
const FAIL_FAST_BOUND_MS = REDIS_STORAGE_DEFAULTS.readyWaitMs + REDIS_CLIENT_DEFAULTS.commandTimeoutMs + 2_000;

async function failure(run: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    await run();
  } catch (error) {
    return { error, elapsedMs: Date.now() - started };
  }
  return { error: undefined, elapsedMs: Date.now() - started };
}

describe('Redis faults: the bot apologises instead of hanging or crashing', function () {
  this.timeout(60_000);
  let server: PrivateRedisServer;
  let state: StateStorage;
  let crashes: ReturnType<typeof watchForCrashes>;
  const texts = new Texts();

  beforeEach(async () => {
    server = await PrivateRedisServer.start();
    state = createStateStorage({ redisUrl: server.url, keyPrefix: 'faults:' });
    crashes = watchForCrashes();
    expect(await eventually(() => state.ping())).to.equal(true);
  });

  afterEach(async () => {
    crashes.stop();
    server.thaw();
    await state.close();
    await server.kill();
  });

  it('while Redis is down every operation fails quickly with StoreUnavailableError, and works again once it is back', async () => {
    const key = 'webchat/conversations/fault-1';
    await state.storage.write({ [key]: { stage: 'details' } });
    await server.kill();

    const operations: Array<[string, () => Promise<unknown>]> = [
      ['read', () => state.storage.read([key])],
      ['write', () => state.storage.write({ [key]: { stage: 'review' } })],
      ['delete', () => state.storage.delete([key])],
      ['lock', () => state.turnLock.acquire('webchat/fault-1', { maxWaitMs: 5_000 })],
      ['dedupe', () => state.deduper.handled('webchat/fault-1/a1')],
    ];
    for (const [operation, run] of operations) {
      const { error, elapsedMs } = await failure(run);
      expect(error, operation).to.be.instanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).operation).to.equal(operation);
      expect(elapsedMs, `${operation} took ${elapsedMs} ms`).to.be.below(FAIL_FAST_BOUND_MS);
    }
    expect(await state.ping()).to.equal(false);

    await server.start(); // same port, empty (no persistence)
    expect(await eventually(() => state.ping(), 15_000)).to.equal(true);
    await state.storage.write({ [key]: { stage: 'situation' } });
    expect((await state.storage.read([key]))[key]!.stage).to.equal('situation');
    expect(crashes.problems).to.deep.equal([]);
  });

  it('a Redis that hangs fails the command by its timeout; a write refused while Redis is down is never replayed later', async () => {
    const key = 'webchat/conversations/fault-2';
    await state.storage.write({ [key]: { stage: 'details' } });
    server.freeze();
    const { error, elapsedMs } = await failure(() => state.storage.write({ [key]: { stage: 'written-while-frozen', eTag: '*' } }));
    expect(error).to.be.instanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).fault).to.equal('timeout');
    expect(elapsedMs).to.be.below(FAIL_FAST_BOUND_MS);
    server.thaw();
    expect(await eventually(() => state.ping(), 15_000)).to.equal(true);
    // A command that timed out was already on the wire: Redis may still run it once it thaws
    // (no client can prevent that), but the client must not queue and replay commands it refused.
    const { error: refusedWhileDown } = await failure(async () => {
      await server.kill();
      await state.storage.write({ [key]: { stage: 'refused-while-down' } });
    });
    expect(refusedWhileDown).to.be.instanceOf(StoreUnavailableError);
    await server.start();
    expect(await eventually(() => state.ping(), 15_000)).to.equal(true);
    // The restart emptied Redis: had the refused write been queued, it would be replayed on reconnect.
    expect(await state.storage.read([key])).to.deep.equal({});
    expect(crashes.problems).to.deep.equal([]);
  });

  it('a turn that holds the conversation while Redis goes away neither crashes nor leaves the conversation stuck', async () => {
    const renewErrors: unknown[] = [];
    const lock = new RedisTurnLock(state.client!, { prefix: 'faults:turn:', lockTtlMs: 600, onRenewError: (err) => renewErrors.push(err) });
    const lease = await lock.acquire('webchat/fault-3', { maxWaitMs: 1_000 });
    expect(lease).to.not.equal(undefined);
    await server.kill();
    // Renewals (every 200 ms here) fail while the server is gone: reported, never thrown.
    expect(await eventually(() => renewErrors.length >= 2)).to.equal(true);
    const { error } = await failure(() => lease!.release());
    expect(error).to.be.instanceOf(StoreUnavailableError);
    await server.start();
    expect(await eventually(() => state.ping(), 15_000)).to.equal(true);
    const again = await state.turnLock.acquire('webchat/fault-3', { maxWaitMs: 1_000 });
    expect(again).to.not.equal(undefined);
    await again!.release();
    expect(crashes.problems).to.deep.equal([]);
  });

  it('a message arriving while Redis is down gets the "store unavailable" apology and is not run; the next one after recovery is', async () => {
    const ran: string[] = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      ran.push(context.activity.text ?? '');
      await context.sendActivity('handled');
    });
    adapter.use(new TurnOrderMiddleware({ lock: state.turnLock, deduper: state.deduper, texts }));
    const activity = (id: string, text: string): Partial<Activity> => ({
      type: 'message',
      id,
      text,
      locale: 'zh-CN',
      conversation: { id: 'fault-4' } as Activity['conversation'],
    });
    await server.kill();
    await adapter.receiveActivity(activity('m1', 'while down'));
    expect(adapter.activeQueue.map((a) => a.text)).to.deep.equal([texts.t('zh-CN', 'system.storeUnavailable')]);
    expect(ran).to.deep.equal([]);
    await server.start();
    expect(await eventually(() => state.ping(), 15_000)).to.equal(true);
    // The same activity redelivered after recovery is handled (it was never marked as seen).
    await adapter.receiveActivity(activity('m1', 'while down'));
    expect(ran).to.deep.equal(['while down']);
    expect(crashes.problems).to.deep.equal([]);
  });

  it('an instance that starts before Redis answers its first calls with StoreUnavailableError, then works once Redis is up', async () => {
    const port = server.port;
    await state.close();
    await server.kill();
    const reported: Error[] = [];
    state = createStateStorage({ redisUrl: `redis://127.0.0.1:${port}`, keyPrefix: 'faults:', onError: (err) => reported.push(err) });
    const { error } = await failure(() => state.storage.read(['webchat/conversations/early']));
    expect(error).to.be.instanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).fault).to.equal('not-connected');
    // Failed connection attempts reach onError (for the log) instead of crashing the process.
    expect(await eventually(() => reported.length > 0)).to.equal(true);
    expect(reported[0]!.message).to.match(/ECONNREFUSED/);
    await server.start();
    expect(await eventually(() => state.ping(), 15_000)).to.equal(true);
    expect(await state.storage.read(['webchat/conversations/early'])).to.deep.equal({});
    expect(crashes.problems).to.deep.equal([]);
  });
});

describe('which Redis errors mean "the store is unavailable"', () => {
  const table: Array<[string, Error, StoreFault | 'passed through']> = [
    ['the server is loading its data', new ReplyError('LOADING Redis is loading the dataset in memory'), 'server-unavailable'],
    ['a replica after failover refuses writes', new ReplyError("READONLY You can't write against a read only replica."), 'server-unavailable'],
    ['the cluster is down', new ReplyError('CLUSTERDOWN The cluster is down'), 'server-unavailable'],
    ['the server is out of memory', new ReplyError("OOM command not allowed when used memory > 'maxmemory'."), 'server-unavailable'],
    ['a command timed out', new Error('Command timed out'), 'timeout'],
    ['the connection is closed', new Error('Connection is closed.'), 'connection-lost'],
    ['the client refuses while disconnected', new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'connection-lost'],
    ['the socket was refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'connection-lost'],
    ['a wrong type is a bug, not an outage', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'), 'passed through'],
    ['a script error is a bug', new ReplyError('ERR Error running script'), 'passed through'],
    ['an eTag conflict is the caller’s business', new Error('Storage: error writing "k" due to eTag conflict.'), 'passed through'],
    ['a TypeError is a bug', new TypeError('x is not a function'), 'passed through'],
  ];
  for (const [situation, error, expected] of table) {
    it(`${situation} → ${expected}`, () => {
      const mapped = toStoreError('read', error);
      if (expected === 'passed through') {
        expect(mapped).to.equal(error);
      } else {
        expect(mapped).to.be.instanceOf(StoreUnavailableError);
        expect((mapped as StoreUnavailableError).fault).to.equal(expected);
        expect((mapped as StoreUnavailableError).cause).to.equal(error);
      }
    });
  }

  it('the message names the operation and the fault, never a key', () => {
    const error = new StoreUnavailableError('write', 'timeout');
    expect(error.message).to.equal('state store unavailable during write (timeout)');
    expect(error.code).to.equal('STORE_UNAVAILABLE');
  });
});
