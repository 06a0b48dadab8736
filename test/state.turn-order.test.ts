import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { TurnOrderMiddleware } from '../src/bot/turn-order-middleware.js';
import { TURN_OUTCOME_KEY } from '../src/ops/turn-state-keys.js';
import { MemoryDeduper, MemoryTurnLock } from '../src/state/memory-turn-lock.js';
import { createRedisClient, whenReady } from '../src/state/redis-client.js';
import { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import type { Deduper, TurnLock } from '../src/state/turn-lock.js';
import { eventually } from './support/redis-server.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';

const sharedRedis = new SharedRedis('turns');
const PREFIX = sharedRedis.prefix;
const texts = new Texts();
const readyClient = () => sharedRedis.readyClient();

after(() => sharedRedis.cleanUp());

/** What one bot instance needs for ordering: in memory mode both "instances" share one process. */
interface Parts {
  lock: TurnLock;
  deduper: Deduper;
}

interface Mode {
  name: string;
  /** Parts for another bot instance on the same conversations. */
  instance(options?: { lockTtlMs?: number }): Promise<Parts>;
  /** A crash can be simulated (a separate client that dies while holding the lock). */
  crashable: boolean;
}

const memoryLock = new MemoryTurnLock();
const memoryDeduper = new MemoryDeduper();
const modes: Mode[] = [
  { name: 'one process (memory mode)', instance: async () => ({ lock: memoryLock, deduper: memoryDeduper }), crashable: false },
  {
    name: 'two instances sharing Redis',
    instance: async (options = {}) => {
      const client = await readyClient();
      return {
        lock: new RedisTurnLock(client, { prefix: `${PREFIX}turn:`, ...options }),
        deduper: new RedisDeduper(client, { prefix: `${PREFIX}seen:` }),
      };
    },
    crashable: true,
  },
];

/** A bot whose turns record when they start and end, and can be held open by the test. */
class RecordingBot {
  readonly events: string[] = [];
  readonly gates = new Map<string, Promise<void>>();
  failNext = false;

  readonly logic = async (context: TurnContext): Promise<void> => {
    const label = context.activity.text ?? '';
    this.events.push(`enter ${label}`);
    await this.gates.get(label);
    if (this.failNext) {
      this.failNext = false;
      this.events.push(`fail ${label}`);
      throw new Error('a bug in the turn');
    }
    this.events.push(`exit ${label}`);
    await context.sendActivity(`done ${label}`);
  };

  /** Holds the turn labelled `label` open until the returned function is called. */
  hold(label: string): () => void {
    let open!: () => void;
    this.gates.set(label, new Promise<void>((resolve) => (open = resolve)));
    return open;
  }

  entered(label: string): boolean {
    return this.events.includes(`enter ${label}`);
  }
}

function instanceAdapter(bot: RecordingBot, parts: Parts, maxWaitMs = 10_000): TestAdapter {
  const adapter = new TestAdapter(bot.logic);
  adapter.use(new TurnOrderMiddleware({ ...parts, texts, maxWaitMs }));
  adapter.onTurnError = async () => {};
  return adapter;
}

let serial = 0;
function message(conversationId: string, text: string, extra: Partial<Activity> = {}): Partial<Activity> {
  return {
    type: 'message',
    id: `act-${process.pid}-${++serial}`,
    text,
    locale: 'en-US',
    conversation: { id: conversationId } as Activity['conversation'],
    ...extra,
  };
}

const newConversation = (): string => `conv-${randomBytes(6).toString('hex')}`;
const replies = (adapter: TestAdapter): string[] => adapter.activeQueue.map((a) => a.text ?? '');

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

for (const mode of modes) {
  describe(`turns of one conversation, ${mode.name}`, () => {
    it('two instances receiving messages of one person at once run them one at a time, in arrival order', async () => {
      const bot = new RecordingBot();
      const conv = newConversation();
      const [p1, p2] = [await mode.instance(), await mode.instance()];
      const one = instanceAdapter(bot, p1);
      const two = instanceAdapter(bot, p2);
      const open = bot.hold('A');
      const a = one.receiveActivity(message(conv, 'A'));
      expect(await eventually(() => bot.entered('A'))).to.equal(true);
      const b = two.receiveActivity(message(conv, 'B'));
      expect(await eventually(async () => (await p1.lock.waiting(`test/${conv}`)) === 1)).to.equal(true);
      const c = one.receiveActivity(message(conv, 'C'));
      expect(await eventually(async () => (await p1.lock.waiting(`test/${conv}`)) === 2)).to.equal(true);
      expect(bot.events).to.deep.equal(['enter A']);
      open();
      await Promise.all([a, b, c]);
      expect(bot.events).to.deep.equal(['enter A', 'exit A', 'enter B', 'exit B', 'enter C', 'exit C']);
      expect(replies(one)).to.deep.equal(['done A', 'done C']);
      expect(replies(two)).to.deep.equal(['done B']);
    });

    it('different conversations do not wait for each other', async () => {
      const bot = new RecordingBot();
      const [p1, p2] = [await mode.instance(), await mode.instance()];
      const open = bot.hold('A');
      const a = instanceAdapter(bot, p1).receiveActivity(message(newConversation(), 'A'));
      expect(await eventually(() => bot.entered('A'))).to.equal(true);
      await instanceAdapter(bot, p2).receiveActivity(message(newConversation(), 'B'));
      expect(bot.events).to.deep.equal(['enter A', 'enter B', 'exit B']);
      open();
      await a;
    });

    it('a redelivered activity is handled once, whether it comes later or at the same time', async () => {
      const bot = new RecordingBot();
      const conv = newConversation();
      const [p1, p2] = [await mode.instance(), await mode.instance()];
      const one = instanceAdapter(bot, p1);
      const two = instanceAdapter(bot, p2);
      const first = message(conv, 'A');
      await one.receiveActivity({ ...first });
      await two.receiveActivity({ ...first });
      const second = message(conv, 'B');
      await Promise.all([one.receiveActivity({ ...second }), two.receiveActivity({ ...second })]);
      expect(bot.events).to.deep.equal(['enter A', 'exit A', 'enter B', 'exit B']);
      expect([...replies(one), ...replies(two)].sort()).to.deep.equal(['done A', 'done B']);
    });

    it('the same activity id in another conversation is a different activity', async () => {
      const bot = new RecordingBot();
      const p = await mode.instance();
      const adapter = instanceAdapter(bot, p);
      const id = `shared-id-${randomBytes(4).toString('hex')}`;
      await adapter.receiveActivity(message(newConversation(), 'A', { id }));
      await adapter.receiveActivity(message(newConversation(), 'B', { id }));
      expect(bot.events).to.deep.equal(['enter A', 'exit A', 'enter B', 'exit B']);
    });

    it('an activity whose turn failed is handled again when redelivered', async () => {
      const bot = new RecordingBot();
      const conv = newConversation();
      const adapter = instanceAdapter(bot, await mode.instance());
      const activity = message(conv, 'A');
      bot.failNext = true;
      await adapter.receiveActivity({ ...activity });
      await adapter.receiveActivity({ ...activity });
      expect(bot.events).to.deep.equal(['enter A', 'fail A', 'enter A', 'exit A']);
    });

    it('a message refused as busy is handled when the channel (or the person) sends the same activity again', async () => {
      const bot = new RecordingBot();
      const conv = newConversation();
      const [p1, p2] = [await mode.instance(), await mode.instance()];
      const one = instanceAdapter(bot, p1);
      const two = new TestAdapter(bot.logic).use(new TurnOrderMiddleware({ ...p2, texts, maxWaitMs: 100 }));
      const open = bot.hold('A');
      const a = one.receiveActivity(message(conv, 'A'));
      expect(await eventually(() => bot.entered('A'))).to.equal(true);
      const b = message(conv, 'B');
      await two.receiveActivity({ ...b });
      expect(bot.entered('B')).to.equal(false);
      open();
      await a;
      await two.receiveActivity({ ...b });
      await two.receiveActivity({ ...b });
      expect(bot.events).to.deep.equal(['enter A', 'exit A', 'enter B', 'exit B']);
    });

    it('a message that waits longer than the bound gets "one moment" in its language and is not run', async () => {
      const bot = new RecordingBot();
      const conv = newConversation();
      const [p1, p2] = [await mode.instance(), await mode.instance()];
      const one = instanceAdapter(bot, p1);
      let outcome: unknown;
      const two = new TestAdapter(bot.logic).use(
        {
          onTurn: async (context, next) => {
            await next();
            outcome = context.turnState.get(TURN_OUTCOME_KEY);
          },
        },
        new TurnOrderMiddleware({ ...p2, texts, maxWaitMs: 200 }),
      );
      const open = bot.hold('A');
      const a = one.receiveActivity(message(conv, 'A'));
      expect(await eventually(() => bot.entered('A'))).to.equal(true);
      await two.receiveActivity(message(conv, 'B', { locale: 'zh-CN' }));
      expect(replies(two)).to.deep.equal([texts.t('zh-CN', 'system.busy')]);
      expect(bot.entered('B')).to.equal(false);
      expect(outcome).to.equal('busy');
      expect(await p1.lock.waiting(`test/${conv}`)).to.equal(0);
      open();
      await a;
      // The conversation is free again.
      await two.receiveActivity(message(conv, 'C'));
      expect(bot.events).to.deep.equal(['enter A', 'exit A', 'enter C', 'exit C']);
    });

    if (mode.crashable) {
      it('a conversation whose holder crashed is free again once the lease expires', async () => {
        const crashedClient = createRedisClient(REDIS_URL);
        await whenReady(crashedClient, 5_000, 'test');
        const crashed = new RedisTurnLock(crashedClient, { prefix: `${PREFIX}turn:`, lockTtlMs: 1_000 });
        const conv = newConversation();
        const lease = await crashed.acquire(`test/${conv}`, { maxWaitMs: 1_000 });
        expect(lease).to.not.equal(undefined);
        crashedClient.disconnect(); // the instance dies: no renewal, no release
        const bot = new RecordingBot();
        const parts = await mode.instance();
        const turn = instanceAdapter(bot, parts).receiveActivity(message(conv, 'A'));
        expect(await eventually(async () => (await parts.lock.waiting(`test/${conv}`)) === 1)).to.equal(true);
        expect(bot.entered('A')).to.equal(false);
        await turn;
        expect(bot.events).to.deep.equal(['enter A', 'exit A']);
      });
    }
  });
}

describe('the Redis turn lock', () => {
  const lockOn = async (options = {}): Promise<RedisTurnLock> => new RedisTurnLock(await readyClient(), { prefix: `${PREFIX}turn:`, ...options });

  it('a holder that outlives the lease time keeps the conversation (the lease is renewed)', async () => {
    const [holderLock, otherLock] = [await lockOn({ lockTtlMs: 300 }), await lockOn({ lockTtlMs: 300 })];
    const conv = `test/${newConversation()}`;
    const lease = (await holderLock.acquire(conv, { maxWaitMs: 100 }))!;
    // The other instance waits for three lease times and must not get in while the holder lives.
    expect(await otherLock.acquire(conv, { maxWaitMs: 900 })).to.equal(undefined);
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
