import { MemoryStorage } from 'botbuilder';
import { storageContract } from './state.storage-contract.js';

// The embedded default: botbuilder's own MemoryStorage. Every handle is the same object, as all
// turns of one process share it. It never expires anything (state lives as long as the process).
const shared = new MemoryStorage();
storageContract('the embedded memory store', () => shared, { expires: false });
