import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from '../privacy/same-secret.js';
import type { Storage } from 'botbuilder';

/**
 * Review page sign-ins (src/agency/review-page.ts), kept in the state store (Redis when configured), so
 * any instance knows them. A session is a random id in an HttpOnly, SameSite=Strict cookie and a CSRF
 * token the page sends in a header with every change; the store keeps them under the id's hash, with the
 * key's name and when the session ends.
 */
export interface AgencySession {
  /** The API key's name: the actor of what this session changes. */
  name: string;
  csrf: string;
  /** ms since the epoch. */
  expiresAt: number;
}

const KEY_PREFIX = 'agency/session/';
const ID = /^[A-Za-z0-9_-]{43}$/;

export class AgencySessions {
  constructor(
    private readonly storage: Storage,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(name: string): Promise<{ id: string; session: AgencySession }> {
    const id = randomBytes(32).toString('base64url');
    const session: AgencySession = { name, csrf: randomBytes(32).toString('base64url'), expiresAt: this.now() + this.ttlSeconds * 1000 };
    await this.storage.write({ [keyOf(id)]: { ...session } });
    return { id, session };
  }

  /** The live session with this id, or undefined (unknown, malformed, ended). */
  async get(id: string | undefined): Promise<AgencySession | undefined> {
    if (id === undefined || !ID.test(id)) return undefined;
    const found = (await this.storage.read([keyOf(id)]))[keyOf(id)] as Partial<AgencySession> | undefined;
    if (!found || typeof found.name !== 'string' || typeof found.csrf !== 'string' || typeof found.expiresAt !== 'number') return undefined;
    if (found.expiresAt <= this.now()) {
      await this.storage.delete([keyOf(id)]).catch(() => undefined);
      return undefined;
    }
    return { name: found.name, csrf: found.csrf, expiresAt: found.expiresAt };
  }

  async end(id: string | undefined): Promise<void> {
    if (id !== undefined && ID.test(id)) await this.storage.delete([keyOf(id)]);
  }
}

/** True when the presented CSRF token is the session's (constant time). */
export function csrfMatches(session: AgencySession, presented: string | string[] | undefined): boolean {
  return typeof presented === 'string' && sameSecret(presented, session.csrf);
}

const keyOf = (id: string): string => KEY_PREFIX + createHash('sha256').update(id).digest('base64url');
