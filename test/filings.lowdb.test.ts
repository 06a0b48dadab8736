import { expect } from 'chai';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { createFilingStore, FilingStoreError, LowdbFilingStore, newReference, type FilingStore } from '../src/filings/index.js';
import type { LowdbFilingStoreOptions } from '../src/filings/lowdb-store.js';
import { aFiling, filingStoreContract, manualClock } from './filings.store-contract.js';
import { OLD_TEST_DATA_KEY, TEST_DATA_KEY, TEST_KEYS } from './support/keys.js';
import { DataKeyRing } from '../src/privacy/data-keys.js';
import { DataKeyError } from '../src/privacy/field-cipher.js';

const root = mkdtempSync(join(tmpdir(), 'filings-lowdb-'));
let n = 0;
const freshPath = () => join(root, `run-${++n}`, 'data', 'filings.json');
/** What a restart would read: the file, with the journal's complete lines applied over it. */
function merged(path: string): { schemaVersion: number; filings: Record<string, unknown>; notices: Record<string, unknown> } {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { schemaVersion: number; filings: Record<string, unknown>; notices: Record<string, unknown> };
  const journal = existsSync(`${path}.journal`) ? readFileSync(`${path}.journal`, 'utf8') : '';
  for (const line of journal.split('\n').slice(0, -1)) {
    const entry = JSON.parse(line) as { filings: Record<string, unknown>; notices: Record<string, unknown> };
    Object.assign(data.filings, entry.filings);
    Object.assign((data.notices ??= {}), entry.notices);
  }
  return data;
}
/** Everything the store keeps on disk, as text. */
const textOnDisk = (path: string) => readFileSync(path, 'utf8') + (existsSync(`${path}.journal`) ? readFileSync(`${path}.journal`, 'utf8') : '');
const onDisk = (path: string) => merged(path) as { schemaVersion: number; filings: Record<string, { status: string; idempotencyKey: string }> };
const mode = (path: string) => statSync(path).mode & 0o777;

after(() => rmSync(root, { recursive: true, force: true }));

filingStoreContract('LowdbFilingStore', (options) => LowdbFilingStore.open({ ...options, keys: options?.keys ?? TEST_KEYS, path: freshPath() }));
filingStoreContract('LowdbFilingStore folding its journal into the file at every write', (options) =>
  LowdbFilingStore.open({ ...options, keys: options?.keys ?? TEST_KEYS, path: freshPath(), compactAtBytes: 1 }),
);

describe('LowdbFilingStore: the journal beside the file', () => {
  const open: FilingStore[] = [];
  const openAt = async (path: string, options: Partial<LowdbFilingStoreOptions> = {}) => {
    const s = await LowdbFilingStore.open({ keys: TEST_KEYS, ...options, path });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const origin = { channel: 'webchat', conversation: { id: 'c-journal' } };
  /** The disk as a crash would leave it: the file and the journal copied elsewhere while the store is still open. */
  const crashCopy = (path: string, journal = readFileSync(`${path}.journal`)) => {
    const copy = freshPath();
    mkdirSync(join(copy, '..'), { recursive: true });
    copyFileSync(path, copy);
    writeFileSync(`${copy}.journal`, journal);
    return copy;
  };

  /** A store with a filing approved (a notice claimed), a change of it, and another filing. */
  async function history(path: string, options: Partial<LowdbFilingStoreOptions> = {}) {
    const clock = manualClock('2026-11-24T02:00:00.000Z');
    const store = await openAt(path, { now: clock.now, ...options });
    const a = (await store.submit(aFiling({ origin, idempotencyKey: 'conv-j:a' }))).stored;
    await store.setStatus(a.reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'desk' }, requestId: 'r-1' });
    const [notice] = await store.claimNotices('w1', 10, 60_000);
    const changed = (await store.submit(aFiling({ idempotencyKey: 'conv-j:change', replaces: a.reference }))).stored;
    const b = (await store.submit(aFiling({ idempotencyKey: 'conv-j:b' }))).stored;
    return { store, clock, a: (await store.get(a.reference))!, changed, b, notice: notice! };
  }

  it('writes a submit as one line in the journal, not the whole file; the file is left as it was', async () => {
    const path = freshPath();
    const store = await openAt(path);
    const before = readFileSync(path, 'utf8');
    const { stored } = await store.submit(aFiling());
    expect(readFileSync(path, 'utf8')).to.equal(before);
    const lines = readFileSync(`${path}.journal`, 'utf8').split('\n');
    expect(lines).to.have.length(2); // one line and its newline
    expect(Object.keys((JSON.parse(lines[0]!) as { filings: object }).filings)).to.deep.equal([stored.reference]);
  });

  it('after a crash (the journal never folded in) replays it: every filing, status, change, notice and idempotency key as acknowledged', async () => {
    const path = freshPath();
    const { clock, a, changed, b, notice } = await history(path);
    expect(readFileSync(`${path}.journal`, 'utf8').split('\n').length).to.be.greaterThan(3);
    const copy = crashCopy(path);
    const after = await openAt(copy, { now: clock.now });
    expect(await after.get(a.reference)).to.deep.equal(a);
    expect(await after.get(changed.reference)).to.deep.equal(changed);
    expect(await after.get(b.reference)).to.deep.equal(b);
    expect(a).to.include({ status: 'CHANGED', replacedBy: changed.reference });
    expect(await after.submit(aFiling({ idempotencyKey: 'conv-j:b' }))).to.deep.equal({ stored: b, created: false });
    expect((await after.findByIdNumber('11010519491231002X')).map((f) => f.reference)).to.include(b.reference);
    // The notice is still leased to w1 (not given to another) and w1 can settle it.
    expect(await after.claimNotices('w2', 10, 60_000)).to.deep.equal([]);
    expect(await after.markNoticeSent(notice.id, 'w1')).to.equal(true);
  });

  it('ignores a torn last line (a crash in the middle of an append), cuts it off, and appends cleanly after it', async () => {
    const path = freshPath();
    const { clock, a, b } = await history(path);
    const whole = readFileSync(`${path}.journal`);
    const torn = Buffer.concat([whole, Buffer.from('{"v":3,"filings":{"YD20261124-TORN00":{"reference":"YD2026')]);
    const copy = crashCopy(path, torn);
    const after = await openAt(copy, { now: clock.now });
    expect(await after.get(b.reference)).to.deep.equal(b);
    expect(statSync(`${copy}.journal`).size).to.equal(whole.length);
    const c = (await after.submit(aFiling())).stored;
    await after.close();
    const again = await openAt(copy, { now: clock.now });
    expect(await again.get(a.reference)).to.deep.equal(a);
    expect(await again.get(c.reference)).to.deep.equal(c);
  });

  it('ignores a last line of zeros (a crash that left the file longer than what was written)', async () => {
    const path = freshPath();
    const { clock, b } = await history(path);
    const copy = crashCopy(path, Buffer.concat([readFileSync(`${path}.journal`), Buffer.alloc(4096)]));
    expect(await (await openAt(copy, { now: clock.now })).get(b.reference)).to.deep.equal(b);
  });

  it('refuses a journal damaged before its last line, naming the line and never its contents', async () => {
    const path = freshPath();
    const { store } = await history(path);
    await store.submit(aFiling({ filing: { person: { name: '张三' } } }));
    const lines = readFileSync(`${path}.journal`, 'utf8').split('\n');
    lines[1] = lines[1]!.slice(0, 40);
    const copy = crashCopy(path, Buffer.from(lines.join('\n')));
    const err = (await LowdbFilingStore.open({ keys: TEST_KEYS, path: copy }).catch((e: unknown) => e)) as FilingStoreError;
    expect(err.code).to.equal('UNREADABLE_FILE');
    expect(err.message).to.include('line 2');
    expect(err.message).to.not.include('张三');
  });

  it('folds the journal into the file once it is as large as compactAtBytes says; a reopened store sees everything', async () => {
    const path = freshPath();
    const { clock, a, b } = await history(path, { compactAtBytes: 6_000 });
    const refs: string[] = [];
    let folded = false;
    const store = open[0]!;
    for (let i = 0; i < 30; i++) {
      refs.push((await store.submit(aFiling())).stored.reference);
      if (statSync(`${path}.journal`).size === 0) folded = true;
    }
    expect(folded, 'the journal was emptied into the file').to.equal(true);
    // Never much more than the file itself (or compactAtBytes): a line or so past the mark.
    expect(statSync(`${path}.journal`).size).to.be.lessThan(Math.max(6_000, statSync(path).size) + 4_000);
    const copy = crashCopy(path);
    const after = await openAt(copy, { now: clock.now });
    expect(await after.get(a.reference)).to.deep.equal(a);
    expect(await after.get(b.reference)).to.deep.equal(b);
    for (const ref of refs) expect(await after.get(ref), ref).to.not.equal(undefined);
  });

  it('a crash between writing the file and emptying the journal: replaying lines the file already holds changes nothing', async () => {
    const path = freshPath();
    const { store, clock, a, changed, b } = await history(path);
    await store.setStatus(b.reference, 'REJECTED', { actor: { kind: 'agency' }, reason: '材料不全' });
    const rejected = (await store.get(b.reference))!;
    const journal = readFileSync(`${path}.journal`);
    await store.close(); // folds the journal in
    expect(statSync(`${path}.journal`).size).to.equal(0);
    writeFileSync(`${path}.journal`, journal); // as if the journal had not been emptied
    const after = await openAt(path, { now: clock.now });
    expect(await after.get(a.reference)).to.deep.equal(a);
    expect(await after.get(changed.reference)).to.deep.equal(changed);
    expect(await after.get(b.reference)).to.deep.equal(rejected);
  });

  it('reseal() and close() leave everything in the file itself, the journal empty', async () => {
    const path = freshPath();
    const old = await LowdbFilingStore.open({ keys: DataKeyRing.fromText(OLD_TEST_DATA_KEY), path });
    const { stored } = await old.submit(aFiling());
    await old.close();
    expect(statSync(`${path}.journal`).size).to.equal(0);
    const rotated = await openAt(path, { keys: DataKeyRing.fromText(TEST_DATA_KEY, [OLD_TEST_DATA_KEY]) });
    expect(await rotated.reseal()).to.equal(1);
    expect(statSync(`${path}.journal`).size).to.equal(0);
    expect((JSON.parse(readFileSync(path, 'utf8')) as { filings: Record<string, { keyId: string }> }).filings[stored.reference]!.keyId).to.equal(TEST_KEYS.current.id);
  });
});

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
    expect(mode(`${path}.journal`)).to.equal(0o600);
    expect(readdirSync(join(path, '..')).filter((f) => f !== '.filings.json.tmp').sort()).to.deep.equal(['filings.json', 'filings.json.journal']);
    await store.close(); // the journal folded into the file, written over the temporary file
    expect(mode(path)).to.equal(0o600);
    expect(readdirSync(join(path, '..')).sort()).to.deep.equal(['filings.json', 'filings.json.journal']);
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
    const raw = (path: string) => merged(path) as { schemaVersion: number; filings: Record<string, RawRecord> };

    it('holds no ID number, phone, name or address in clear — one sealed envelope per filing, the key id and a keyed hash of the ID', async () => {
      const path = freshPath();
      const store = await openAt(path);
      const { stored } = await store.submit(personal());
      const text = textOnDisk(path);
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
      const text = textOnDisk(path);
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
      const text = textOnDisk(path);
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
