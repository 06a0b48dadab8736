import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { createApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { newAgencyKey } from '../../src/agency/keys.js';
import { createLogger } from '../../src/ops/logger.js';
import { HttpChat } from './http-chat.js';
import { TMP_OTHER_SCRIPT } from './paths.js';
import { promptOf } from './replies.js';
import { TEST_DATA_KEY } from './keys.js';

/** Two agency keys made the way an operator makes them (npm run -s agency:key -- NAME). */
export const DESK = newAgencyKey('review-desk-1');
export const BACK_OFFICE = newAgencyKey('back-office');

export interface AgencyServer {
  app: App;
  base: string;
  logLines: string[];
  stop(): Promise<void>;
}

/** The whole app on a free loopback port with AGENCY_API_KEYS set (unless `env` says otherwise). */
export async function startAgencyServer(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<AgencyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'agency-'));
  const logLines: string[] = [];
  const config = loadConfig({
    PORT: '0',
    FILINGS_PATH: join(dir, 'filings.json'),
    LOG_LEVEL: 'silent',
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
    AGENCY_API_KEYS: `${DESK.entry},${BACK_OFFICE.entry}`,
    ...env,
  });
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void logLines.push(line) } });
  const app = createApp(config, { logger, today: () => '2026-11-24', ...overrides });
  const port = await app.listen(0, '127.0.0.1');
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    logLines,
    stop: async () => {
      app.server.close();
      app.server.server.closeAllConnections();
      for (const closer of app.closers) await closer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A person files a TMP_OTHER filing over /api/messages; resolves with its reference. */
export async function fileOverHttp(base: string): Promise<string> {
  const chat = new HttpChat([base]);
  for (const [say, next] of TMP_OTHER_SCRIPT) {
    const { status, replies } = await chat.say(say);
    expect(status, `status after "${say}"`).to.equal(200);
    expect(promptOf(replies), `after "${say}"`).to.equal(next);
  }
  const { replies } = await chat.say('确认提交');
  const filing = replies.map((r: Partial<Activity>) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing).find(Boolean);
  expect(filing?.reference).to.be.a('string');
  return filing!.reference;
}

/** The agency API with a key. */
export async function agency(base: string, key: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
