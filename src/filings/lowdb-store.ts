import { constants } from 'node:fs';
import { access, chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import type { DataKeyRing } from '../privacy/data-keys.js';
import { emptyFilingsData, FILINGS_DATA_VERSION, Ledger, type FilingsData } from './ledger.js';
import { CoalescedWrites } from './file-writes.js';
import { JournalDamagedError, JournalFile } from './journal-file.js';
import { PrivateJsonFile } from './private-json-file.js';
import {
  FILING_STATUSES,
  FilingStoreError,
  noticeId,
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
  /**
   * The journal is folded into the file once it holds this many bytes, or as many as the file itself
   * if that is more (so a write costs the same, on average, however many filings there are). Default 8 MiB.
   */
  compactAtBytes?: number;
}

export const DEFAULT_COMPACT_AT_BYTES = 8 * 1024 * 1024;

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
/** A line of the journal: the records one durable step changed, whole (null: gone), in the file's version. */
const journalLineSchema = z.object({
  v: z.literal(FILINGS_DATA_VERSION),
  filings: z.record(z.string(), storedFilingSchema.nullable()).default({}),
  notices: z.record(z.string(), noticeSchema.nullable()).default({}),
});

/** Files open in this process: two stores on one file would overwrite each other's filings. */
const openFiles = new Set<string>();

interface Opened<T> {
  db: Low<FilingsData>;
  file: PrivateJsonFile<FilingsData>;
  journal: JournalFile;
  ledger: Ledger<T>;
}

/**
 * The default FilingStore: one JSON file through lowdb 7 (Low + an atomic, 0600, fsynced file adapter),
 * the snapshot, and beside it a journal (`<file>.journal`, src/filings/journal-file.ts): every durable
 * step appends one fsynced JSON line with the records it changed (a change and the CHANGED filing it
 * replaces, a status change and its notice: one line, so one step). The journal is replayed over the
 * snapshot on opening and folded into it (an atomic rename, then the journal emptied) once it is as large
 * as the snapshot (at least compactAtBytes), on a reseal, a schema migration and on close: a write costs
 * about the same with 100 filings as with 100,000. A crash between an append and a compaction loses
 * nothing acknowledged (replaying a line the snapshot already holds changes nothing); a torn last line is
 * left out. One writer at a time; changes that arrive meanwhile go out together in the next line. Every
 * call resolves only once its change is on disk. A write that fails leaves the change in memory (it goes
 * out with the next write) and rejects, so the caller may retry with the same idempotency key.
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
  readonly #compactAtBytes: number;
  #closed = false;
  /** What changed in memory and is not yet on disk: references and notice ids. */
  readonly #dirtyFilings = new Set<string>();
  readonly #dirtyNotices = new Set<string>();
  #compactionWanted = false;
  #snapshotBytes = 0;
  readonly #writes = new CoalescedWrites(() => this.#write());

  constructor(options: LowdbFilingStoreOptions) {
    this.path = resolve(options.path ?? DEFAULT_FILINGS_PATH);
    if (openFiles.has(this.path)) {
      throw new FilingStoreError('ALREADY_OPEN', `filing store: ${this.path} is already open in this process`);
    }
    openFiles.add(this.path);
    this.#options = { now: options.now, random: options.random, keys: options.keys };
    this.#compactAtBytes = options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES;
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
    this.#dirtyFilings.add(record.reference);
    if (record.replaces !== undefined) this.#dirtyFilings.add(record.replaces);
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
    if (moved.changed) {
      this.#dirtyFilings.add(moved.record.reference);
      const notice = noticeId(moved.record.reference, 'STATUS', moved.record.status);
      if (Object.hasOwn(ledger.data.notices, notice)) this.#dirtyNotices.add(notice);
    }
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
    const before = new Set(Object.keys(ledger.data.notices));
    const count = ledger.enqueueExpiring(from, through);
    if (count > 0) for (const id of Object.keys(ledger.data.notices)) if (!before.has(id)) this.#dirtyNotices.add(id);
    await this.#persist();
    return count;
  }

  async claimNotices(worker: string, limit: number, leaseMs: number): Promise<Notice[]> {
    const { ledger } = await this.#use();
    const claimed = ledger.claim(worker, limit, leaseMs);
    if (claimed.length > 0) {
      for (const n of claimed) this.#dirtyNotices.add(n.id);
      await this.#persist();
    }
    return claimed;
  }

  async renewNoticeLease(id: string, worker: string, leaseMs: number): Promise<boolean> {
    const { ledger } = await this.#use();
    const renewed = ledger.renewLease(id, worker, leaseMs);
    if (renewed) this.#dirtyNotices.add(id);
    await this.#persist();
    return renewed;
  }

  async markNoticeSent(id: string, worker: string): Promise<boolean> {
    const { ledger } = await this.#use();
    const settled = ledger.settle(id, worker, { sent: true });
    if (settled) this.#dirtyNotices.add(id);
    await this.#persist();
    return settled;
  }

  async markNoticeFailed(id: string, worker: string, retryAfterMs: number | null): Promise<boolean> {
    const { ledger } = await this.#use();
    const settled = ledger.settle(id, worker, { sent: false, retryAfterMs });
    if (settled) this.#dirtyNotices.add(id);
    await this.#persist();
    return settled;
  }

  /** Seals again what is in clear or under an older key; resolves once the file holds it. */
  async reseal(): Promise<number> {
    const { ledger } = await this.#use();
    const { count } = ledger.reseal();
    if (count === 0) return 0;
    this.#compactionWanted = true; // every record changed: the whole file, at once
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
      if (this.#ready) {
        const { journal } = await this.#ready;
        // Calls made before close() may still be a few ticks from their write: let them start it.
        await new Promise((r) => setImmediate(r));
        await this.#writes.drain();
        // Fold the journal in, so the file alone holds every filing while the store is closed.
        if (journal.size > 0 || this.#dirtyFilings.size > 0 || this.#dirtyNotices.size > 0) {
          this.#compactionWanted = true;
          await this.#persist().catch(() => undefined);
        }
        await journal.close();
      }
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

  /** Resolves once a write started at or after this call is on disk (so whatever changed before it is). */
  #persist(): Promise<void> {
    return this.#writes.request();
  }

  /** Appends what changed as one journal line, or folds everything into the file when that is due. */
  async #write(): Promise<void> {
    const opened = await this.#opened();
    const { journal, ledger } = opened;
    if (this.#compactionWanted || journal.size >= Math.max(this.#compactAtBytes, this.#snapshotBytes)) {
      await this.#compact(opened);
      return;
    }
    if (this.#dirtyFilings.size === 0 && this.#dirtyNotices.size === 0) return;
    const refs = [...this.#dirtyFilings];
    const ids = [...this.#dirtyNotices];
    this.#dirtyFilings.clear();
    this.#dirtyNotices.clear();
    const line = {
      v: FILINGS_DATA_VERSION,
      filings: Object.fromEntries(refs.map((r) => [r, ledger.data.filings[r] ?? null])),
      notices: Object.fromEntries(ids.map((id) => [id, ledger.data.notices[id] ?? null])),
    };
    try {
      await journal.append(JSON.stringify(line));
    } catch (e) {
      for (const r of refs) this.#dirtyFilings.add(r);
      for (const id of ids) this.#dirtyNotices.add(id);
      throw e;
    }
  }

  /**
   * Writes the whole data as the file (atomically: a temporary file, fsync, rename), then empties the
   * journal. A crash between the two leaves lines the file already holds: replaying them changes nothing.
   */
  async #compact({ db, journal }: Opened<T>): Promise<void> {
    const refs = [...this.#dirtyFilings];
    const ids = [...this.#dirtyNotices];
    this.#dirtyFilings.clear();
    this.#dirtyNotices.clear();
    this.#compactionWanted = false;
    try {
      await db.write();
      await journal.clear();
    } catch (e) {
      for (const r of refs) this.#dirtyFilings.add(r);
      for (const id of ids) this.#dirtyNotices.add(id);
      this.#compactionWanted = true;
      throw e;
    }
    this.#snapshotBytes = await stat(this.path).then((s) => s.size, () => this.#snapshotBytes);
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
    const journal = new JournalFile(`${this.path}.journal`);
    await this.#replay(journal, db.data);
    const ledger = new Ledger<T>(db.data, options);
    const fresh = Object.keys(db.data.filings).length === 0;
    await journal.openForAppend(); // cuts off a torn last line
    const opened = { db, file, journal, ledger };
    if (legacy) {
      // A file from before personal fields were sealed: seal them all and write it back at once (an
      // atomic replace: the file holds either every filing in clear or every filing sealed).
      ledger.reseal();
      await this.#compact(opened);
    } else if (fresh || older) await this.#compact(opened); // creates the file (0600) now, so a bad folder shows at start-up; writes a version 2 file as version 3
    else this.#snapshotBytes = (await stat(this.path).catch(() => ({ size: 0 }))).size;
    if (!fresh || legacy) await chmod(this.path, 0o600).catch(() => undefined);
    return opened;
  }

  /** Applies the journal's lines over the file's data, oldest first; how many there were. */
  async #replay(journal: JournalFile, data: FilingsData): Promise<number> {
    let entries: unknown[];
    try {
      ({ entries } = await journal.read());
    } catch (cause) {
      if (cause instanceof JournalDamagedError) throw new FilingStoreError('UNREADABLE_FILE', `filing store: ${cause.message}`);
      const code = (cause as NodeJS.ErrnoException).code ?? 'error';
      throw new FilingStoreError('UNREADABLE_FILE', `filing store: ${journal.path} cannot be read (${code})`, { cause });
    }
    entries.forEach((entry, i) => {
      const line = journalLineSchema.safeParse(entry);
      if (!line.success) {
        const where = line.error.issues.map((issue) => issue.path.join('.') || '(top level)').slice(0, 3).join(', ');
        throw new FilingStoreError('UNREADABLE_FILE', `filing store: ${journal.path} line ${i + 1} is not a journal line (at ${where})`);
      }
      for (const [ref, record] of Object.entries(line.data.filings)) {
        if (record === null) delete data.filings[ref];
        else data.filings[ref] = record as FilingsData['filings'][string];
      }
      for (const [id, notice] of Object.entries(line.data.notices)) {
        if (notice === null) delete data.notices[id];
        else data.notices[id] = notice;
      }
    });
    return entries.length;
  }
}
