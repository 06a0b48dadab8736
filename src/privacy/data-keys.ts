import { createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The keys that protect personal data at rest (DATA_ENCRYPTION_KEY, and DATA_ENCRYPTION_KEYS for older
 * keys that must still be readable). A key is 32 random bytes, written in base64 or base64url
 * (`npm run -s data:key` prints one). Each key has an id derived from it (8 characters, not secret),
 * stored with every value sealed under it, so that a value names the key that opens it and keys can be
 * rotated. From each key two keys are derived once (HKDF-SHA256), one for AES-256-GCM and one for the
 * HMAC-SHA256 lookup hashes, so one secret serves both without reuse.
 */
export const DATA_KEY_BYTES = 32;

/** The name of the key file a local run makes when no key is configured (next to the filings file). */
export const LOCAL_KEY_FILE = 'data-encryption.key';

export interface DataKey {
  /** 8 characters derived from the key (never the key itself); stored with every value sealed with it. */
  readonly id: string;
  /** AES-256-GCM key for sealing fields. */
  readonly cipherKey: KeyObject;
  /** HMAC-SHA256 key for lookup hashes (an ID number is found by its keyed hash, never by itself). */
  readonly lookupKey: KeyObject;
}

const KEY_TEXT = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

/** The 32 bytes of a key written in base64 or base64url, or undefined when it is not one. */
export function parseDataKey(raw: string): Buffer | undefined {
  const text = raw.trim();
  if (!KEY_TEXT.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === DATA_KEY_BYTES ? bytes : undefined;
}

/** A new random key, as DATA_ENCRYPTION_KEY takes it (base64url, 43 characters). */
export function newDataKey(): string {
  return randomBytes(DATA_KEY_BYTES).toString('base64url');
}

function derive(secret: Buffer, purpose: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `yidi-beian/${purpose}`, length));
}

function dataKey(secret: Buffer): DataKey {
  return {
    id: derive(secret, 'key-id', 6).toString('base64url'),
    cipherKey: createSecretKey(derive(secret, 'field-cipher/aes-256-gcm', 32)),
    lookupKey: createSecretKey(derive(secret, 'lookup-hash/hmac-sha256', 32)),
  };
}

/**
 * The current key (every new value is sealed with it) and the older ones still accepted for reading.
 * Keys are derived once, when the ring is made: nothing per value but the cipher itself.
 */
export class DataKeyRing {
  readonly current: DataKey;
  /** The current key first, then the older ones, each once. */
  readonly keys: readonly DataKey[];
  readonly #byId: Map<string, DataKey>;

  constructor(current: Buffer, older: readonly Buffer[] = []) {
    if (current.length !== DATA_KEY_BYTES) throw new RangeError(`a data key is ${DATA_KEY_BYTES} bytes`);
    this.current = dataKey(current);
    this.#byId = new Map([[this.current.id, this.current]]);
    for (const secret of older) {
      if (secret.length !== DATA_KEY_BYTES) throw new RangeError(`a data key is ${DATA_KEY_BYTES} bytes`);
      const key = dataKey(secret);
      if (!this.#byId.has(key.id)) this.#byId.set(key.id, key);
    }
    this.keys = [...this.#byId.values()];
  }

  /** A ring of one random key that lives as long as the process (memory stores, tests). */
  static random(): DataKeyRing {
    return new DataKeyRing(randomBytes(DATA_KEY_BYTES));
  }

  /** A ring from the configured texts (already checked by src/config.ts). */
  static fromText(current: string, older: readonly string[] = []): DataKeyRing {
    const parse = (text: string): Buffer => {
      const bytes = parseDataKey(text);
      if (!bytes) throw new RangeError('not a data key (32 bytes in base64 or base64url)');
      return bytes;
    };
    return new DataKeyRing(parse(current), older.map(parse));
  }

  byId(id: string): DataKey | undefined {
    return this.#byId.get(id);
  }
}

/**
 * The key of a local run without DATA_ENCRYPTION_KEY: read from `path`, or made there (0600, its folder
 * 0700) when the file does not exist. `created` says which. A file that holds anything but one key
 * stops start-up: silently making a new key would leave everything sealed before unreadable.
 */
export function keyFromFile(path: string): { key: string; created: boolean } {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`the data key file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text !== undefined) {
    if (!parseDataKey(text)) throw new Error(`the data key file ${path} does not hold a data key (32 bytes in base64); restore it, or set DATA_ENCRYPTION_KEY`);
    chmodSync(path, 0o600);
    return { key: text.trim(), created: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = newDataKey();
  // 'wx': never overwrite a key another process has just written.
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return keyFromFile(path);
    throw err;
  }
  try {
    writeSync(fd, `${key}\n`);
  } finally {
    closeSync(fd);
  }
  return { key, created: true };
}

/**
 * The ring the app uses: DATA_ENCRYPTION_KEY with DATA_ENCRYPTION_KEYS, or (a local run without a key)
 * the key in `localKeyFile`, made on first start. `keyFile` tells the caller which, for its start-up line.
 */
export function dataKeyRingFor(
  config: { key?: string | undefined; olderKeys: readonly string[] },
  localKeyFile: string,
): { ring: DataKeyRing; keyFile?: { path: string; created: boolean } } {
  if (config.key !== undefined) return { ring: DataKeyRing.fromText(config.key, config.olderKeys) };
  const { key, created } = keyFromFile(localKeyFile);
  return { ring: DataKeyRing.fromText(key, config.olderKeys), keyFile: { path: localKeyFile, created } };
}
