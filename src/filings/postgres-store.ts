import { DatabaseError, Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import { StoreUnavailableError, type StoreFault } from '../state/errors.js';
import type { DataKeyRing } from '../privacy/data-keys.js';
import { checkSubmitInput, MAX_REFERENCE_ATTEMPTS } from './ledger.js';
import { newReference, normalizeReference } from './reference.js';
import { FilingSealer } from './sealed-filing.js';
import {
  FILING_STATUSES,
  FilingStoreError,
  isFilingStatus,
  openedOrClosed,
  type FilingStatus,
  type FilingStore,
  type FilingStoreOptions,
  type StoredFiling,
  type SubmitInput,
} from './filing-store.js';

/** Defaults, documented in README ("Running several instances") and .env.example (FILINGS_URL). */
export const POSTGRES_DEFAULTS = {
  /** Connections per instance: a submit is one or two short statements, so a few go a long way. */
  poolSize: 10,
  /** Server-side limit on one statement (statement_timeout); a turn must not hang on a stuck database. */
  statementTimeoutMs: 5_000,
  /** How long to wait for a connection (a new one, or a free one from the pool). */
  connectionTimeoutMs: 3_000,
  /** ping() (behind /readyz, which gives up after 2 s) answers false after this long. */
  pingTimeoutMs: 1_000,
  /** The table, found through the connection's search_path unless `schema` is given. */
  table: 'filings',
  /** Rows sealed per statement when a migration or reseal() seals existing rows. */
  resealBatch: 500,
} as const;

/**
 * The schema version this code writes (kept in `schema_versions`, one row per filings table, beside it):
 * 1. the filings table (reference, idempotency key, status, times, profile, category, filing as jsonb);
 * 2. personal fields sealed: `key_id` (the data key of the row's sealed fields) and `person_id_hash` (the
 *    keyed hash of the insured person's ID number, indexed); rows written by version 1 are sealed.
 */
export const FILINGS_SCHEMA_VERSION = 2;

export interface PostgresFilingStoreOptions extends FilingStoreOptions {
  /** postgres:// or postgresql:// URL (FILINGS_URL). It may hold a password: it is never put in an error. */
  url: string;
  /** Table name (default `filings`). Lower-case letters, digits and _. */
  table?: string;
  /** Schema of the table, created if missing; default: the first schema of the search_path (usually public). */
  schema?: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
  pingTimeoutMs?: number;
  /** Errors of idle pooled connections (the server went away between statements). Never carries filing data. */
  onError?: (err: Error) => void;
  /** The data keys: personal fields are sealed with the current one (DATA_ENCRYPTION_KEY). */
  keys: DataKeyRing;
}

/**
 * The filing store could not reach PostgreSQL, or PostgreSQL refused for an operational reason. It is a
 * StoreUnavailableError, so the person gets the polite "try again in a minute" apology; a submit that
 * failed this way may still have been stored, and the retry (same idempotency key) finds it.
 * The message names the operation, the fault and the SQLSTATE or socket error: never filing data, never
 * the password.
 */
export class FilingStoreUnavailableError extends StoreUnavailableError {
  constructor(
    operation: string,
    fault: StoreFault,
    readonly detail: string,
    /** The SQLSTATE when the server answered with an error. */
    readonly sqlState?: string,
  ) {
    super(`filings.${operation}`, fault);
    this.message = `filing store (PostgreSQL) unavailable during ${operation} (${fault}): ${detail}`;
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const quoteIdentifier = (name: string, what: string): string => {
  if (!IDENTIFIER.test(name)) throw new FilingStoreError('BAD_INPUT', `filing store: the ${what} name must be lower-case letters, digits and _ (at most 63)`);
  return `"${name}"`;
};

/** SQLSTATE classes whose server message names only objects and settings, never values. */
const SAFE_MESSAGE_CLASSES = ['08', '28', '3D', '42', '53', '54', '55', '57', '58', 'XX'];
/** SQLSTATEs of text or JSON that PostgreSQL cannot store (a NUL character, a lone surrogate). */
const UNSTORABLE_TEXT = new Set(['22P05', '22021', '22P02', '22025']);

interface FilingRow extends QueryResultRow {
  reference: string;
  idempotency_key: string;
  status: FilingStatus;
  created_at: Date;
  updated_at: Date;
  profile_id: string;
  profile_version: string;
  category: string;
  filing: unknown;
}

const COLUMNS = 'reference, idempotency_key, status, created_at, updated_at, profile_id, profile_version, category, filing';

/**
 * The FilingStore for several instances: one PostgreSQL table shared by all of them (FILINGS_URL).
 *
 * - The table is created on first use (`CREATE TABLE IF NOT EXISTS` under a transaction-level advisory
 *   lock, so instances starting together do not race; skipped when it already exists, so the database
 *   user needs no DDL right once a DBA has created it).
 * - submit() is `INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING …`, then a SELECT of the
 *   filing that won: two instances submitting one key at the same moment store one filing. A clash of
 *   the random reference (primary key) draws another one. Every statement commits on its own, so a
 *   filing is durable when submit resolves.
 * - Connection faults and timeouts throw FilingStoreUnavailableError; nothing thrown carries the filing
 *   or the password (the driver's own error, whose detail may quote a row, is never attached).
 */
export class PostgresFilingStore<T = Record<string, unknown>> implements FilingStore<T> {
  /** The table as used in statements (quoted, schema-qualified when a schema was given). */
  readonly table: string;
  readonly #pool: Pool;
  readonly #schema: string | undefined;
  readonly #tableName: string;
  readonly #now: () => Date;
  readonly #random: (() => number) | undefined;
  readonly #password: string;
  readonly #pingTimeoutMs: number;
  readonly #statementTimeoutMs: number;
  readonly #sealer: FilingSealer;
  /** The schema-versions table, as used in statements (and as to_regclass takes it). */
  readonly #versions: string;
  readonly #qualified: string;
  readonly #qualifiedVersions: string;
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(options: PostgresFilingStoreOptions) {
    const { url } = options;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new FilingStoreError('BAD_INPUT', 'filing store: the PostgreSQL URL is not a URL');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new FilingStoreError('BAD_INPUT', 'filing store: the PostgreSQL URL must start with postgres:// or postgresql://');
    }
    this.#password = safeDecode(parsed.password);
    this.#tableName = options.table ?? POSTGRES_DEFAULTS.table;
    this.#schema = options.schema;
    const schemaPrefix = this.#schema === undefined ? '' : `${quoteIdentifier(this.#schema, 'schema')}.`;
    this.table = schemaPrefix + quoteIdentifier(this.#tableName, 'table');
    this.#versions = `${schemaPrefix}"schema_versions"`;
    this.#qualified = this.#schema === undefined ? this.#tableName : `${this.#schema}.${this.#tableName}`;
    this.#qualifiedVersions = this.#schema === undefined ? 'schema_versions' : `${this.#schema}.schema_versions`;
    this.#sealer = new FilingSealer(options.keys);
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? POSTGRES_DEFAULTS.pingTimeoutMs;
    this.#statementTimeoutMs = options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs;
    this.#pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? POSTGRES_DEFAULTS.connectionTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: this.#statementTimeoutMs,
      // A backstop for a server that stops answering without closing the connection (the statement
      // timeout is the server's own): the pool then drops that connection.
      query_timeout: this.#statementTimeoutMs + 2_000,
      keepAlive: true,
      application_name: 'yidi-beian-filings',
    });
    const onError = options.onError;
    // An idle connection that breaks emits 'error' on the pool; unhandled, it would end the process.
    this.#pool.on('error', (err) => onError?.(this.#unavailable('connection', err)));
  }

  /** Opens the store and makes sure the table exists; rejects (and releases the pool) if it cannot. */
  static async open<T = Record<string, unknown>>(options: PostgresFilingStoreOptions): Promise<PostgresFilingStore<T>> {
    const store = new PostgresFilingStore<T>(options);
    return openedOrClosed(store, () => store.#migrated());
  }

  submit(input: SubmitInput<T>): Promise<{ stored: StoredFiling<T>; created: boolean }> {
    return this.#tracked(() => this.#submit(input));
  }

  get(reference: string): Promise<StoredFiling<T> | undefined> {
    return this.#tracked(() => this.#get(reference));
  }

  setStatus(reference: string, status: FilingStatus): Promise<StoredFiling<T> | undefined> {
    return this.#tracked(() => this.#setStatus(reference, status));
  }

  findByIdNumber(idNumber: string): Promise<StoredFiling<T>[]> {
    return this.#tracked(() => this.#findByIdNumber(idNumber));
  }

  reseal(): Promise<number> {
    return this.#tracked(async () => {
      await this.#migrated();
      let client: PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (err) {
        throw this.#failure('reseal', err);
      }
      try {
        return await this.#resealRows(client, 'reseal');
      } finally {
        client.release();
      }
    });
  }

  /** Calls under way, so that close() lets a submit finish all its statements before the pool ends. */
  readonly #inFlight = new Set<Promise<unknown>>();

  #tracked<R>(call: () => Promise<R>): Promise<R> {
    try {
      this.#open();
    } catch (e) {
      return Promise.reject(e);
    }
    const running = call();
    this.#inFlight.add(running);
    const forget = () => this.#inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  async #submit(input: SubmitInput<T>): Promise<{ stored: StoredFiling<T>; created: boolean }> {
    let filing: T;
    try {
      filing = checkSubmitInput(input);
    } catch (e) {
      // As in the other stores, a repeat returns the first filing whatever it carries.
      const key = (input as Partial<SubmitInput<T>> | null)?.idempotencyKey;
      if (typeof key === 'string' && key.trim() !== '' && key.length <= 200) {
        const existing = await this.#migrated()
          .then(() => this.#byKey(key))
          .catch(() => undefined);
        if (existing) return { stored: existing, created: false };
      }
      throw e;
    }
    await this.#migrated();
    const now = this.#now();
    const at = now.toISOString();
    for (let attempt = 0; attempt < MAX_REFERENCE_ATTEMPTS; attempt++) {
      const reference = newReference(now, this.#random);
      // Sealed for this reference (a clash draws another one, and seals again).
      const sealed = this.#sealer.seal(filing, reference);
      const json = JSON.stringify(sealed.filing);
      let inserted: FilingRow | undefined;
      try {
        const result = await this.#pool.query<FilingRow>(
          `INSERT INTO ${this.table} (${COLUMNS}, key_id, person_id_hash)
           VALUES ($1, $2, 'SUBMITTED', $3::timestamptz, $3::timestamptz, $4, $5, $6, $7::jsonb, $8, $9)
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING ${COLUMNS}`,
          [reference, input.idempotencyKey, at, input.profileId, input.profileVersion, input.category, json, sealed.keyId, sealed.personIdHash ?? null],
        );
        inserted = result.rows[0];
      } catch (err) {
        // The key's conflicts are DO NOTHING: a unique violation left is the reference, taken already.
        if (err instanceof DatabaseError && err.code === '23505') continue;
        throw this.#failure('submit', err);
      }
      if (inserted) return { stored: this.#opened(inserted), created: true };
      // Another submit with this key got there first (here or on another instance, committed by now).
      const existing = await this.#byKey(input.idempotencyKey);
      if (existing) return { stored: existing, created: false };
    }
    throw new FilingStoreError('NO_FREE_REFERENCE', `filing store: no free reference after ${MAX_REFERENCE_ATTEMPTS} attempts`);
  }

  async #get(reference: string): Promise<StoredFiling<T> | undefined> {
    const canonical = normalizeReference(reference);
    if (canonical === undefined) return undefined;
    await this.#migrated();
    const row = await this.#query('get', `SELECT ${COLUMNS} FROM ${this.table} WHERE reference = $1`, [canonical]);
    return row && this.#opened(row);
  }

  async #findByIdNumber(idNumber: string): Promise<StoredFiling<T>[]> {
    const hashes = this.#sealer.idHashes(idNumber);
    if (hashes.length === 0) return [];
    await this.#migrated();
    let rows: FilingRow[];
    try {
      rows = (
        await this.#pool.query<FilingRow>(
          `SELECT ${COLUMNS} FROM ${this.table} WHERE person_id_hash = ANY($1::text[]) ORDER BY created_at DESC, reference DESC`,
          [hashes],
        )
      ).rows;
    } catch (err) {
      throw this.#failure('find', err);
    }
    return rows.map((row) => this.#opened(row));
  }

  async #setStatus(reference: string, status: FilingStatus): Promise<StoredFiling<T> | undefined> {
    if (!isFilingStatus(status)) throw new FilingStoreError('BAD_STATUS', 'filing store: unknown filing status');
    const canonical = normalizeReference(reference);
    if (canonical === undefined) return undefined;
    await this.#migrated();
    const row = await this.#query(
      'set_status',
      `UPDATE ${this.table} SET status = $2, updated_at = $3::timestamptz WHERE reference = $1 RETURNING ${COLUMNS}`,
      [canonical, status, this.#now().toISOString()],
    );
    return row && this.#opened(row);
  }

  /** True when the table is there (created if need be) and `SELECT 1` answers within the ping timeout. */
  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#pingTimeoutMs);
    });
    const check = (async () => {
      await this.#migrated();
      await this.#pool.query({ text: 'SELECT 1', query_timeout: this.#pingTimeoutMs } as QueryConfig); // per-query read timeout (not in the typings)
      return true;
    })().catch(() => false);
    try {
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the pool once the statements under way are done. Later calls fail with CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // New calls are refused from now on; the ones under way finish (each submit is several statements).
    await Promise.allSettled([...this.#inFlight]);
    await this.#pool.end().catch(() => undefined);
  }

  #open(): void {
    if (this.#closed) throw new FilingStoreError('CLOSED', 'filing store: closed');
  }

  async #byKey(idempotencyKey: string): Promise<StoredFiling<T> | undefined> {
    const row = await this.#query('submit', `SELECT ${COLUMNS} FROM ${this.table} WHERE idempotency_key = $1`, [idempotencyKey]);
    return row && this.#opened(row);
  }

  /** A row as the caller gets it: the personal fields opened. */
  #opened(row: FilingRow): StoredFiling<T> {
    const stored = toStored<T>(row);
    return { ...stored, filing: this.#sealer.open(stored.filing, stored.reference) };
  }

  /**
   * Seals, batch by batch (keyset order, one statement per batch), every row whose fields are in clear
   * or under another key than the current one. A row changed meanwhile by another instance's reseal is
   * left to it (the update checks the key it read). Returns how many rows changed.
   */
  async #resealRows(client: PoolClient, operation: string): Promise<number> {
    let after = '';
    let count = 0;
    for (;;) {
      let rows: Array<{ reference: string; filing: unknown; key_id: string | null }>;
      try {
        rows = (
          await client.query<{ reference: string; filing: unknown; key_id: string | null }>(
            `SELECT reference, filing, key_id FROM ${this.table}
              WHERE reference > $1 AND key_id IS DISTINCT FROM $2 ORDER BY reference LIMIT $3`,
            [after, this.#sealer.keyId, POSTGRES_DEFAULTS.resealBatch],
          )
        ).rows;
      } catch (err) {
        throw this.#failure(operation, err);
      }
      if (rows.length === 0) return count;
      after = rows.at(-1)!.reference;
      const sealed = rows.map((row) => ({ row, ...this.#sealer.seal(row.filing, row.reference) }));
      try {
        const result = await client.query(
          `UPDATE ${this.table} AS t SET filing = v.filing::jsonb, key_id = v.key_id, person_id_hash = v.person_id_hash
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(reference, filing, key_id, person_id_hash, old_key_id)
            WHERE t.reference = v.reference AND t.key_id IS NOT DISTINCT FROM v.old_key_id`,
          [
            sealed.map((s) => s.row.reference),
            sealed.map((s) => JSON.stringify(s.filing)),
            sealed.map((s) => s.keyId),
            sealed.map((s) => s.personIdHash ?? null),
            sealed.map((s) => s.row.key_id),
          ],
        );
        count += result.rowCount ?? 0;
      } catch (err) {
        throw this.#failure(operation, err);
      }
    }
  }

  async #query(operation: string, text: string, values: unknown[]): Promise<FilingRow | undefined> {
    try {
      return (await this.#pool.query<FilingRow>(text, values)).rows[0];
    } catch (err) {
      throw this.#failure(operation, err);
    }
  }

  /** Creates the schema and table once per store; a failed attempt is tried again on the next call. */
  #migrated(): Promise<void> {
    if (!this.#ready) {
      const attempt = this.#migrate();
      this.#ready = attempt;
      attempt.catch(() => {
        if (this.#ready === attempt) this.#ready = undefined;
      });
    }
    return this.#ready;
  }

  async #migrate(): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw this.#failure('open', err);
    }
    let failed: unknown;
    // A checked-out client has no 'error' listener of the pool's: a connection lost while it is held (a
    // database restart during start-up) would otherwise be an uncaught exception. The statement under
    // way fails on its own; the lost connection is discarded on release.
    const onLost = (err: Error) => {
      failed ??= err;
    };
    client.on('error', onLost);
    try {
      // Up to date (every start but the first after an upgrade): two reads, no lock, no DDL right needed.
      if ((await this.#schemaVersion(client)) >= FILINGS_SCHEMA_VERSION) return;
      await client.query('BEGIN');
      // One instance at a time past this point; the lock ends with the transaction.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['yidi-beian:filings-schema', this.#qualified]);
      if (this.#schema !== undefined) {
        const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.#schema]);
        if (schema.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.#schema, 'schema')}`);
      }
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.#versions} (
        table_name text PRIMARY KEY,
        version integer NOT NULL,
        migrated_at timestamptz NOT NULL
      )`);
      // Read again under the lock: another instance may have migrated meanwhile.
      const from = await this.#schemaVersion(client);
      for (let version = from + 1; version <= FILINGS_SCHEMA_VERSION; version++) await this.#migrateTo(version, client);
      if (from < FILINGS_SCHEMA_VERSION) {
        await client.query(
          `INSERT INTO ${this.#versions} (table_name, version, migrated_at) VALUES ($1, $2, now())
           ON CONFLICT (table_name) DO UPDATE SET version = EXCLUDED.version, migrated_at = EXCLUDED.migrated_at`,
          [this.#tableName, FILINGS_SCHEMA_VERSION],
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      failed = err;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err instanceof FilingStoreError || err instanceof FilingStoreUnavailableError ? err : this.#failure('open', err);
    } finally {
      client.off('error', onLost);
      client.release(failed instanceof Error && !(failed instanceof DatabaseError) ? failed : undefined);
    }
  }

  /**
   * The table's schema version: its row in schema_versions; 1 for a table made before versions were
   * kept (it has the version 1 columns); 0 when there is no table.
   */
  async #schemaVersion(client: PoolClient): Promise<number> {
    const found = await client.query<{ versions: string | null; filings: string | null }>('SELECT to_regclass($1) AS versions, to_regclass($2) AS filings', [
      this.#qualifiedVersions,
      this.#qualified,
    ]);
    const { versions, filings } = found.rows[0] ?? { versions: null, filings: null };
    if (versions) {
      const row = await client.query<{ version: number }>(`SELECT version FROM ${this.#versions} WHERE table_name = $1`, [this.#tableName]);
      if (row.rows[0]) return row.rows[0].version;
    }
    return filings ? 1 : 0;
  }

  /** One step of the schema, inside the migration's transaction. */
  async #migrateTo(version: number, client: PoolClient): Promise<void> {
    switch (version) {
      case 1: {
        const statuses = FILING_STATUSES.map((s) => `'${s}'`).join(', ');
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
          reference text PRIMARY KEY,
          idempotency_key text NOT NULL UNIQUE,
          status text NOT NULL CHECK (status IN (${statuses})),
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          profile_id text NOT NULL,
          profile_version text NOT NULL,
          category text NOT NULL,
          filing jsonb NOT NULL
        )`);
        await client.query(`CREATE INDEX IF NOT EXISTS ${this.#index('created_at')} ON ${this.table} (created_at)`);
        return;
      }
      case 2:
        // Personal fields sealed; the rows written by version 1 are sealed now, in this transaction, so
        // the table never holds a row in clear once version 2 is recorded.
        await client.query(`ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS key_id text, ADD COLUMN IF NOT EXISTS person_id_hash text`);
        await client.query(`CREATE INDEX IF NOT EXISTS ${this.#index('person_id_hash')} ON ${this.table} (person_id_hash)`);
        await this.#resealRows(client, 'open');
        await client.query(`ALTER TABLE ${this.table} ALTER COLUMN key_id SET NOT NULL`);
        return;
      default:
        throw new Error(`filing store: no migration to schema version ${version}`);
    }
  }

  #index(column: string): string {
    return quoteIdentifier(`${this.#tableName}_${column}_idx`.slice(0, 63), 'index');
  }

  /** The error to throw for a failed statement: BAD_INPUT for text PostgreSQL cannot store, else unavailable. */
  #failure(operation: string, err: unknown): Error {
    if (err instanceof DatabaseError && err.code !== undefined && UNSTORABLE_TEXT.has(err.code)) {
      return new FilingStoreError('BAD_INPUT', `filing store: the filing holds text PostgreSQL cannot store (SQLSTATE ${err.code}, e.g. a NUL character)`);
    }
    return this.#unavailable(operation, err);
  }

  #unavailable(operation: string, err: unknown): FilingStoreUnavailableError {
    const sqlState = err instanceof DatabaseError ? err.code : undefined;
    return new FilingStoreUnavailableError(operation, faultOf(err), this.#redact(describeDriverError(err)), sqlState);
  }

  #redact(text: string): string {
    let out = text;
    if (this.#password !== '') {
      out = out.split(this.#password).join('***');
      const encoded = encodeURIComponent(this.#password);
      if (encoded !== this.#password) out = out.split(encoded).join('***');
    }
    return out.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function toStored<T>(row: FilingRow): StoredFiling<T> {
  return {
    reference: row.reference,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    profileId: row.profile_id,
    profileVersion: row.profile_version,
    category: row.category,
    idempotencyKey: row.idempotency_key,
    filing: row.filing as T,
  };
}

/**
 * One line about a driver error: SQLSTATE and, for classes whose messages name only objects (connection,
 * authentication, permissions, resources), the server's message; a socket error's code and message; the
 * driver's own fixed messages. Never the server's detail, hint or context (they may quote a row).
 */
export function describeDriverError(err: unknown): string {
  if (err instanceof DatabaseError) {
    const code = err.code ?? 'unknown';
    const safe = SAFE_MESSAGE_CLASSES.includes(code.slice(0, 2));
    return safe ? `SQLSTATE ${code}: ${oneLine(err.message)}` : `SQLSTATE ${code}`;
  }
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    // AggregateError (several addresses refused): the first one tells enough.
    const inner = err instanceof AggregateError && err.errors[0] instanceof Error ? (err.errors[0] as Error) : undefined;
    const message = oneLine(err.message || inner?.message || err.name);
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return 'unknown error';
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').slice(0, 300);

function faultOf(err: unknown): StoreFault {
  if (err instanceof DatabaseError) {
    if (err.code === '57014') return 'timeout'; // statement_timeout
    if (err.code?.startsWith('08') || err.code === '57P01' || err.code === '57P02') return 'connection-lost';
    return err.code?.startsWith('28') || err.code === '3D000' || err.code === '57P03' ? 'not-connected' : 'server-unavailable';
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : '';
  if (/timeout/i.test(message) && /connect/i.test(message)) return 'not-connected';
  if (/timeout/i.test(message) || code === 'ETIMEDOUT') return 'timeout';
  if (/terminated|ended|closed/i.test(message) || code === 'ECONNRESET' || code === 'EPIPE') return 'connection-lost';
  return 'not-connected';
}
