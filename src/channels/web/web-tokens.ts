import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { RecentMap } from '../../ops/recent-map.js';

/** What a web-channel token says: which conversation it opens, for which user, until when. */
export interface WebTokenClaims {
  /** The conversation the token reaches (and no other). */
  conversationId: string;
  /** The user the page speaks for; the channel stamps it on every activity the page posts. */
  userId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

export type TokenCheck =
  /** `tokenId` names this token (a hash of its signature) for revocation; it is no secret. */
  | { ok: true; claims: WebTokenClaims; tokenId: string; expired?: boolean }
  | { ok: false; error: 'token_missing' | 'token_invalid' | 'token_expired' };

export interface VerifyOptions {
  /**
   * Accept a correctly signed token that expired at most this many seconds ago (its claims come back with
   * `expired: true`). For reconnecting to and refreshing a conversation that still exists only.
   */
  expiredUpToSeconds?: number;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 60;

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
/** How many correctly signed tokens verify() remembers (the oldest is forgotten first). */
const VERIFIED_TOKENS_KEPT = 10_000;
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Conversation tokens: compact JWTs signed with HMAC-SHA256 and the configured secret. Web Chat reads
 * the `user` claim to know which activities are the user's own; the server trusts only the signature.
 * No state is kept, so any instance with the same secret accepts a token another instance issued.
 */
export class WebTokens {
  private readonly secret: Buffer;
  /**
   * Tokens whose signature and shape were checked, with what they say: a page sends the same token with
   * every poll and post, so its HMAC, JSON and hash are worked out once. Only the exact token string finds
   * an entry; its expiry is checked on every use, its revocation is the store's (as for any token).
   */
  private readonly verified = new RecentMap<string, { claims: WebTokenClaims; tokenId: string }>(VERIFIED_TOKENS_KEPT);

  constructor(
    secret: string,
    readonly ttlSeconds: number = DEFAULT_TOKEN_TTL_SECONDS,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 16) throw new Error('the web channel token secret must be at least 16 characters');
    this.secret = Buffer.from(secret, 'utf8');
  }

  /** A token for a conversation, valid for ttlSeconds from now. */
  issue(conversationId: string, userId: string): { token: string; expiresIn: number } {
    const iat = Math.floor(this.now() / 1000);
    // jti: two tokens issued in the same second are still two tokens (one may be revoked, not the other).
    const payload = base64url(JSON.stringify({ conv: conversationId, user: userId, iat, exp: iat + this.ttlSeconds, jti: randomBytes(9).toString('base64url') }));
    const body = `${HEADER}.${payload}`;
    return { token: `${body}.${this.sign(body)}`, expiresIn: this.ttlSeconds };
  }

  /** Checks signature, shape and expiry of the token from an "Authorization: Bearer …" header. */
  verifyHeader(authorization: string | undefined, options: VerifyOptions = {}): TokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!match) return { ok: false, error: 'token_missing' };
    return this.verify(match[1]!, options);
  }

  verify(token: string, options: VerifyOptions = {}): TokenCheck {
    const known = this.verified.get(token) ?? this.check(token);
    if (!known) return { ok: false, error: 'token_invalid' };
    const { claims, tokenId } = known;
    if (claims.expiresAt * 1000 <= this.now()) {
      const grace = options.expiredUpToSeconds ?? 0;
      if (grace > 0 && (claims.expiresAt + grace) * 1000 > this.now()) return { ok: true, claims, tokenId, expired: true };
      return { ok: false, error: 'token_expired' };
    }
    return { ok: true, claims, tokenId };
  }

  /** Signature and shape: the claims and the token's id when both hold (remembered), else undefined. */
  private check(token: string): { claims: WebTokenClaims; tokenId: string } | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
    // The signature as written, not as decoded: base64url decoding ignores padding and a last character's
    // unused bits, and the token's id (for revocation) is a hash of what is written.
    const given = Buffer.from(parts[2]!, 'utf8');
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const { conv, user, exp } = (payload ?? {}) as Record<string, unknown>;
    if (typeof conv !== 'string' || !ID_PATTERN.test(conv) || typeof user !== 'string' || typeof exp !== 'number') return undefined;
    const known = {
      claims: { conversationId: conv, userId: user, expiresAt: exp },
      tokenId: createHash('sha256').update(parts[2]!).digest('base64url').slice(0, 32),
    };
    this.verified.set(token, known);
    return known;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/** A fresh random id for a conversation (URL-safe, 22 characters). */
export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

/** A fresh random user id; "dl_" marks ids embedded in a token, as Direct Line does. */
export function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}

export function isConversationId(value: string): boolean {
  return ID_PATTERN.test(value);
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
