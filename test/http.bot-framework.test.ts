import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/ops/logger.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { promptOf } from './support/replies.js';

describe('the bot over HTTP (POST /api/messages with expectReplies, on a real port)', () => {
  let app: App;
  let base: string;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-bot-'));
    const config = loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'silent' });
    app = createApp(config, { logger: createLogger({ level: 'silent' }), today: () => '2026-11-24' });
    const port = await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    app.server.close();
    for (const closer of app.closers) await closer.close();
  });

  it('files a TMP_OTHER filing from greeting to reference number, and the filing is stored', async () => {
    const chat = new HttpChat([base]);
    for (const [say, next] of TMP_OTHER_SCRIPT) {
      const { status, replies } = await chat.say(say);
      expect(status).to.equal(200);
      expect(promptOf(replies), `after "${say}"`).to.equal(next);
    }
    const { replies } = await chat.say('确认提交');
    const filing = replies.map((r) => (r.channelData as { filing?: { reference: string; category: string } })?.filing).find(Boolean);
    expect(filing?.category).to.equal('TMP_OTHER');
    const stored = await app.filings.get(filing!.reference);
    expect(stored?.status).to.equal('SUBMITTED');
  });

  it('answers in English when the activity locale is English', async () => {
    const chat = new HttpChat([base], 'en-US');
    const { replies } = await chat.say('hello');
    expect(promptOf(replies)).to.equal('menu.main');
    expect(replies.at(-1)?.text).to.match(/What would you like to do/);
  });

  it('reports health, readiness and metrics with the filing funnel', async () => {
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.include({ checks: { state: true, filings: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).to.match(/funnel_step_total\{step="submitted"\} [1-9]/);
  });

  it('refuses a malformed body with a 4xx, not a crash', async () => {
    const response = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(response.status).to.be.within(400, 499);
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
  });
});

describe('the request id of POST /api/messages', () => {
  it('is the caller\'s X-Request-Id on the turn\'s log lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-bot-rid-'));
    const lines: string[] = [];
    const config = loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'info' });
    const app = createApp(config, { logger: createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } }), today: () => '2026-11-24' });
    try {
      const port = await app.listen(0, '127.0.0.1');
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-bf-42' },
        body: JSON.stringify({ type: 'message', id: 'a1', text: '你好', deliveryMode: 'expectReplies', channelId: 'emulator', serviceUrl: 'http://localhost', conversation: { id: 'rid-1' }, from: { id: 'u1' }, recipient: { id: 'bot' }, locale: 'zh-CN' }),
      });
      expect(response.status).to.equal(200);
      const turn = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string }).find((l) => l.msg === 'turn');
      expect(turn?.requestId).to.equal('req-bf-42');
    } finally {
      app.server.close();
      for (const closer of app.closers) await closer.close();
    }
  });
});
