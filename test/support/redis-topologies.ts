import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { RedisClientOptions } from '../../src/state/redis-client.js';
import { sleep } from './redis-server.js';

/**
 * Real Redis Cluster and Sentinel deployments on loopback, started by the tests themselves from Debian's
 * redis-server, redis-sentinel and redis-cli (test/redis.topologies.test.ts). Each lives in a temporary
 * folder on spare ports and is killed (SIGKILL) and removed by stop(). They are started only when
 * REDIS_TEST_CLUSTER=1 / REDIS_TEST_SENTINEL=1 (.ci/run sets both); otherwise the suites say how to run
 * them and skip.
 */
export interface RedisTopology {
  readonly name: string;
  /** REDIS_URL for the app and the clients (password, db; its host is not used by Sentinel and Cluster). */
  readonly url: string;
  /** How src/state/redis-client.ts reaches it. */
  readonly clientOptions: RedisClientOptions;
  /** The variables that make the app use it (REDIS_URL, REDIS_SENTINELS / REDIS_CLUSTER_NODES…). */
  readonly env: Record<string, string>;
  /** Every node holding data (for cleaning up keys): the masters. */
  dataNodes(): Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

export const TOPOLOGY_SWITCHES = {
  cluster: 'REDIS_TEST_CLUSTER',
  sentinel: 'REDIS_TEST_SENTINEL',
} as const;

/** Why a topology's suites do not run here, or undefined when they do. */
export function topologySkipReason(kind: keyof typeof TOPOLOGY_SWITCHES): string | undefined {
  const variable = TOPOLOGY_SWITCHES[kind];
  const binaries = kind === 'cluster' ? ['redis-server', 'redis-cli'] : ['redis-server', 'redis-sentinel'];
  if (process.env[variable] !== '1') {
    return `set ${variable}=1 to start a real ${kind === 'cluster' ? 'three-node Redis Cluster' : 'Redis master, replica and Sentinel'} on loopback (.ci/run does)`;
  }
  const missing = binaries.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
  return missing.length ? `${missing.join(' and ')} not installed (Debian: apt-get install -y redis-server redis-sentinel)` : undefined;
}

const HOST = '127.0.0.1';

class Processes {
  readonly dir = mkdtempSync(join(tmpdir(), 'redis-topology-'));
  readonly children = new Map<number, ChildProcess>();

  start(command: string, args: string[], port: number): void {
    const child = spawn(command, args, { stdio: 'ignore', cwd: this.dir });
    this.children.set(port, child);
    child.once('exit', () => {
      if (this.children.get(port) === child) this.children.delete(port);
    });
  }

  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A port that is free, and (for a cluster node) whose bus port, port + 10000, is free too. */
async function sparePort(withBus = false): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await isFree(port)) && (!withBus || (await isFree(port + 10_000)))) return port;
  }
  throw new Error('no spare port for a Redis node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** Asks a node something until `ok(reply)` holds; throws after `ms`. */
async function until<T>(port: number, ask: (r: Redis) => Promise<T>, ok: (reply: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    const r = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    r.on('error', () => undefined);
    try {
      await r.connect();
      const reply = await ask(r);
      if (ok(reply)) return reply;
      last = reply;
    } catch (err) {
      last = err;
    } finally {
      r.disconnect();
    }
    await sleep(100);
  }
  throw new Error(`redis on ${port}: ${what} (last: ${last instanceof Error ? last.message : String(last)})`);
}

const nodeArgs = (port: number) => ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

/** Three masters, slots spread over them by redis-cli --cluster create; no replicas. */
export class RedisClusterProcesses implements RedisTopology {
  readonly name = 'a three-node Redis Cluster';
  private readonly processes = new Processes();

  private constructor(readonly ports: number[]) {}

  static async start(): Promise<RedisClusterProcesses> {
    const ports: number[] = [];
    while (ports.length < 3) {
      const port = await sparePort(true);
      if (!ports.includes(port)) ports.push(port);
    }
    const cluster = new RedisClusterProcesses(ports);
    try {
      for (const port of ports) {
        cluster.processes.start(
          'redis-server',
          [...nodeArgs(port), '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000', '--dir', cluster.processes.dir],
          port,
        );
      }
      for (const port of ports) await until(port, (r) => r.ping(), (p) => p === 'PONG', 'answers PING');
      const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      for (const port of ports) {
        await until(port, (r) => r.cluster('INFO') as Promise<string>, (info) => /cluster_state:ok/.test(info) && /cluster_known_nodes:3/.test(info), 'cluster_state:ok');
      }
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get url(): string {
    return `redis://${HOST}:${this.ports[0]}`;
  }

  get clientOptions(): RedisClientOptions {
    return { cluster: true, clusterNodes: this.ports.map((port) => ({ host: HOST, port })) };
  }

  get env(): Record<string, string> {
    return { REDIS_URL: this.url, REDIS_CLUSTER_NODES: this.ports.map((p) => `${HOST}:${p}`).join(',') };
  }

  dataNodes(): Array<{ host: string; port: number }> {
    return this.ports.map((port) => ({ host: HOST, port }));
  }

  stop(): Promise<void> {
    return this.processes.stopAll();
  }
}

/** A master, one replica and one Sentinel (quorum 1) watching them as `mymaster`; failover in about a second. */
export class RedisSentinelProcesses implements RedisTopology {
  readonly name = 'Redis Sentinel (a master and one replica)';
  readonly masterName = 'mymaster';
  private readonly processes = new Processes();

  private constructor(
    public master: number,
    public replica: number,
    readonly sentinel: number,
  ) {}

  static async start(): Promise<RedisSentinelProcesses> {
    const [master, replica, sentinel] = [await sparePort(), await sparePort(), await sparePort()];
    if (new Set([master, replica, sentinel]).size !== 3) return RedisSentinelProcesses.start();
    const set = new RedisSentinelProcesses(master, replica, sentinel);
    try {
      set.processes.start('redis-server', [...nodeArgs(master), '--dir', set.processes.dir], master);
      set.processes.start('redis-server', [...nodeArgs(replica), '--dir', set.processes.dir, '--replicaof', HOST, String(master)], replica);
      await until(replica, (r) => r.info('replication'), (info) => /master_link_status:up/.test(info), 'replica in sync');
      // Sentinel rewrites its configuration file: it lives in the temporary folder.
      const conf = join(set.processes.dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${sentinel}`,
          `bind ${HOST}`,
          'protected-mode no',
          `dir ${set.processes.dir}`,
          `sentinel monitor ${set.masterName} ${HOST} ${master} 1`,
          `sentinel down-after-milliseconds ${set.masterName} 1000`,
          `sentinel failover-timeout ${set.masterName} 5000`,
          `sentinel parallel-syncs ${set.masterName} 1`,
          '',
        ].join('\n'),
      );
      set.processes.start('redis-sentinel', [conf], sentinel);
      await until(
        sentinel,
        (r) => r.call('SENTINEL', 'REPLICAS', set.masterName) as Promise<string[][]>,
        (replicas) => replicas.some((fields) => fields.includes(String(replica)) && fields[fields.indexOf('flags') + 1] === 'slave'),
        'Sentinel knows the replica',
      );
    } catch (err) {
      await set.stop();
      throw err;
    }
    return set;
  }

  get url(): string {
    return `redis://${HOST}:${this.master}`;
  }

  get clientOptions(): RedisClientOptions {
    return { sentinels: [{ host: HOST, port: this.sentinel }], sentinelName: this.masterName };
  }

  get env(): Record<string, string> {
    return { REDIS_URL: this.url, REDIS_SENTINELS: `${HOST}:${this.sentinel}`, REDIS_SENTINEL_NAME: this.masterName };
  }

  dataNodes(): Array<{ host: string; port: number }> {
    return [{ host: HOST, port: this.master }];
  }

  /** Waits until the replica has every write the master acknowledged (as replication does within milliseconds). */
  async replicaCaughtUp(): Promise<void> {
    const offset = (info: string) => Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? -1);
    const target = offset(await until(this.master, (r) => r.info('replication'), () => true, 'master offset'));
    await until(this.replica, (r) => r.info('replication'), (info) => offset(info) >= target, 'replica caught up');
  }

  /** Kills the master (SIGKILL, as a crash). */
  async killMaster(): Promise<void> {
    await this.processes.kill(this.master);
  }

  /**
   * Resolves once Sentinel has promoted the replica and names it as the master, and it acts as one. The
   * replica becomes `master`; there is no replica any more.
   */
  async waitForPromotion(): Promise<void> {
    await until(
      this.sentinel,
      (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName) as Promise<string[]>,
      (addr) => Array.isArray(addr) && addr[1] === String(this.replica),
      'Sentinel promoted the replica',
    );
    await until(this.replica, (r) => r.info('replication'), (info) => /role:master/.test(info), 'the replica is a master');
    this.master = this.replica;
  }

  stop(): Promise<void> {
    return this.processes.stopAll();
  }
}
