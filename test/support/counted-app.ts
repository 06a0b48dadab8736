import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { MemoryFilingStore } from '../../src/filings/index.js';
import { createLogger } from '../../src/ops/logger.js';
import { whenReady } from '../../src/state/redis-client.js';
import { TEST_DATA_KEY } from './keys.js';
import { REDIS_URL, type SharedRedis } from './redis.js';
import { countCommands, type CommandCount } from './redis-commands.js';

export interface CountedApp {
  app: App;
  base: string;
  /** What the app's own Redis client sends (reset before what a test measures). */
  commands: CommandCount;
  stop(): Promise<void>;
}

/**
 * The app on a real port with its state on the shared test Redis (under its prefix) and every command its
 * own client sends counted: for the round-trip tests. `env` adds variables.
 */
export async function startCountedApp(redis: SharedRedis, env: Record<string, string> = {}): Promise<CountedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'counted-app-'));
  const config = loadConfig({
    PORT: '0',
    FILINGS_PATH: join(dir, 'filings.json'),
    LOG_LEVEL: 'silent',
    REDIS_URL,
    REDIS_KEY_PREFIX: redis.prefix,
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
    ...env,
  });
  const app = createApp(config, { logger: createLogger({ level: 'silent' }), filings: new MemoryFilingStore() });
  const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  await whenReady(app.state.client!, 10_000, 'test');
  return {
    app,
    base,
    commands: countCommands(app.state.client as Redis),
    stop: async () => {
      app.server.close();
      app.server.server.closeAllConnections();
      for (const closer of app.closers) await closer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
