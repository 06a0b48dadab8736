import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/ops/logger.js';
import { sendRaw, type RawReply } from './channels.web.fixtures.js';
import { LT_RESIDENT_TO_SUMMARY } from './support/paths.js';

/**
 * The web channel as src/app.ts wires it, over a real port: no body parser runs server-wide, so every
 * error on the Direct Line routes is the channel's `{error: {code, message}}` with CORS headers
 * for an allowed origin, and the client address behind a proxy comes from WEB_TRUST_PROXY.
 */
const PORTAL = 'https://www.rizhao.gov.cn';
const send = sendRaw;

async function startApp(env: Record<string, string> = {}): Promise<{ app: App; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'web-app-'));
  const app = createApp(
    loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'silent', WEB_ALLOWED_ORIGINS: PORTAL, ...env }),
    { logger: createLogger({ level: 'silent' }), today: () => '2026-11-24' },
  );
  const port = await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${port}` };
}

async function stopApp(app: App | undefined): Promise<void> {
  if (!app) return;
  await new Promise<void>((resolve) => app.server.close(() => resolve()));
  for (const closer of app.closers) await closer.close();
}

const json = (reply: RawReply) => JSON.parse(reply.body) as { error?: { code: string; message: string } };

describe('web channel as src/app.ts wires it (real port)', function () {
  this.timeout(20_000);
  let app: App;
  let base: string;

  async function open(headers: Record<string, string> = {}): Promise<{ token: string; conversationId: string }> {
    const generated = await send(base, 'POST', '/v3/directline/tokens/generate', { 'Content-Type': 'application/json', ...headers }, '{}');
    expect(generated.status, generated.body).to.equal(200);
    const { token, conversationId } = JSON.parse(generated.body) as { token: string; conversationId: string };
    const started = await send(base, 'POST', '/v3/directline/conversations', { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers }, '{}');
    expect(started.status).to.equal(201);
    return { token, conversationId };
  }

  describe('errors on /v3/directline are the channel’s own, with CORS headers', () => {
    before(async () => ({ app, base } = await startApp()));
    after(() => stopApp(app));

    it('invalid JSON → 400 BadArgument with CORS headers (not restify’s InvalidContent)', async () => {
      const { token, conversationId } = await open();
      const reply = await send(
        base,
        'POST',
        `/v3/directline/conversations/${conversationId}/activities`,
        { Origin: PORTAL, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        '{"type": "message", "text": ',
      );
      expect(reply.status).to.equal(400);
      expect(json(reply).error?.code).to.equal('BadArgument');
      expect(reply.headers['access-control-allow-origin']).to.equal(PORTAL);
    });

    it('invalid JSON without a token → 401 first (the token is checked before the body is read)', async () => {
      const { conversationId } = await open();
      const reply = await send(base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, { Origin: PORTAL, 'Content-Type': 'application/json' }, '{nope');
      expect(reply.status).to.equal(401);
      expect(json(reply).error?.code).to.equal('Unauthorized');
      expect(reply.headers['access-control-allow-origin']).to.equal(PORTAL);
    });

    it('a body over 256 KB → 413 PayloadTooLarge in the channel’s shape, with CORS headers', async () => {
      const { token, conversationId } = await open();
      const reply = await send(
        base,
        'POST',
        `/v3/directline/conversations/${conversationId}/activities`,
        { Origin: PORTAL, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }),
      );
      expect(reply.status).to.equal(413);
      expect(json(reply).error?.code).to.equal('PayloadTooLarge');
      expect(reply.headers['access-control-allow-origin']).to.equal(PORTAL);
    });

    it('POST /upload → 415 (no attachments on this channel); unknown routes and methods → 404 NotFound; both with CORS headers', async () => {
      const { token, conversationId } = await open();
      const auth = { Origin: PORTAL, Authorization: `Bearer ${token}` };
      const upload = await send(base, 'POST', `/v3/directline/conversations/${conversationId}/upload?userId=dl_x`, { ...auth, 'Content-Type': 'multipart/form-data; boundary=x' }, '--x--');
      expect(upload.status).to.equal(415);
      expect(json(upload).error?.code).to.equal('UnsupportedMediaType');
      expect(upload.headers['access-control-allow-origin']).to.equal(PORTAL);
      for (const [method, path] of [
        ['GET', '/v3/directline/session/getsessionid'],
        ['PUT', `/v3/directline/conversations/${conversationId}/activities`],
        ['DELETE', `/v3/directline/conversations/${conversationId}`],
        ['GET', '/v3/directline/nothing/here'],
        ['DELETE', `/v3/directline/conversations/${conversationId}/upload`],
      ] as const) {
        const reply = await send(base, method, path, auth);
        expect(reply.status, `${method} ${path}`).to.equal(404);
        expect(json(reply).error?.code, `${method} ${path}`).to.equal('NotFound');
        expect(reply.headers['access-control-allow-origin'], `${method} ${path}`).to.equal(PORTAL);
      }
    });

    it('the Bot Framework route reads its own bodies: a malformed one is 400 in the same error shape', async () => {
      const reply = await send(base, 'POST', '/api/messages', { 'Content-Type': 'application/json' }, '{nope');
      expect(reply.status).to.equal(400);
      expect(json(reply).error?.code).to.equal('BadArgument');
    });
  });

  describe('rate limits behind proxies (WEB_TRUST_PROXY)', () => {
    afterEach(() => stopApp(app));

    /** Token generation is limited per address to a burst of 20: how many of 25 a sender gets. */
    async function generated(forwardedFor: () => string): Promise<number> {
      let ok = 0;
      for (let i = 0; i < 25; i++) {
        const reply = await send(base, 'POST', '/v3/directline/tokens/generate', { 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor() }, '{}');
        if (reply.status === 200) ok += 1;
      }
      return ok;
    }

    it('one trusted proxy: a client cannot escape its limit by writing its own X-Forwarded-For entries', async () => {
      ({ app, base } = await startApp({ WEB_TRUST_PROXY: '1' }));
      let n = 0;
      // The proxy appends the real client (203.0.113.7); the client made up the rest.
      expect(await generated(() => `10.0.0.${++n}, 203.0.113.7`)).to.equal(20);
      expect(await generated(() => '198.51.100.9'), 'another client behind the proxy has its own limit').to.equal(20);
    });

    it('two trusted proxies: the address the outer proxy saw counts, not the inner proxy’s or the client’s claims', async () => {
      ({ app, base } = await startApp({ WEB_TRUST_PROXY: '2' }));
      let n = 0;
      expect(await generated(() => `10.9.${++n}.1, 203.0.113.7, 172.16.0.${n % 3}`)).to.equal(20);
    });

    it('no trusted proxy (the default): X-Forwarded-For is ignored, the connection’s address counts', async () => {
      ({ app, base } = await startApp());
      let n = 0;
      expect(await generated(() => `203.0.113.${++n}`)).to.equal(20);
    });
  });

  describe('the person\'s own messages in the transcript (replayed on every reload)', () => {
    before(async () => ({ app, base } = await startApp()));
    after(() => stopApp(app));

    it('are kept as the bot shows them back once it has taken them: name, ID numbers, phone and address masked', async () => {
      const { token, conversationId } = await open();
      const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const say = async (text: string) => {
        const reply = await send(base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, auth, JSON.stringify({ type: 'message', text, locale: 'zh-CN' }));
        expect(reply.status, reply.body).to.equal(200);
      };
      for (const [text] of LT_RESIDENT_TO_SUMMARY) {
        if (text === '11010519491231002X') await say('1101051949123100'); // a mistyped ID number first: asked again
        await say(text);
      }
      await say('我的身份证号是11010519491231002X，手机13812345678'); // typed anywhere: the numbers still masked
      await say('身份证一一〇一〇五一九四九一二三一〇〇二叉，电话幺三八 幺二三四 五六七八'); // and said in number words
      await say('手机138一二三四五六七八'); // half digits, half words
      const page = await send(base, 'GET', `/v3/directline/conversations/${conversationId}/activities?watermark=`, { Authorization: `Bearer ${token}` }, undefined);
      const activities = (JSON.parse(page.body) as { activities: Array<{ from: { role?: string }; text?: string }> }).activities;
      const mine = activities.filter((a) => a.from.role === 'user').map((a) => a.text);
      expect(mine).to.include.members([
        '李**',
        '1101********3100',
        '1101**********002X',
        '138****5678',
        '浦东新区世纪****',
        '我的身份证号是1101**********002X，手机138****5678',
        '身份证1101**********002X，电话138****5678',
        '手机138****5678',
        '2026-12-01',
        '复旦大学附属中山医院',
      ]);
      // (The bot's own example of an ID number, 11010519491231002X, is the one the script types: look at the person's messages only.)
      const theirs = JSON.stringify(activities.filter((a) => a.from.role === 'user'));
      for (const given of ['李秀英', '11010519491231002X', '1101051949123100', '13812345678', '世纪大道100号', '〇〇二叉', '幺二三四', '一二三四五六七八']) expect(theirs, given).to.not.include(given);
      // The bot's own questions and summary are left as they were.
      expect(activities.filter((a) => a.from.role === 'bot').length).to.be.greaterThan(10);
    });
  });
});
