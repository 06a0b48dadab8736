import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { createFilingStore, FilingStoreError, LowdbFilingStore, newReference, type FilingStore } from '../src/filings/index.js';
import { aFiling, filingStoreContract, manualClock } from './filings.store-contract.js';
import { OLD_TEST_DATA_KEY, TEST_DATA_KEY, TEST_KEYS } from './support/keys.js';
import { DataKeyRing } from '../src/privacy/data-keys.js';
import { DataKeyError } from '../src/privacy/field-cipher.js';

const root = mkdtempSync(join(tmpdir(), 'filings-lowdb-'));
let n = 0;
const freshPath = () => join(root, `run-${++n}`, 'data', 'filings.json');
const onDisk = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { schemaVersion: number; filings: Record<string, { status: string; idempotencyKey: string }> };
const mode = (path: string) => statSync(path).mode & 0o777;

after(() => rmSync(root, { recursive: true, force: true }));

filingStoreContract('LowdbFilingStore', (options) => LowdbFilingStore.open({ ...options, keys: options?.keys ?? TEST_KEYS, path: freshPath() }));

describe('LowdbFilingStore: the filings file', () => {
  const open: FilingStore[] = [];
  const openAt = async (path: string, options = {}) => {
    const s = await LowdbFilingStore.open({ keys: TEST_KEYS, ...options, path });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('creates its folder (0700) and the file (0600) on opening, empty', async () => {
    const path = freshPath();
    await openAt(path);
    expect(mode(path)).to.equal(0o600);
    expect(mode(join(path, '..'))).to.equal(0o700);
    expect(onDisk(path)).to.deep.equal({ schemaVersion: 3, filings: {}, notices: {} });
  });

  it('keeps the file 0600 after writes, even over a leftover temporary file that was world-readable', async () => {
    const path = freshPath();
    const store = await openAt(path);
    writeFileSync(join(path, '..', '.filings.json.tmp'), 'left by a crash');
    chmodSync(join(path, '..', '.filings.json.tmp'), 0o644);
    await store.submit(aFiling());
    expect(mode(path)).to.equal(0o600);
    expect(readdirSync(join(path, '..'))).to.deep.equal(['filings.json']);
  });

  it('writes 50 simultaneous submits into one valid file with 50 filings, none lost', async () => {
    const path = freshPath();
    const store = await openAt(path);
    const results = await Promise.all(Array.from({ length: 50 }, () => store.submit(aFiling())));
    const file = onDisk(path);
    expect(Object.keys(file.filings)).to.have.members(results.map((r) => r.stored.reference));
  });

  it('writes one filing for simultaneous submits with the same idempotency key', async () => {
    const path = freshPath();
    const store = await openAt(path);
    await Promise.all(Array.from({ length: 20 }, () => store.submit(aFiling({ idempotencyKey: 'conv-x:submit' }))));
    expect(Object.values(onDisk(path).filings).map((f) => f.idempotencyKey)).to.deep.equal(['conv-x:submit']);
  });

  it('has every filing on disk by the time submit resolves', async () => {
    const path = freshPath();
    const store = await openAt(path);
    const { stored } = await store.submit(aFiling());
    expect(onDisk(path).filings[stored.reference]?.status).to.equal('SUBMITTED');
    await store.setStatus(stored.reference, 'EFFECTIVE');
    expect(onDisk(path).filings[stored.reference]?.status).to.equal('EFFECTIVE');
  });

  it('answers a repeated submit only once the first one is on disk', async () => {
    const path = freshPath();
    const store = await openAt(path);
    const first = store.submit(aFiling({ idempotencyKey: 'conv-d:submit' }));
    const repeat = await store.submit(aFiling({ idempotencyKey: 'conv-d:submit' }));
    expect(repeat.created).to.equal(false);
    expect(onDisk(path).filings[repeat.stored.reference]?.idempotencyKey).to.equal('conv-d:submit');
    await first;
  });

  it('after a restart sees every filing, its status, and still recognises a repeated submit', async () => {
    const path = freshPath();
    const clock = manualClock('2026-11-24T02:00:00.000Z');
    const first = await LowdbFilingStore.open({ keys: TEST_KEYS, path, now: clock.now });
    const a = await first.submit(aFiling({ idempotencyKey: 'conv-r:submit' }));
    const b = await first.submit(aFiling());
    clock.set('2026-11-25T02:00:00.000Z');
    await first.setStatus(b.stored.reference, 'REJECTED');
    await first.close();

    const second = await openAt(path, { now: clock.now });
    expect(await second.get(a.stored.reference)).to.deep.equal(a.stored);
    expect(await second.get(b.stored.reference)).to.deep.include({ status: 'REJECTED', updatedAt: '2026-11-25T02:00:00.000Z' });
    const again = await second.submit(aFiling({ idempotencyKey: 'conv-r:submit' }));
    expect(again).to.deep.equal({ stored: a.stored, created: false });
  });

  describe('personal data sealed in the file', () => {
    const PERSONAL = ['张三', '11010519491231002X', '13800000000', '李四', '110101199003074514', '13912345678', '上海市徐汇区宜山路600号'];
    const personal = () =>
      aFiling({
        filing: {
          person: { name: '张三', idNumber: '11010519491231002X', phone: '13800000000' },
          agent: { name: '李四', idNumber: '110101199003074514', phone: '13912345678', relationship: 'CHILD' },
          address: '上海市徐汇区宜山路600号',
          startDate: '2026-12-01',
        },
      });
    type RawRecord = { filing: Record<string, unknown>; keyId: string; personIdHash: string };
    const raw = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { schemaVersion: number; filings: Record<string, RawRecord> };

    it('holds no ID number, phone, name or address in clear — one sealed envelope per filing, the key id and a keyed hash of the ID', async () => {
      const path = freshPath();
      const store = await openAt(path);
      const { stored } = await store.submit(personal());
      const text = readFileSync(path, 'utf8');
      for (const value of PERSONAL) expect(text, value).to.not.include(value);
      const record = raw(path).filings[stored.reference]!;
      expect(record.filing['$sealed']).to.match(/^enc1:[\w-]{8}:[\w-]+$/);
      expect(record.filing['person']).to.deep.equal({}); // the personal fields are in the envelope
      expect(record.filing['agent']).to.deep.equal({ relationship: 'CHILD' });
      expect(record.filing['startDate']).to.equal('2026-12-01'); // what is not personal stays readable
      expect(record.keyId).to.equal(TEST_KEYS.current.id);
      expect(record.personIdHash).to.match(/^[\w-]{8}:[\w-]{43}$/);
      expect((await store.get(stored.reference))?.filing).to.deep.equal(personal().filing);
    });

    it('seals a file written before sealing (schema version 1, in clear) when it opens it, and finds its filings by ID number', async () => {
      const path = freshPath();
      const old = { ...personal(), reference: 'YD20261124-00000X', status: 'SUBMITTED', createdAt: '2026-11-24T02:00:00.000Z', updatedAt: '2026-11-24T02:00:00.000Z' };
      const reference = newReference(new Date('2026-11-24T02:00:00.000Z'));
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, JSON.stringify({ schemaVersion: 1, filings: { [reference]: { ...old, reference } } }));
      const store = await openAt(path);
      const text = readFileSync(path, 'utf8');
      expect(raw(path).schemaVersion).to.equal(3);
      for (const value of PERSONAL) expect(text, value).to.not.include(value);
      expect((await store.get(reference))?.filing).to.deep.equal(old.filing);
      expect((await store.findByIdNumber('11010519491231002X')).map((f) => f.reference)).to.deep.equal([reference]);
    });

    it('reads a version 2 file (no history, no outbox) and writes it as version 3; keeps reasons and origin sealed', async () => {
      const path = freshPath();
      const first = await openAt(path);
      const { stored } = await first.submit(personal());
      await first.close();
      const v2 = JSON.parse(readFileSync(path, 'utf8')) as { schemaVersion: number; filings: Record<string, Record<string, unknown>>; notices?: unknown };
      v2.schemaVersion = 2;
      delete v2.notices;
      for (const record of Object.values(v2.filings)) delete record['history'];
      writeFileSync(path, JSON.stringify(v2));
      const store = await openAt(path);
      expect(raw(path).schemaVersion).to.equal(3);
      expect((await store.get(stored.reference))?.history).to.deep.equal([]);
      const origin = { channel: 'webchat', conversation: { id: 'conversation-secret-7' } };
      const { stored: withOrigin } = await store.submit({ ...personal(), origin });
      await store.setStatus(stored.reference, 'REJECTED', { actor: { kind: 'agency', name: 'staff' }, reason: '缺少材料：张三的转诊证明' });
      const text = readFileSync(path, 'utf8');
      expect(text).to.not.include('conversation-secret-7');
      expect(text).to.not.include('缺少材料');
      expect((await store.get(stored.reference))?.history).to.deep.equal([
        { at: (await store.get(stored.reference))!.updatedAt, from: 'SUBMITTED', to: 'REJECTED', actor: { kind: 'agency', name: 'staff' }, reason: '缺少材料：张三的转诊证明' },
      ]);
      expect((await store.get(withOrigin.reference))?.origin).to.deep.equal(origin);
    });

    it('after a key rotation reads filings sealed with the older key, and reseal() moves them to the new one', async () => {
      const path = freshPath();
      const before = await LowdbFilingStore.open({ keys: DataKeyRing.fromText(OLD_TEST_DATA_KEY), path });
      const origin = { channel: 'webchat', conversation: { id: 'c-old-key' } };
      const { stored } = await before.submit({ ...personal(), origin });
      await before.setStatus(stored.reference, 'REJECTED', { actor: { kind: 'agency' }, reason: '旧密钥下的原因' });
      await before.close();

      // The new key current, the old one still readable (DATA_ENCRYPTION_KEY new, DATA_ENCRYPTION_KEYS old).
      const rotated = DataKeyRing.fromText(TEST_DATA_KEY, [OLD_TEST_DATA_KEY]);
      const during = await LowdbFilingStore.open({ keys: rotated, path });
      expect((await during.get(stored.reference))?.filing).to.deep.equal(personal().filing);
      expect((await during.findByIdNumber('11010519491231002X')).map((f) => f.reference)).to.deep.equal([stored.reference]);
      expect(await during.reseal()).to.equal(1);
      expect(await during.reseal()).to.equal(0);
      await during.close();
      expect(raw(path).filings[stored.reference]!.keyId).to.equal(TEST_KEYS.current.id);

      // The old key can go now: the filing, the reasons in its history and its origin open under the new one.
      const after = await openAt(path);
      expect((await after.get(stored.reference))?.filing).to.deep.equal(personal().filing);
      expect((await after.get(stored.reference))?.history.at(-1)?.reason).to.equal('旧密钥下的原因');
      expect((await after.get(stored.reference))?.origin).to.deep.equal(origin);
      expect((await after.findByIdNumber('11010519491231002X')).map((f) => f.reference)).to.deep.equal([stored.reference]);
    });

    it('npm run -s data:reseal, with the new key current and the old one still listed, seals the file again under the new key', async () => {
      const path = freshPath();
      const before = await LowdbFilingStore.open({ keys: DataKeyRing.fromText(OLD_TEST_DATA_KEY), path });
      const { stored } = await before.submit(personal());
      await before.close();
      const env = { ...process.env, FILINGS_PATH: path, FILINGS_URL: '', REDIS_URL: '', DATA_ENCRYPTION_KEY: TEST_DATA_KEY, DATA_ENCRYPTION_KEYS: OLD_TEST_DATA_KEY };
      const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'data:reseal'], { cwd: new URL('..', import.meta.url).pathname, env });
      expect(stdout).to.equal(`1 filing(s) sealed again under data key ${TEST_KEYS.current.id}\n`);
      expect(raw(path).filings[stored.reference]!.keyId).to.equal(TEST_KEYS.current.id);
      const after = await openAt(path);
      expect((await after.get(stored.reference))?.filing).to.deep.equal(personal().filing);
    });

    it('without the key a filing was sealed with, refuses to read it and names the key id, never a value', async () => {
      const path = freshPath();
      const before = await LowdbFilingStore.open({ keys: DataKeyRing.fromText(OLD_TEST_DATA_KEY), path });
      const { stored } = await before.submit(personal());
      await before.close();
      const store = await openAt(path);
      const err = (await store.get(stored.reference).catch((e: unknown) => e)) as DataKeyError;
      expect(err).to.be.instanceOf(DataKeyError);
      expect(err.code).to.equal('UNKNOWN_KEY');
      expect(err.message).to.include(DataKeyRing.fromText(OLD_TEST_DATA_KEY).current.id);
      for (const value of PERSONAL) expect(err.message).to.not.include(value);
    });

    it('sealed fields copied into another filing in the file do not open there', async () => {
      const path = freshPath();
      const store = await openAt(path);
      const mine = await store.submit(personal());
      const theirs = await store.submit(aFiling());
      await store.close();
      const file = raw(path);
      file.filings[theirs.stored.reference]!.filing['$sealed'] = file.filings[mine.stored.reference]!.filing['$sealed'];
      writeFileSync(path, JSON.stringify(file));
      const again = await openAt(path);
      const err = (await again.get(theirs.stored.reference).catch((e: unknown) => e)) as DataKeyError;
      expect(err).to.be.instanceOf(DataKeyError);
      expect(err.code).to.equal('NOT_AUTHENTIC');
    });
  });

  it('close waits for writes still under way', async () => {
    const path = freshPath();
    const store = await LowdbFilingStore.open({ keys: TEST_KEYS, path });
    const pending = Array.from({ length: 10 }, () => store.submit(aFiling()));
    await store.close();
    const results = await Promise.all(pending);
    expect(Object.keys(onDisk(path).filings)).to.have.members(results.map((r) => r.stored.reference));
  });

  it('refuses a second store on the same file in this process, and allows it once the first is closed', async () => {
    const path = freshPath();
    const first = await LowdbFilingStore.open({ keys: TEST_KEYS, path });
    expect(() => new LowdbFilingStore({ keys: TEST_KEYS, path })).to.throw(FilingStoreError).with.property('code', 'ALREADY_OPEN');
    await first.close();
    await openAt(path);
  });

  const unreadable: Array<[string, string]> = [
    ['cut short', '{"schemaVersion":1,"filings":{"X":{"filing":{"applicant":{"name":"张三"'],
    ['not JSON at all', 'x{"name":"张三"}'],
    ['JSON of another shape', '{"todos":[]}'],
    ['a filing with an unknown status', JSON.stringify({ schemaVersion: 1, filings: { X: { ...aFiling(), reference: 'X', status: 'LOST', createdAt: 'a', updatedAt: 'a' } } })],
  ];
  for (const [what, text] of unreadable) {
    it(`will not open (nor overwrite) a file that is ${what}; the error names the file, not its contents`, async () => {
      const path = freshPath();
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
      const err = (await LowdbFilingStore.open({ keys: TEST_KEYS, path }).catch((e: unknown) => e)) as FilingStoreError;
      expect(err).to.be.instanceOf(FilingStoreError);
      expect(err.code).to.equal('UNREADABLE_FILE');
      expect(err.message).to.include(path).and.not.include('张三');
      expect(String(err.cause ?? '')).to.not.include('张三');
      expect(readFileSync(path, 'utf8')).to.equal(text);
      // and the failed open does not keep the file claimed
      writeFileSync(path, JSON.stringify({ schemaVersion: 1, filings: {} }));
      await openAt(path);
    });
  }

  it('reports ping false when the file cannot be opened', async () => {
    const path = freshPath();
    mkdirSync(path, { recursive: true }); // a folder where the file should be
    const store = new LowdbFilingStore({ keys: TEST_KEYS, path });
    expect(await store.ping()).to.equal(false);
    const err = await store.submit(aFiling()).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    await store.close();
  });

  it('tries again on the next call after the file could not be opened', async () => {
    const path = freshPath();
    mkdirSync(path, { recursive: true }); // a folder where the file should be
    const store = new LowdbFilingStore({ keys: TEST_KEYS, path });
    open.push(store);
    const err = (await store.get('YD20261124-00000A').catch((e: unknown) => e)) as FilingStoreError;
    expect(err.code).to.equal('UNREADABLE_FILE');
    expect(err.message).to.include('EISDIR');
    rmSync(path, { recursive: true });
    const { stored } = await store.submit(aFiling());
    expect(onDisk(path).filings[stored.reference]).to.not.equal(undefined);
  });

  it('createFilingStore gives a lowdb store at the configured path', async () => {
    const path = freshPath();
    const store = createFilingStore({ path, keys: TEST_KEYS });
    open.push(store);
    expect(store).to.be.instanceOf(LowdbFilingStore);
    expect((store as LowdbFilingStore).path).to.equal(path);
    await store.submit(aFiling());
    expect(Object.keys(onDisk(path).filings)).to.have.length(1);
  });

  it('defaults to ./data/filings.json in the working directory', () => {
    const store = new LowdbFilingStore({ keys: TEST_KEYS });
    try {
      expect(store.path).to.equal(join(process.cwd(), 'data', 'filings.json'));
    } finally {
      void store.close();
    }
  });
});
