import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisActivityLog } from '../../src/channels/web/index.js';
import { createRedisClient, type RedisClient } from '../../src/state/redis-client.js';
import { BOT_WORDS, startWebChannel, type RunningChannel } from '../channels.web.fixtures.js';
import { PrivateRedisServer } from '../support/redis-server.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * The page while the channel's Redis is away (real Chromium, a real channel on a private redis-server
 * with persistence): the channel answers 503, the page says so (public/web/strings, "unavailable") and
 * tries again by itself; once Redis is back it reconnects, with no click, and the conversation goes on.
 * A start that failed during the outage is made again, not taken for an ended conversation.
 */
const zh = BOT_WORDS['zh-CN'];
const words = JSON.parse(readFileSync(new URL('../../public/web/strings/zh-CN.json', import.meta.url), 'utf8')) as Record<string, string>;

describe('the page while the conversation store is away (real Chromium, real Redis stopped and started)', function () {
  this.timeout(90_000);
  let dir: string;
  let redis: PrivateRedisServer;
  let client: RedisClient;
  let running: RunningChannel;
  let browser: WebChatDriver;

  before(function () {
    if (!WebChatDriver.available()) this.skip();
  });
  beforeEach(async function () {
    dir = mkdtempSync(join(tmpdir(), 'page-outage-'));
    // The last case runs on a Redis without persistence: a restart empties it.
    redis = await PrivateRedisServer.start(this.currentTest?.title.includes('without persistence') ? {} : { persistDir: dir });
    client = createRedisClient(redis.url, { onError: () => undefined });
    running = await startWebChannel({ activityLog: new RedisActivityLog(client, { keyPrefix: 'outage:' }), webSocket: false });
    browser = await WebChatDriver.launch();
    await browser.page.addInitScript(() => {
      (window as unknown as { yidiConversationTimings: unknown }).yidiConversationTimings = { tick: 200, quiet: 1500, grace: 1500, retryFirst: 500, retryMax: 1000 };
    });
  });
  afterEach(async () => {
    await browser?.close();
    await running?.close();
    client?.disconnect();
    await redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = () => browser.page.evaluate(() => document.getElementById('status')?.textContent ?? '');

  it('says the assistant has a problem and keeps trying; once Redis is back it reconnects by itself and the conversation goes on', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.greeting }, { see: zh.choose }]);
    await redis.kill();
    await browser.page.waitForFunction((text) => document.getElementById('status')?.textContent === text, words['unavailable'], { timeout: 20_000 });
    await browser.screenshot('webchat-zh-7-store-unavailable');

    await redis.start();
    await browser.page.waitForFunction(() => document.getElementById('status')?.textContent === '', undefined, { timeout: 20_000 });
    await browser.run([{ type: zh.choices[0] }, { see: zh.askName }]);
    expect((await browser.transcript()).map((l) => l.text)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);
  });

  it('a conversation whose start failed during the outage is started once Redis is back (not “ended”)', async () => {
    await redis.kill();
    await browser.page.goto(`${running.baseUrl}/`);
    await browser.page.waitForFunction((text) => document.getElementById('status')?.textContent === text, words['unavailable'], { timeout: 20_000 });
    await redis.start();
    await browser.waitForBot(zh.greeting, 30_000);
    await browser.run([{ see: zh.choose }, { type: zh.choices[1] }, { see: zh.askName }]);
    expect(await status()).to.equal('');
  });

  it('a Redis without persistence that restarted lost the conversation: the page says the answers could not be kept and offers a new one', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }, { type: zh.choices[0] }, { see: zh.askName }]);
    await redis.kill();
    await redis.start(); // empty
    await browser.page.waitForFunction((text) => document.getElementById('status')?.textContent === text, words['lost'], { timeout: 20_000 });
    expect(await browser.page.getByRole('button', { name: words['restart'] }).isVisible()).to.equal(true);
  });
});
