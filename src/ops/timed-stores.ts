import type { Storage, StoreItems } from 'botbuilder';
import type { FilingStore, FilingStatus, ListQuery, StatusChange, SubmitInput } from '../filings/filing-store.js';
import type { Metrics } from './metrics.js';

/**
 * The state store with every call timed into store_operation_duration_seconds{store="state", op}
 * (a failed call also counts in bot_errors_total{kind="store"}). Behaviour is the wrapped store's.
 */
export function timedStorage(storage: Storage, metrics: Pick<Metrics, 'timeStore'>): Storage {
  return {
    read: (keys: string[]) => metrics.timeStore('state', 'read', () => storage.read(keys)),
    write: (changes: StoreItems) => metrics.timeStore('state', 'write', () => storage.write(changes)),
    delete: (keys: string[]) => metrics.timeStore('state', 'delete', () => storage.delete(keys)),
  };
}

/** The filing store with submit, get, find, setStatus, list and claimNotices timed under store="filings"; the rest as they are. */
export function timedFilingStore<T>(store: FilingStore<T>, metrics: Pick<Metrics, 'timeStore'>): FilingStore<T> {
  return {
    submit: (input: SubmitInput<T>) => metrics.timeStore('filings', 'submit', () => store.submit(input)),
    get: (reference: string) => metrics.timeStore('filings', 'get', () => store.get(reference)),
    findByIdNumber: (idNumber: string) => metrics.timeStore('filings', 'find', () => store.findByIdNumber(idNumber)),
    setStatus: (reference: string, status: FilingStatus, change?: StatusChange) => metrics.timeStore('filings', 'set_status', () => store.setStatus(reference, status, change)),
    list: (query: ListQuery) => metrics.timeStore('filings', 'list', () => store.list(query)),
    enqueueExpiringNotices: (from: string, through: string) => store.enqueueExpiringNotices(from, through),
    claimNotices: (worker: string, limit: number, leaseMs: number) => metrics.timeStore('filings', 'claim_notices', () => store.claimNotices(worker, limit, leaseMs)),
    renewNoticeLease: (id: string, worker: string, leaseMs: number) => store.renewNoticeLease(id, worker, leaseMs),
    markNoticeSent: (id: string, worker: string) => store.markNoticeSent(id, worker),
    markNoticeFailed: (id: string, worker: string, retryAfterMs: number | null) => store.markNoticeFailed(id, worker, retryAfterMs),
    reseal: () => store.reseal(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
