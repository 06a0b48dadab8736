import type { DataKeyRing } from '../privacy/data-keys.js';
import type { IsoDate } from '../domain/calendar.js';
import { FILING_STATUSES, type FilingStatus } from '../domain/lifecycle.js';

/**
 * Where a filing stands, and which moves are legal: the domain's (src/domain/lifecycle.ts), the one
 * source. A new filing is SUBMITTED; the agency's answer and later changes move it on.
 */
export { FILING_STATUSES, type FilingStatus };

export function isFilingStatus(s: unknown): s is FilingStatus {
  return typeof s === 'string' && (FILING_STATUSES as readonly string[]).includes(s);
}

/** Who moved a filing: agency staff (by the name of their API key), the person, or the system. */
export interface StatusActor {
  kind: 'agency' | 'person' | 'system';
  name?: string;
}

/** Who asks for a status change and why; `requestId` makes a retried request a no-op. */
export interface StatusChange {
  actor: StatusActor;
  /** Free text (the agency's reason for a rejection): sealed at rest like the personal fields. */
  reason?: string;
  /** The same request id again on the same filing returns the filing as it is, with no second event. */
  requestId?: string;
}

/** One entry of a filing's audit trail. The first one is the submit itself (from null). */
export interface StatusEvent {
  /** ISO datetime (UTC, with milliseconds). */
  at: string;
  from: FilingStatus | null;
  to: FilingStatus;
  actor: StatusActor;
  reason?: string;
  requestId?: string;
}

/**
 * Where the person filed from, so that a notice can find them: the channel's id (as in
 * src/channels/channel.ts) and its conversation reference (JSON), and the person's locale. Sealed at rest.
 */
export interface FilingOrigin {
  channel: string;
  conversation: unknown;
  locale?: string;
}

/** A filing as kept by the store. It holds personal data: never log it. */
export interface StoredFiling<T = Record<string, unknown>> {
  reference: string;
  /**
   * As of today (Asia/Shanghai, by the store's clock): an EFFECTIVE temporary filing past its end date
   * reads EXPIRED (domain statusOn), in every read.
   */
  status: FilingStatus;
  /** ISO datetimes (UTC, with milliseconds). */
  createdAt: string;
  updatedAt: string;
  profileId: string;
  profileVersion: string;
  category: string;
  idempotencyKey: string;
  filing: T;
  /** The audit trail, oldest first: the submit, then every status change (who, when, from, to, reason). */
  history: StatusEvent[];
  /** The filing this one changed (it is CHANGED, with replacedBy = this reference). */
  replaces?: string;
  /** The filing that changed this one. */
  replacedBy?: string;
  /** Where the person filed from (for notices); absent for filings made before it was kept. */
  origin?: FilingOrigin;
}

export interface SubmitInput<T = Record<string, unknown>> {
  idempotencyKey: string;
  category: string;
  profileId: string;
  profileVersion: string;
  filing: T;
  /**
   * A change: the reference of the filing this one replaces. In the same durable step the old filing
   * becomes CHANGED (by the person) with replacedBy; ILLEGAL_TRANSITION when it cannot (not EFFECTIVE),
   * BAD_INPUT when there is no such filing.
   */
  replaces?: string;
  /** Where to send notices about this filing. */
  origin?: FilingOrigin;
}

/** The agency's listing: oldest first by creation time (then reference), so a queue reads in order. */
export interface ListQuery {
  /** As reads report it (EXPIRED includes EFFECTIVE temporary filings past their end date). */
  status?: FilingStatus;
  /** Created at or after (ISO datetime). */
  createdFrom?: string;
  /** Created before (ISO datetime). */
  createdTo?: string;
  /** nextCursor of the page before. */
  cursor?: string;
  /** 1..500. */
  limit: number;
}

export interface ListPage<T> {
  filings: StoredFiling<T>[];
  /** Present when there may be more: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

/** What a notice tells: the filing's new status, or that a temporary filing expires soon. */
export type NoticeKind = 'STATUS' | 'EXPIRING';

/**
 * A row of the outbox: a notice to the person about a filing. Enqueued with the status change that
 * causes it (in the same durable step), or by the expiry sweep; worked by any instance: claimNotices
 * leases it to one worker, which marks it sent, or failed (tried again later, or given up).
 */
export interface Notice {
  /** `<reference>:<kind>:<status>`: one notice per filing and cause, however often it is enqueued. */
  id: string;
  reference: string;
  kind: NoticeKind;
  /** The status it tells (EFFECTIVE for EXPIRING). */
  status: FilingStatus;
  createdAt: string;
  /** How many times it was claimed, this claim included. */
  attempts: number;
}

export const noticeId = (reference: string, kind: NoticeKind, status: FilingStatus): string => `${reference}:${kind}:${status}`;

/** Status changes made by anyone but the person are told to the person, when the filing says where. */
export const tellsPerson = (change: StatusChange): boolean => change.actor.kind !== 'person';

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
  /**
   * Moves a filing to `status` (from the status as of today) and records the event in its history;
   * undefined when there is no such filing. Throws BAD_STATUS for an unknown status, ILLEGAL_TRANSITION
   * for a move the life cycle does not allow (src/domain/lifecycle.ts). The same `requestId` again
   * returns the filing as it is. A change by the agency or the system enqueues a STATUS notice in the
   * same durable step when the filing has an origin. Without `change`, the actor is the system.
   */
  setStatus(reference: string, status: FilingStatus, change?: StatusChange): Promise<StoredFiling<T> | undefined>;
  /** Filings by status and creation time, oldest first, a page at a time (BAD_INPUT for a bad cursor). */
  list(query: ListQuery): Promise<ListPage<T>>;
  /**
   * Enqueues an EXPIRING notice for every EFFECTIVE temporary filing with an origin whose end date is
   * between `from` and `through` (inclusive; once per filing). Resolves with how many were new.
   */
  enqueueExpiringNotices(from: IsoDate, through: IsoDate): Promise<number>;
  /**
   * Leases up to `limit` due notices to `worker` for `leaseMs` (a notice leased to another worker whose
   * lease has not run out is not given): with several instances each notice goes to one of them.
   */
  claimNotices(worker: string, limit: number, leaseMs: number): Promise<Notice[]>;
  /**
   * Extends `worker`'s lease of a pending notice to `leaseMs` from now, before it is delivered. False
   * (and nothing changes) when the notice is no longer `worker`'s: another worker claimed it after this
   * lease ran out, or it was settled; the worker must then not deliver it.
   */
  renewNoticeLease(id: string, worker: string, leaseMs: number): Promise<boolean>;
  /**
   * The notice was delivered: it is never given out again. Only by the worker holding it: false (and
   * nothing changes) when the notice is no longer `worker`'s.
   */
  markNoticeSent(id: string, worker: string): Promise<boolean>;
  /**
   * Delivery failed: due again after `retryAfterMs`, or given up for good when it is null. Only by the
   * worker holding it: false (and nothing changes) when the notice is no longer `worker`'s.
   */
  markNoticeFailed(id: string, worker: string, retryAfterMs: number | null): Promise<boolean>;
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
    readonly code: 'CLOSED' | 'BAD_INPUT' | 'BAD_STATUS' | 'ILLEGAL_TRANSITION' | 'UNREADABLE_FILE' | 'ALREADY_OPEN' | 'NO_FREE_REFERENCE',
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

/** The cursor of a listing: where the last page ended (creation time and reference), opaque to callers. */
export function encodeCursor(createdAt: string, reference: string): string {
  return Buffer.from(JSON.stringify([createdAt, reference]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; reference: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))) {
      return { createdAt: new Date(value[0]).toISOString(), reference: value[1] };
    }
  } catch {
    // falls through
  }
  throw new FilingStoreError('BAD_INPUT', 'filing store: the cursor is not one this store gave');
}

/** Checks a listing query (BAD_INPUT otherwise). */
export function checkListQuery(query: ListQuery): void {
  if (query === null || typeof query !== 'object') throw new FilingStoreError('BAD_INPUT', 'filing store: list needs a query');
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 500) throw new FilingStoreError('BAD_INPUT', 'filing store: limit must be 1..500');
  if (query.status !== undefined && !isFilingStatus(query.status)) throw new FilingStoreError('BAD_STATUS', 'filing store: unknown filing status');
  for (const t of [query.createdFrom, query.createdTo]) {
    if (t !== undefined && Number.isNaN(Date.parse(t))) throw new FilingStoreError('BAD_INPUT', 'filing store: createdFrom/createdTo must be ISO datetimes');
  }
}

/** Checks a status change (BAD_INPUT otherwise); reason and request id are bounded. */
export function checkStatusChange(change: StatusChange): void {
  const kinds = ['agency', 'person', 'system'];
  if (change === null || typeof change !== 'object' || !kinds.includes(change.actor?.kind)) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: a status change needs an actor (agency, person or system)');
  }
  if (change.actor.name !== undefined && (typeof change.actor.name !== 'string' || change.actor.name.length > 100)) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: the actor name must be at most 100 characters');
  }
  if (change.reason !== undefined && (typeof change.reason !== 'string' || change.reason.length > 2000)) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: the reason must be at most 2000 characters');
  }
  if (change.requestId !== undefined && (typeof change.requestId !== 'string' || change.requestId === '' || change.requestId.length > 200)) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: the request id must be 1..200 characters');
  }
}
