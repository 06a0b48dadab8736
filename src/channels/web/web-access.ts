import { createHash, randomBytes } from 'node:crypto';
import type { WebTokenClaims } from './web-tokens.js';

/**
 * What the web channel shares across instances about access to conversations, besides the signed
 * tokens themselves (which need no state):
 *
 * - **stream tickets**: the WebSocket stream URL carries a short-lived, single-use ticket instead of the
 *   token (a URL ends up in proxies' logs). Start and reconnect issue one with the streamUrl; the
 *   upgrade takes it, on whichever instance the socket lands. A ticket is kept hashed.
 * - **revoked tokens**: a refreshed token is revoked (until it would have expired for good), so a copy
 *   of it can no longer be used or refreshed. Revoking is first-come: of two refreshes of one token,
 *   one wins.
 *
 * Both live under the conversation, so on Redis they share its hash tag with the activity log.
 */
export interface WebAccessStore {
  /** A new single-use ticket for `claims`' conversation, valid `ttlSeconds`. URL-safe, 43 characters. */
  issueTicket(claims: WebTokenClaims, ttlSeconds: number): Promise<string>;
  /** The claims of a ticket of this conversation, once: unknown, used and expired tickets give undefined. */
  takeTicket(conversationId: string, ticket: string): Promise<WebTokenClaims | undefined>;
  /**
   * Revokes a token (by its id, see tokenId) until `untilSeconds` (seconds since the epoch; it is kept
   * no longer than that). Resolves true when this call revoked it, false when it already was.
   */
  revoke(conversationId: string, tokenId: string, untilSeconds: number): Promise<boolean>;
  /** Whether the token was revoked (and its revocation is still kept). */
  isRevoked(conversationId: string, tokenId: string): Promise<boolean>;
  /**
   * Optional, for a store kept beside the activity log (Redis): whether the token was revoked and whether
   * the log holds the conversation, asked in one round trip. The web channel asks isRevoked and the log's
   * exists() otherwise.
   */
  admission?(conversationId: string, tokenId: string): Promise<{ revoked: boolean; exists: boolean }>;
}

/** How long a stream ticket lives: the page opens the socket right after start or reconnect. */
export const STREAM_TICKET_TTL_SECONDS = 60;

const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh ticket: 32 random bytes, base64url. */
export function newTicket(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a string is shaped like a ticket (anything else is refused without asking the store). */
export function isTicket(value: string): boolean {
  return TICKET_PATTERN.test(value);
}

/** What a store keeps for a ticket or a token: a hash, never the secret itself. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 32);
}

export interface MemoryWebAccessOptions {
  now?: () => number;
}

interface Kept {
  value: string;
  expiresAt: number;
}

/** The access store in this process's memory: one instance (the embedded default, tests). */
export class MemoryWebAccess implements WebAccessStore {
  private readonly entries = new Map<string, Kept>();
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(options: MemoryWebAccessOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async issueTicket(claims: WebTokenClaims, ttlSeconds: number): Promise<string> {
    this.sweep();
    const ticket = newTicket();
    this.entries.set(`ticket:${claims.conversationId}:${secretDigest(ticket)}`, { value: JSON.stringify(claims), expiresAt: this.now() + ttlSeconds * 1000 });
    return ticket;
  }

  async takeTicket(conversationId: string, ticket: string): Promise<WebTokenClaims | undefined> {
    if (!isTicket(ticket)) return undefined;
    const key = `ticket:${conversationId}:${secretDigest(ticket)}`;
    const kept = this.live(key);
    this.entries.delete(key);
    return kept ? (JSON.parse(kept.value) as WebTokenClaims) : undefined;
  }

  async revoke(conversationId: string, tokenId: string, untilSeconds: number): Promise<boolean> {
    this.sweep();
    const key = `revoked:${conversationId}:${tokenId}`;
    if (this.live(key)) return false;
    this.entries.set(key, { value: '1', expiresAt: Math.max(untilSeconds * 1000, this.now() + 1000) });
    return true;
  }

  async isRevoked(conversationId: string, tokenId: string): Promise<boolean> {
    return this.live(`revoked:${conversationId}:${tokenId}`) !== undefined;
  }

  private live(key: string): Kept | undefined {
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return kept;
  }

  /** Forgets what has expired, at most once a minute. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, kept] of this.entries) if (kept.expiresAt <= now) this.entries.delete(key);
  }
}
