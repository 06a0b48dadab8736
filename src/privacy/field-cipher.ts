import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';
import type { DataKey, DataKeyRing } from './data-keys.js';

/**
 * Seals string values with AES-256-GCM (node:crypto) under the ring's current key, and opens them under
 * whichever key of the ring sealed them. A sealed value is a string:
 *
 *     enc1:<key id>:<base64url of 12-byte IV | ciphertext | 16-byte tag>
 *
 * The `label` (what the value is and whose: e.g. `filing:YD20261124-7K3Q9M`) is authenticated with it
 * (GCM's additional data): a value moved to another record does not open. IVs are random (a CSPRNG, taken
 * from a pool refilled in blocks, as one call per value costs more than the cipher itself); at 2^32
 * values per key the chance of a repeat stays far below GCM's bound.
 *
 * Lookup hashes are HMAC-SHA256 under a key derived from the data key: `<key id>:<base64url>`. An
 * identifier is found by its hash under every key of the ring, so lookups keep working across a rotation.
 */
export const SEALED_PREFIX = 'enc1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const IV_POOL_BYTES = IV_BYTES * 512;
const SEALED = /^enc1:([A-Za-z0-9_-]{8}):([A-Za-z0-9_-]+)$/;

/** A sealed value could not be opened. The message names the key id or the field, never the value. */
export class DataKeyError extends Error {
  constructor(
    readonly code: 'UNKNOWN_KEY' | 'NOT_AUTHENTIC',
    message: string,
  ) {
    super(message);
    this.name = 'DataKeyError';
  }
}

export class FieldCipher {
  #pool = Buffer.alloc(0);
  #next = 0;

  constructor(readonly ring: DataKeyRing) {}

  /** A fresh random IV (a copy, never shared with another value). */
  #iv(): Buffer {
    if (this.#next + IV_BYTES > this.#pool.length) {
      this.#pool = randomFillSync(Buffer.allocUnsafe(IV_POOL_BYTES));
      this.#next = 0;
    }
    const iv = Buffer.from(this.#pool.subarray(this.#next, this.#next + IV_BYTES));
    this.#pool.fill(0, this.#next, this.#next + IV_BYTES); // an IV handed out is not kept
    this.#next += IV_BYTES;
    return iv;
  }

  /** The id of the key new values are sealed with. */
  get keyId(): string {
    return this.ring.current.id;
  }

  /** True for a string in the sealed form. */
  isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(SEALED_PREFIX) && SEALED.test(value);
  }

  /** The key id a sealed value names (undefined for anything else). */
  keyIdOf(value: unknown): string | undefined {
    return typeof value === 'string' ? SEALED.exec(value)?.[1] : undefined;
  }

  seal(plain: string, label: string): string {
    const key = this.ring.current;
    const iv = this.#iv();
    const cipher = createCipheriv('aes-256-gcm', key.cipherKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(label, 'utf8'));
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${key.id}:${body.toString('base64url')}`;
  }

  /**
   * The plain text of a sealed value. A string that is not sealed comes back as it is (data written
   * before encryption was turned on stays readable until it is sealed).
   */
  open(value: string, label: string): string {
    const match = SEALED.exec(value);
    if (!match) return value;
    const key = this.ring.byId(match[1]!);
    if (!key) {
      throw new DataKeyError('UNKNOWN_KEY', `a value is sealed with data key ${match[1]}, which is not configured (add it to DATA_ENCRYPTION_KEYS)`);
    }
    const body = Buffer.from(match[2]!, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new DataKeyError('NOT_AUTHENTIC', `the sealed value of ${label} is damaged`);
    const decipher = createDecipheriv('aes-256-gcm', key.cipherKey, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(label, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new DataKeyError('NOT_AUTHENTIC', `the sealed value of ${label} does not authenticate (damaged, or moved from another field)`);
    }
  }

  /** The lookup hash of `value` (already normalised by the caller) for `purpose`, under the current key. */
  lookupHash(purpose: string, value: string): string {
    return hashWith(this.ring.current, purpose, value);
  }

  /** The lookup hash under every key of the ring, the current one first: what a lookup asks for. */
  lookupHashes(purpose: string, value: string): string[] {
    return this.ring.keys.map((key) => hashWith(key, purpose, value));
  }
}

function hashWith(key: DataKey, purpose: string, value: string): string {
  return `${key.id}:${createHmac('sha256', key.lookupKey).update(purpose).update('\0').update(value, 'utf8').digest('base64url')}`;
}
