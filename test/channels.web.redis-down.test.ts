import { expect } from 'chai';
import { WebSocket } from 'ws';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { watchForCrashes } from './support/crashes.js';
import { eventually, PrivateRedisServer } from './support/redis-server.js';

/**
 * The web channel while its Redis is away, over real ports with a private redis-server: every Direct
 * Line route that needs the store answers 503 with Retry-After in Direct Line's error shape (the page
 * says so and tries again), never 500, and the conversation goes on once Redis is back. And when Redis
 * lost a conversation's state (no persistence, or evicted keys), the person is told, instead of
 * silently landing on the menu.
 */
const texts = new Texts();

/** The HTTP status a WebSocket upgrade is refused with. */
function upgradeRefusal(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('error', () => undefined);
  });
}
const messagesOf = (activities: Activity[]) => activities.filter((a) => a.type === 'message' && a.from?.role === 'bot').map((a) => a.text);

describe('web channel while Redis is down (a private redis-server with persistence)', function () {
  this.timeout(60_000);
  let dir: string;
  let redis: PrivateRedisServer;
  let server: AppServer;
  let crashes: ReturnType<typeof watchForCrashes>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-redis-down-'));
    redis = await PrivateRedisServer.start({ persistDir: dir });
    server = await startAppServer({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'webdown:', LOG_LEVEL: 'warn' });
    crashes = watchForCrashes();
  });
  after(async () => {
    crashes.stop();
    await server.stop();
    await redis.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After (not 500) to start, poll, post and reconnect, and refuses a stream with 503; once back, the same conversation goes on', async () => {
    const dl = new DirectLineClient(server.base);
    const { token, conversationId } = await dl.open('zh-CN');
    const { streamUrl } = (await dl.reconnect(token, conversationId)).body as unknown as { streamUrl: string };
    await dl.post(token, conversationId, userMessage('我要办理异地就医备案'));
    const before = await dl.poll(token, conversationId);
    expect(before.status).to.equal(200);

    await redis.kill();
    const fresh = await dl.generate();
    expect(fresh.status, 'a token needs no store').to.equal(200);
    const outage = {
      start: await dl.start(fresh.body.token, 'zh-CN'),
      poll: await dl.poll(token, conversationId, before.body.watermark),
      post: await dl.post(token, conversationId, userMessage('为自己办理')),
      reconnect: await dl.reconnect(token, conversationId),
    };
    for (const [route, reply] of Object.entries(outage)) {
      expect(reply.status, route).to.equal(503);
      expect(reply.body, route).to.have.nested.property('error.code', 'ServiceUnavailable');
      expect(Number(reply.headers.get('retry-after')), route).to.be.greaterThan(0);
    }
    expect(await upgradeRefusal(streamUrl), 'the WebSocket stream').to.equal(503);
    expect(server.lines.filter((line) => line['msg'] === 'web channel failure'), 'no request failed as a bug').to.deep.equal([]);

    await redis.start();
    expect(await eventually(async () => (await dl.poll(token, conversationId)).status === 200, 15_000, 100)).to.equal(true);
    const posted = await dl.post(token, conversationId, userMessage('为自己办理'));
    expect(posted.status).to.equal(200);
    const after = await dl.poll(token, conversationId, before.body.watermark);
    expect(messagesOf(after.body.activities).length, 'the bot answered the message sent after the outage').to.be.greaterThan(0);
    expect(messagesOf(after.body.activities)).to.not.include(texts.t('zh-CN', 'system.stateLost'));
    // The start that failed can be made again.
    expect((await dl.start(fresh.body.token, 'zh-CN')).status).to.equal(201);
    expect(crashes.problems).to.deep.equal([]);
  });
});

describe('web channel: a conversation whose state Redis lost', function () {
  this.timeout(30_000);
  let redis: PrivateRedisServer;
  let server: AppServer;

  before(async () => {
    redis = await PrivateRedisServer.start();
    server = await startAppServer({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'lost:', LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await server.stop();
    await redis.kill();
  });

  for (const locale of ['zh-CN', 'en-US'] as const) {
    it(`${locale}: halfway through, the next message is told that the earlier answers could not be kept, before the menu`, async () => {
      const dl = new DirectLineClient(server.base);
      const { token, conversationId } = await dl.open(locale);
      await dl.post(token, conversationId, userMessage(locale === 'zh-CN' ? '1' : '1', { locale }));
      const { watermark } = (await dl.poll(token, conversationId)).body;

      // The conversation's state goes (evicted, or a Redis without persistence restarted); its transcript stays.
      const client = server.app.state.client!;
      const stateKeys = await client.keys(`lost:webchat/conversations/${conversationId}/*`);
      expect(stateKeys.length, 'the state was in Redis').to.be.greaterThan(0);
      await client.del(...stateKeys);

      expect((await dl.post(token, conversationId, userMessage(locale === 'zh-CN' ? '为自己办理' : 'For myself', { locale }))).status).to.equal(200);
      const said = messagesOf((await dl.poll(token, conversationId, watermark)).body.activities);
      expect(said[0]).to.equal(texts.t(locale, 'system.stateLost'));
      expect(said.length, 'and then the bot goes on (the menu)').to.be.greaterThan(1);
    });
  }

  it('a conversation that merely goes on is not told anything of the kind', async () => {
    const dl = new DirectLineClient(server.base);
    const { token, conversationId } = await dl.open('zh-CN');
    await dl.post(token, conversationId, userMessage('1'));
    await dl.post(token, conversationId, userMessage('为自己办理'));
    const said = messagesOf((await dl.poll(token, conversationId)).body.activities);
    expect(said).to.not.include(texts.t('zh-CN', 'system.stateLost'));
  });
});
