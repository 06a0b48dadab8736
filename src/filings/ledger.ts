import { newReference, normalizeReference } from './reference.js';
import {
  FilingStoreError,
  isFilingStatus,
  type FilingStatus,
  type FilingStoreOptions,
  type StoredFiling,
  type SubmitInput,
} from './filing-store.js';

/** The persisted shape: one JSON document. */
export interface FilingsData {
  schemaVersion: 1;
  filings: Record<string, StoredFiling>;
}

export const emptyFilingsData = (): FilingsData => ({ schemaVersion: 1, filings: {} });

/** How many references a submit draws before it gives up with NO_FREE_REFERENCE. */
export const MAX_REFERENCE_ATTEMPTS = 20;

/** A deep copy that keeps only JSON data, so every store hands back what a JSON file would. */
export function jsonCopy<V>(value: V): V {
  return JSON.parse(JSON.stringify(value)) as V;
}

function requireText(field: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new FilingStoreError('BAD_INPUT', `filing store: ${field} must be a non-empty string of at most ${max} characters`);
  }
}

/**
 * Checks a submit's input the same way for every store (BAD_INPUT, never quoting the filing) and returns
 * a JSON copy of its filing.
 */
export function checkSubmitInput<T>(input: SubmitInput<T>): T {
  if (input === null || typeof input !== 'object') throw new FilingStoreError('BAD_INPUT', 'filing store: submit needs an object');
  requireText('idempotencyKey', input.idempotencyKey, 200);
  requireText('category', input.category, 64);
  requireText('profileId', input.profileId, 64);
  requireText('profileVersion', input.profileVersion, 64);
  if (input.filing === null || typeof input.filing !== 'object' || Array.isArray(input.filing)) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: filing must be an object');
  }
  try {
    return jsonCopy(input.filing);
  } catch (cause) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: filing must be JSON data', { cause });
  }
}

/**
 * The bookkeeping both stores share, over one FilingsData document it mutates in place: the
 * reference index, the idempotency index, reference allocation with retry on a clash.
 */
export class Ledger<T> {
  readonly #byKey = new Map<string, string>();
  readonly #now: () => Date;
  readonly #random: (() => number) | undefined;

  constructor(
    readonly data: FilingsData,
    options: FilingStoreOptions = {},
  ) {
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random;
    // Oldest first, so the first filing for a key wins even in a hand-edited file.
    const all = Object.values(data.filings).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const f of all) if (!this.#byKey.has(f.idempotencyKey)) this.#byKey.set(f.idempotencyKey, f.reference);
  }

  get size(): number {
    return Object.keys(this.data.filings).length;
  }

  /** The live record (not a copy) for an idempotency key. */
  findByKey(idempotencyKey: string): StoredFiling<T> | undefined {
    const ref = this.#byKey.get(idempotencyKey);
    return ref === undefined ? undefined : (this.data.filings[ref] as StoredFiling<T> | undefined);
  }

  /** The live record (not a copy) for a reference as typed; undefined when malformed or unknown. */
  find(reference: string): StoredFiling<T> | undefined {
    const canonical = normalizeReference(reference);
    if (canonical === undefined || !Object.hasOwn(this.data.filings, canonical)) return undefined;
    return this.data.filings[canonical] as StoredFiling<T>;
  }

  /** Checks the input and adds a new SUBMITTED filing under a fresh reference. Returns the live record. */
  insert(input: SubmitInput<T>): StoredFiling<T> {
    const filing = checkSubmitInput(input);
    const now = this.#now();
    const reference = this.#freshReference(now);
    const at = now.toISOString();
    const record: StoredFiling<T> = {
      reference,
      status: 'SUBMITTED',
      createdAt: at,
      updatedAt: at,
      profileId: input.profileId,
      profileVersion: input.profileVersion,
      category: input.category,
      idempotencyKey: input.idempotencyKey,
      filing,
    };
    this.data.filings[reference] = record as StoredFiling;
    this.#byKey.set(input.idempotencyKey, reference);
    return record;
  }

  /** Undoes an insert whose write failed, so memory does not claim what the disk never got. */
  remove(reference: string): void {
    const record = this.data.filings[reference];
    if (!record) return;
    delete this.data.filings[reference];
    if (this.#byKey.get(record.idempotencyKey) === reference) this.#byKey.delete(record.idempotencyKey);
  }

  /** Sets the status on the live record; returns the previous values for an undo, or undefined if unknown. */
  setStatus(reference: string, status: FilingStatus): { record: StoredFiling<T>; undo: () => void } | undefined {
    if (!isFilingStatus(status)) throw new FilingStoreError('BAD_STATUS', 'filing store: unknown filing status');
    const record = this.find(reference);
    if (!record) return undefined;
    const before = { status: record.status, updatedAt: record.updatedAt };
    record.status = status;
    record.updatedAt = this.#now().toISOString();
    return { record, undo: () => Object.assign(record, before) };
  }

  #freshReference(now: Date): string {
    for (let i = 0; i < MAX_REFERENCE_ATTEMPTS; i++) {
      const ref = newReference(now, this.#random);
      if (!Object.hasOwn(this.data.filings, ref)) return ref;
    }
    throw new FilingStoreError('NO_FREE_REFERENCE', `filing store: no free reference after ${MAX_REFERENCE_ATTEMPTS} attempts`);
  }
}
