import { expect } from 'chai';
import { TestAdapter, TurnContext, type Storage } from 'botbuilder';
import { FieldCipher } from '../src/privacy/field-cipher.js';
import { FilingBot } from '../src/bot/filing-bot.js';
import { ExpiringMemoryStorage } from '../src/state/expiring-memory-storage.js';
import { JsonCheckedConversationState } from '../src/state/json-checked-state.js';
import { RedisStorage } from '../src/state/redis-storage.js';
import { SealedStorage } from '../src/state/sealed-storage.js';
import { timedStorage } from '../src/ops/timed-stores.js';
import { TEST_KEYS } from './support/keys.js';
import { SharedRedis } from './support/redis.js';

/**
 * The app's state chain (JsonCheckedConversationState over SealedStorage over the timed store over the
 * embedded store or Redis) serialises a conversation's state once a turn, at save, and parses it once,
 * at load: the stores tell one another the JSON an item was stored as (src/state/stored-json.ts). A turn
 * that changes nothing writes nothing; personal answers stay sealed at rest; a value JSON cannot hold is
 * refused at save and the stored state is kept.
 */
const sharedRedis = new SharedRedis('serialised-once');
after(() => sharedRedis.cleanUp());

const MARK = 'serialisedOnceMark';
const ID_NUMBER = '11010519491231002X';

/** Counts JSON.stringify and JSON.parse of this test's conversation state (plain or sealed: it has MARK at its root). */
function countSerialisations(): { stringify: number; parse: number; stop: () => void } {
  const { stringify, parse } = JSON;
  const counts = {
    stringify: 0,
    parse: 0,
    stop: () => {
      JSON.stringify = stringify;
      JSON.parse = parse;
    },
  };
  JSON.stringify = ((value: unknown, ...rest: unknown[]) => {
    if (typeof value === 'object' && value !== null && MARK in value) counts.stringify += 1;
    return (stringify as (...args: unknown[]) => string)(value, ...rest);
  }) as typeof JSON.stringify;
  JSON.parse = ((text: string, ...rest: unknown[]) => {
    if (typeof text === 'string' && text.includes(`"${MARK}"`)) counts.parse += 1;
    return (parse as (...args: unknown[]) => unknown)(text, ...rest);
  }) as typeof JSON.parse;
  return counts;
}

const metrics = { timeStore: <T>(_store: string, _op: string, call: () => Promise<T>) => call() };

for (const [name, store, rawOf] of [
  ['the embedded store', () => new ExpiringMemoryStorage(), async (storage: Storage, key: string) => JSON.stringify(await storage.read([key]))],
  [
    'Redis',
    () => new RedisStorage(sharedRedis.client(), { prefix: sharedRedis.prefix }),
    async (storage: Storage, key: string) => (await (await sharedRedis.readyClient()).hget((storage as RedisStorage).redisKey(key), 'v')) ?? '',
  ],
] as Array<[string, () => Storage, (storage: Storage, key: string) => Promise<string>]>) {
  describe(`state on ${name}: serialised once a turn, at save`, () => {
    const adapter = new TestAdapter();
    const conversation = `c-${Math.random().toString(36).slice(2)}`;
    const key = `test/conversations/${conversation}/`;
    const turn = () => new TurnContext(adapter, { type: 'message', channelId: 'test', conversation: { id: conversation } as never, text: 'x' });
    const inner = store();
    const state = new JsonCheckedConversationState(new SealedStorage(timedStorage(inner, metrics), { cipher: new FieldCipher(TEST_KEYS), fields: FilingBot.sealedStateFields }));
    const mark = state.createProperty<number>(MARK);
    const filing = state.createProperty<{ details: Record<string, unknown> }>('filing');
    after(() => (inner as Partial<ExpiringMemoryStorage>).close?.());

    /** A turn: load, `change`, save; the serialisations of the state at each, and the eTag stored after. */
    const aTurn = async (change: (context: TurnContext) => Promise<void>) => {
      const context = turn();
      const counts = countSerialisations();
      try {
        await state.load(context);
        const atLoad = { stringify: counts.stringify, parse: counts.parse };
        await change(context);
        counts.stringify = 0;
        counts.parse = 0;
        const saved = await state.saveChanges(context).then(
          () => undefined,
          (error: unknown) => error,
        );
        return { atLoad, atSave: { stringify: counts.stringify, parse: counts.parse }, saved, eTag: (await inner.read([key]))[key]?.eTag as string | undefined };
      } finally {
        counts.stop();
      }
    };

    it('parsed once at load, serialised once at save; a turn that changes nothing writes nothing', async () => {
      await aTurn(async (context) => {
        await mark.set(context, 1);
        await filing.set(context, { details: { idNumber: ID_NUMBER, n: 1 } });
      });
      const changed = await aTurn(async (context) => {
        (await filing.get(context))!.details['n'] = 2;
      });
      expect(changed.atLoad).to.deep.equal({ stringify: 0, parse: 1 });
      expect(changed.atSave).to.deep.equal({ stringify: 1, parse: 0 });
      const unchanged = await aTurn(async (context) => {
        expect((await filing.get(context))!.details).to.deep.equal({ idNumber: ID_NUMBER, n: 2 });
      });
      expect(unchanged.atLoad).to.deep.equal({ stringify: 0, parse: 1 });
      expect(unchanged.atSave).to.deep.equal({ stringify: 1, parse: 0 });
      expect(unchanged.eTag, 'nothing written').to.equal(changed.eTag);
      const raw = await rawOf(inner, key);
      expect(raw).to.contain('$sealed');
      expect(raw).to.not.contain(ID_NUMBER);
    });

    it('a value JSON cannot hold is refused at save, and what was stored stays', async () => {
      const before = await inner.read([key]);
      const refused = await aTurn(async (context) => {
        (await filing.get(context))!.details['n'] = 10n;
      });
      expect(refused.saved).to.be.instanceOf(TypeError);
      const cyclic = await aTurn(async (context) => {
        const details = (await filing.get(context))!.details;
        details['self'] = details;
      });
      expect(cyclic.saved).to.be.instanceOf(TypeError);
      expect(await inner.read([key])).to.deep.equal(before);
    });
  });
}
