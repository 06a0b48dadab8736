import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { TurnOrderMiddleware } from '../src/bot/turn-order-middleware.js';
import { TURN_OUTCOME_KEY } from '../src/ops/turn-state-keys.js';
import { whenReady, type RedisClient } from '../src/state/redis-client.js';
import { RedisStorage } from '../src/state/redis-storage.js';
import { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import type { Deduper, TurnLock } from '../src/state/turn-lock.js';
import { eventually } from './support/redis-server.js';
import type { SharedRedis } from './support/redis.js';

const texts = new Texts();

/** What one bot instance needs for ordering. */
export interface Parts {
  lock: TurnLock;
  deduper: Deduper;
}

/** Where the turn order is kept: one process, or instances sharing a Redis (standalone, Sentinel, Cluster). */
export interface TurnOrderMode {
  name: string;
  /** Parts for another bot instance on the same conversations. */
  instance(options?: { lockTtlMs?: number }): Promise<Parts>;
  /** A lock on a separate connection that can die while holding a conversation (undefined: no crash case). */
  crashable?: (lockTtlMs: number) => Promise<{ lock: TurnLock; die: () => void }>;
}

/** A bot whose turns record when they start and end, and can be held open by the test. */
export class RecordingBot {
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

export function instanceAdapter(bot: RecordingBot, parts: Parts, maxWaitMs = 10_000): TestAdapter {
  const adapter = new TestAdapter(bot.logic);
  adapter.use(new TurnOrderMiddleware({ ...parts, texts, maxWaitMs }));
  adapter.onTurnError = async () => {};
  return adapter;
}

let serial = 0;
export function message(conversationId: string, text: string, extra: Partial<Activity> = {}): Partial<Activity> {
  return {
    type: 'message',
    id: `act-${process.pid}-${++serial}`,
    text,
    locale: 'en-US',
    conversation: { id: conversationId } as Activity['conversation'],
    ...extra,
  };
}

export const newConversation = (): string => `conv-${randomBytes(6).toString('hex')}`;
export const replies = (adapter: TestAdapter): string[] => adapter.activeQueue.map((a) => a.text ?? '');

/**
 * Instances sharing a Redis (any of its deployments): each instance() is a separate client. By default the
 * lock keeps the handled ids and the conversation state itself (`turnState`, as the app runs it: two
 * scripts a turn); `{ turnState: false }` runs the lock and the deduper apart.
 */
export function redisTurnOrderMode(name: string, shared: SharedRedis, { turnState = true } = {}): TurnOrderMode {
  const parts = (client: RedisClient, options: { lockTtlMs?: number } = {}): Parts => {
    const deduper = new RedisDeduper(client, { prefix: `${shared.prefix}seen:` });
    const storage = new RedisStorage(client, { prefix: shared.prefix });
    return { lock: new RedisTurnLock(client, { prefix: `${shared.prefix}turn:`, ...options, ...(turnState ? { turnState: { storage, deduper } } : {}) }), deduper };
  };
  return {
    name: turnState ? name : `${name}, lock and deduper apart`,
    instance: async (options = {}) => parts(await shared.readyClient(), options),
    crashable: async (lockTtlMs) => {
      const client = shared.client();
      await whenReady(client, 10_000, 'test');
      return { lock: parts(client, { lockTtlMs }).lock, die: () => client.disconnect() };
    },
  };
}

/**
 * The turn order every mode keeps: turns of one conversation one at a time in arrival order across
 * instances, redeliveries handled once, a bounded wait, a crashed holder's lease expiring.
 */
export function turnOrderContract(mode: TurnOrderMode): void {
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
      // The other instance is connected first: its turn must join the line while the dead holder's lease still runs.
      const bot = new RecordingBot();
      const parts = await mode.instance();
      const crashed = await mode.crashable!(2_000);
      const conv = newConversation();
      const lease = await crashed.lock.acquire(`test/${conv}`, { maxWaitMs: 1_000 });
      expect(lease).to.not.equal(undefined);
      crashed.die(); // the instance dies: no renewal, no release
      const turn = instanceAdapter(bot, parts).receiveActivity(message(conv, 'A'));
      expect(await eventually(async () => (await parts.lock.waiting(`test/${conv}`)) === 1)).to.equal(true);
      expect(bot.entered('A')).to.equal(false);
      await turn;
      expect(bot.events).to.deep.equal(['enter A', 'exit A']);
    });
  }
});
}
