import type { DataKeyRing } from '../privacy/data-keys.js';

/** Where a filing stands. A new filing is SUBMITTED; the agency's answer and later changes move it on. */
export const FILING_STATUSES = ['SUBMITTED', 'EFFECTIVE', 'REJECTED', 'CHANGED', 'CANCELLED', 'EXPIRED'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

export function isFilingStatus(s: unknown): s is FilingStatus {
  return typeof s === 'string' && (FILING_STATUSES as readonly string[]).includes(s);
}

/** A filing as kept by the store. It holds personal data: never log it. */
export interface StoredFiling<T = Record<string, unknown>> {
  reference: string;
  status: FilingStatus;
  /** ISO datetimes (UTC, with milliseconds). */
  createdAt: string;
  updatedAt: string;
  profileId: string;
  profileVersion: string;
  category: string;
  idempotencyKey: string;
  filing: T;
}

export interface SubmitInput<T = Record<string, unknown>> {
  idempotencyKey: string;
  category: string;
  profileId: string;
  profileVersion: string;
  filing: T;
}

export interface FilingStore<T = Record<string, unknown>> {
  /**
   * Stores a validated filing once per idempotency key: a repeated submit (retry, double click, resent
   * activity) returns the first filing with created=false, whatever filing it carries. Resolves once the
   * filing is durable. The filing must be JSON data; what comes back is a copy.
   */
  submit(input: SubmitInput<T>): Promise<{ stored: StoredFiling<T>; created: boolean }>;
  /** The filing with this reference (forgiving input: case, hyphen, O/0, I/L/1), or undefined. */
  get(reference: string): Promise<StoredFiling<T> | undefined>;
  /**
   * The filings whose insured person (`person.idNumber`) has this resident ID number, newest first; []
   * when there are none, or when the string cannot be an ID number. Forgiving input as people type it
   * (spaces, lower-case x, full-width digits). Found by the number's keyed hash (HMAC-SHA256 under a key
   * derived from DATA_ENCRYPTION_KEY, asked for under every configured key): no store keeps, indexes or
   * logs the number itself. For "check my filing" when the reference is lost: show nothing of what it
   * finds before the person has proven who they are.
   */
  findByIdNumber(idNumber: string): Promise<StoredFiling<T>[]>;
  /** Moves a filing to `status`; undefined when there is no such filing. Throws on an unknown status. */
  setStatus(reference: string, status: FilingStatus): Promise<StoredFiling<T> | undefined>;
  /**
   * Seals again, under the current key, every filing whose personal fields are in clear or sealed under
   * an older key (after a key rotation: `npm run -s data:reseal`), so that the older key can be dropped.
   * Resolves with how many filings changed.
   */
  reseal(): Promise<number>;
  /** True while the store can read and write. */
  ping(): Promise<boolean>;
  /** Flushes pending writes and releases the store; later calls fail (ping gives false). */
  close(): Promise<void>;
}

/** What a store may be given so tests can pin time and randomness, and the keys that seal personal fields. */
export interface FilingStoreOptions {
  now?: () => Date;
  random?: () => number;
  /**
   * The data keys (DATA_ENCRYPTION_KEY and older ones): every store keeps the personal fields of a
   * filing sealed with the current one (src/filings/sealed-filing.ts). Required by the stores that
   * persist; the memory store makes a random one when none is given.
   */
  keys?: DataKeyRing;
}

/** Thrown for misuse of a store (closed, bad input); the message never carries filing contents. */
export class FilingStoreError extends Error {
  constructor(
    readonly code: 'CLOSED' | 'BAD_INPUT' | 'BAD_STATUS' | 'UNREADABLE_FILE' | 'ALREADY_OPEN' | 'NO_FREE_REFERENCE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FilingStoreError';
  }
}

/**
 * A store made ready before first use (its file read, its table created): resolves with it once `ready`
 * succeeded; otherwise closes it (releasing what it holds) and rejects with the reason.
 */
export async function openedOrClosed<S extends { close(): Promise<void> }>(store: S, ready: () => Promise<unknown>): Promise<S> {
  try {
    await ready();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
