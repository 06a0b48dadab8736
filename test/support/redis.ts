import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient, whenReady, type RedisClient } from '../../src/state/redis-client.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The shared Redis (REDIS_URL) as one test file uses it: every key this run writes starts with `prefix`
 * (`test:<area>:<pid>:<random>:`), and only these are cleaned up; each client is a separate connection,
 * as a separate bot instance has. cleanUp() deletes this run's keys and closes every client.
 */
export class SharedRedis {
  readonly url = REDIS_URL;
  readonly prefix: string;
  private readonly clients: RedisClient[] = [];

  constructor(area: string) {
    this.prefix = `test:${area}:${process.pid}:${randomBytes(4).toString('hex')}:`;
  }

  /** A new client, not waited for. */
  client(): RedisClient {
    const c = createRedisClient(this.url);
    this.clients.push(c);
    return c;
  }

  /** A new client, ready before use (there is no offline queue), typed for looking at the server. */
  async readyClient(): Promise<Redis> {
    const c = this.client();
    await whenReady(c, 5_000, 'test');
    return c as Redis;
  }

  async cleanUp(): Promise<void> {
    const c = await this.readyClient();
    let cursor = '0';
    do {
      const [next, keys] = await c.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      if (keys.length) await c.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await Promise.all(this.clients.map((x) => x.quit().catch(() => x.disconnect())));
  }
}
