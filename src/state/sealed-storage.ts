import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { DataKeyError, type FieldCipher } from '../privacy/field-cipher.js';
import { SealedFields } from '../privacy/sealed-fields.js';

export interface SealedStorageOptions {
  cipher: FieldCipher;
  /**
   * The fields of a stored item that hold personal data, as dotted paths from the item
   * (`filing.details.idNumber`: the `filing` state property's answers). Only string values are sealed.
   */
  fields: readonly string[];
  /**
   * Told (with the key id, never a value) when a stored field cannot be opened: sealed under a key that is
   * no longer configured, or damaged. The field then reads as absent (the person is asked for it again)
   * rather than failing every turn of the conversation until it expires.
   */
  onUnreadable?: (err: DataKeyError) => void;
}

/**
 * A botbuilder Storage that keeps the personal fields of every item sealed in the store beneath it
 * (AES-256-GCM, src/privacy/field-cipher.ts) and gives them back in clear: the half-filled form in Redis
 * or in the embedded store holds no ID number, phone, name or address in clear. Everything else — keys,
 * eTags, lifetimes, conflicts — is the inner store's, so it passes the same Storage contract. Only the
 * listed fields are sealed, so a turn costs a few microseconds of cipher work; the inner store never
 * sees an item the caller holds (the sealed copy shares only what it does not change).
 */
export class SealedStorage implements Storage {
  readonly #fields: SealedFields;

  constructor(
    private readonly inner: Storage,
    private readonly options: SealedStorageOptions,
  ) {
    this.#fields = new SealedFields(options.cipher, options.fields, 'state:');
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    const opened: StoreItems = {};
    for (const [key, item] of Object.entries(items)) opened[key] = this.#open(item as StoreItem);
    return opened;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) return this.inner.write(changes);
    const sealed: StoreItems = {};
    for (const [key, item] of Object.entries(changes)) sealed[key] = this.#fields.seal(item);
    await this.inner.write(sealed);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  #open(item: StoreItem): StoreItem {
    try {
      return this.#fields.open(item);
    } catch (err) {
      if (!(err instanceof DataKeyError)) throw err;
      this.options.onUnreadable?.(err);
      // Field by field: keep what opens, drop what does not.
      let result: StoreItem = item;
      for (const path of this.options.fields) {
        try {
          result = new SealedFields(this.options.cipher, [path], 'state:').open(result);
        } catch (inner) {
          if (!(inner instanceof DataKeyError)) throw inner;
          result = withoutField(result, path.split('.'));
        }
      }
      return result;
    }
  }
}

function withoutField<T>(value: T, path: readonly string[]): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, head)) return value;
  if (rest.length === 0) {
    const { [head]: _dropped, ...others } = record;
    return others as T;
  }
  return { ...record, [head]: withoutField(record[head], rest) } as T;
}
