/**
 * The project as the benchmark runs it in a child process of its own (as a deployment would: the load
 * generator is another process): createApp with logs silent, a throwaway in-memory filing store unless
 * BENCH_FILINGS says otherwise, every conversation from its own address (WEB_TRUST_PROXY=1, see
 * scripts/bench.ts), and, with REDIS_URL, a count of the commands its Redis client sends.
 *
 * Forked with IPC: sends `{ port }` once listening; answers `'counts'` with `{ counts: {command: n, '(round trips)': n} }`
 * the bytes of their arguments by command (bench/redis-bytes.ts), and the CPU time this process used since the last ask, `cpuMicros`, and the monotonic clock in µs
 * (`monoMicros`, the clock of a --cpu-prof profile's timestamps) and the garbage collections since (`gc`: minor and
 * major ones and their ms) (then starts counting afresh), and stops on `'stop'`. The environment is the app's
 * configuration; with BENCH_HEAP_SAMPLING_FILE, what the turns after the first 'counts' allocated (the sampling heap
 * profiler, collected objects included: a .heapprofile for DevTools) is written there at stop.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { MemoryFilingStore } from '../src/filings/index.js';
import { createLogger } from '../src/ops/logger.js';
import { newDataKey } from '../src/privacy/data-keys.js';
import { countCommands, ROUND_TRIPS, WRITES } from '../test/support/redis-commands.js';
import { countBytes } from './redis-bytes.js';

let cpu = process.cpuUsage();
/** User + system CPU time since the last call, in µs. */
export function cpuSince(): number {
  const used = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  return used.user + used.system;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-app-'));
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    FILINGS_PATH: join(dir, 'filings.json'),
    WEB_TRUST_PROXY: '1',
    ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true',
    DATA_ENCRYPTION_KEY: newDataKey(),
    ...(process.env as Record<string, string>),
  });
  const app = createApp(config, {
    logger: createLogger({ level: 'silent' }),
    ...(process.env.BENCH_FILINGS === 'configured' ? {} : { filings: new MemoryFilingStore() }),
  });
  const commands = app.state.client ? countCommands(app.state.client as Redis) : undefined;
  const bytes = app.state.client ? countBytes(app.state.client as Redis) : undefined;
  const port = await app.listen(0, '127.0.0.1');
  // What a start builds once idle after listen() (0.5–1 s of CPU) is built before the load begins, not in
  // the middle of the measured turns (the reference has nothing of the kind).
  await app.warmedUp();
  process.send?.({ port });
  // Garbage collections since the last 'counts' (their number by kind, and their time).
  const gc = { minor: 0, major: 0, ms: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor += 1;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major += 1;
      gc.ms += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  // BENCH_HEAP_SAMPLING_FILE: where the measured turns allocated (collected objects included), written at stop.
  const heap = process.env.BENCH_HEAP_SAMPLING_FILE ? await heapSampler(process.env.BENCH_HEAP_SAMPLING_FILE) : undefined;
  process.on('message', async (message) => {
    if (message === 'counts') await heap?.start();
    else if (message === 'stop') await heap?.stop();
    if (message === 'counts') {
      process.send?.({ counts: { ...Object.fromEntries(commands?.counts ?? []), ...(commands ? { [ROUND_TRIPS]: commands.roundTrips(), [WRITES]: commands.writes() } : {}), ...bytes?.take() }, cpuMicros: cpuSince(), monoMicros: Number(process.hrtime.bigint() / 1000n), gc: { ...gc, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) } });
      commands?.reset();
      Object.assign(gc, { minor: 0, major: 0, ms: 0 });
    } else if (message === 'stop') {
      app.server.close();
      app.server.server.closeAllConnections();
      void (async () => {
        for (const closer of app.closers) await closer.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      })();
    }
  });
}

/** The sampling heap profiler over the measured turns, counting objects already collected too (what the turns allocated). */
async function heapSampler(file: string): Promise<{ start(): Promise<void>; stop(): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}) =>
    new Promise<{ profile?: unknown }>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as { profile?: unknown }))));
  let sampling = false;
  return {
    async start() {
      if (sampling) return;
      sampling = true;
      await post('HeapProfiler.enable');
      await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    },
    async stop() {
      if (!sampling) return;
      writeFileSync(file, JSON.stringify((await post('HeapProfiler.stopSampling')).profile));
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`project server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
