import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The agency's API keys (AGENCY_API_KEYS). A key is `ak_` + 32 random bytes (base64url); the bot keeps
 * only its SHA-256 (a key is random, so a plain hash cannot be searched), one entry per key:
 * `NAME:HASH`, comma-separated. NAME says whose key it is (a desk, a person, a back-office system) and is
 * what the audit trail records as the actor. `npm run -s agency:key -- NAME` makes one.
 */

export const AGENCY_KEY_PREFIX = 'ak_';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HASH = /^[A-Za-z0-9_-]{43}$/;

export interface AgencyKeyEntry {
  name: string;
  /** base64url SHA-256 of the key. */
  hash: string;
}

export function isAgencyKeyName(name: string): boolean {
  return NAME.test(name);
}

export function hashAgencyKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

/** A new key for NAME, and the AGENCY_API_KEYS entry that lets it in. */
export function newAgencyKey(name: string): { key: string; entry: string } {
  if (!isAgencyKeyName(name)) throw new Error('the key name must be 1 to 64 letters, digits, . _ or - (starting with a letter or digit)');
  const key = AGENCY_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, entry: `${name}:${hashAgencyKey(key)}` };
}

/** The entries of AGENCY_API_KEYS; undefined when any entry is malformed or a name repeats. */
export function parseAgencyKeys(raw: string): AgencyKeyEntry[] | undefined {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const parsed = entries.map((e) => {
    const at = e.lastIndexOf(':');
    const name = e.slice(0, at);
    const hash = e.slice(at + 1);
    return at > 0 && NAME.test(name) && HASH.test(hash) ? { name, hash } : undefined;
  });
  if (parsed.length === 0 || parsed.some((p) => p === undefined)) return undefined;
  const names = new Set(parsed.map((p) => p!.name));
  return names.size === parsed.length ? (parsed as AgencyKeyEntry[]) : undefined;
}

/** Checks a presented key against the configured hashes (in constant time per entry). */
export class AgencyKeyring {
  readonly #entries: Array<{ name: string; hash: Buffer }>;

  constructor(entries: readonly AgencyKeyEntry[]) {
    this.#entries = entries.map((e) => ({ name: e.name, hash: Buffer.from(e.hash, 'base64url') }));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** True while a key of this name is configured (a session of a removed key ends with it). */
  has(name: string): boolean {
    return this.#entries.some((e) => e.name === name);
  }

  /** The name of the key, or undefined when it is not one of them. */
  nameOf(key: string): string | undefined {
    if (typeof key !== 'string' || !key.startsWith(AGENCY_KEY_PREFIX) || key.length > 200) return undefined;
    const presented = Buffer.from(hashAgencyKey(key), 'base64url');
    let found: string | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(presented, entry.hash)) found ??= entry.name;
    }
    return found;
  }
}
