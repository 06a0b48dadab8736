import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { MemoryActivityLog } from '../src/channels/web/index.js';
import { CORS_ALLOWED_HEADERS, CorsPolicy, parseOrigin, splitOrigins } from '../src/channels/web/cors.js';
import { DIRECT_LINE_PATHS } from '../src/channels/web/web-channel.js';
import { DirectLineClient, sendRaw, startWebChannel, type RunningChannel } from './channels.web.fixtures.js';

const PORTAL = 'https://www.rizhao.gov.cn';
const SECOND_PORTAL = 'https://ybj.rizhao.gov.cn:8443';
const send = sendRaw;

/** A browser's preflight before a POST/GET with a Bearer token. */
const preflight = (baseUrl: string, path: string, origin: string, method = 'POST') =>
  send(baseUrl, 'OPTIONS', `/v3/directline${path}`, {
    Origin: origin,
    'Access-Control-Request-Method': method,
    'Access-Control-Request-Headers': 'authorization,content-type,x-ms-bot-agent,x-requested-with',
  });

const concrete = (path: string) => path.replace(':conversationId', 'abcdefgh12345678');
const list = (value: string | string[] | undefined) =>
  String(value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

describe('web channel: a government portal’s page may call the Direct Line routes from its own origin (CORS)', () => {
  let running: RunningChannel;

  describe('with WEB_ALLOWED_ORIGINS listing the portal', () => {
    beforeEach(async () => {
      running = await startWebChannel({
        activityLog: new MemoryActivityLog(),
        allowedOrigins: [PORTAL, SECOND_PORTAL],
        rateLimit: { newConversationsPerAddress: { burst: 2, perSecond: 0.001 } },
      });
    });
    afterEach(() => running.close());

    describe('every Direct Line route answers the portal’s preflight', () => {
      for (const path of DIRECT_LINE_PATHS) {
        it(`OPTIONS ${path}`, async () => {
          const reply = await preflight(running.baseUrl, concrete(path), PORTAL, path.endsWith('/activities') ? 'GET' : 'POST');
          expect(reply.status).to.equal(204);
          expect(reply.headers['access-control-allow-origin'], 'the portal itself, never *').to.equal(PORTAL);
          expect(list(reply.headers['vary'])).to.include('origin');
          expect(list(reply.headers['access-control-allow-methods'])).to.include.members(['get', 'post']);
          expect(list(reply.headers['access-control-allow-headers'])).to.include.members(['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with']);
          expect(Number(reply.headers['access-control-max-age'])).to.be.greaterThan(0);
          expect(reply.headers['access-control-allow-credentials'], 'the page sends a token, never cookies').to.equal(undefined);
        });
      }
    });

    it('allows every header Web Chat’s DirectLine client sends (its agent header, RxJS’s X-Requested-With), or the browser would block it', () => {
      expect(CORS_ALLOWED_HEADERS.map((h) => h.toLowerCase())).to.include.members(['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with']);
    });

    it('a second listed portal (with its port) gets its own origin back', async () => {
      const reply = await preflight(running.baseUrl, '/tokens/generate', SECOND_PORTAL);
      expect(reply.headers['access-control-allow-origin']).to.equal(SECOND_PORTAL);
    });

    it('the portal’s page gets a token, starts the conversation and reads the greeting, each answer naming its origin', async () => {
      const origin = { Origin: PORTAL, 'Content-Type': 'application/json' };
      const generated = await send(running.baseUrl, 'POST', '/v3/directline/tokens/generate', origin, '{}');
      expect(generated.status).to.equal(200);
      expect(generated.headers['access-control-allow-origin']).to.equal(PORTAL);
      expect(list(generated.headers['vary'])).to.include('origin');
      const { token, conversationId } = JSON.parse(generated.body) as { token: string; conversationId: string };
      const auth = { ...origin, Authorization: `Bearer ${token}` };
      const started = await send(running.baseUrl, 'POST', '/v3/directline/conversations', auth, '{"locale":"zh-CN"}');
      expect(started.status).to.equal(201);
      expect(started.headers['access-control-allow-origin']).to.equal(PORTAL);
      const polled = await send(running.baseUrl, 'GET', `/v3/directline/conversations/${conversationId}/activities?watermark=`, auth);
      expect(polled.status).to.equal(200);
      expect(polled.headers['access-control-allow-origin']).to.equal(PORTAL);
      expect((JSON.parse(polled.body) as { activities: unknown[] }).activities).to.have.length.greaterThan(0);
    });

    it('errors reach the portal’s page too (a forged token, another conversation), so it can show its note', async () => {
      const dl = new DirectLineClient(running.baseUrl);
      const mine = await dl.open('zh-CN');
      const theirs = await dl.open('zh-CN');
      const forged = await send(running.baseUrl, 'GET', `/v3/directline/conversations/${mine.conversationId}/activities`, {
        Origin: PORTAL,
        Authorization: 'Bearer not.a.token',
      });
      expect(forged.status).to.equal(401);
      expect(forged.headers['access-control-allow-origin']).to.equal(PORTAL);
      const foreign = await send(running.baseUrl, 'GET', `/v3/directline/conversations/${theirs.conversationId}/activities`, {
        Origin: PORTAL,
        Authorization: `Bearer ${mine.token}`,
      });
      expect(foreign.status, 'a token still reaches only its own conversation').to.equal(403);
      expect(JSON.parse(foreign.body)).to.deep.equal({ error: { code: 'Forbidden', message: 'the token does not reach this conversation' } });
      expect(foreign.headers['access-control-allow-origin']).to.equal(PORTAL);
    });

    it('the token route stays rate limited for a listed portal, and the portal can read Retry-After', async () => {
      const generate = () => send(running.baseUrl, 'POST', '/v3/directline/tokens/generate', { Origin: PORTAL, 'Content-Type': 'application/json' }, '{}');
      expect((await generate()).status).to.equal(200);
      expect((await generate()).status).to.equal(200);
      const limited = await generate();
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers['retry-after'])).to.be.greaterThan(0);
      expect(limited.headers['access-control-allow-origin']).to.equal(PORTAL);
      expect(list(limited.headers['access-control-expose-headers'])).to.include('retry-after');
    });

    describe('any other origin gets no CORS headers, so the browser keeps the answer from its page', () => {
      const others: Array<[string, string]> = [
        ['another site', 'https://evil.example.com'],
        ['a look-alike host that ends with the portal’s name', 'https://www.rizhao.gov.cn.evil.com'],
        ['the parent domain', 'https://rizhao.gov.cn'],
        ['the portal over plain http', 'http://www.rizhao.gov.cn'],
        ['the portal on another port', 'https://www.rizhao.gov.cn:8443'],
        ['a sandboxed or file page (Origin: null)', 'null'],
      ];
      for (const [what, origin] of others) {
        it(`${what}: preflight and request`, async () => {
          const pre = await preflight(running.baseUrl, '/tokens/generate', origin);
          expect(pre.headers['access-control-allow-origin']).to.equal(undefined);
          expect(pre.headers['access-control-allow-methods']).to.equal(undefined);
          expect(pre.headers['access-control-allow-headers']).to.equal(undefined);
          expect(list(pre.headers['vary']), 'caches must not reuse a listed origin’s answer').to.include('origin');
          const real = await send(running.baseUrl, 'GET', '/v3/directline/conversations/abcdefgh12345678/activities', { Origin: origin });
          expect(real.status, 'the server still checks the token').to.equal(401);
          expect(real.headers['access-control-allow-origin']).to.equal(undefined);
        });
      }
    });
  });

  describe('with no WEB_ALLOWED_ORIGINS (the default): the bot’s own page only', () => {
    beforeEach(async () => {
      running = await startWebChannel({ activityLog: new MemoryActivityLog() });
    });
    afterEach(() => running.close());

    it('no origin gets CORS headers, and same-origin use works as before', async () => {
      const pre = await preflight(running.baseUrl, '/tokens/generate', PORTAL);
      expect(pre.headers['access-control-allow-origin']).to.equal(undefined);
      const generated = await send(running.baseUrl, 'POST', '/v3/directline/tokens/generate', { Origin: PORTAL, 'Content-Type': 'application/json' }, '{}');
      expect(generated.status).to.equal(200);
      expect(generated.headers['access-control-allow-origin']).to.equal(undefined);
      const sameOrigin = await new DirectLineClient(running.baseUrl).open('zh-CN');
      expect(sameOrigin.token).to.be.a('string');
    });
  });
});

describe('the one-line embed script a portal loads from the bot (GET /embed.js)', () => {
  let running: RunningChannel;
  before(async () => {
    running = await startWebChannel({ activityLog: new MemoryActivityLog() });
  });
  after(() => running.close());

  it('is JavaScript with the page’s words for both locales filled in, from public/web/strings', async () => {
    const reply = await send(running.baseUrl, 'GET', '/embed.js');
    expect(reply.status).to.equal(200);
    expect(reply.headers['content-type']).to.match(/^text\/javascript/);
    expect(reply.headers['x-content-type-options']).to.equal('nosniff');
    expect(reply.body).to.not.include('{{strings}}');
    const words = JSON.parse(/var STRINGS = (\{.*\});/.exec(reply.body)?.[1] ?? 'null') as Record<string, Record<string, string>> | null;
    for (const locale of ['zh-CN', 'en-US']) {
      const page = JSON.parse(readFileSync(new URL(`../public/web/strings/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;
      expect(words?.[locale], locale).to.deep.equal(page);
    }
    expect(() => new Function(reply.body), 'it parses').to.not.throw();
  });
});

describe('origins as WEB_ALLOWED_ORIGINS and WEB_FRAME_ANCESTORS accept them', () => {
  const accepted: Array<[string, string]> = [
    ['https://www.rizhao.gov.cn', 'https://www.rizhao.gov.cn'],
    ['https://WWW.Rizhao.gov.cn/', 'https://www.rizhao.gov.cn'],
    ['https://ybj.rizhao.gov.cn:8443', 'https://ybj.rizhao.gov.cn:8443'],
    ['https://www.rizhao.gov.cn:443', 'https://www.rizhao.gov.cn'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://127.0.0.1:5500', 'http://127.0.0.1:5500'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ];
  for (const [raw, origin] of accepted) it(`${raw} → ${origin}`, () => expect(parseOrigin(raw)).to.equal(origin));

  const refused = [
    '*',
    'https://*.rizhao.gov.cn',
    'www.rizhao.gov.cn',
    'http://www.rizhao.gov.cn',
    'https://www.rizhao.gov.cn/chat',
    'https://www.rizhao.gov.cn?x=1',
    'https://user:pw@www.rizhao.gov.cn',
    'ftp://www.rizhao.gov.cn',
    "'self'",
    'null',
  ];
  for (const raw of refused) it(`refuses ${raw}`, () => expect(parseOrigin(raw)).to.equal(undefined));

  it('splits a list written with commas, spaces or both', () => {
    expect(splitOrigins(' https://a.gov.cn, https://b.gov.cn  https://c.gov.cn,,')).to.deep.equal(['https://a.gov.cn', 'https://b.gov.cn', 'https://c.gov.cn']);
  });

  it('a CorsPolicy refuses a wildcard or a malformed origin rather than allowing too much', () => {
    expect(() => new CorsPolicy({ allowedOrigins: ['*'] })).to.throw(/origin/);
    expect(() => new CorsPolicy({ allowedOrigins: ['https://www.rizhao.gov.cn/path'] })).to.throw(/origin/);
    expect(new CorsPolicy({ allowedOrigins: ['https://WWW.rizhao.gov.cn/'] }).origins).to.deep.equal(['https://www.rizhao.gov.cn']);
  });
});
