import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { answerToAnUnfinishedBody, emulatorMessage, postMessages, startAppServer, type AppServer } from './support/app-server.js';

/**
 * What /api/messages takes and how it refuses the rest, over a real port: bodies are read as the web
 * channel reads them (JSON only, uncompressed, bounded; with credentials, the token first), a client's
 * mistake is a 4xx in the Bot Framework's error shape `{ error: { code, message } }`, never a 500 with
 * botbuilder's internals, and one address or one conversation cannot flood the bot.
 */
const APP_ID = '00000000-0000-4000-8000-000000000001';
const WITH_CREDENTIALS = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', WEB_TOKEN_SECRET: 'a-web-token-secret-of-at-least-32-characters' };
const INTERNALS = /validateAndFixActivity|toLowerCase|is not a function|Cannot read|\bat\s+\S+\s+\(/;

describe('/api/messages: bodies', function () {
  this.timeout(20_000);
  let server: AppServer;
  before(async () => {
    server = await startAppServer({ LOG_LEVEL: 'silent' });
  });
  after(() => server.stop());

  it('multipart/form-data is refused (415) and nothing is written to the temp folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'multipart-'));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = folder; // where a multipart parser would put the upload
    try {
      const boundary = '----yidi';
      const file = 'x'.repeat(512 * 1024);
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${file}\r\n--${boundary}--\r\n`;
      const reply = await postMessages(server.base, body, { 'Content-Type': `multipart/form-data; boundary=${boundary}` });
      expect(reply.status).to.equal(415);
      expect(reply.json()).to.have.nested.property('error.code', 'UnsupportedMediaType');
      expect(readdirSync(folder)).to.deep.equal([]);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a compressed body is refused (415) unread: 100 KB of gzip would inflate to 100 MB', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024, 32));
    expect(bomb.length).to.be.below(256 * 1024);
    const before = process.memoryUsage().rss;
    const reply = await postMessages(server.base, bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(reply.status).to.equal(415);
    expect(process.memoryUsage().rss - before).to.be.below(50 * 1024 * 1024);
  });

  for (const [name, headers] of [
    ['text/csv', { 'Content-Type': 'text/csv' }],
    ['a form', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['no Content-Type at all', {}],
  ] as Array<[string, Record<string, string>]>) {
    it(`${name} is refused (415)`, async () => {
      const reply = await postMessages(server.base, JSON.stringify(emulatorMessage('你好')), headers);
      expect(reply.status).to.equal(415);
      expect(reply.json()).to.have.nested.property('error.code', 'UnsupportedMediaType');
    });
  }

  it('a body over 256 KB is refused (413)', async () => {
    const reply = await postMessages(server.base, emulatorMessage('x'.repeat(300 * 1024)));
    expect(reply.status).to.equal(413);
  });
});

describe('/api/messages with credentials: the token is checked before the body is read', function () {
  this.timeout(20_000);
  let server: AppServer;
  before(async () => {
    server = await startAppServer({ ...WITH_CREDENTIALS, LOG_LEVEL: 'silent' });
  });
  after(() => server.stop());


  it('no Authorization header: 401 at once, the body never waited for', async () => {
    expect(await answerToAnUnfinishedBody(server.port)).to.equal('HTTP/1.1 401 Unauthorized');
  });

  it('a header that is no Bot Framework token: 401 at once', async () => {
    expect(await answerToAnUnfinishedBody(server.port, 'Bearer abc.def.ghi')).to.equal('HTTP/1.1 401 Unauthorized');
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://evil.example', aud: APP_ID })).toString('base64url')}.`;
    expect(await answerToAnUnfinishedBody(server.port, `Bearer ${forged}`)).to.equal('HTTP/1.1 401 Unauthorized');
  });

  it('a forged token naming the Bot Framework as issuer: 401 (keys fetched, no such key) or 503 (keys out of reach), never 500', async () => {
    const forged = `${Buffer.from('{"alg":"RS256","kid":"no-such-key"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://api.botframework.com', aud: APP_ID, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}.c2ln`;
    const reply = await postMessages(server.base, emulatorMessage('你好', { channelId: 'msteams' }), { 'Content-Type': 'application/json', Authorization: `Bearer ${forged}` });
    expect(reply.status).to.be.oneOf([401, 503]);
    expect(reply.text).to.not.match(INTERNALS);
  });

  it('refused tokens are counted on /metrics (bot_framework_requests_refused_total, by reason)', async () => {
    const counted = async () => Number(/^bot_framework_requests_refused_total\{reason="refused"\} (\d+)$/m.exec(await (await fetch(`${server.base}/metrics`)).text())?.[1] ?? 0);
    const before = await counted();
    expect((await postMessages(server.base, {})).status).to.equal(401);
    expect(await answerToAnUnfinishedBody(server.port, 'Bearer abc.def.ghi')).to.equal('HTTP/1.1 401 Unauthorized');
    expect(await counted()).to.equal(before + 2);
  });

  it('`{}` without a token is 401 in the error shape, not 500', async () => {
    const reply = await postMessages(server.base, {});
    expect(reply.status).to.equal(401);
    expect(reply.json()).to.have.nested.property('error.code', 'Unauthorized');
    expect(reply.text).to.not.match(INTERNALS);
  });
});

describe('/api/messages: a client’s mistakes are 400 in the Bot Framework error shape, never 500', function () {
  this.timeout(20_000);
  let server: AppServer;
  before(async () => {
    server = await startAppServer({ LOG_LEVEL: 'silent' });
  });
  after(() => server.stop());

  const deep = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;
  const cases: Array<[string, unknown]> = [
    ['{}', {}],
    ['an empty body', ''],
    ['a list instead of an activity', [emulatorMessage('你好')]],
    ['a missing type', { ...emulatorMessage('你好'), type: undefined }],
    ['a number as text', emulatorMessage('', { text: 5 })],
    ['a number as serviceUrl', emulatorMessage('你好', { serviceUrl: 5 })],
    ['a number as conversation id', emulatorMessage('你好', { conversation: { id: 5 } })],
    ['no conversation', { ...emulatorMessage('你好'), conversation: undefined }],
    ['a string as from', emulatorMessage('你好', { from: 'me' })],
    ['a locale that is no language tag', emulatorMessage('你好', { locale: 'x'.repeat(200) })],
    ['an unknown delivery mode', emulatorMessage('你好', { deliveryMode: 'carrier-pigeon' })],
    ['a serviceUrl that is no URL', emulatorMessage('你好', { serviceUrl: 'not a url' })],
    ['text over 5000 characters', emulatorMessage('长'.repeat(5_001))],
    ['a value nested 20 levels deep', emulatorMessage('你好', { value: deep(20) })],
    ['a 4 KB message nested 2000 levels deep', emulatorMessage('你好', { value: deep(2_000) })],
    ['channelData that is a list', emulatorMessage('你好', { channelData: [1, 2] })],
    ['channelData over 16 KB', emulatorMessage('你好', { channelData: { blob: 'x'.repeat(17 * 1024) } })],
    ['a JSON syntax error', '{"type":'],
  ];
  for (const [name, body] of cases) {
    it(`${name}: 400 BadArgument, no internals`, async () => {
      const reply = await postMessages(server.base, typeof body === 'string' ? body : JSON.stringify(body));
      expect(reply.status, reply.text).to.equal(400);
      expect(reply.json()).to.have.nested.property('error.code', 'BadArgument');
      expect(reply.json()).to.have.nested.property('error.message').that.is.a('string');
      expect(reply.text).to.not.match(INTERNALS);
    });
  }

  it('after all of that, a good message is still answered and the server is healthy', async () => {
    expect((await postMessages(server.base, emulatorMessage('你好'))).status).to.equal(200);
    expect((await fetch(`${server.base}/healthz`)).status).to.equal(200);
  });

  it('fields the bot does not read are dropped, not passed on (attachments, entities, anything else)', async () => {
    const received: Array<Record<string, unknown>> = [];
    server.app.bot.onMessage(async (context, next) => {
      received.push({ ...context.activity } as unknown as Record<string, unknown>);
      await next();
    });
    const reply = await postMessages(
      server.base,
      emulatorMessage('你好', { attachments: [{ contentType: 'text/html', content: '<b>x</b>' }], entities: [{ type: 'mention' }], evil: { nested: true }, channelData: { tenant: { id: 't' } } }),
    );
    expect(reply.status).to.equal(200);
    const seen = received.at(-1)!;
    expect(seen).to.not.have.any.keys('attachments', 'entities', 'evil');
    expect(seen['channelData']).to.deep.equal({ tenant: { id: 't' } });
  });
});

describe('/api/messages: rate limits per address and per conversation', function () {
  this.timeout(60_000);
  let server: AppServer;
  beforeEach(async () => {
    server = await startAppServer({ LOG_LEVEL: 'silent' });
  });
  afterEach(() => server.stop());

  it('one address: after a burst of 600 requests it is told to retry later (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    // The bucket refills at 20 a second: sent one after another, far faster than that, 429 must come.
    while (retryAfter === null && statuses.length < 3_000) {
      const reply = await postMessages(server.base, {}); // cheap: refused as a bad activity unless limited first
      statuses.push(reply.status);
      if (reply.status === 429) retryAfter = reply.headers.get('retry-after');
    }
    expect(statuses.slice(0, 600)).to.deep.equal(Array(600).fill(400));
    expect(statuses.at(-1)).to.equal(429);
    expect(Number(retryAfter)).to.be.greaterThan(0);
  });

  it('behind a trusted proxy (WEB_TRUST_PROXY=1) each client address has its own limit', async () => {
    await server.stop();
    server = await startAppServer({ LOG_LEVEL: 'silent', WEB_TRUST_PROXY: '1', ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true' });
    let limited = 0;
    for (let i = 0; i < 700; i++) {
      const reply = await postMessages(server.base, {}, { 'Content-Type': 'application/json', 'X-Forwarded-For': `198.51.100.${i % 7}` });
      if (reply.status === 429) limited += 1;
    }
    expect(limited).to.equal(0);
  });

  it('one conversation: after a burst of 60 messages it is told to retry later, while another conversation goes on', async () => {
    const first = emulatorMessage('你好');
    const statuses: number[] = [];
    // Refilled at 3 a second: messages one after another come faster than that.
    while (statuses.at(-1) !== 429 && statuses.length < 300) statuses.push((await postMessages(server.base, { ...first, id: `m-${statuses.length}`, text: '帮助' })).status);
    expect(statuses.slice(0, 60)).to.deep.equal(Array(60).fill(200));
    expect(statuses.at(-1)).to.equal(429);
    expect((await postMessages(server.base, emulatorMessage('你好'))).status).to.equal(200);
  });
});
