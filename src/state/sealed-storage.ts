import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { DataKeyError, type FieldCipher } from '../privacy/field-cipher.js';
import { SEALED_KEY, SealedFields } from '../privacy/sealed-fields.js';
import { carryStoredJson } from './stored-json.js';

export interface SealedStorageOptions {
  cipher: FieldCipher;
  /**
   * The fields of a stored item that hold personal data, as dotted paths from the item
   * (`filing.details.idNumber`: the `filing` state property's answers). Only string values are sealed.
   */
  fields: readonly string[];
  /**
   * Told (with the key id, never a value) when stored answers cannot be opened: sealed under a key that is
   * no longer configured, or damaged. They then read as absent (the person is asked for them again)
   * rather than failing every turn of the conversation until it expires.
   */
  onUnreadable?: (err: DataKeyError) => void;
}

/**
 * A botbuilder Storage that keeps the personal fields of every item sealed in the store beneath it
 * (AES-256-GCM, in one envelope per item bound to its key: src/privacy/sealed-fields.ts) and gives them
 * back in clear: the half-filled form in Redis or in the embedded store holds no ID number, phone, name
 * or address in clear. Everything else — keys, eTags, lifetimes, conflicts — is the inner store's, so it
 * passes the same Storage contract. A read opens one envelope; a write seals one only when a personal
 * answer changed (the envelope read is reused otherwise). The inner store never sees an item the caller
 * holds (the sealed copy shares only what it does not change).
 */
export class SealedStorage implements Storage {
  readonly #fields: SealedFields;

  constructor(
    private readonly inner: Storage,
    private readonly options: SealedStorageOptions,
  ) {
    this.#fields = new SealedFields(options.cipher, options.fields);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    const opened: StoreItems = {};
    for (const [key, item] of Object.entries(items)) opened[key] = this.#open(key, item as StoreItem);
    return opened;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) return this.inner.write(changes);
    const sealed: StoreItems = {};
    for (const [key, item] of Object.entries(changes)) {
      sealed[key] = this.#fields.seal(item, context(key));
      // What the item is stored as is its sealed copy's text: the store beneath compares and notes it (stored-json.ts).
      carryStoredJson(item, sealed[key]);
    }
    await this.inner.write(sealed);
    for (const [key, item] of Object.entries(changes)) carryStoredJson(sealed[key], item);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  #open(key: string, item: StoreItem): StoreItem {
    const opened = this.#opened(key, item);
    carryStoredJson(item, opened);
    return opened;
  }

  #opened(key: string, item: StoreItem): StoreItem {
    try {
      return this.#fields.open(item, context(key));
    } catch (err) {
      if (!(err instanceof DataKeyError)) throw err;
      this.options.onUnreadable?.(err);
      // The answers cannot be read: they are dropped (asked again), everything else is kept.
      const { [SEALED_KEY]: _dropped, ...rest } = item;
      return rest as StoreItem;
    }
  }
}

/** What a state item's sealed answers are bound to: its key (a conversation's answers open only there). */
const context = (key: string): string => `state:${key}`;

