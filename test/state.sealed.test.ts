import { expect } from 'chai';
import type { Storage } from 'botbuilder';
import { DataKeyRing } from '../src/privacy/data-keys.js';
import { DataKeyError, FieldCipher } from '../src/privacy/field-cipher.js';
import { FilingBot } from '../src/bot/filing-bot.js';
import { ExpiringMemoryStorage } from '../src/state/expiring-memory-storage.js';
import { RedisStorage } from '../src/state/redis-storage.js';
import { SealedStorage } from '../src/state/sealed-storage.js';
import { OLD_TEST_DATA_KEY, TEST_DATA_KEY as TEST_KEYS_TEXT, TEST_KEYS } from './support/keys.js';
import { SharedRedis } from './support/redis.js';
import { storageContract } from './state.storage-contract.js';

/**
 * SealedStorage: the half-filled form's personal answers sealed in the store beneath it. It passes the
 * Storage contract over both stores the app uses (the embedded one and Redis), and the stores beneath
 * it hold no personal answer in clear.
 */
const sharedRedis = new SharedRedis('sealed');
after(() => sharedRedis.cleanUp());

const sealed = (inner: Storage, keys = TEST_KEYS, onUnreadable?: (err: DataKeyError) => void) =>
  new SealedStorage(inner, { cipher: new FieldCipher(keys), fields: FilingBot.sealedStateFields, ...(onUnreadable ? { onUnreadable } : {}) });

const memory = new ExpiringMemoryStorage();
after(() => memory.close());
storageContract(
  'the embedded memory store, sealed',
  (options) => sealed(options?.conversationTtlSeconds !== undefined ? new ExpiringMemoryStorage({ ...options, sweepEveryMs: 200 }) : memory),
  { expires: true },
);
storageContract('the Redis store, sealed', (options) => sealed(new RedisStorage(sharedRedis.client(), { prefix: sharedRedis.prefix, ...options })), { expires: true });

describe('the half-filled form at rest', () => {
  const PERSONAL = ['张三', '11010519491231002X', '13812345678', '李四', '110101199003074514', '13912345678', '上海市徐汇区宜山路600号'];
  const form = () => ({
    filing: {
      v: 1,
      active: true,
      details: {
        personName: '张三',
        idNumber: '11010519491231002X',
        phone: '13812345678',
        agentName: '李四',
        agentIdNumber: '110101199003074514',
        agentPhone: '13912345678',
        address: '上海市徐汇区宜山路600号',
        startDate: '2026-12-01',
      },
    },
  });
  let n = 0;
  const key = () => `webchat/conversations/sealed-${process.pid}-${++n}`;

  it('in Redis: no ID number, phone, name or address in clear, one sealed envelope; the rest as it was', async () => {
    const raw = await sharedRedis.readyClient();
    const storage = sealed(new RedisStorage(raw, { prefix: sharedRedis.prefix }));
    const k = key();
    await storage.write({ [k]: form() });
    const stored = (await raw.hget(sharedRedis.prefix + k, 'v'))!;
    for (const value of PERSONAL) expect(stored, value).to.not.include(value);
    const item = JSON.parse(stored) as { $sealed: string; filing: { details: Record<string, string> } };
    expect(item.$sealed).to.match(/^enc1:[\w-]{8}:[\w-]+$/);
    expect(item.filing.details).to.deep.equal({ startDate: '2026-12-01' });
    const { eTag: _eTag, ...read } = (await storage.read([k]))[k]!;
    expect(read).to.deep.equal(form());
  });

  it('in the embedded store: the same', async () => {
    const inner = new ExpiringMemoryStorage();
    try {
      const storage = sealed(inner);
      const k = key();
      await storage.write({ [k]: form() });
      const stored = JSON.stringify(await inner.read([k]));
      for (const value of PERSONAL) expect(stored, value).to.not.include(value);
    } finally {
      inner.close();
    }
  });

  it('reads what was sealed under an older key still configured; answers under a key no longer configured are asked again, not a failed turn', async () => {
    const inner = new ExpiringMemoryStorage();
    try {
      const k = key();
      await sealed(inner, DataKeyRing.fromText(OLD_TEST_DATA_KEY)).write({ [k]: form() });
      const { eTag: _a, ...rotated } = (await sealed(inner, DataKeyRing.fromText(TEST_KEYS_TEXT, [OLD_TEST_DATA_KEY])).read([k]))[k]!;
      expect(rotated).to.deep.equal(form());
      const told: DataKeyError[] = [];
      const dropped = (await sealed(inner, TEST_KEYS, (err) => told.push(err)).read([k]))[k]! as unknown as ReturnType<typeof form>;
      expect(dropped.filing.details).to.deep.equal({ startDate: '2026-12-01' });
      expect(dropped.filing.active).to.equal(true);
      expect(told.map((e) => e.code)).to.deep.equal(['UNKNOWN_KEY']);
      for (const value of PERSONAL) expect(told[0]!.message).to.not.include(value);
    } finally {
      inner.close();
    }
  });

  it('one conversation\'s sealed answers copied into another conversation\'s state do not open there', async () => {
    const inner = new ExpiringMemoryStorage();
    try {
      const storage = sealed(inner);
      const [mine, theirs] = [key(), key()];
      await storage.write({ [mine]: form(), [theirs]: { filing: { v: 1, active: true, details: { personName: '王五' } } } });
      const raw = await inner.read([mine, theirs]);
      await inner.write({ [theirs]: { ...raw[theirs], $sealed: (raw[mine] as Record<string, unknown>)['$sealed'] } });
      const told: DataKeyError[] = [];
      const read = (await sealed(inner, TEST_KEYS, (err) => told.push(err)).read([theirs]))[theirs] as unknown as ReturnType<typeof form>;
      expect(read.filing.details).to.deep.equal({});
      expect(told.map((e) => e.code)).to.deep.equal(['NOT_AUTHENTIC']);
    } finally {
      inner.close();
    }
  });
});
