import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/ops/logger.js';
import { TEST_DATA_KEY } from './keys.js';

/** The whole app (src/app.ts) on a real port, with its log lines kept for the test. */
export interface AppServer {
  app: App;
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Every log line, parsed. */
  lines: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startAppServer(env: Record<string, string> = {}, options: { host?: string; port?: number; overrides?: AppOverrides } = {}): Promise<AppServer> {
  const dir = mkdtempSync(join(tmpdir(), 'app-server-'));
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  // One data key for every server a test starts (instances of one deployment share it).
  const app = createApp(loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), DATA_ENCRYPTION_KEY: TEST_DATA_KEY, ...env }), { logger, today: () => '2026-11-24', ...options.overrides });
  const port = await app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  // With Redis, the store connects after listen(): under load the first requests could meet it still
  // connecting (503). Wait (a bounded time, never failing here) until /readyz says the stores answer.
  if (env['REDIS_URL']) {
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    app,
    port,
    base: `http://127.0.0.1:${port}`,
    lines,
    stop: async () => {
      await new Promise<void>((resolve) => {
        app.server.close(() => resolve());
        app.server.server.closeAllConnections();
      });
      for (const closer of app.closers) await closer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Bot Framework activity as the Emulator posts it, to be changed per case. */
export function emulatorMessage(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const conversation = `bf-${Math.random().toString(36).slice(2)}`;
  return {
    type: 'message',
    id: `${conversation}-1`,
    text,
    locale: 'zh-CN',
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:1',
    deliveryMode: 'expectReplies',
    conversation: { id: conversation },
    from: { id: `user-${conversation}` },
    recipient: { id: 'bot' },
    ...extra,
  };
}

/** POSTs to /api/messages: status, headers and the body as text. */
export async function postMessages(
  base: string,
  body: unknown,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, unknown> }> {
  const response = await fetch(`${base}/api/messages`, { method: 'POST', headers, body: typeof body === 'string' ? body : body instanceof Buffer ? new Uint8Array(body) : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => (text ? (JSON.parse(text) as Record<string, unknown>) : {}) };
}

/**
 * Sends /api/messages the headers and the first byte of a body announced as 100 KB, then waits: the first line
 * of the answer that comes without the body (a refusal before the body is read), or a rejection after 5 s.
 */
export function answerToAnUnfinishedBody(port: number, authorization?: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n${authorization ? `Authorization: ${authorization}\r\n` : ''}\r\n{`);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer: the server waited for the body'));
    }, 5_000);
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(chunk.toString('utf8').split('\r\n')[0]!);
    });
    socket.on('error', reject);
  });
}
