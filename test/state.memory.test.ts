import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ExpiringMemoryStorage } from '../src/state/expiring-memory-storage.js';
import { REDIS_STORAGE_DEFAULTS } from '../src/state/redis-storage.js';
import { createStateStorage } from '../src/state/state-storage.js';
import { storageContract } from './state.storage-contract.js';

// The embedded default: every handle is the same object, as all turns of one process share it. A
// short lifetime asks for a store of its own (only the expiry case uses that handle).
const shared = new ExpiringMemoryStorage();
after(() => shared.close());
storageContract(
  'the embedded memory store',
  (options) => (options?.conversationTtlSeconds !== undefined ? new ExpiringMemoryStorage({ ...options, sweepEveryMs: 200 }) : shared),
  { expires: true },
);

describe('the embedded memory store forgets personal data as Redis does', () => {
  /** A clock the test moves by hand. */
  const clock = () => {
    let t = 1_700_000_000_000;
    return { now: () => t, pass: (seconds: number) => void (t += seconds * 1000) };
  };
  const conversation = 'webchat/conversations/c-1';
  const user = 'webchat/users/u-1';
  const stores: ExpiringMemoryStorage[] = [];
  const make = (options: ConstructorParameters<typeof ExpiringMemoryStorage>[0]): ExpiringMemoryStorage => {
    const s = new ExpiringMemoryStorage(options);
    stores.push(s);
    return s;
  };
  after(() => stores.forEach((s) => s.close()));

  it('uses the same default lifetimes as the Redis store: a day for a conversation, thirty days for a user', async () => {
    const c = clock();
    const store = make({ now: c.now });
    await store.write({ [conversation]: { idNumber: 'x' }, [user]: { locale: 'zh-CN' } });
    c.pass(REDIS_STORAGE_DEFAULTS.conversationTtlSeconds - 1);
    expect(Object.keys(await store.read([conversation]))).to.deep.equal([conversation]);
    c.pass(REDIS_STORAGE_DEFAULTS.conversationTtlSeconds + 1);
    expect(await store.read([conversation])).to.deep.equal({});
    expect(Object.keys(await store.read([user]))).to.deep.equal([user]);
    c.pass(REDIS_STORAGE_DEFAULTS.userTtlSeconds + 1);
    expect(await store.read([user])).to.deep.equal({});
  });

  const lifetimes: Array<[string, string, number, boolean]> = [
    ['a conversation untouched for less than its lifetime is kept', conversation, 599, true],
    ['a conversation untouched for its whole lifetime is forgotten', conversation, 600, false],
    ['a user untouched past the conversation lifetime is kept', user, 601, true],
    ['a user untouched for its whole lifetime is forgotten', user, 3600, false],
  ];
  for (const [what, key, idleSeconds, kept] of lifetimes) {
    it(`${what} (conversation 600 s, user 3600 s)`, async () => {
      const c = clock();
      const store = make({ now: c.now, conversationTtlSeconds: 600, userTtlSeconds: 3600 });
      await store.write({ [key]: { stage: 'details' } });
      c.pass(idleSeconds);
      expect(Object.keys(await store.read([key])).length).to.equal(kept ? 1 : 0);
    });
  }

  it('each read and each write slides the lifetime forward', async () => {
    const c = clock();
    const store = make({ now: c.now, conversationTtlSeconds: 600 });
    await store.write({ [conversation]: { stage: 'situation' } });
    for (let i = 0; i < 5; i++) {
      c.pass(500);
      const read = await store.read([conversation]);
      expect(read[conversation], `read ${i}`).to.include({ stage: 'situation' });
    }
    c.pass(500);
    await store.write({ [conversation]: { stage: 'details' } });
    c.pass(500);
    expect((await store.read([conversation]))[conversation]).to.include({ stage: 'details' });
  });

  it('a lifetime of 0 keeps the item until deleted; ttlFor decides per key', async () => {
    const c = clock();
    const store = make({ now: c.now, ttlFor: (key) => (key.endsWith('/keep') ? 0 : 60) });
    await store.write({ 'x/conversations/keep': { a: 1 }, 'x/conversations/short': { b: 2 } });
    c.pass(10 * 365 * 86_400);
    expect(Object.keys(await store.read(['x/conversations/keep', 'x/conversations/short']))).to.deep.equal(['x/conversations/keep']);
  });

  it('an expired item cannot be written over with its old eTag as if it were current, and is written anew', async () => {
    const c = clock();
    const store = make({ now: c.now, conversationTtlSeconds: 60 });
    await store.write({ [conversation]: { stage: 'situation' } });
    const old = (await store.read([conversation]))[conversation]!;
    c.pass(61);
    await store.write({ [conversation]: { ...old, stage: 'details' } });
    const fresh = (await store.read([conversation]))[conversation]!;
    expect(fresh.stage).to.equal('details');
    expect(fresh.eTag).to.not.equal(old.eTag);
  });

  it('expired entries nobody reads are swept out, by sweep() and by its timer', async () => {
    const c = clock();
    const store = make({ now: c.now, conversationTtlSeconds: 60, sweepEveryMs: 20 });
    await store.write({ 'a/conversations/1': { n: 1 }, 'a/conversations/2': { n: 2 }, 'a/users/1': { n: 3 } });
    expect(store.size).to.equal(3);
    c.pass(61);
    const deadline = Date.now() + 5_000;
    while (store.size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(store.size, 'left after the timer swept').to.equal(1);
    c.pass(31 * 86_400);
    expect(store.sweep()).to.equal(1);
    expect(store.size).to.equal(0);
  });

  it('its sweep timer does not keep the process alive', async () => {
    // A child that creates a store with an item and returns: it must exit by itself.
    const moduleUrl = new URL('../src/state/expiring-memory-storage.ts', import.meta.url).href;
    const code = `const { ExpiringMemoryStorage } = await import(${JSON.stringify(moduleUrl)});
      const s = new ExpiringMemoryStorage({ sweepEveryMs: 50 });
      await s.write({ 'w/conversations/c': { a: 1 } });
      console.log('written');`;
    const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exit = await new Promise<number | null | 'hung'>((resolve) => {
      const hung = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('hung');
      }, 15_000);
      child.once('exit', (status) => {
        clearTimeout(hung);
        resolve(status);
      });
    });
    expect(out).to.include('written');
    expect(exit).to.equal(0);
  });

  it('is what the app gets without REDIS_URL, with the configured lifetimes', async () => {
    const state = createStateStorage({ conversationTtlSeconds: 1 });
    try {
      expect(state.kind).to.equal('memory');
      expect(state.storage).to.be.instanceOf(ExpiringMemoryStorage);
      await state.storage.write({ [conversation]: { a: 1 } });
      const deadline = Date.now() + 10_000;
      let left = 1;
      while (left > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1_200));
        left = Object.keys(await state.storage.read([conversation])).length;
      }
      expect(left).to.equal(0);
    } finally {
      await state.close();
    }
  });
});
