import { DatabaseError, Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import { StoreUnavailableError, type StoreFault } from '../state/errors.js';
import type { DataKeyRing } from '../privacy/data-keys.js';
import { todayInShanghai } from '../domain/calendar.js';
import {
  checkSubmitInput,
  eventOf,
  firstEvent,
  MAX_REFERENCE_ATTEMPTS,
  openedHistory,
  openedOrigin,
  originJson,
  PERSON_CHANGE,
  sealedEvent,
  sealedOrigin,
  SYSTEM_CHANGE,
} from './ledger.js';
import { newReference, normalizeReference } from './reference.js';
import { FilingSealer } from './sealed-filing.js';
import { checkTransition, statusAsOf } from './status-rules.js';
import {
  checkListQuery,
  checkStatusChange,
  decodeCursor,
  encodeCursor,
  FILING_STATUSES,
  FilingStoreError,
  isFilingStatus,
  noticeId,
  openedOrClosed,
  tellsPerson,
  type FilingStatus,
  type FilingStore,
  type FilingStoreOptions,
  type ListPage,
  type ListQuery,
  type Notice,
  type NoticeKind,
  type StatusChange,
  type StatusEvent,
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
 * 3. after submitting: `history` (the audit trail, jsonb, reasons sealed), `replaces` / `replaced_by`,
 *    `origin` (sealed: where notices go), an index for listing (created_at, reference), and the outbox
 *    table `<table>_notices`; rows of version 2 get an empty history.
 */
export const FILINGS_SCHEMA_VERSION = 3;

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
  history: StatusEvent[] | null;
  replaces: string | null;
  replaced_by: string | null;
  origin: string | null;
}

interface NoticeRow extends QueryResultRow {
  id: string;
  reference: string;
  kind: NoticeKind;
  status: FilingStatus;
  created_at: Date;
  attempts: number;
}

const COLUMNS = 'reference, idempotency_key, status, created_at, updated_at, profile_id, profile_version, category, filing, history, replaces, replaced_by, origin';
const INSERTED = 'reference, idempotency_key, status, created_at, updated_at, profile_id, profile_version, category, filing';

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
  /** The outbox table, as used in statements. */
  readonly #notices: string;
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
    this.#notices = schemaPrefix + quoteIdentifier(`${this.#tableName}_notices`.slice(0, 63), 'table');
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

  setStatus(reference: string, status: FilingStatus, change?: StatusChange): Promise<StoredFiling<T> | undefined> {
    return this.#tracked(() => this.#setStatus(reference, status, change ?? SYSTEM_CHANGE));
  }

  list(query: ListQuery): Promise<ListPage<T>> {
    return this.#tracked(() => this.#list(query));
  }

  enqueueExpiringNotices(from: string, through: string): Promise<number> {
    return this.#tracked(async () => {
      await this.#migrated();
      const at = this.#now().toISOString();
      try {
        const result = await this.#pool.query(
          `INSERT INTO ${this.#notices} (id, reference, kind, status, created_at, attempts, state, due_at)
           SELECT reference || ':EXPIRING:EFFECTIVE', reference, 'EXPIRING', 'EFFECTIVE', $3::timestamptz, 0, 'pending', $3::timestamptz
             FROM ${this.table}
            WHERE status = 'EFFECTIVE' AND origin IS NOT NULL AND (filing->>'endDate') BETWEEN $1 AND $2
           ON CONFLICT (id) DO NOTHING`,
          [from, through, at],
        );
        return result.rowCount ?? 0;
      } catch (err) {
        throw this.#failure('notices', err);
      }
    });
  }

  claimNotices(worker: string, limit: number, leaseMs: number): Promise<Notice[]> {
    return this.#tracked(async () => {
      await this.#migrated();
      const now = this.#now();
      let rows: NoticeRow[];
      try {
        // SKIP LOCKED: workers claiming at the same moment take different rows, never the same one.
        rows = (
          await this.#pool.query<NoticeRow>(
            `UPDATE ${this.#notices} SET attempts = attempts + 1, leased_by = $1, lease_until = $3::timestamptz
              WHERE id IN (SELECT id FROM ${this.#notices}
                            WHERE state = 'pending' AND due_at <= $2::timestamptz AND (lease_until IS NULL OR lease_until <= $2::timestamptz)
                            ORDER BY created_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
              RETURNING id, reference, kind, status, created_at, attempts`,
            [worker, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), Math.max(0, limit)],
          )
        ).rows;
      } catch (err) {
        throw this.#failure('notices', err);
      }
      return rows
        .map((r) => ({ id: r.id, reference: r.reference, kind: r.kind, status: r.status, createdAt: new Date(r.created_at).toISOString(), attempts: r.attempts }))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    });
  }

  renewNoticeLease(id: string, worker: string, leaseMs: number): Promise<boolean> {
    return this.#held(id, worker, `lease_until = $3::timestamptz`, [new Date(this.#now().getTime() + leaseMs).toISOString()]);
  }

  markNoticeSent(id: string, worker: string): Promise<boolean> {
    return this.#held(id, worker, `state = 'sent', leased_by = NULL, lease_until = NULL`, []);
  }

  markNoticeFailed(id: string, worker: string, retryAfterMs: number | null): Promise<boolean> {
    if (retryAfterMs === null) return this.#held(id, worker, `state = 'failed', leased_by = NULL, lease_until = NULL`, []);
    return this.#held(id, worker, `due_at = $3::timestamptz, leased_by = NULL, lease_until = NULL`, [
      new Date(this.#now().getTime() + Math.max(0, retryAfterMs)).toISOString(),
    ]);
  }

  /** Updates a pending notice only while `worker` holds it (a claim by another worker changes leased_by). */
  #held(id: string, worker: string, set: string, values: unknown[]): Promise<boolean> {
    return this.#tracked(async () => {
      await this.#migrated();
      try {
        const result = await this.#pool.query(`UPDATE ${this.#notices} SET ${set} WHERE id = $1 AND leased_by = $2 AND state = 'pending'`, [id, worker, ...values]);
        return (result.rowCount ?? 0) > 0;
      } catch (err) {
        throw this.#failure('notices', err);
      }
    });
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
    const origin = originJson(input.origin);
    if (input.replaces !== undefined) return this.#submitChange(input, filing, origin);
    await this.#migrated();
    const now = this.#now();
    const at = now.toISOString();
    for (let attempt = 0; attempt < MAX_REFERENCE_ATTEMPTS; attempt++) {
      const reference = newReference(now, this.#random);
      let inserted: FilingRow | undefined;
      try {
        inserted = await this.#insert(this.#pool, reference, input, filing, origin, at);
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

  /** One INSERT of a new filing (sealed for this reference); undefined when its idempotency key is taken. */
  async #insert(
    db: Pool | PoolClient,
    reference: string,
    input: SubmitInput<T>,
    filing: T,
    origin: string | undefined,
    at: string,
    replaces?: { reference: string; status: FilingStatus },
  ): Promise<FilingRow | undefined> {
    const sealed = this.#sealer.seal(filing, reference);
    const status = replaces?.status ?? 'SUBMITTED';
    const history = [sealedEvent(firstEvent(at, status, replaces?.reference), reference, this.#sealer)];
    const result = await db.query<FilingRow>(
      `INSERT INTO ${this.table} (${INSERTED}, key_id, person_id_hash, history, origin, replaces)
       VALUES ($1, $2, $13, $3::timestamptz, $3::timestamptz, $4, $5, $6, $7::jsonb, $8, $9, $10::jsonb, $11, $12)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        reference,
        input.idempotencyKey,
        at,
        input.profileId,
        input.profileVersion,
        input.category,
        JSON.stringify(sealed.filing),
        sealed.keyId,
        sealed.personIdHash ?? null,
        JSON.stringify(history),
        sealedOrigin(origin, reference, this.#sealer) ?? null,
        replaces?.reference ?? null,
        status,
      ],
    );
    return result.rows[0];
  }

  /** A change: the new filing, with the old one's status, and the old one CHANGED (with replaced_by) in one transaction. */
  async #submitChange(input: SubmitInput<T>, filing: T, origin: string | undefined): Promise<{ stored: StoredFiling<T>; created: boolean }> {
    const oldReference = typeof input.replaces === 'string' ? normalizeReference(input.replaces) : undefined;
    if (oldReference === undefined) throw new FilingStoreError('BAD_INPUT', 'filing store: the filing to replace does not exist');
    await this.#migrated();
    const now = this.#now();
    const at = now.toISOString();
    for (let attempt = 0; attempt < MAX_REFERENCE_ATTEMPTS; attempt++) {
      const outcome = await this.#transaction('submit', async (client) => {
        const old = (await client.query<FilingRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE reference = $1 FOR UPDATE`, [oldReference])).rows[0];
        const existing = (await client.query<FilingRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE idempotency_key = $1`, [input.idempotencyKey])).rows[0];
        if (existing) return { stored: this.#opened(existing), created: false };
        if (!old) throw new FilingStoreError('BAD_INPUT', 'filing store: the filing to replace does not exist');
        const from = statusAsOf(old.status, old.filing, now);
        checkTransition(from, 'CHANGED');
        const reference = newReference(now, this.#random);
        await client.query('SAVEPOINT fresh_reference');
        let inserted: FilingRow | undefined;
        try {
          inserted = await this.#insert(client, reference, input, filing, origin, at, { reference: old.reference, status: from });
        } catch (err) {
          if (err instanceof DatabaseError && err.code === '23505') {
            await client.query('ROLLBACK TO SAVEPOINT fresh_reference');
            return undefined; // the reference is taken: draw another
          }
          throw err;
        }
        if (!inserted) return undefined; // the key was taken meanwhile: the next round finds it
        await client.query(`UPDATE ${this.table} SET status = 'CHANGED', updated_at = $2::timestamptz, replaced_by = $3, history = history || $4::jsonb WHERE reference = $1`, [
          old.reference,
          at,
          reference,
          JSON.stringify([eventOf(at, from, 'CHANGED', PERSON_CHANGE)]),
        ]);
        return { stored: this.#opened(inserted), created: true };
      });
      if (outcome) return outcome;
    }
    throw new FilingStoreError('NO_FREE_REFERENCE', `filing store: no free reference after ${MAX_REFERENCE_ATTEMPTS} attempts`);
  }

  /** Runs `work` in a transaction on one connection; a FilingStoreError thrown by it rolls back and passes through. */
  async #transaction<R>(operation: string, work: (client: PoolClient) => Promise<R>): Promise<R> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw this.#failure(operation, err);
    }
    let broken: Error | undefined;
    const onLost = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onLost);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (err instanceof FilingStoreError) throw err;
      if (!(err instanceof DatabaseError)) broken ??= err instanceof Error ? err : undefined;
      throw this.#failure(operation, err);
    } finally {
      client.off('error', onLost);
      client.release(broken);
    }
  }

  async #list(query: ListQuery): Promise<ListPage<T>> {
    checkListQuery(query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    await this.#migrated();
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (v: unknown) => `$${values.push(v)}`;
    if (query.createdFrom !== undefined) where.push(`created_at >= ${param(new Date(query.createdFrom).toISOString())}::timestamptz`);
    if (query.createdTo !== undefined) where.push(`created_at < ${param(new Date(query.createdTo).toISOString())}::timestamptz`);
    if (after) where.push(`(created_at, reference) > (${param(after.createdAt)}::timestamptz, ${param(after.reference)}::text)`);
    if (query.status !== undefined) {
      // The status as reads report it: EFFECTIVE past the end date (today in Shanghai) is EXPIRED.
      const today = param(todayInShanghai(this.#now()));
      where.push(`(CASE WHEN status = 'EFFECTIVE' AND (filing->>'endDate') < ${today}::text THEN 'EXPIRED' ELSE status END) = ${param(query.status)}::text`);
    }
    const sql = `SELECT ${COLUMNS} FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                  ORDER BY created_at, reference LIMIT ${param(query.limit + 1)}`;
    let rows: FilingRow[];
    try {
      rows = (await this.#pool.query<FilingRow>(sql, values)).rows;
    } catch (err) {
      throw this.#failure('list', err);
    }
    const page = rows.slice(0, query.limit).map((row) => this.#opened(row));
    const last = page.at(-1);
    return rows.length > query.limit && last ? { filings: page, nextCursor: encodeCursor(last.createdAt, last.reference) } : { filings: page };
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

  /**
   * One transaction: the row locked, the request id looked for in its history, the move checked, the
   * event appended and, when the person is to be told, the notice enqueued.
   */
  async #setStatus(reference: string, status: FilingStatus, change: StatusChange): Promise<StoredFiling<T> | undefined> {
    if (!isFilingStatus(status)) throw new FilingStoreError('BAD_STATUS', 'filing store: unknown filing status');
    checkStatusChange(change);
    const canonical = normalizeReference(reference);
    if (canonical === undefined) return undefined;
    await this.#migrated();
    return this.#transaction('set_status', async (client) => {
      const row = (await client.query<FilingRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE reference = $1 FOR UPDATE`, [canonical])).rows[0];
      if (!row) return undefined;
      if (change.requestId !== undefined && (row.history ?? []).some((e) => e.requestId === change.requestId)) return this.#opened(row);
      const now = this.#now();
      const from = statusAsOf(row.status, row.filing, now);
      checkTransition(from, status);
      const at = now.toISOString();
      const event = sealedEvent(eventOf(at, from, status, change), canonical, this.#sealer);
      const updated = (
        await client.query<FilingRow>(
          `UPDATE ${this.table} SET status = $2, updated_at = $3::timestamptz, history = history || $4::jsonb WHERE reference = $1 RETURNING ${COLUMNS}`,
          [canonical, status, at, JSON.stringify([event])],
        )
      ).rows[0]!;
      if (tellsPerson(change) && row.origin !== null) {
        await client.query(
          `INSERT INTO ${this.#notices} (id, reference, kind, status, created_at, attempts, state, due_at)
           VALUES ($1, $2, 'STATUS', $3, $4::timestamptz, 0, 'pending', $4::timestamptz) ON CONFLICT (id) DO NOTHING`,
          [noticeId(canonical, 'STATUS', status), canonical, status, at],
        );
      }
      return this.#opened(updated);
    });
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
    const opened: StoredFiling<T> = {
      ...stored,
      status: statusAsOf(stored.status, stored.filing, this.#now()),
      filing: this.#sealer.open(stored.filing, stored.reference),
      history: openedHistory(row.history ?? [], stored.reference, this.#sealer),
    };
    if (row.replaces !== null) opened.replaces = row.replaces;
    if (row.replaced_by !== null) opened.replacedBy = row.replaced_by;
    const origin = openedOrigin(row.origin, stored.reference, this.#sealer);
    if (origin) opened.origin = origin;
    return opened;
  }

  /**
   * Seals, batch by batch (keyset order, one statement per batch), every row whose fields are in clear
   * or under another key than the current one. A row changed meanwhile by another instance's reseal is
   * left to it (the update checks the key it read). Returns how many rows changed.
   */
  async #resealRows(client: PoolClient, operation: string, extras = true): Promise<number> {
    let after = '';
    let count = 0;
    type Row = { reference: string; filing: unknown; key_id: string | null; history?: StatusEvent[] | null; origin?: string | null };
    for (;;) {
      let rows: Row[];
      try {
        rows = (
          await client.query<Row>(
            `SELECT reference, filing, key_id${extras ? ', history, origin' : ''} FROM ${this.table}
              WHERE reference > $1 AND key_id IS DISTINCT FROM $2 ORDER BY reference LIMIT $3`,
            [after, this.#sealer.keyId, POSTGRES_DEFAULTS.resealBatch],
          )
        ).rows;
      } catch (err) {
        throw this.#failure(operation, err);
      }
      if (rows.length === 0) return count;
      after = rows.at(-1)!.reference;
      const sealed = rows.map((row) => ({
        row,
        ...this.#sealer.seal(row.filing, row.reference),
        history: openedHistory(row.history ?? [], row.reference, this.#sealer).map((e) => sealedEvent(e, row.reference, this.#sealer)),
        origin: row.origin ? sealedOrigin(JSON.stringify(openedOrigin(row.origin, row.reference, this.#sealer)), row.reference, this.#sealer) : null,
      }));
      const moreSet = extras ? ', history = v.history::jsonb, origin = v.origin' : '';
      const moreFrom = extras ? ', $6::text[], $7::text[]' : '';
      const moreNames = extras ? ', history, origin' : '';
      try {
        const result = await client.query(
          `UPDATE ${this.table} AS t SET filing = v.filing::jsonb, key_id = v.key_id, person_id_hash = v.person_id_hash${moreSet}
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]${moreFrom}) AS v(reference, filing, key_id, person_id_hash, old_key_id${moreNames})
            WHERE t.reference = v.reference AND t.key_id IS NOT DISTINCT FROM v.old_key_id`,
          [
            sealed.map((s) => s.row.reference),
            sealed.map((s) => JSON.stringify(s.filing)),
            sealed.map((s) => s.keyId),
            sealed.map((s) => s.personIdHash ?? null),
            sealed.map((s) => s.row.key_id),
            ...(extras ? [sealed.map((s) => JSON.stringify(s.history)), sealed.map((s) => s.origin)] : []),
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
        await this.#resealRows(client, 'open', false);
        await client.query(`ALTER TABLE ${this.table} ALTER COLUMN key_id SET NOT NULL`);
        return;
      case 3:
        // After submitting: the audit trail, changes, where notices go, and the outbox.
        await client.query(`ALTER TABLE ${this.table}
          ADD COLUMN IF NOT EXISTS history jsonb NOT NULL DEFAULT '[]'::jsonb,
          ADD COLUMN IF NOT EXISTS replaces text,
          ADD COLUMN IF NOT EXISTS replaced_by text,
          ADD COLUMN IF NOT EXISTS origin text`);
        await client.query(`CREATE INDEX IF NOT EXISTS ${this.#index('created_ref')} ON ${this.table} (created_at, reference)`);
        await client.query(`CREATE INDEX IF NOT EXISTS ${this.#index('end_date')} ON ${this.table} ((filing->>'endDate')) WHERE status = 'EFFECTIVE'`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.#notices} (
          id text PRIMARY KEY,
          reference text NOT NULL,
          kind text NOT NULL CHECK (kind IN ('STATUS', 'EXPIRING')),
          status text NOT NULL,
          created_at timestamptz NOT NULL,
          attempts integer NOT NULL,
          state text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
          due_at timestamptz NOT NULL,
          leased_by text,
          lease_until timestamptz
        )`);
        await client.query(
          `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${this.#tableName}_notices_due_idx`.slice(0, 63), 'index')} ON ${this.#notices} (due_at) WHERE state = 'pending'`,
        );
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
    history: row.history ?? [],
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
