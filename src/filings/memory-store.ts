import { DataKeyRing } from '../privacy/data-keys.js';
import { emptyFilingsData, Ledger } from './ledger.js';
import {
  FilingStoreError,
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

/**
 * A FilingStore in process memory, for tests of other modules. Same contract as the lowdb store; it seals
 * personal fields too (with a random key of its own when none is given), so it costs what the others do.
 */
export class MemoryFilingStore<T = Record<string, unknown>> implements FilingStore<T> {
  readonly #ledger: Ledger<T>;
  #closed = false;

  constructor(options: FilingStoreOptions = {}) {
    this.#ledger = new Ledger<T>(emptyFilingsData(), { ...options, keys: options.keys ?? DataKeyRing.random() });
  }

  /** How many filings are held (for tests). */
  get size(): number {
    return this.#ledger.size;
  }

  async submit(input: SubmitInput<T>): Promise<{ stored: StoredFiling<T>; created: boolean }> {
    this.#open();
    const existing = this.#ledger.findByKey(input?.idempotencyKey);
    if (existing) return { stored: this.#ledger.opened(existing), created: false };
    return { stored: this.#ledger.opened(this.#ledger.insert(input)), created: true };
  }

  async get(reference: string): Promise<StoredFiling<T> | undefined> {
    this.#open();
    const record = this.#ledger.find(reference);
    return record && this.#ledger.opened(record);
  }

  async findByIdNumber(idNumber: string): Promise<StoredFiling<T>[]> {
    this.#open();
    return this.#ledger.findByIdHashes(this.#ledger.sealer.idHashes(idNumber)).map((r) => this.#ledger.opened(r));
  }

  async setStatus(reference: string, status: FilingStatus, change?: StatusChange): Promise<StoredFiling<T> | undefined> {
    this.#open();
    const moved = this.#ledger.setStatus(reference, status, change);
    return moved && this.#ledger.opened(moved.record);
  }

  async list(query: ListQuery): Promise<ListPage<T>> {
    this.#open();
    const { filings, nextCursor } = this.#ledger.list(query);
    return nextCursor === undefined ? { filings } : { filings, nextCursor };
  }

  async enqueueExpiringNotices(from: string, through: string): Promise<number> {
    this.#open();
    return this.#ledger.enqueueExpiring(from, through);
  }

  async claimNotices(worker: string, limit: number, leaseMs: number): Promise<Notice[]> {
    this.#open();
    return this.#ledger.claim(worker, limit, leaseMs);
  }

  async renewNoticeLease(id: string, worker: string, leaseMs: number): Promise<boolean> {
    this.#open();
    return this.#ledger.renewLease(id, worker, leaseMs);
  }

  async markNoticeSent(id: string, worker: string): Promise<boolean> {
    this.#open();
    return this.#ledger.settle(id, worker, { sent: true });
  }

  async markNoticeFailed(id: string, worker: string, retryAfterMs: number | null): Promise<boolean> {
    this.#open();
    return this.#ledger.settle(id, worker, { sent: false, retryAfterMs });
  }

  async reseal(): Promise<number> {
    this.#open();
    return this.#ledger.reseal().count;
  }

  async ping(): Promise<boolean> {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new FilingStoreError('CLOSED', 'filing store: closed');
  }
}
