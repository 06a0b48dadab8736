import { LowdbFilingStore } from './lowdb-store.js';
import { PostgresFilingStore } from './postgres-store.js';
import type { FilingStore, FilingStoreOptions } from './filing-store.js';
import type { DataKeyRing } from '../privacy/data-keys.js';

export { LowdbFilingStore, DEFAULT_FILINGS_PATH, type LowdbFilingStoreOptions } from './lowdb-store.js';
export { MemoryFilingStore } from './memory-store.js';
export { PostgresFilingStore, FilingStoreUnavailableError, POSTGRES_DEFAULTS, FILINGS_SCHEMA_VERSION, type PostgresFilingStoreOptions } from './postgres-store.js';
export { FilingSealer, PERSONAL_FILING_FIELDS, LOOKUP_ID_FIELD } from './sealed-filing.js';
export { newReference, isValidReference, normalizeReference, REFERENCE_PREFIX, CROCKFORD_ALPHABET } from './reference.js';
export {
  FILING_STATUSES,
  isFilingStatus,
  FilingStoreError,
  type FilingStatus,
  type StoredFiling,
  type SubmitInput,
  type FilingStore,
  type FilingStoreOptions,
  type FilingOrigin,
  type ListPage,
  type ListQuery,
  type Notice,
  type NoticeKind,
  type StatusActor,
  type StatusChange,
  type StatusEvent,
} from './filing-store.js';

/**
 * The store the app uses: PostgreSQL at `config.url` (FILINGS_URL), shared by every instance, when given;
 * otherwise lowdb at `config.path` (FILINGS_PATH), default ./data/filings.json, for one process. Both keep
 * the personal fields of every filing sealed with `config.keys` (DATA_ENCRYPTION_KEY).
 * `onError` hears of PostgreSQL connections that break while idle (never with filing data).
 */
export function createFilingStore<T = Record<string, unknown>>(
  config: { path?: string; url?: string; onError?: (err: Error) => void } & FilingStoreOptions & { keys: DataKeyRing },
): FilingStore<T> {
  const { path, url, onError, ...options } = config;
  if (url !== undefined && url !== '') return new PostgresFilingStore<T>({ ...options, url, ...(onError ? { onError } : {}) });
  return new LowdbFilingStore<T>({ ...options, ...(path !== undefined ? { path } : {}) });
}
