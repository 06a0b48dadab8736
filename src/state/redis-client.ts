import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from './errors.js';

/** A standalone/Sentinel client or a Cluster client: everything in src/state/ works with both. */
export type RedisClient = Redis | Cluster;

export interface RedisHostPort {
  host: string;
  port: number;
}

/**
 * How to reach Redis. The URL (redis:// or rediss:// for TLS) carries the password, user and db.
 *
 * - Standalone: only the URL.
 * - Sentinel: `sentinels` (the Sentinel addresses) and `sentinelName` (the master group name); the URL
 *   then only contributes password/user/db/TLS for the master, its host is ignored.
 *   Env: REDIS_SENTINELS="h1:26379,h2:26379", REDIS_SENTINEL_NAME=mymaster, REDIS_SENTINEL_PASSWORD.
 * - Cluster: `clusterNodes` (seed nodes; the URL's host is used when empty) and `cluster: true`.
 *   Env: REDIS_CLUSTER_NODES="h1:6379,h2:6379". Keys of one conversation's lock share a hash tag.
 */
export interface RedisClientOptions {
  sentinels?: RedisHostPort[];
  sentinelName?: string;
  sentinelPassword?: string;
  cluster?: boolean;
  clusterNodes?: RedisHostPort[];
  /** A command gets no reply within this → it fails (StoreUnavailableError 'timeout'). Default 1000. */
  commandTimeoutMs?: number;
  /** One connection attempt gives up after this. Default 2000. */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts. Default 1000, so a returning Redis is found quickly. */
  maxReconnectDelayMs?: number;
  /** Connect on first use instead of at once. Default false. */
  lazyConnect?: boolean;
  /** Called with every connection error event (already handled: the process never crashes on them). */
  onError?: (err: Error) => void;
}

export const REDIS_CLIENT_DEFAULTS = {
  commandTimeoutMs: 1000,
  connectTimeoutMs: 2000,
  maxReconnectDelayMs: 1000,
} as const;

/**
 * Creates an ioredis client tuned so that a turn never hangs on a missing Redis:
 * - no offline queue: a command while disconnected is refused at once (src/state waits a bounded
 *   time for readiness before sending, see whenReady), and a refused command is never replayed
 *   later behind the caller's back (no ghost writes after the turn already apologised);
 * - `maxRetriesPerRequest: 1` and a command timeout, so an in-flight command fails within ~1 s;
 * - ioredis reconnects by itself, at most `maxReconnectDelayMs` apart;
 * - an `error` listener is always attached (ioredis emits `error` on every failed reconnect).
 */
export function createRedisClient(url: string, opts: RedisClientOptions = {}): RedisClient {
  const commandTimeout = opts.commandTimeoutMs ?? REDIS_CLIENT_DEFAULTS.commandTimeoutMs;
  const connectTimeout = opts.connectTimeoutMs ?? REDIS_CLIENT_DEFAULTS.connectTimeoutMs;
  const maxDelay = opts.maxReconnectDelayMs ?? REDIS_CLIENT_DEFAULTS.maxReconnectDelayMs;
  const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times - 1, 10), maxDelay) + Math.floor(Math.random() * 50);
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout,
    connectTimeout,
    retryStrategy,
    lazyConnect: opts.lazyConnect ?? false,
    // Commands issued in the same tick (many conversations' turns at once) go out in one write.
    enableAutoPipelining: true,
  };
  const onError = opts.onError ?? (() => {});

  let client: RedisClient;
  if (opts.cluster || (opts.clusterNodes && opts.clusterNodes.length > 0)) {
    const parsed = new URL(url);
    const nodes = opts.clusterNodes?.length ? opts.clusterNodes : [{ host: parsed.hostname, port: Number(parsed.port || 6379) }];
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue: false,
      lazyConnect: common.lazyConnect,
      clusterRetryStrategy: retryStrategy,
      redisOptions: {
        ...common,
        // ioredis 6 auto-pipelining on Cluster refuses some batches ("All keys in the pipeline should belong to the same slots allocation group").
        enableAutoPipelining: false,
        username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
        password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
        tls: parsed.protocol === 'rediss:' ? {} : undefined,
      },
    };
    client = new Cluster(nodes, clusterOptions);
  } else if (opts.sentinels && opts.sentinels.length > 0) {
    client = new Redis(url, {
      ...common,
      sentinels: opts.sentinels,
      name: opts.sentinelName ?? 'mymaster',
      sentinelPassword: opts.sentinelPassword,
      sentinelRetryStrategy: retryStrategy,
    });
  } else {
    client = new Redis(url, common);
  }
  client.on('error', (err: Error) => onError(err));
  return client;
}

/** Connection states after which the client will not come back by itself. */
const FINAL = new Set(['end', 'disconnecting']);
const readyWaiters = new WeakMap<RedisClient, Promise<void>>();

/**
 * Resolves when the client is ready; waits at most `waitMs` (covers the first connect and a short
 * reconnect) and then throws StoreUnavailableError('not-connected'). Shares one `ready` listener per
 * client however many turns wait.
 */
export async function whenReady(client: RedisClient, waitMs: number, operation: string): Promise<void> {
  if (client.status === 'ready') return;
  if (FINAL.has(client.status)) throw new StoreUnavailableError(operation, 'not-connected');
  if (client.status === 'wait') client.connect().catch(() => {});
  let ready = readyWaiters.get(client);
  if (!ready) {
    ready = new Promise<void>((resolve) => {
      client.once('ready', () => {
        readyWaiters.delete(client);
        resolve();
      });
    });
    readyWaiters.set(client, ready);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(operation, 'not-connected')), waitMs);
    timer.unref();
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Defines a Lua script once per client (EVALSHA with EVAL fallback) and returns a typed caller. */
export function script<R>(client: RedisClient, name: string, lua: string): (keys: string[], args: (string | number)[]) => Promise<R> {
  const defined = definedScripts.get(client) ?? new Set<string>();
  definedScripts.set(client, defined);
  if (!defined.has(name)) {
    client.defineCommand(name, { lua });
    defined.add(name);
  }
  return (keys, args) => {
    const fn = (client as unknown as Record<string, (...a: (string | number)[]) => Promise<R>>)[name]!;
    return fn.call(client, keys.length, ...keys, ...args);
  };
}
const definedScripts = new WeakMap<RedisClient, Set<string>>();

export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}
