import { guarded } from '../state/errors.js';
import { whenReady, type RedisClient } from '../state/redis-client.js';
import type { AgentPresence } from './agent-presence.js';

/** Agent presence in Redis: one sorted set, agent id → last seen (ms); the stale are trimmed as it is counted. */
export class RedisAgentPresence implements AgentPresence {
  private readonly key: string;

  constructor(
    private readonly client: RedisClient,
    options: { prefix?: string; readyWaitMs?: number } = {},
  ) {
    this.key = `${options.prefix ?? 'beian:handoff:'}{handoff}:agents`;
    this.readyWaitMs = options.readyWaitMs ?? 1000;
  }

  private readonly readyWaitMs: number;

  private async run<T>(work: () => Promise<T>): Promise<T> {
    await guarded('handoff.presence', () => whenReady(this.client, this.readyWaitMs, 'handoff.presence'));
    return guarded('handoff.presence', work);
  }

  async seen(agentId: string, at: number): Promise<void> {
    await this.run(() => this.client.zadd(this.key, at, agentId));
  }

  async gone(agentId: string): Promise<void> {
    await this.run(() => this.client.zrem(this.key, agentId));
  }

  async count(since: number): Promise<number> {
    return (await this.present(since)).length;
  }

  async present(since: number): Promise<string[]> {
    return this.run(async () => {
      await this.client.zremrangebyscore(this.key, '-inf', `(${since}`);
      return this.client.zrangebyscore(this.key, since, '+inf');
    });
  }
}
