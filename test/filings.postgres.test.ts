import { expect } from 'chai';
import pg from 'pg';
import {
  createFilingStore,
  FilingStoreError,
  FilingStoreUnavailableError,
  LowdbFilingStore,
  newReference,
  PostgresFilingStore,
  FILINGS_SCHEMA_VERSION,
  type FilingStore,
  type PostgresFilingStoreOptions,
} from '../src/filings/index.js';
import { StoreUnavailableError } from '../src/state/errors.js';
import { aFiling, filingStoreContract } from './filings.store-contract.js';
import { OLD_TEST_DATA_KEY, TEST_DATA_KEY, TEST_KEYS } from './support/keys.js';
import { DataKeyRing } from '../src/privacy/data-keys.js';
import { DataKeyError } from '../src/privacy/field-cipher.js';
import { FILINGS_TEST_URL, PasswordRefusingServer, TestSchema } from './support/postgres.js';

/**
 * PostgresFilingStore against a real PostgreSQL (FILINGS_TEST_URL, default
 * postgres://postgres@127.0.0.1:5432/test). Everything this run makes lives in a schema of its own,
 * dropped at the end; each store of the contract suite gets a fresh table in it.
 */
const schema = new TestSchema('filings');
let n = 0;
const freshTable = () => `filings_${++n}`;

describe('PostgresFilingStore on a real PostgreSQL', () => {
  before(async function () {
    this.timeout(15_000);
    await schema.create();
  });
  after(async () => {
    await schema.drop();
  });

  // The contract's 1,000 simultaneous submits queue for the pool's 10 connections: on a loaded machine the
  // last ones wait longer than the default 3 s for a connection, which is not what the contract is about.
  filingStoreContract('PostgresFilingStore', (options) =>
    PostgresFilingStore.open({ ...options, keys: options?.keys ?? TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table: freshTable(), connectionTimeoutMs: 30_000 }),
  );

  describe('PostgresFilingStore: one table shared by several instances', function () {
    this.timeout(20_000);
    const open: FilingStore[] = [];
    /** One store = one pool = one app instance. */
    const instance = async (table: string, options: Partial<PostgresFilingStoreOptions> = {}) => {
      const store = await PostgresFilingStore.open({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table, ...options });
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('creates its table on first use: reference the primary key, the idempotency key unique, the filing as jsonb, sealed under key_id, found by person_id_hash', async () => {
      const table = freshTable();
      await instance(table);
      const columns = await schema.rows<{ column_name: string; data_type: string; is_nullable: string }>(
        'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [schema.name, table],
      );
      expect(columns.map((c) => [c.column_name, c.data_type])).to.deep.equal([
        ['reference', 'text'],
        ['idempotency_key', 'text'],
        ['status', 'text'],
        ['created_at', 'timestamp with time zone'],
        ['updated_at', 'timestamp with time zone'],
        ['profile_id', 'text'],
        ['profile_version', 'text'],
        ['category', 'text'],
        ['filing', 'jsonb'],
        ['key_id', 'text'],
        ['person_id_hash', 'text'],
        ['history', 'jsonb'],
        ['replaces', 'text'],
        ['replaced_by', 'text'],
        ['origin', 'text'],
      ]);
      expect(columns.filter((c) => c.is_nullable === 'YES').map((c) => c.column_name)).to.deep.equal(['person_id_hash', 'replaces', 'replaced_by', 'origin']);
      expect(await schema.rows(`SELECT table_name, version FROM "${schema.name}".schema_versions WHERE table_name = $1`, [table])).to.deep.equal([
        { table_name: table, version: FILINGS_SCHEMA_VERSION },
      ]);
      const indexes = await schema.rows<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [schema.name, table]);
      expect(indexes.map((i) => i.indexdef).join('\n')).to.include('(person_id_hash)');
      const constraints = await schema.rows<{ contype: string; columns: string }>(
        `SELECT c.contype, string_agg(a.attname, ',') AS columns
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
          WHERE c.conrelid = $1::regclass AND c.contype IN ('p', 'u') GROUP BY c.oid, c.contype ORDER BY c.contype`,
        [`${schema.name}.${table}`],
      );
      expect(constraints).to.deep.equal([
        { contype: 'p', columns: 'reference' },
        { contype: 'u', columns: 'idempotency_key' },
      ]);
    });

    it('ten instances starting at once on a new table all come up, and the table is made once', async () => {
      const table = freshTable();
      const stores = await Promise.all(Array.from({ length: 10 }, () => instance(table, { poolSize: 2 })));
      expect(await Promise.all(stores.map((s) => s.ping()))).to.deep.equal(Array(10).fill(true));
      const tables = await schema.rows('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema.name, table]);
      expect(tables).to.have.length(1);
    });

    it('two instances submitting the same idempotency key at the same moment store one filing', async () => {
      const table = freshTable();
      const [a, b] = [await instance(table), await instance(table)];
      for (let round = 0; round < 20; round++) {
        const key = `conv-race-${round}:submit`;
        // Each instance submits a few times, as a retried or double-clicked submit would.
        const results = await Promise.all([a, b, a, b].map((store, i) => store.submit(aFiling({ idempotencyKey: key, category: `CAT_${i}` }))));
        expect(results.filter((r) => r.created), `round ${round}`).to.have.length(1);
        expect(new Set(results.map((r) => r.stored.reference)).size).to.equal(1);
        const rows = await schema.rows(`SELECT reference FROM "${schema.name}"."${table}" WHERE idempotency_key = $1`, [key]);
        expect(rows).to.have.length(1);
      }
    });

    it('a filing submitted through one instance is found, moved on and recognised as a repeat by the other', async () => {
      const table = freshTable();
      const [a, b] = [await instance(table), await instance(table)];
      const input = aFiling({ idempotencyKey: 'conv-across:submit' });
      const { stored } = await a.submit(input);
      expect(await b.get(stored.reference.toLowerCase())).to.deep.equal(stored);
      const again = await b.submit(input);
      expect(again).to.deep.equal({ stored, created: false });
      await b.setStatus(stored.reference, 'EFFECTIVE');
      expect((await a.get(stored.reference))?.status).to.equal('EFFECTIVE');
    });

    it('has the filing committed by the time submit resolves: another connection reads it at once', async () => {
      const table = freshTable();
      const store = await instance(table);
      const input = aFiling();
      const { stored } = await store.submit(input);
      const rows = await schema.rows<{ status: string; idempotency_key: string; filing: Record<string, unknown>; created_at: Date }>(
        `SELECT status, idempotency_key, filing, created_at FROM "${schema.name}"."${table}" WHERE reference = $1`,
        [stored.reference],
      );
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({ status: 'SUBMITTED', idempotency_key: input.idempotencyKey });
      expect(rows[0]!.filing['destination']).to.deep.equal(input.filing['destination']);
      expect(rows[0]!.created_at.toISOString()).to.equal(stored.createdAt);
    });

    describe('personal data sealed in the rows; the schema version and its migrations', () => {
      const PERSONAL = ['张三', '11010519491231002X', '13800000000', '李四', '110101199003074514', '13912345678', '上海市徐汇区宜山路600号'];
      const personal = (key = `conv-${Math.random()}:submit`) =>
        aFiling({
          idempotencyKey: key,
          filing: {
            person: { name: '张三', idNumber: '11010519491231002X', phone: '13800000000' },
            agent: { name: '李四', idNumber: '110101199003074514', phone: '13912345678', relationship: 'CHILD' },
            address: '上海市徐汇区宜山路600号',
            startDate: '2026-12-01',
          },
        });
      const rowsOf = (table: string) =>
        schema.rows<{ reference: string; filing: Record<string, unknown>; text: string; key_id: string | null; person_id_hash: string | null }>(
          `SELECT reference, filing, filing::text AS text, key_id, person_id_hash FROM "${schema.name}"."${table}" ORDER BY reference`,
        );

      it('rows hold no ID number, phone, name or address in clear: sealed values, the key id, a keyed hash of the ID', async () => {
        const table = freshTable();
        const store = await instance(table);
        const { stored } = await store.submit(personal());
        const [row] = await rowsOf(table);
        for (const value of PERSONAL) expect(row!.text, value).to.not.include(value);
        expect(row!.filing['startDate']).to.equal('2026-12-01');
        expect(row!.key_id).to.equal(TEST_KEYS.current.id);
        expect(row!.person_id_hash).to.match(/^[\w-]{8}:[\w-]{43}$/);
        const all = await schema.rows<{ all: string }>(`SELECT string_agg(t::text, ' ') AS all FROM "${schema.name}"."${table}" t`);
        for (const value of PERSONAL) expect(all[0]!.all, value).to.not.include(value);
        expect((await store.get(stored.reference))?.filing).to.deep.equal(personal().filing);
      });

      it('migrates a table made before schema versions (rows in clear): seals every row, records version 2, finds by ID number', async () => {
        const table = freshTable();
        const q = `"${schema.name}"."${table}"`;
        // The table exactly as the first release made it, with filings in clear.
        await schema.rows(`CREATE TABLE ${q} (
          reference text PRIMARY KEY, idempotency_key text NOT NULL UNIQUE,
          status text NOT NULL CHECK (status IN ('SUBMITTED', 'EFFECTIVE', 'REJECTED', 'CHANGED', 'CANCELLED', 'EXPIRED')),
          created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, profile_id text NOT NULL,
          profile_version text NOT NULL, category text NOT NULL, filing jsonb NOT NULL)`);
        const references: string[] = [];
        for (let i = 0; i < 1203; i++) {
          const reference = newReference(new Date(Date.UTC(2026, 10, 1 + (i % 20), 2)));
          if (references.includes(reference)) continue;
          references.push(reference);
          const input = personal(`old-${i}:submit`);
          await schema.rows(`INSERT INTO ${q} VALUES ($1, $2, 'SUBMITTED', now(), now(), 'rizhao', '2026.1', 'LT_RESIDENT', $3)`, [reference, input.idempotencyKey, JSON.stringify(input.filing)]);
        }
        // Several instances start at once on it: one migrates, the others wait and find it done.
        const stores = await Promise.all(Array.from({ length: 4 }, () => instance(table, { poolSize: 2 })));
        const rows = await rowsOf(table);
        expect(rows).to.have.length(references.length);
        for (const row of rows) {
          for (const value of PERSONAL) expect(row.text, value).to.not.include(value);
          expect(row.key_id).to.equal(TEST_KEYS.current.id);
        }
        expect(await schema.rows(`SELECT version FROM "${schema.name}".schema_versions WHERE table_name = $1`, [table])).to.deep.equal([{ version: FILINGS_SCHEMA_VERSION }]);
        expect((await stores[1]!.get(references[7]!))?.filing).to.deep.equal(personal().filing);
        expect(await stores[2]!.findByIdNumber('11010519491231002X')).to.have.length(references.length);
        expect(await stores[3]!.reseal()).to.equal(0);
      });

      it('migrates a version 2 table to version 3: history (empty for old rows), replacement, origin and the outbox; reasons and origin sealed', async () => {
        const table = freshTable();
        const q = `"${schema.name}"."${table}"`;
        const made = await instance(table);
        const { stored: old } = await made.submit(personal());
        await made.close();
        // Back to exactly what version 2 had: its columns, no outbox, version 2 recorded.
        await schema.rows(`ALTER TABLE ${q} DROP COLUMN history, DROP COLUMN replaces, DROP COLUMN replaced_by, DROP COLUMN origin`);
        await schema.rows(`DROP TABLE "${schema.name}"."${table}_notices"`);
        await schema.rows(`UPDATE "${schema.name}".schema_versions SET version = 2 WHERE table_name = $1`, [table]);
        const [a, b] = await Promise.all([instance(table), instance(table)]);
        expect(await schema.rows(`SELECT version FROM "${schema.name}".schema_versions WHERE table_name = $1`, [table])).to.deep.equal([{ version: 3 }]);
        expect((await a!.get(old.reference))?.history).to.deep.equal([]);
        expect((await a!.get(old.reference))?.filing).to.deep.equal(personal().filing);
        await b!.setStatus(old.reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'staff' }, reason: '审核通过：张三' });
        const origin = { channel: 'webchat', conversation: { id: 'conversation-secret-7' } };
        const { stored } = await a!.submit({ ...personal(), replaces: old.reference, origin });
        expect(await a!.get(old.reference)).to.deep.include({ status: 'CHANGED', replacedBy: stored.reference });
        // The replacement is in force as the old one was: the agency may still end it, with a reason.
        await a!.setStatus(stored.reference, 'CANCELLED', { actor: { kind: 'agency' }, reason: '缺少材料' });
        expect((await b!.claimNotices('w', 10, 1000)).map((n) => n.id)).to.deep.equal([`${stored.reference}:STATUS:CANCELLED`]);
        const all = await schema.rows<{ all: string }>(`SELECT string_agg(t::text, ' ') AS all FROM ${q} t`);
        for (const value of ['conversation-secret-7', '缺少材料', '审核通过', ...PERSONAL]) expect(all[0]!.all, value).to.not.include(value);
      });

      it('after a key rotation every instance reads both keys; reseal() moves rows to the new key and lookups keep working', async () => {
        const table = freshTable();
        const before = await instance(table, { keys: DataKeyRing.fromText(OLD_TEST_DATA_KEY) });
        const origin = { channel: 'webchat', conversation: { id: 'c-rotated' } };
        const filed = await Promise.all(Array.from({ length: 3 }, () => before.submit({ ...personal(), origin })));
        await before.setStatus(filed[0]!.stored.reference, 'REJECTED', { actor: { kind: 'agency' }, reason: '旧密钥下的原因' });
        const rotated = DataKeyRing.fromText(TEST_DATA_KEY, [OLD_TEST_DATA_KEY]);
        const [a, b] = [await instance(table, { keys: rotated }), await instance(table, { keys: rotated })];
        const newer = await a.submit(personal());
        expect((await b.findByIdNumber('11010519491231002X')).map((f) => f.reference).sort()).to.deep.equal([...filed.map((f) => f.stored.reference), newer.stored.reference].sort());
        // Two instances reseal at once: each row moves once.
        const counts = await Promise.all([a.reseal(), b.reseal()]);
        expect(counts[0] + counts[1]).to.equal(3);
        expect(new Set((await rowsOf(table)).map((r) => r.key_id))).to.deep.equal(new Set([TEST_KEYS.current.id]));
        const after = await instance(table, { keys: TEST_KEYS });
        expect((await after.get(filed[0]!.stored.reference))?.filing).to.deep.equal(personal().filing);
        // The reasons in the history and where notices go moved to the new key with the rest.
        expect((await after.get(filed[0]!.stored.reference))?.history.at(-1)?.reason).to.equal('旧密钥下的原因');
        expect((await after.get(filed[1]!.stored.reference))?.origin).to.deep.equal(origin);
        expect(await after.findByIdNumber('11010519491231002X')).to.have.length(4);
      });

      it('without the key a row was sealed with, refuses to read it and names the key id, never a value', async () => {
        const table = freshTable();
        const before = await instance(table, { keys: DataKeyRing.fromText(OLD_TEST_DATA_KEY) });
        const { stored } = await before.submit(personal());
        const store = await instance(table);
        const err = (await store.get(stored.reference).catch((e: unknown) => e)) as DataKeyError;
        expect(err).to.be.instanceOf(DataKeyError);
        expect(err.code).to.equal('UNKNOWN_KEY');
        for (const value of PERSONAL) expect(err.message).to.not.include(value);
      });
    });

    it('keeps filing contents out of the error when PostgreSQL refuses the text (a NUL character): BAD_INPUT', async () => {
      const store = await instance(freshTable());
      const err = (await store.submit(aFiling({ filing: { idNumber: '11010519491231002X', note: 'a\u0000b' } })).catch((e: unknown) => e)) as FilingStoreError;
      expect(err).to.be.instanceOf(FilingStoreError);
      expect(err.code).to.equal('BAD_INPUT');
      for (const text of [err.message, String(err.stack), JSON.stringify(err), String(err.cause ?? '')]) expect(text).to.not.include('11010519491231002X');
    });

    it('a statement that waits too long ends with a timeout error, and ping answers false rather than hang', async () => {
      const table = freshTable();
      const store = await instance(table, { statementTimeoutMs: 300, pingTimeoutMs: 300 });
      // Another session holds the whole table.
      const blocker = new pg.Client({ connectionString: FILINGS_TEST_URL });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(`LOCK TABLE "${schema.name}"."${table}" IN ACCESS EXCLUSIVE MODE`);
        const started = Date.now();
        const err = (await store.submit(aFiling()).catch((e: unknown) => e)) as FilingStoreUnavailableError;
        expect(err).to.be.instanceOf(FilingStoreUnavailableError).and.instanceOf(StoreUnavailableError);
        expect(err).to.deep.include({ fault: 'timeout', sqlState: '57014' });
        expect(Date.now() - started).to.be.below(2_000);
      } finally {
        await blocker.query('ROLLBACK');
        await blocker.end();
      }
      expect(await store.ping()).to.equal(true);
    });

    it('refuses a table or schema name that is not a plain identifier', () => {
      expect(() => new PostgresFilingStore({ keys: TEST_KEYS, url: FILINGS_TEST_URL, table: 'filings; DROP TABLE x' })).to.throw(FilingStoreError).with.property('code', 'BAD_INPUT');
      expect(() => new PostgresFilingStore({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: 'Public"' })).to.throw(FilingStoreError);
    });

    it('createFilingStore gives a PostgreSQL store for a URL, a lowdb store without', async () => {
      const store = createFilingStore({ url: schema.url, path: '/nonexistent/never-used.json', keys: TEST_KEYS });
      open.push(store);
      expect(store).to.be.instanceOf(PostgresFilingStore);
      expect(await store.ping()).to.equal(true); // creates `filings` in the search_path schema of the URL
      const { stored } = await store.submit(aFiling());
      expect(await schema.rows(`SELECT 1 FROM "${schema.name}".filings WHERE reference = $1`, [stored.reference])).to.have.length(1);
      const lowdb = createFilingStore({ path: '/tmp/never-opened-filings.json', keys: TEST_KEYS });
      expect(lowdb).to.be.instanceOf(LowdbFilingStore);
      await lowdb.close();
    });
  });

  describe('PostgresFilingStore: a database it cannot use', function () {
    this.timeout(20_000);
    const PASSWORD = 'S3cret-pa55word';
    const leaks = (err: unknown): string[] => {
      const e = err as Error;
      return [e.message, String(e.stack), JSON.stringify(e), String(e.cause ?? '')].filter((t) => t.includes(PASSWORD) || t.includes(encodeURIComponent(PASSWORD)));
    };

    it('an unreachable server: ping is false, and a submit fails with a clear error that has no password', async () => {
      const store = new PostgresFilingStore({ keys: TEST_KEYS, url: `postgres://beian:${PASSWORD}@127.0.0.1:1/beian`, connectionTimeoutMs: 1_000 });
      try {
        expect(await store.ping()).to.equal(false);
        const err = (await store.submit(aFiling()).catch((e: unknown) => e)) as FilingStoreUnavailableError;
        expect(err).to.be.instanceOf(FilingStoreUnavailableError);
        expect(err.message).to.match(/^filing store \(PostgreSQL\) unavailable during \w+ \(not-connected\): .*ECONNREFUSED/);
        expect(leaks(err)).to.deep.equal([]);
        expect(await store.get(newReference()).catch((e: unknown) => e)).to.be.instanceOf(StoreUnavailableError);
      } finally {
        await store.close();
      }
    });

    it('a wrong password: ping is false, and the error says authentication failed, without the password', async () => {
      const server = new PasswordRefusingServer();
      const port = await server.start();
      const store = new PostgresFilingStore({ keys: TEST_KEYS, url: `postgresql://beian:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/beian` });
      try {
        expect(await store.ping()).to.equal(false);
        const err = (await store.submit(aFiling()).catch((e: unknown) => e)) as FilingStoreUnavailableError;
        expect(err).to.be.instanceOf(FilingStoreUnavailableError);
        expect(err.sqlState).to.equal('28P01');
        expect(err.message).to.include('password authentication failed for user "beian"');
        expect(leaks(err)).to.deep.equal([]);
        expect(server.passwordsReceived, 'the password was really sent, and refused').to.include(PASSWORD);
      } finally {
        await store.close();
        await server.stop();
      }
    });

    it('a role the real server does not know: ping is false, the error names the cause, not the password', async () => {
      const url = new URL(FILINGS_TEST_URL);
      url.username = `nobody_${process.pid}`;
      url.password = PASSWORD;
      const store = new PostgresFilingStore({ keys: TEST_KEYS, url: url.toString() });
      try {
        expect(await store.ping()).to.equal(false);
        const err = (await store.get(newReference()).catch((e: unknown) => e)) as FilingStoreUnavailableError;
        expect(err.sqlState).to.match(/^28/);
        expect(err.message).to.include(`nobody_${process.pid}`);
        expect(leaks(err)).to.deep.equal([]);
      } finally {
        await store.close();
      }
    });

    it('tries a failed start again on the next call (here: the schema lock held past the statement timeout)', async () => {
      const table = 'filings_retry';
      const blocker = new pg.Client({ connectionString: FILINGS_TEST_URL });
      await blocker.connect();
      const store = new PostgresFilingStore({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table, statementTimeoutMs: 300, pingTimeoutMs: 2_000 });
      try {
        // Hold the schema-creation lock the store needs, so its first start times out.
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['yidi-beian:filings-schema', `${schema.name}.${table}`]);
        expect(await store.ping()).to.equal(false);
        await blocker.query('ROLLBACK');
        expect(await store.ping()).to.equal(true);
        expect((await store.submit(aFiling())).created).to.equal(true);
      } finally {
        await blocker.end();
        await store.close();
      }
    });

    it('close() lets a submit under way finish all its statements, then refuses new calls', async () => {
      const store = await PostgresFilingStore.open({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table: 'filings_close' });
      const submits = Array.from({ length: 5 }, () => store.submit(aFiling()));
      const closing = store.close();
      const results = await Promise.allSettled(submits);
      expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      await closing;
      expect(((await store.submit(aFiling()).catch((e: unknown) => e)) as FilingStoreError).code).to.equal('CLOSED');
      const rows = await schema.rows(`SELECT reference FROM "${schema.name}".filings_close`);
      expect(rows).to.have.length(5);
    });

    it('a connection lost while it creates its table (database restart) fails that start, without crashing the process', async () => {
      const table = 'filings_lost';
      const uncaught: unknown[] = [];
      const onUncaught = (err: unknown) => uncaught.push(err);
      process.on('uncaughtException', onUncaught);
      const blocker = new pg.Client({ connectionString: FILINGS_TEST_URL });
      const admin = new pg.Client({ connectionString: FILINGS_TEST_URL });
      await Promise.all([blocker.connect(), admin.connect()]);
      const store = new PostgresFilingStore({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table, pingTimeoutMs: 5_000 });
      try {
        // The store waits for the schema lock; its connection is then cut, as a restart would.
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['yidi-beian:filings-schema', `${schema.name}.${table}`]);
        const pinged = store.ping();
        let waiting = 0;
        for (let i = 0; i < 50 && waiting === 0; i += 1) {
          await new Promise((r) => setTimeout(r, 50));
          waiting = (await admin.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'yidi-beian-filings' AND wait_event_type = 'Lock'")).rowCount ?? 0;
        }
        expect(waiting, 'the store waits for the schema lock').to.equal(1);
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'yidi-beian-filings'");
        expect(await pinged).to.equal(false);
        await new Promise((r) => setTimeout(r, 200));
        expect(uncaught).to.deep.equal([]);
        await blocker.query('ROLLBACK');
        expect(await store.ping(), 'the next call starts again').to.equal(true);
      } finally {
        process.off('uncaughtException', onUncaught);
        await Promise.all([blocker.end(), admin.end()]);
        await store.close();
      }
    });
  });
});
