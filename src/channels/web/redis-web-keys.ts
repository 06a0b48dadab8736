import { secretDigest } from './web-access.js';

/**
 * The Redis key names of the web channel: a conversation's activity list and its open marker
 * (RedisActivityLog), its stream tickets and revoked tokens (RedisWebAccess). Every key of one
 * conversation carries the conversation id as its hash tag, so one script or MULTI can touch them all,
 * on Redis Cluster too; the log's scripts that also ask a revocation rely on these names.
 */
export class RedisWebKeys {
  constructor(readonly prefix: string) {}

  /** The conversation's activities, as JSON, in order. */
  list(conversationId: string): string {
    return `${this.prefix}{${conversationId}}:activities`;
  }

  /** Says the conversation was opened and has not expired. */
  open(conversationId: string): string {
    return `${this.prefix}{${conversationId}}:open`;
  }

  /**
   * The pub/sub channel on which every append to any conversation's list is told (RedisActivityLog.watch):
   * one for the prefix, no hash tag (a channel, not a key).
   */
  notices(): string {
    return `${this.prefix}appended`;
  }

  /** A token (by its id) that was revoked. */
  revoked(conversationId: string, tokenId: string): string {
    return `${this.prefix}{${conversationId}}:revoked:${tokenId}`;
  }

  /** A stream ticket, by its hash. */
  ticket(conversationId: string, ticket: string): string {
    return `${this.prefix}{${conversationId}}:ticket:${secretDigest(ticket)}`;
  }
}
