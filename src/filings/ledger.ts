import { newReference, normalizeReference } from './reference.js';
import { FilingSealer } from './sealed-filing.js';
import {
  checkListQuery,
  checkStatusChange,
  decodeCursor,
  encodeCursor,
  FilingStoreError,
  isFilingStatus,
  noticeId,
  tellsPerson,
  type FilingOrigin,
  type FilingStatus,
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
import { checkTransition, endDateOf, statusAsOf } from './status-rules.js';

/**
 * A filing as the ledger keeps it: its personal fields sealed, with the key they are sealed with and the
 * keyed hash of the insured person's ID number (never given out: see `opened`); the reasons in its
 * history and its origin sealed too (`origin` is the sealed JSON).
 */
export interface LedgerRecord<T = Record<string, unknown>> extends Omit<StoredFiling<T>, 'origin'> {
  keyId: string;
  personIdHash?: string;
  origin?: string;
}

/** A notice as the outbox keeps it. */
export interface NoticeRecord extends Notice {
  state: 'pending' | 'sent' | 'failed';
  /** Not given out before (ISO datetime). */
  dueAt: string;
  leasedBy?: string;
  leaseUntil?: string;
}

/**
 * The persisted shape: one JSON document. Version 2 keeps personal fields sealed (version 1, from before,
 * had them in clear: the lowdb store seals such a file when it opens it); version 3 adds each filing's
 * history, origin and replacement, and the outbox of notices.
 */
export interface FilingsData {
  schemaVersion: 3;
  filings: Record<string, LedgerRecord>;
  notices: Record<string, NoticeRecord>;
}

export const FILINGS_DATA_VERSION = 3;
export const emptyFilingsData = (): FilingsData => ({ schemaVersion: FILINGS_DATA_VERSION, filings: {}, notices: {} });

const REASON = 'reason';
const ORIGIN = 'origin';

/** Checks where notices go (BAD_INPUT otherwise) and gives it as JSON. */
export function originJson(origin: FilingOrigin | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (origin === null || typeof origin !== 'object' || typeof origin.channel !== 'string' || origin.channel === '' || origin.channel.length > 64) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: origin needs a channel id');
  }
  if (origin.locale !== undefined && (typeof origin.locale !== 'string' || origin.locale.length > 35)) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: origin.locale must be a language tag');
  }
  let json: string;
  try {
    json = JSON.stringify({ channel: origin.channel, conversation: origin.conversation ?? null, ...(origin.locale ? { locale: origin.locale } : {}) });
  } catch (cause) {
    throw new FilingStoreError('BAD_INPUT', 'filing store: origin must be JSON data', { cause });
  }
  if (json.length > 16_000) throw new FilingStoreError('BAD_INPUT', 'filing store: origin is too large');
  return json;
}

/** A history event as a store keeps it: the reason sealed (bound to the filing). */
export function sealedEvent(event: StatusEvent, reference: string, sealer: FilingSealer): StatusEvent {
  return event.reason === undefined ? event : { ...event, reason: sealer.sealText(event.reason, reference, REASON) };
}

export function openedHistory(history: StatusEvent[] | undefined, reference: string, sealer: FilingSealer): StatusEvent[] {
  return (history ?? []).map((e) => (e.reason === undefined ? { ...e } : { ...e, reason: sealer.openText(e.reason, reference, REASON) }));
}

export function sealedOrigin(json: string | undefined, reference: string, sealer: FilingSealer): string | undefined {
  return json === undefined ? undefined : sealer.sealText(json, reference, ORIGIN);
}

export function openedOrigin(sealed: string | null | undefined, reference: string, sealer: FilingSealer): FilingOrigin | undefined {
  return sealed === undefined || sealed === null ? undefined : (JSON.parse(sealer.openText(sealed, reference, ORIGIN)) as FilingOrigin);
}

/** The history event of a status change. */
export function eventOf(at: string, from: FilingStatus | null, to: FilingStatus, change: StatusChange): StatusEvent {
  const actor = change.actor.name === undefined ? { kind: change.actor.kind } : { kind: change.actor.kind, name: change.actor.name };
  return {
    at,
    from,
    to,
    actor,
    ...(change.reason !== undefined && change.reason !== '' ? { reason: change.reason } : {}),
    ...(change.requestId !== undefined ? { requestId: change.requestId } : {}),
  };
}

/** A filing's first history event: its submit by the person, or, for a change, the standing it takes over from the filing it replaces. */
export function firstEvent(at: string, status: FilingStatus, replaces?: string): StatusEvent {
  return eventOf(at, null, status, replaces === undefined ? PERSON_CHANGE : { ...PERSON_CHANGE, reason: `replaces ${replaces}` });
}

export const SYSTEM_CHANGE: StatusChange = { actor: { kind: 'system' } };
export const PERSON_CHANGE: StatusChange = { actor: { kind: 'person' } };

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
    data.notices ??= {};
    // Oldest first, so the first filing for a key wins even in a hand-edited file.
    const all = Object.values(data.filings).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const f of all) {
      if (!this.#byKey.has(f.idempotencyKey)) this.#byKey.set(f.idempotencyKey, f.reference);
      this.#index(f);
    }
  }

  /**
   * A caller's copy of a live record: personal fields, reasons and origin in clear, the status as of
   * today, the ledger's own fields left out.
   */
  opened(record: LedgerRecord<T>): StoredFiling<T> {
    const { keyId: _keyId, personIdHash: _hash, origin, history, ...stored } = jsonCopy(record);
    const opened: StoredFiling<T> = {
      ...stored,
      status: statusAsOf(stored.status, stored.filing, this.#now()),
      filing: this.sealer.open(stored.filing, stored.reference),
      history: openedHistory(history, stored.reference, this.sealer),
    };
    const where = openedOrigin(origin, stored.reference, this.sealer);
    if (where) opened.origin = where;
    return opened;
  }

  /** The status of a live record as of today. */
  statusOf(record: LedgerRecord<T>): FilingStatus {
    return statusAsOf(record.status, record.filing, this.#now());
  }

  /** A page of filings, oldest first (creation time, then reference). */
  list(query: ListQuery): ListPage<T> & { records: LedgerRecord<T>[] } {
    checkListQuery(query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const from = query.createdFrom === undefined ? undefined : new Date(query.createdFrom).toISOString();
    const to = query.createdTo === undefined ? undefined : new Date(query.createdTo).toISOString();
    const matching = (Object.values(this.data.filings) as LedgerRecord<T>[])
      .filter((r) => (from === undefined || r.createdAt >= from) && (to === undefined || r.createdAt < to))
      .filter((r) => after === undefined || r.createdAt > after.createdAt || (r.createdAt === after.createdAt && r.reference > after.reference))
      .filter((r) => query.status === undefined || this.statusOf(r) === query.status)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.reference.localeCompare(b.reference));
    const records = matching.slice(0, query.limit);
    const last = records.at(-1);
    const page: ListPage<T> & { records: LedgerRecord<T>[] } = { records, filings: records.map((r) => this.opened(r)) };
    if (matching.length > query.limit && last) page.nextCursor = encodeCursor(last.createdAt, last.reference);
    return page;
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
      if (record.history) record.history = openedHistory(record.history, record.reference, this.sealer).map((e) => sealedEvent(e, record.reference, this.sealer));
      if (record.origin !== undefined) record.origin = this.sealer.sealText(this.sealer.openText(record.origin, record.reference, ORIGIN), record.reference, ORIGIN);
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

  /**
   * Checks the input and adds a new SUBMITTED filing, sealed, under a fresh reference; for a change
   * (`replaces`) the new filing carries the old one's standing (its status, EFFECTIVE, from an event by the
   * person naming the filing it replaces) and the old one becomes CHANGED with replacedBy, in the same
   * step. Returns the live record.
   */
  insert(input: SubmitInput<T>): LedgerRecord<T> {
    const filing = checkSubmitInput(input);
    const origin = originJson(input.origin);
    const now = this.#now();
    const at = now.toISOString();
    let old: LedgerRecord<T> | undefined;
    let status: FilingStatus = 'SUBMITTED';
    if (input.replaces !== undefined) {
      old = typeof input.replaces === 'string' ? this.find(input.replaces) : undefined;
      if (!old) throw new FilingStoreError('BAD_INPUT', 'filing store: the filing to replace does not exist');
      status = this.statusOf(old);
      checkTransition(status, 'CHANGED');
    }
    const reference = this.#freshReference(now);
    const sealedOriginText = sealedOrigin(origin, reference, this.sealer);
    const record: LedgerRecord<T> = {
      reference,
      status,
      createdAt: at,
      updatedAt: at,
      profileId: input.profileId,
      profileVersion: input.profileVersion,
      category: input.category,
      idempotencyKey: input.idempotencyKey,
      ...this.#sealed(filing, reference),
      history: [sealedEvent(firstEvent(at, status, old?.reference), reference, this.sealer)],
      ...(old ? { replaces: old.reference } : {}),
      ...(sealedOriginText !== undefined ? { origin: sealedOriginText } : {}),
    };
    this.data.filings[reference] = record as LedgerRecord;
    this.#byKey.set(input.idempotencyKey, reference);
    this.#index(record);
    if (old) {
      old.history = [...(old.history ?? []), eventOf(at, this.statusOf(old), 'CHANGED', PERSON_CHANGE)];
      old.status = 'CHANGED';
      old.updatedAt = at;
      old.replacedBy = reference;
    }
    return record;
  }

  /** Enqueues a notice once per id; true when it is new. */
  enqueue(reference: string, kind: NoticeKind, status: FilingStatus): boolean {
    const id = noticeId(reference, kind, status);
    if (Object.hasOwn(this.data.notices, id)) return false;
    const at = this.#now().toISOString();
    this.data.notices[id] = { id, reference, kind, status, createdAt: at, attempts: 0, state: 'pending', dueAt: at };
    return true;
  }

  /** EXPIRING notices for EFFECTIVE temporary filings with an origin ending in [from, through]; how many are new. */
  enqueueExpiring(from: string, through: string): number {
    let count = 0;
    for (const record of Object.values(this.data.filings) as LedgerRecord<T>[]) {
      const end = endDateOf(record.filing);
      if (record.status !== 'EFFECTIVE' || record.origin === undefined || end === null || end < from || end > through) continue;
      if (this.enqueue(record.reference, 'EXPIRING', 'EFFECTIVE')) count++;
    }
    return count;
  }

  /** Leases due notices to `worker`, oldest first. */
  claim(worker: string, limit: number, leaseMs: number): Notice[] {
    const now = this.#now();
    const at = now.toISOString();
    const due = Object.values(this.data.notices)
      .filter((n) => n.state === 'pending' && n.dueAt <= at && (n.leaseUntil === undefined || n.leaseUntil <= at))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .slice(0, Math.max(0, limit));
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return due.map((n) => {
      n.attempts++;
      n.leasedBy = worker;
      n.leaseUntil = until;
      const { id, reference, kind, status, createdAt, attempts } = n;
      return { id, reference, kind, status, createdAt, attempts };
    });
  }

  /** Extends `worker`'s lease of a pending notice; false when the notice is not (any longer) `worker`'s. */
  renewLease(id: string, worker: string, leaseMs: number): boolean {
    const n = this.#heldBy(id, worker);
    if (!n) return false;
    n.leaseUntil = new Date(this.#now().getTime() + leaseMs).toISOString();
    return true;
  }

  /**
   * Marks a notice sent, or failed (due again after retryAfterMs, or given up), by the worker holding it;
   * false for an unknown id or a notice not (any longer) `worker`'s.
   */
  settle(id: string, worker: string, outcome: { sent: true } | { sent: false; retryAfterMs: number | null }): boolean {
    const n = this.#heldBy(id, worker);
    if (!n) return false;
    delete n.leasedBy;
    delete n.leaseUntil;
    if (outcome.sent) n.state = 'sent';
    else if (outcome.retryAfterMs === null) n.state = 'failed';
    else n.dueAt = new Date(this.#now().getTime() + Math.max(0, outcome.retryAfterMs)).toISOString();
    return true;
  }

  /** A pending notice leased to `worker` (its lease may have run out, as long as no one else claimed it). */
  #heldBy(id: string, worker: string): NoticeRecord | undefined {
    const n = Object.hasOwn(this.data.notices, id) ? this.data.notices[id] : undefined;
    return n && n.state === 'pending' && n.leasedBy === worker ? n : undefined;
  }

  /** Undoes an insert whose write failed, so memory does not claim what the disk never got. */
  remove(reference: string): void {
    const record = this.data.filings[reference];
    if (!record) return;
    delete this.data.filings[reference];
    this.#unindex(record);
    if (this.#byKey.get(record.idempotencyKey) === reference) this.#byKey.delete(record.idempotencyKey);
  }

  /**
   * Moves the live record on (from its status as of today), records the event and enqueues the notice;
   * `changed` is false for a request id already applied. Undefined for an unknown reference.
   */
  setStatus(reference: string, status: FilingStatus, change: StatusChange = SYSTEM_CHANGE): { record: LedgerRecord<T>; changed: boolean } | undefined {
    if (!isFilingStatus(status)) throw new FilingStoreError('BAD_STATUS', 'filing store: unknown filing status');
    checkStatusChange(change);
    const record = this.find(reference);
    if (!record) return undefined;
    record.history ??= [];
    if (change.requestId !== undefined && record.history.some((e) => e.requestId === change.requestId)) return { record, changed: false };
    const from = this.statusOf(record);
    checkTransition(from, status);
    const at = this.#now().toISOString();
    record.history.push(sealedEvent(eventOf(at, from, status, change), record.reference, this.sealer));
    record.status = status;
    record.updatedAt = at;
    if (tellsPerson(change) && record.origin !== undefined) this.enqueue(record.reference, 'STATUS', status);
    return { record, changed: true };
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
