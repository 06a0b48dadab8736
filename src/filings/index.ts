import { LowdbFilingStore } from './lowdb-store.js';
import type { FilingStore, FilingStoreOptions } from './filing-store.js';

export { LowdbFilingStore, DEFAULT_FILINGS_PATH, type LowdbFilingStoreOptions } from './lowdb-store.js';
export { MemoryFilingStore } from './memory-store.js';
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
} from './filing-store.js';

/** The store the app uses: lowdb at `config.path` (FILINGS_PATH), default ./data/filings.json. */
export function createFilingStore<T = Record<string, unknown>>(config: { path?: string } & FilingStoreOptions = {}): FilingStore<T> {
  return new LowdbFilingStore<T>(config);
}
