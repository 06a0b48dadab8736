import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisClient, whenReady, type RedisClient, type RedisClientOptions } from '../../src/state/redis-client.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Where a SharedRedis lives: the shared server (REDIS_URL), or a Sentinel or Cluster deployment (test/support/redis-topologies.ts). */
export interface RedisPlace {
  url: string;
  clientOptions?: RedisClientOptions;
  /** The nodes that hold data (masters), for cleaning up; default the URL's host. */
  dataNodes?(): Array<{ host: string; port: number }>;
}

/**
 * A Redis as one test file uses it: every key this run writes starts with `prefix`
 * (`test:<area>:<pid>:<random>:`), and only these are cleaned up; each client is a separate connection,
 * as a separate bot instance has. cleanUp() deletes this run's keys (on every master of a cluster) and
 * closes every client.
 */
export class SharedRedis {
  readonly prefix: string;
  private readonly clients: RedisClient[] = [];

  constructor(
    area: string,
    private readonly place: RedisPlace = { url: REDIS_URL },
  ) {
    this.prefix = `test:${area}:${process.pid}:${randomBytes(4).toString('hex')}:`;
  }

  /** The place's URL (read when used: a deployment a test starts later has none before). */
  get url(): string {
    return this.place.url;
  }

  /** A new client (standalone, Sentinel or Cluster, as the place is), not waited for. */
  client(options: RedisClientOptions = {}): RedisClient {
    const c = createRedisClient(this.url, { ...this.place.clientOptions, ...options });
    this.clients.push(c);
    return c;
  }

  /** A new client, ready before use (there is no offline queue), typed for looking at the server. */
  async readyClient(): Promise<Redis> {
    const c = this.client();
    await whenReady(c, 10_000, 'test');
    return c as Redis;
  }

  async cleanUp(): Promise<void> {
    const url = new URL(this.url);
    const nodes = this.place.dataNodes?.() ?? [{ host: url.hostname, port: Number(url.port || 6379) }];
    for (const node of nodes) {
      // A plain connection to each node; keys one by one (on a cluster node, keys of one DEL must share a slot).
      const c = new Redis({ host: node.host, port: node.port, password: url.password ? decodeURIComponent(url.password) : undefined, lazyConnect: true, maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        let cursor = '0';
        do {
          const [next, keys] = await c.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
          if (keys.length) await Promise.all(keys.map((k) => c.del(k)));
          cursor = next;
        } while (cursor !== '0');
      } catch {
        // a node that is gone (a killed master) holds nothing to clean
      } finally {
        c.disconnect();
      }
    }
    await Promise.all(this.clients.map((x) => x.quit().catch(() => x.disconnect())));
  }
}
