import { MemoryFilingStore } from '../src/filings/index.js';
import { filingStoreContract } from './filings.store-contract.js';

filingStoreContract('MemoryFilingStore', async (options) => new MemoryFilingStore(options));
