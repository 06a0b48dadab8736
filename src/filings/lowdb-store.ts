import { constants } from 'node:fs';
import { access, chmod, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import type { DataKeyRing } from '../privacy/data-keys.js';
import { emptyFilingsData, FILINGS_DATA_VERSION, Ledger, type FilingsData } from './ledger.js';
import { PrivateJsonFile } from './private-json-file.js';
import {
  FILING_STATUSES,
  FilingStoreError,
  openedOrClosed,
  type FilingStatus,
  type FilingStore,
  type FilingStoreOptions,
  type ListPage,
  type ListQuery,
  type Notice,
  type StatusChange,
  type StoredFiling,
  type SubmitInput,
} from './filing-store.js';

export const DEFAULT_FILINGS_PATH = './data/filings.json';

export interface LowdbFilingStoreOptions extends FilingStoreOptions {
  /** The JSON file; default ./data/filings.json (relative to the working directory). */
  path?: string;
  /** The data keys: personal fields are sealed with the current one (DATA_ENCRYPTION_KEY). */
  keys: DataKeyRing;
}

const storedFilingSchema = z.object({
  reference: z.string(),
  status: z.enum(FILING_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  profileId: z.string(),
  profileVersion: z.string(),
  category: z.string(),
  idempotencyKey: z.string(),
  filing: z.record(z.string(), z.unknown()),
  keyId: z.string().optional(),
  personIdHash: z.string().optional(),
  history: z
    .array(
      z.object({
        at: z.string(),
        from: z.enum(FILING_STATUSES).nullable(),
        to: z.enum(FILING_STATUSES),
        actor: z.object({ kind: z.enum(['agency', 'person', 'system']), name: z.string().optional() }),
        reason: z.string().optional(),
        requestId: z.string().optional(),
      }),
    )
    .default([]),
  replaces: z.string().optional(),
  replacedBy: z.string().optional(),
  origin: z.string().optional(),
});
const noticeSchema = z.object({
  id: z.string(),
  reference: z.string(),
  kind: z.enum(['STATUS', 'EXPIRING']),
  status: z.enum(FILING_STATUSES),
  createdAt: z.string(),
  attempts: z.number(),
  state: z.enum(['pending', 'sent', 'failed']),
  dueAt: z.string(),
  leasedBy: z.string().optional(),
  leaseUntil: z.string().optional(),
});
/**
 * Version 1 kept personal fields in clear; version 2 keeps them sealed (a version 1 file is sealed on
 * opening); version 3 adds history, origin, replacement and the outbox (a version 2 file reads as one
 * with empty histories and no notices).
 */
const fileSchema = z.object({
  schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(FILINGS_DATA_VERSION)]),
  filings: z.record(z.string(), storedFilingSchema),
  notices: z.record(z.string(), noticeSchema).default({}),
});

/** Files open in this process: two stores on one file would overwrite each other's filings. */
const openFiles = new Set<string>();

interface Opened<T> {
  db: Low<FilingsData>;
  file: PrivateJsonFile<FilingsData>;
  ledger: Ledger<T>;
}

/**
 * The default FilingStore: one JSON file through lowdb 7 (Low + an atomic, 0600, fsynced file adapter).
 * One writer at a time; writes that arrive meanwhile are folded into the next one. Every call resolves
 * only once its change is on disk. A write that fails leaves the change in memory (it goes out with the
 * next write) and rejects, so the caller may retry with the same idempotency key.
 *
 * One process per file: it is meant for a single bot instance. The constructor does not touch the disk:
 * the file is read on first use. Use `await LowdbFilingStore.open()` (or `ping()`) at start-up to find
 * out early that the file is unusable.
 */
export class LowdbFilingStore<T = Record<string, unknown>> implements FilingStore<T> {
  /** The absolute path of the JSON file. */
  readonly path: string;
  readonly #options: FilingStoreOptions & { keys: DataKeyRing };
  #ready: Promise<Opened<T>> | undefined;
  #closed = false;
  #changes = 0;
  #durableChanges = 0;

  constructor(options: LowdbFilingStoreOptions) {
    this.path = resolve(options.path ?? DEFAULT_FILINGS_PATH);
    if (openFiles.has(this.path)) {
      throw new FilingStoreError('ALREADY_OPEN', `filing store: ${this.path} is already open in this process`);
    }
    openFiles.add(this.path);
    this.#options = { now: options.now, random: options.random, keys: options.keys };
  }

  /** Opens the store and reads the file now; rejects if the file or its folder is unusable. */
  static async open<T = Record<string, unknown>>(options: LowdbFilingStoreOptions): Promise<LowdbFilingStore<T>> {
    const store = new LowdbFilingStore<T>(options);
    return openedOrClosed(store, () => store.#opened());
  }

  async submit(input: SubmitInput<T>): Promise<{ stored: StoredFiling<T>; created: boolean }> {
    const { ledger } = await this.#use();
    const existing = ledger.findByKey(input?.idempotencyKey);
    if (existing) {
      await this.#persist(); // the first submit may still be on its way to disk
      return { stored: ledger.opened(existing), created: false };
    }
    const record = ledger.insert(input);
    this.#changes++;
    await this.#persist();
    return { stored: ledger.opened(record), created: true };
  }

  async get(reference: string): Promise<StoredFiling<T> | undefined> {
    const { ledger } = await this.#use();
    const record = ledger.find(reference);
    return record && ledger.opened(record);
  }

  async findByIdNumber(idNumber: string): Promise<StoredFiling<T>[]> {
    const { ledger } = await this.#use();
    return ledger.findByIdHashes(ledger.sealer.idHashes(idNumber)).map((r) => ledger.opened(r));
  }

  async setStatus(reference: string, status: FilingStatus, change?: StatusChange): Promise<StoredFiling<T> | undefined> {
    const { ledger } = await this.#use();
    const moved = ledger.setStatus(reference, status, change);
    if (!moved) return undefined;
    if (moved.changed) this.#changes++;
    await this.#persist(); // a repeated request may still be on its way to disk
    return ledger.opened(moved.record);
  }

  async list(query: ListQuery): Promise<ListPage<T>> {
    const { ledger } = await this.#use();
    const { filings, nextCursor } = ledger.list(query);
    return nextCursor === undefined ? { filings } : { filings, nextCursor };
  }

  async enqueueExpiringNotices(from: string, through: string): Promise<number> {
    const { ledger } = await this.#use();
    const count = ledger.enqueueExpiring(from, through);
    if (count > 0) this.#changes++;
    await this.#persist();
    return count;
  }

  async claimNotices(worker: string, limit: number, leaseMs: number): Promise<Notice[]> {
    const { ledger } = await this.#use();
    const claimed = ledger.claim(worker, limit, leaseMs);
    if (claimed.length > 0) {
      this.#changes++;
      await this.#persist();
    }
    return claimed;
  }

  async renewNoticeLease(id: string, worker: string, leaseMs: number): Promise<boolean> {
    const { ledger } = await this.#use();
    const renewed = ledger.renewLease(id, worker, leaseMs);
    if (renewed) this.#changes++;
    await this.#persist();
    return renewed;
  }

  async markNoticeSent(id: string, worker: string): Promise<boolean> {
    const { ledger } = await this.#use();
    const settled = ledger.settle(id, worker, { sent: true });
    if (settled) this.#changes++;
    await this.#persist();
    return settled;
  }

  async markNoticeFailed(id: string, worker: string, retryAfterMs: number | null): Promise<boolean> {
    const { ledger } = await this.#use();
    const settled = ledger.settle(id, worker, { sent: false, retryAfterMs });
    if (settled) this.#changes++;
    await this.#persist();
    return settled;
  }

  /** Seals again what is in clear or under an older key; resolves once the file holds it. */
  async reseal(): Promise<number> {
    const { ledger } = await this.#use();
    const { count } = ledger.reseal();
    if (count === 0) return 0;
    this.#changes++;
    await this.#persist();
    return count;
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await this.#opened();
      await access(this.path, constants.R_OK | constants.W_OK);
      await access(dirname(this.path), constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#ready) await (await this.#ready).file.flush();
    } catch {
      // never opened: nothing to flush
    } finally {
      openFiles.delete(this.path);
    }
  }

  async #use(): Promise<Opened<T>> {
    if (this.#closed) throw new FilingStoreError('CLOSED', 'filing store: closed');
    return this.#opened();
  }

  /** Reads the file on first use; a failed attempt is tried again on the next call. */
  #opened(): Promise<Opened<T>> {
    if (!this.#ready) {
      const attempt = this.#load(this.#options);
      this.#ready = attempt;
      attempt.catch(() => {
        if (this.#ready === attempt) this.#ready = undefined;
      });
    }
    return this.#ready;
  }

  /** Writes the current data unless everything changed so far is already on disk. */
  async #persist(): Promise<void> {
    if (this.#durableChanges >= this.#changes) return;
    const { db } = await this.#opened();
    const upTo = this.#changes;
    await db.write();
    this.#durableChanges = Math.max(this.#durableChanges, upTo);
  }

  async #load(options: FilingStoreOptions & { keys: DataKeyRing }): Promise<Opened<T>> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const file = new PrivateJsonFile<FilingsData>(this.path);
    const db = new Low<FilingsData>(file, emptyFilingsData());
    try {
      await db.read();
    } catch (cause) {
      // A JSON SyntaxError quotes the text around the fault, which is personal data: keep it out.
      if (cause instanceof SyntaxError) throw new FilingStoreError('UNREADABLE_FILE', `filing store: ${this.path} is not valid JSON`);
      const code = (cause as NodeJS.ErrnoException).code ?? 'error';
      throw new FilingStoreError('UNREADABLE_FILE', `filing store: ${this.path} cannot be read (${code})`, { cause });
    }
    const parsed = fileSchema.safeParse(db.data);
    if (!parsed.success) {
      // Name only where the problem is, never the values: the file holds personal data.
      const where = parsed.error.issues.map((i) => i.path.join('.') || '(top level)').slice(0, 3).join(', ');
      throw new FilingStoreError('UNREADABLE_FILE', `filing store: ${this.path} is not a filings file (at ${where})`);
    }
    const legacy = parsed.data.schemaVersion === 1;
    const older = parsed.data.schemaVersion < FILINGS_DATA_VERSION;
    db.data = { ...parsed.data, schemaVersion: FILINGS_DATA_VERSION } as FilingsData;
    const ledger = new Ledger<T>(db.data, options);
    const fresh = Object.keys(db.data.filings).length === 0;
    if (legacy) {
      // A file from before personal fields were sealed: seal them all and write it back at once (an
      // atomic replace: the file holds either every filing in clear or every filing sealed).
      ledger.reseal();
      await db.write();
    } else if (fresh || older) await db.write(); // creates the file (0600) now, so a bad folder shows at start-up; writes a version 2 file as version 3
    if (!fresh || legacy) await chmod(this.path, 0o600).catch(() => undefined);
    return { db, file, ledger };
  }
}
