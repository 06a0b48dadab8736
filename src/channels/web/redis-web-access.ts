import type { RedisClient } from '../../state/redis-client.js';
import { RedisWebKeys } from './redis-web-keys.js';
import { isTicket, newTicket, type WebAccessStore } from './web-access.js';
import type { WebTokenClaims } from './web-tokens.js';

export interface RedisWebAccessOptions {
  /** Put before every key, e.g. "beian:state:webchat:" (the activity log's prefix). */
  keyPrefix?: string;
  now?: () => number;
}

/**
 * The access store in Redis, shared by every instance: a ticket is one key (its hash in the name, the
 * claims as value, EX its lifetime) taken with GETDEL, so exactly one upgrade gets it; a revocation is
 * one key SET NX with an expiry at the end of the token's life, so of two refreshes of one token one
 * wins. Keys carry the conversation id as hash tag, as the activity log's do (Redis Cluster).
 */
export class RedisWebAccess implements WebAccessStore {
  private readonly keys: RedisWebKeys;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    options: RedisWebAccessOptions = {},
  ) {
    this.keys = new RedisWebKeys(options.keyPrefix ?? 'webchat:');
    this.now = options.now ?? Date.now;
  }

  async issueTicket(claims: WebTokenClaims, ttlSeconds: number): Promise<string> {
    const ticket = newTicket();
    await this.redis.set(this.keys.ticket(claims.conversationId, ticket), JSON.stringify(claims), 'EX', ttlSeconds);
    return ticket;
  }

  async takeTicket(conversationId: string, ticket: string): Promise<WebTokenClaims | undefined> {
    if (!isTicket(ticket)) return undefined;
    const value = await this.redis.getdel(this.keys.ticket(conversationId, ticket));
    return value === null ? undefined : (JSON.parse(value) as WebTokenClaims);
  }

  async revoke(conversationId: string, tokenId: string, untilSeconds: number): Promise<boolean> {
    const ms = Math.max(1000, untilSeconds * 1000 - this.now());
    return (await this.redis.set(this.keys.revoked(conversationId, tokenId), '1', 'PX', ms, 'NX')) === 'OK';
  }

  async isRevoked(conversationId: string, tokenId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.revoked(conversationId, tokenId))) === 1;
  }

  /**
   * The revocation and whether the activity log under the same prefix holds the conversation, in one
   * MULTI (one round trip; both keys carry the conversation's hash tag, so it also runs on Cluster).
   */
  async admission(conversationId: string, tokenId: string): Promise<{ revoked: boolean; exists: boolean }> {
    const results = await this.redis.multi().exists(this.keys.revoked(conversationId, tokenId)).exists(this.keys.open(conversationId)).exec();
    if (!results) throw new Error('redis transaction aborted');
    const [revoked, exists] = results.map(([error, value]) => {
      if (error) throw error;
      return value === 1;
    }) as [boolean, boolean];
    return { revoked, exists };
  }
}
