import { DatabaseError, Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import { StoreUnavailableError, type StoreFault } from '../state/errors.js';
import { checkSubmitInput, MAX_REFERENCE_ATTEMPTS } from './ledger.js';
import { newReference, normalizeReference } from './reference.js';
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
} as const;

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
    this.table = (this.#schema === undefined ? '' : `${quoteIdentifier(this.#schema, 'schema')}.`) + quoteIdentifier(this.#tableName, 'table');
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
    const json = JSON.stringify(filing);
    const now = this.#now();
    const at = now.toISOString();
    for (let attempt = 0; attempt < MAX_REFERENCE_ATTEMPTS; attempt++) {
      const reference = newReference(now, this.#random);
      let inserted: FilingRow | undefined;
      try {
        const result = await this.#pool.query<FilingRow>(
          `INSERT INTO ${this.table} (${COLUMNS})
           VALUES ($1, $2, 'SUBMITTED', $3::timestamptz, $3::timestamptz, $4, $5, $6, $7::jsonb)
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING ${COLUMNS}`,
          [reference, input.idempotencyKey, at, input.profileId, input.profileVersion, input.category, json],
        );
        inserted = result.rows[0];
      } catch (err) {
        // The key's conflicts are DO NOTHING: a unique violation left is the reference, taken already.
        if (err instanceof DatabaseError && err.code === '23505') continue;
        throw this.#failure('submit', err);
      }
      if (inserted) return { stored: toStored<T>(inserted), created: true };
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
    return row && toStored<T>(row);
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
    return row && toStored<T>(row);
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
    return row && toStored<T>(row);
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
      const qualified = this.#schema === undefined ? this.#tableName : `${this.#schema}.${this.#tableName}`;
      const exists = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [qualified]);
      if (exists.rows[0]?.found) return;
      await client.query('BEGIN');
      // One instance at a time past this point; the lock ends with the transaction.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['yidi-beian:filings-schema', qualified]);
      if (this.#schema !== undefined) {
        const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.#schema]);
        if (schema.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.#schema, 'schema')}`);
      }
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
      await client.query(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${this.#tableName}_created_at_idx`.slice(0, 63), 'index')} ON ${this.table} (created_at)`);
      await client.query('COMMIT');
    } catch (err) {
      failed = err;
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.#failure('open', err);
    } finally {
      client.off('error', onLost);
      client.release(failed instanceof Error && !(failed instanceof DatabaseError) ? failed : undefined);
    }
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
