import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilingStore, FilingStoreError, LowdbFilingStore, type FilingStore } from '../src/filings/index.js';
import { aFiling, filingStoreContract, manualClock } from './filings.store-contract.js';

const root = mkdtempSync(join(tmpdir(), 'filings-lowdb-'));
let n = 0;
const freshPath = () => join(root, `run-${++n}`, 'data', 'filings.json');
const onDisk = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { schemaVersion: number; filings: Record<string, { status: string; idempotencyKey: string }> };
const mode = (path: string) => statSync(path).mode & 0o777;

after(() => rmSync(root, { recursive: true, force: true }));

filingStoreContract('LowdbFilingStore', (options) => LowdbFilingStore.open({ ...options, path: freshPath() }));

describe('LowdbFilingStore: the filings file', () => {
  const open: FilingStore[] = [];
  const openAt = async (path: string, options = {}) => {
    const s = await LowdbFilingStore.open({ ...options, path });
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
    expect(onDisk(path)).to.deep.equal({ schemaVersion: 1, filings: {} });
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
    const first = await LowdbFilingStore.open({ path, now: clock.now });
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

  it('close waits for writes still under way', async () => {
    const path = freshPath();
    const store = await LowdbFilingStore.open({ path });
    const pending = Array.from({ length: 10 }, () => store.submit(aFiling()));
    await store.close();
    const results = await Promise.all(pending);
    expect(Object.keys(onDisk(path).filings)).to.have.members(results.map((r) => r.stored.reference));
  });

  it('refuses a second store on the same file in this process, and allows it once the first is closed', async () => {
    const path = freshPath();
    const first = await LowdbFilingStore.open({ path });
    expect(() => new LowdbFilingStore({ path })).to.throw(FilingStoreError).with.property('code', 'ALREADY_OPEN');
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
      const err = (await LowdbFilingStore.open({ path }).catch((e: unknown) => e)) as FilingStoreError;
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
    const store = new LowdbFilingStore({ path });
    expect(await store.ping()).to.equal(false);
    const err = await store.submit(aFiling()).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    await store.close();
  });

  it('tries again on the next call after the file could not be opened', async () => {
    const path = freshPath();
    mkdirSync(path, { recursive: true }); // a folder where the file should be
    const store = new LowdbFilingStore({ path });
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
    const store = createFilingStore({ path });
    open.push(store);
    expect(store).to.be.instanceOf(LowdbFilingStore);
    expect((store as LowdbFilingStore).path).to.equal(path);
    await store.submit(aFiling());
    expect(Object.keys(onDisk(path).filings)).to.have.length(1);
  });

  it('defaults to ./data/filings.json in the working directory', () => {
    const store = new LowdbFilingStore();
    try {
      expect(store.path).to.equal(join(process.cwd(), 'data', 'filings.json'));
    } finally {
      void store.close();
    }
  });
});
