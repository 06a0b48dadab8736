/**
 * `npm run bench -- --filings [N]`: the filing stores at 0 and N stored filings (default 100,000): p50/p99
 * of submit, of get by reference and of findByIdNumber, on the default lowdb file and on PostgreSQL
 * (FILINGS_TEST_URL or FILINGS_URL, in a schema of its own, dropped afterwards). The stored filings are
 * copies of one real filing (made by the app for a whole conversation), each with its own reference,
 * idempotency key and ID-number hash (the measured submits are other people's; findByIdNumber finds one), written straight into the file or the table (the stores' own submit
 * would take hours for the file at that size); the measured calls go through the store API.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { FilingStore, StoredFiling, SubmitInput } from '../src/filings/filing-store.js';
import { LowdbFilingStore, newReference, PostgresFilingStore } from '../src/filings/index.js';
import type { DataKeyRing } from '../src/privacy/data-keys.js';
import { residentIdCheckChar } from '../src/domain/resident-id.js';
import { percentile } from './compare.js';

type Sample = StoredFiling<Record<string, unknown>>;

const ID_NUMBER = '11010519491231002X';

interface Timing {
  p50: number;
  p99: number;
  n: number;
}

async function timed(n: number, call: (i: number) => Promise<unknown>): Promise<Timing> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), n };
}

/** A valid resident ID number of someone else for every n (so each submit is another person's filing). */
const otherIdNumber = (n: number): string => {
  const first17 = `110105${19500101 + (n % 28)}${String(n % 1000).padStart(3, '0')}`.slice(0, 17);
  return first17 + residentIdCheckChar(first17);
};

/** The sample filing under another key, as person `n` (undefined: the sample's own person). */
const inputOf = (sample: Sample, key: string, n?: number): SubmitInput<Record<string, unknown>> => {
  const filing = structuredClone(sample.filing) as { person?: { idNumber?: string } };
  if (n !== undefined && filing.person) filing.person.idNumber = otherIdNumber(n);
  return { idempotencyKey: key, category: sample.category, profileId: sample.profileId, profileVersion: sample.profileVersion, filing: filing as Record<string, unknown> };
};

/** What one store does at one size. */
interface Row {
  store: string;
  stored: number;
  submit: Timing;
  get: Timing;
  find: Timing;
  openMs: number;
}

/**
 * Submits `calls` filings of other people, then gets them by reference and finds the sample's person (one
 * filing: the seed) by ID number. With 0 stored, the seed is submitted first.
 */
async function measure(store: FilingStore<Record<string, unknown>>, sample: Sample, label: string, stored: number, openMs: number, calls: number): Promise<Row> {
  const run = randomBytes(3).toString('hex');
  if (stored === 0) await store.submit(inputOf(sample, 'seed'));
  const refs: string[] = [];
  const submit = await timed(calls, async (i) => refs.push((await store.submit(inputOf(sample, `bench-${run}-${i}`, i))).stored.reference));
  const get = await timed(calls * 2, (i) => store.get(refs[i % refs.length]!));
  const find = await timed(calls * 2, async () => {
    if ((await store.findByIdNumber(ID_NUMBER)).length !== 1) throw new Error('findByIdNumber did not find the one filing of the person');
  });
  return { store: label, stored, submit, get, find, openMs };
}

/** Writes `count` copies of the file's one filing into a lowdb file (each its own reference, key and ID hash). */
function fillFile(path: string, count: number): void {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { filings: Record<string, Record<string, unknown>> };
  const [original] = Object.values(data.filings);
  if (!original) throw new Error('no filing in the file to copy');
  for (let i = 0; i < count; i++) {
    const reference = newReference();
    data.filings[reference] = { ...original, reference, idempotencyKey: `fill-${i}`, personIdHash: randomBytes(32).toString('base64url') };
  }
  writeFileSync(path, JSON.stringify(data), { mode: 0o600 });
}

async function lowdbRows(sample: Sample, keys: DataKeyRing, sizes: number[], calls: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-filings-'));
    const path = join(dir, 'filings.json');
    try {
      if (size > 0) {
        const seed = new LowdbFilingStore<Record<string, unknown>>({ path, keys });
        await seed.submit(inputOf(sample, 'seed'));
        await seed.close();
        fillFile(path, size - 1);
      }
      const t0 = performance.now();
      const store = new LowdbFilingStore<Record<string, unknown>>({ path, keys });
      await store.ping();
      const openMs = performance.now() - t0;
      rows.push(await measure(store, sample, 'lowdb (file)', size, openMs, size > 0 ? Math.max(5, Math.round(calls / 5)) : calls));
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

async function postgresRows(url: string, sample: Sample, keys: DataKeyRing, sizes: number[], calls: number): Promise<Row[]> {
  const rows: Row[] = [];
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const size of sizes) {
      const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
      const store = new PostgresFilingStore<Record<string, unknown>>({ url, keys, schema });
      try {
        if (size > 0) {
          await store.submit(inputOf(sample, 'seed'));
          const { rows: columns } = await admin.query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'filings' ORDER BY ordinal_position`,
            [schema],
          );
          const copy = columns.map(({ column_name: c }) =>
            c === 'reference'
              ? `'YDBENCH' || lpad(g::text, 9, '0')`
              : c === 'idempotency_key'
                ? `'fill-' || g`
                : c === 'person_id_hash'
                  ? `md5(g::text)`
                  : `"${c}"`,
          );
          await admin.query(
            `INSERT INTO "${schema}".filings (${columns.map((c) => `"${c.column_name}"`).join(', ')})
             SELECT ${copy.join(', ')} FROM "${schema}".filings, generate_series(1, ${size - 1}) AS g WHERE idempotency_key = 'seed'`,
          );
          await admin.query(`ANALYZE "${schema}".filings`);
        }
        rows.push(await measure(store, sample, 'PostgreSQL', size, NaN, calls));
      } finally {
        await store.close();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    }
  } finally {
    await admin.end();
  }
  return rows;
}

const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-');

/** Runs the filing store measurements and returns the table. */
export async function filingsBench(options: { sample: Sample; keys: DataKeyRing; stored: number; postgresUrl?: string; calls?: number }): Promise<string> {
  const sizes = [0, options.stored];
  const calls = options.calls ?? 100;
  const rows = await lowdbRows(options.sample, options.keys, sizes, calls);
  const notes: string[] = [];
  if (options.postgresUrl) {
    try {
      rows.push(...(await postgresRows(options.postgresUrl, options.sample, options.keys, sizes, calls)));
    } catch (error) {
      notes.push(`PostgreSQL not measured: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else notes.push('PostgreSQL not measured: set FILINGS_TEST_URL (or FILINGS_URL) to a database the bench may create a schema in.');
  const header = '| filing store | stored before | open ms | submit p50 / p99 ms | get by reference p50 / p99 ms | findByIdNumber p50 / p99 ms | calls |';
  const lines = rows.map(
    (r) =>
      `| ${r.store} | ${r.stored} | ${fmt(r.openMs)} | ${fmt(r.submit.p50)} / ${fmt(r.submit.p99)} | ${fmt(r.get.p50)} / ${fmt(r.get.p99)} | ${fmt(r.find.p50)} / ${fmt(r.find.p99)} | ${r.submit.n} submits, ${r.get.n} of each lookup |`,
  );
  return [header, '|---|---|---|---|---|---|---|', ...lines, ...notes].join('\n');
}
