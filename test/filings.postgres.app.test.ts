import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { Texts } from '../src/content/texts.js';
import { PostgresFilingStore } from '../src/filings/index.js';
import { TEST_DATA_KEY } from './support/keys.js';
import { createLogger } from '../src/ops/logger.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { FILINGS_TEST_URL, TestSchema } from './support/postgres.js';
import { promptOf } from './support/replies.js';

/**
 * The whole app with FILINGS_URL: bot servers on free loopback ports, each with its own pool (as
 * instances behind a load balancer have), keeping filings in one PostgreSQL table. The URL carries a
 * password (the local server trusts loopback, so it is accepted and ignored): it must show nowhere.
 */
const TODAY = '2026-11-24';
/** The test server's own password when FILINGS_TEST_URL has one (password auth), else one it ignores (trust). */
const PASSWORD = decodeURIComponent(new URL(FILINGS_TEST_URL).password) || 'app-pg-S3cret';
const texts = new Texts();
const schema = new TestSchema('app');

interface Server {
  app: App;
  base: string;
  logLines: string[];
  stop(): Promise<void>;
}

async function startServer(filingsUrl: string): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-app-'));
  const logLines: string[] = [];
  const config = loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), FILINGS_URL: filingsUrl, LOG_LEVEL: 'silent', DATA_ENCRYPTION_KEY: TEST_DATA_KEY });
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void logLines.push(line) } });
  const app = createApp(config, { logger, today: () => TODAY });
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

const filingOf = (replies: Partial<Activity>[]) =>
  replies.map((r) => (r.channelData as { filing?: { reference: string; category: string } } | undefined)?.filing).find(Boolean);

async function follow(chat: HttpChat, steps: Array<[string, string]>): Promise<void> {
  for (const [say, next] of steps) {
    const { status, replies } = await chat.say(say);
    expect(status, `status after "${say}"`).to.equal(200);
    expect(promptOf(replies), `after "${say}"`).to.equal(next);
  }
}

const withPassword = (url: string, password: string): string => {
  const u = new URL(url);
  u.password = password;
  return u.toString();
};

describe('the app with FILINGS_URL: filings in PostgreSQL, over HTTP', function () {
  this.timeout(60_000);
  let a: Server;
  let b: Server;

  before(async () => {
    await schema.create();
    const url = withPassword(schema.url, PASSWORD);
    a = await startServer(url);
    b = await startServer(url);
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    await schema.drop();
  });

  it('both instances use the PostgreSQL store and are ready', async () => {
    expect(a.app.filings).to.be.instanceOf(PostgresFilingStore);
    expect(b.app.filings).to.be.instanceOf(PostgresFilingStore);
    for (const server of [a, b]) {
      const res = await fetch(`${server.base}/readyz`);
      expect(res.status).to.equal(200);
    }
  });

  it('a person files from greeting to reference number; the row is in the database, sealed, and the other instance finds it (also by ID number)', async () => {
    const chat = new HttpChat([a.base]);
    await follow(chat, TMP_OTHER_SCRIPT);
    const { replies } = await chat.say('确认提交');
    const filing = filingOf(replies);
    expect(filing?.category).to.equal('TMP_OTHER');
    const rows = await schema.rows<{ status: string; category: string; idempotency_key: string; filing: Record<string, unknown> }>(
      `SELECT status, category, idempotency_key, filing FROM "${schema.name}".filings WHERE reference = $1`,
      [filing!.reference],
    );
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({ status: 'SUBMITTED', category: 'TMP_OTHER' });
    for (const value of ['11010519491231002X', '13812345678', '张三']) expect(JSON.stringify(rows[0]!.filing)).to.not.include(value);
    const seenByB = await b.app.filings.get(filing!.reference);
    expect(seenByB?.idempotencyKey).to.equal(rows[0]!.idempotency_key);
    expect((seenByB?.filing as { person: { idNumber: string } }).person.idNumber).to.equal('11010519491231002X');
    expect((await b.app.filings.findByIdNumber('11010519491231002x')).map((f) => f.reference)).to.deep.equal([filing!.reference]);
  });

  it('logs which store it uses, never the URL or its password', () => {
    const lines = [...a.logLines, ...b.logLines];
    expect(lines.some((l) => /"filings":"postgres"/.test(l))).to.equal(true);
    for (const line of lines) expect(line).to.not.include(PASSWORD).and.not.include('postgres://');
  });
});

describe('the app with FILINGS_URL on a database that does not answer', function () {
  this.timeout(30_000);
  let server: Server;

  before(async () => {
    server = await startServer(`postgres://beian:${PASSWORD}@127.0.0.1:1/beian`);
  });

  after(async () => {
    await server?.stop();
  });

  it('is not ready (the filings check fails), and a submit gets the "try again" apology, without the password anywhere', async () => {
    const res = await fetch(`${server.base}/readyz`);
    expect(res.status).to.equal(503);
    expect(JSON.stringify(await res.json())).to.match(/"filings":false/);
    const chat = new HttpChat([server.base]);
    await follow(chat, TMP_OTHER_SCRIPT);
    const { status, replies } = await chat.say('确认提交');
    expect(status).to.equal(200);
    // An apology, no reference: nothing was filed. The store's error reaches the turn error handler
    // wrapped by botbuilder-dialogs; it is still recognised as a store outage ("try again in a minute").
    expect(filingOf(replies)).to.equal(undefined);
    const last = replies.filter((r) => r.type === 'message').at(-1);
    expect((last?.channelData as { error?: string } | undefined)?.error).to.equal('store_unavailable');
    expect(last?.text).to.equal(texts.t('zh-CN', 'system.storeUnavailable'));
    const failed = server.logLines.find((l) => l.includes('"turn failed"'));
    expect(failed, 'the failed turn is logged').to.not.equal(undefined);
    expect(failed).to.include('filing store (PostgreSQL) unavailable').and.include('ECONNREFUSED');
    for (const line of server.logLines) expect(line).to.not.include(PASSWORD);
  });
});
