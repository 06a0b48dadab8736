import type { RedisClient } from '../../state/redis-client.js';
import { openConversationKey } from './redis-activity-log.js';
import { isTicket, newTicket, secretDigest, type WebAccessStore } from './web-access.js';
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
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    options: RedisWebAccessOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'webchat:';
    this.now = options.now ?? Date.now;
  }

  async issueTicket(claims: WebTokenClaims, ttlSeconds: number): Promise<string> {
    const ticket = newTicket();
    await this.redis.set(this.ticketKey(claims.conversationId, ticket), JSON.stringify(claims), 'EX', ttlSeconds);
    return ticket;
  }

  async takeTicket(conversationId: string, ticket: string): Promise<WebTokenClaims | undefined> {
    if (!isTicket(ticket)) return undefined;
    const value = await this.redis.getdel(this.ticketKey(conversationId, ticket));
    return value === null ? undefined : (JSON.parse(value) as WebTokenClaims);
  }

  async revoke(conversationId: string, tokenId: string, untilSeconds: number): Promise<boolean> {
    const ms = Math.max(1000, untilSeconds * 1000 - this.now());
    return (await this.redis.set(this.revokedKey(conversationId, tokenId), '1', 'PX', ms, 'NX')) === 'OK';
  }

  async isRevoked(conversationId: string, tokenId: string): Promise<boolean> {
    return (await this.redis.exists(this.revokedKey(conversationId, tokenId))) === 1;
  }

  /**
   * The revocation and whether the activity log under the same prefix holds the conversation, in one
   * MULTI (one round trip; both keys carry the conversation's hash tag, so it also runs on Cluster).
   */
  async admission(conversationId: string, tokenId: string): Promise<{ revoked: boolean; exists: boolean }> {
    const results = await this.redis.multi().exists(this.revokedKey(conversationId, tokenId)).exists(openConversationKey(this.prefix, conversationId)).exec();
    if (!results) throw new Error('redis transaction aborted');
    const [revoked, exists] = results.map(([error, value]) => {
      if (error) throw error;
      return value === 1;
    }) as [boolean, boolean];
    return { revoked, exists };
  }

  private ticketKey(conversationId: string, ticket: string): string {
    return `${this.prefix}{${conversationId}}:ticket:${secretDigest(ticket)}`;
  }

  private revokedKey(conversationId: string, tokenId: string): string {
    return `${this.prefix}{${conversationId}}:revoked:${tokenId}`;
  }
}
