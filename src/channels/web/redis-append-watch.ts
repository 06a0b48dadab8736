import { hash } from 'node:crypto';
import { isCluster, type RedisClient } from '../../state/redis-client.js';
import type { AppendListener, AppendWatch } from './activity-log.js';

export interface AppendWatchOptions {
  /** The pub/sub channel the log's scripts tell every append on (RedisWebKeys.notices). */
  channel: string;
  /** The watching log's own name in notices: what it appended itself is not told back. */
  origin: string;
  /** The subscriber connection's name (CLIENT SETNAME; not on Cluster). */
  connectionName?: string;
  /** How long `listening` waits for the first subscription before settling anyway. Default 1000 ms. */
  listenWaitMs?: number;
}

/**
 * RedisActivityLog.watch: one subscriber connection (the client's duplicate) on the notice channel, where
 * each append script publishes "<origin> <digest of the conversation id>". Plain pub/sub, not sharded: the
 * one channel takes every conversation's notices, and Cluster carries a PUBLISH to every node (a sharded
 * channel would have to share each script's slot, one per conversation). Notices of the conversations
 * followed, from other origins, reach the listener; after every reconnection it subscribes again (ioredis
 * does too; twice is harmless) and then tells `missed`, since notices published meanwhile are gone.
 */
export function watchAppends(redis: RedisClient, listener: AppendListener, options: AppendWatchOptions): AppendWatch {
  const { channel, origin } = options;
  const subscriber: RedisClient = isCluster(redis) ? redis.duplicate() : redis.duplicate(options.connectionName ? { connectionName: options.connectionName } : {});
  /** digest → the followed conversation and how many follow it. */
  const followed = new Map<string, { conversationId: string; count: number }>();
  let settled = false;
  let settle!: () => void;
  const listening = new Promise<void>((resolve) => (settle = resolve));
  const firstListened = (): boolean => {
    if (settled) return false;
    settled = true;
    clearTimeout(waitLimit);
    settle();
    return true;
  };
  // Redis away at first: streams read without waiting any longer, and are told `missed` once it listens.
  const waitLimit = setTimeout(firstListened, options.listenWaitMs ?? 1000);
  waitLimit.unref();
  // It reconnects by itself; the log's own client reports Redis being away.
  subscriber.on('error', () => {});
  subscriber.on('message', (from: string, message: string) => {
    const [sender, digest] = message.split(' ');
    // What this instance appended reached its own streams as it is.
    if (from !== channel || sender === origin || digest === undefined) return;
    const entry = followed.get(digest);
    if (entry) listener.appended(entry.conversationId);
  });
  let closed = false;
  // On every (re)connection: subscribe (again), then, but for the first time, tell what may have gone untold.
  // Refused while connected (a Cluster's subscriber node not yet there): again a second later.
  const listen = (): void => {
    if (closed) return;
    subscriber.subscribe(channel).then(
      () => {
        if (!firstListened()) listener.missed();
      },
      () => {
        firstListened();
        if (!closed && subscriber.status === 'ready') setTimeout(listen, 1000).unref();
      },
    );
  };
  subscriber.on('ready', listen);
  // A duplicate of a lazily connecting client waits for its first command: subscribing needs it ready first.
  if (subscriber.status === 'wait') subscriber.connect().catch(() => {});
  return {
    follow: (conversationId) => {
      const digest = noticeDigest(conversationId);
      const entry = followed.get(digest);
      if (entry) entry.count += 1;
      else followed.set(digest, { conversationId, count: 1 });
    },
    unfollow: (conversationId) => {
      const digest = noticeDigest(conversationId);
      const entry = followed.get(digest);
      if (entry && --entry.count <= 0) followed.delete(digest);
    },
    listening,
    close: async () => {
      closed = true;
      firstListened();
      followed.clear();
      subscriber.removeAllListeners('ready');
      subscriber.disconnect();
    },
  };
}

/** A conversation id as notices name it: a digest (96 bits: no two open conversations share one). */
export function noticeDigest(conversationId: string): string {
  return hash('sha256', conversationId, 'base64url').slice(0, 16);
}
