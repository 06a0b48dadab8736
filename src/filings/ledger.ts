import { newReference, normalizeReference } from './reference.js';
import { FilingSealer } from './sealed-filing.js';
import {
  FilingStoreError,
  isFilingStatus,
  type FilingStatus,
  type FilingStoreOptions,
  type StoredFiling,
  type SubmitInput,
} from './filing-store.js';

/**
 * A filing as the ledger keeps it: its personal fields sealed, with the key they are sealed with and the
 * keyed hash of the insured person's ID number (never given out: see `opened`).
 */
export interface LedgerRecord<T = Record<string, unknown>> extends StoredFiling<T> {
  keyId: string;
  personIdHash?: string;
}

/**
 * The persisted shape: one JSON document. Version 2 keeps personal fields sealed (version 1, from before,
 * had them in clear: the lowdb store seals such a file when it opens it).
 */
export interface FilingsData {
  schemaVersion: 2;
  filings: Record<string, LedgerRecord>;
}

export const FILINGS_DATA_VERSION = 2;
export const emptyFilingsData = (): FilingsData => ({ schemaVersion: FILINGS_DATA_VERSION, filings: {} });

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
 * reference index, the idempotency index, the index of ID-number hashes, reference allocation with
 * retry on a clash, and sealing (records are kept sealed; `opened` gives a caller's copy in clear).
 */
export class Ledger<T> {
  readonly #byKey = new Map<string, string>();
  readonly #byIdHash = new Map<string, Set<string>>();
  readonly #now: () => Date;
  readonly #random: (() => number) | undefined;
  readonly sealer: FilingSealer;

  constructor(
    readonly data: FilingsData,
    options: FilingStoreOptions & { keys: NonNullable<FilingStoreOptions['keys']> },
  ) {
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random;
    this.sealer = new FilingSealer(options.keys);
    // Oldest first, so the first filing for a key wins even in a hand-edited file.
    const all = Object.values(data.filings).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const f of all) {
      if (!this.#byKey.has(f.idempotencyKey)) this.#byKey.set(f.idempotencyKey, f.reference);
      this.#index(f);
    }
  }

  /** A caller's copy of a live record: personal fields in clear, the ledger's own fields left out. */
  opened(record: LedgerRecord<T>): StoredFiling<T> {
    const { keyId: _keyId, personIdHash: _hash, ...stored } = jsonCopy(record);
    return { ...stored, filing: this.sealer.open(stored.filing, stored.reference) };
  }

  /** The live records whose ID-number hash is one of `hashes`, newest first. */
  findByIdHashes(hashes: readonly string[]): LedgerRecord<T>[] {
    const refs = new Set(hashes.flatMap((h) => [...(this.#byIdHash.get(h) ?? [])]));
    return [...refs]
      .map((ref) => this.data.filings[ref] as LedgerRecord<T> | undefined)
      .filter((r): r is LedgerRecord<T> => r !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.reference.localeCompare(a.reference));
  }

  /**
   * Seals every record in clear or under an older key with the current key (in place). Returns how
   * many changed and an undo for a failed write.
   */
  reseal(): { count: number; undo: () => void } {
    const before: LedgerRecord[] = [];
    for (const record of Object.values(this.data.filings)) {
      if (!this.sealer.needsReseal(record.filing, record.keyId)) continue;
      before.push({ ...record });
      this.#unindex(record);
      const sealed = this.#sealed(record.filing, record.reference);
      delete record.personIdHash;
      Object.assign(record, sealed);
      this.#index(record);
    }
    return {
      count: before.length,
      undo: () => {
        for (const old of before) {
          const record = this.data.filings[old.reference];
          if (!record) continue;
          this.#unindex(record);
          Object.assign(record, old);
          if (old.personIdHash === undefined) delete record.personIdHash;
          this.#index(record);
        }
      },
    };
  }

  get size(): number {
    return Object.keys(this.data.filings).length;
  }

  /** The live record (not a copy) for an idempotency key. */
  findByKey(idempotencyKey: string): LedgerRecord<T> | undefined {
    const ref = this.#byKey.get(idempotencyKey);
    return ref === undefined ? undefined : (this.data.filings[ref] as LedgerRecord<T> | undefined);
  }

  /** The live record (not a copy) for a reference as typed; undefined when malformed or unknown. */
  find(reference: string): LedgerRecord<T> | undefined {
    const canonical = normalizeReference(reference);
    if (canonical === undefined || !Object.hasOwn(this.data.filings, canonical)) return undefined;
    return this.data.filings[canonical] as LedgerRecord<T>;
  }

  /** Checks the input and adds a new SUBMITTED filing, sealed, under a fresh reference. Returns the live record. */
  insert(input: SubmitInput<T>): LedgerRecord<T> {
    const filing = checkSubmitInput(input);
    const now = this.#now();
    const reference = this.#freshReference(now);
    const at = now.toISOString();
    const record: LedgerRecord<T> = {
      reference,
      status: 'SUBMITTED',
      createdAt: at,
      updatedAt: at,
      profileId: input.profileId,
      profileVersion: input.profileVersion,
      category: input.category,
      idempotencyKey: input.idempotencyKey,
      ...this.#sealed(filing, reference),
    };
    this.data.filings[reference] = record as LedgerRecord;
    this.#byKey.set(input.idempotencyKey, reference);
    this.#index(record);
    return record;
  }

  /** Undoes an insert whose write failed, so memory does not claim what the disk never got. */
  remove(reference: string): void {
    const record = this.data.filings[reference];
    if (!record) return;
    delete this.data.filings[reference];
    this.#unindex(record);
    if (this.#byKey.get(record.idempotencyKey) === reference) this.#byKey.delete(record.idempotencyKey);
  }

  /** Sets the status on the live record; returns the previous values for an undo, or undefined if unknown. */
  setStatus(reference: string, status: FilingStatus): { record: LedgerRecord<T>; undo: () => void } | undefined {
    if (!isFilingStatus(status)) throw new FilingStoreError('BAD_STATUS', 'filing store: unknown filing status');
    const record = this.find(reference);
    if (!record) return undefined;
    const before = { status: record.status, updatedAt: record.updatedAt };
    record.status = status;
    record.updatedAt = this.#now().toISOString();
    return { record, undo: () => Object.assign(record, before) };
  }

  /** The sealed filing and what is kept beside it (the hash only when there is an ID number). */
  #sealed<F>(filing: F, reference: string): { filing: F; keyId: string; personIdHash?: string } {
    const { filing: sealed, keyId, personIdHash } = this.sealer.seal(filing, reference);
    return personIdHash === undefined ? { filing: sealed, keyId } : { filing: sealed, keyId, personIdHash };
  }

  #index(record: { reference: string; personIdHash?: string | undefined }): void {
    if (record.personIdHash === undefined) return;
    let refs = this.#byIdHash.get(record.personIdHash);
    if (!refs) this.#byIdHash.set(record.personIdHash, (refs = new Set()));
    refs.add(record.reference);
  }

  #unindex(record: { reference: string; personIdHash?: string | undefined }): void {
    if (record.personIdHash === undefined) return;
    const refs = this.#byIdHash.get(record.personIdHash);
    refs?.delete(record.reference);
    if (refs?.size === 0) this.#byIdHash.delete(record.personIdHash);
  }

  #freshReference(now: Date): string {
    for (let i = 0; i < MAX_REFERENCE_ATTEMPTS; i++) {
      const ref = newReference(now, this.#random);
      if (!Object.hasOwn(this.data.filings, ref)) return ref;
    }
    throw new FilingStoreError('NO_FREE_REFERENCE', `filing store: no free reference after ${MAX_REFERENCE_ATTEMPTS} attempts`);
  }
}
