/**
 * Cold start to the first answer, with the embedded defaults (no Redis, a throwaway filing file), timed from
 * the spawn to the first 200 of POST /api/messages carrying a reply: either `npm start` itself (npm's own
 * start-up included, as a person typing the README's command sees it) or its command alone (`node
 * scripts/start.js`, as a process manager or a container would run it). The build is made beforehand (a stale
 * build would be compiled by the start being measured).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { newDataKey } from '../src/privacy/data-keys.js';

const START = fileURLToPath(new URL('../scripts/start.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How the server is started: through `npm start`, or the command npm runs for it. */
export type StartedBy = 'npm start' | 'node scripts/start.js';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Milliseconds from spawn to the first answered message (at most `timeoutMs`, else NaN). */
export async function coldStart(by: StartedBy, timeoutMs = 30_000): Promise<number> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  const t0 = performance.now();
  const [command, args] = by === 'npm start' ? ['npm', ['start', '--silent']] : [process.execPath, ['--disable-warning=DEP0111', START]];
  const child = spawn(command, args, {
    cwd: ROOT,
    // Its own process group, so that npm's child (the server) goes with it.
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      LOG_LEVEL: 'silent',
      FILINGS_PATH: join(dir, 'filings.json'),
      DATA_ENCRYPTION_KEY: newDataKey(),
      WEB_TOKEN_SECRET: 'x'.repeat(48),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const body = JSON.stringify({
    type: 'message',
    id: 'cold-1',
    text: '你好',
    locale: 'zh-CN',
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:1',
    deliveryMode: 'expectReplies',
    conversation: { id: 'cold-start' },
    from: { id: 'user-cold' },
    recipient: { id: 'bot' },
  });
  try {
    while (performance.now() - t0 < timeoutMs) {
      if (child.exitCode !== null) return NaN;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5_000) });
        const answer = (await response.json()) as { activities?: unknown[] };
        if (response.status === 200 && answer.activities?.length) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return NaN;
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
