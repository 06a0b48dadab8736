import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { App } from '../src/app.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { SharedRedis } from './support/redis.js';
import type { CommandCount } from './support/redis-commands.js';
import { startCountedApp, type CountedApp } from './support/counted-app.js';

/**
 * What a web channel turn costs in Redis round trips, counted on the app's own client (a MULTI…EXEC
 * counting once), as the page and the bench use it: POST the message, then GET from the watermark (REST)
 * or read the stream (WebSocket). The POST asks the token's revocation and the conversation's existence and
 * appends the message in one script; the turn takes two scripts, and the turn's replies (and the message,
 * masked, in its place) ride on the second. A poll is one script (revocation, conversation and page); the
 * stream gets what this instance appended without reading the log. A change that adds a round trip to a
 * web turn fails here.
 */
const sharedRedis = new SharedRedis('web-round-trips');
const PREFIX = sharedRedis.prefix;

describe('Redis round trips per web channel turn (Direct Line REST)', function () {
  let running: CountedApp | undefined;
  let app: App;
  let base: string;
  let client: DirectLineClient;
  let commands: CommandCount;

  before(async function () {
    try {
      await sharedRedis.readyClient();
    } catch {
      this.skip();
    }
    running = await startCountedApp(sharedRedis, { WEB_TOKEN_SECRET: 'w'.repeat(48) });
    ({ app, base, commands } = running);
    client = new DirectLineClient(base);
    // A first conversation loads the scripts into a Redis that has never seen them (EVALSHA, then EVAL once).
    const first = await client.open();
    await client.post(first.token, first.conversationId, userMessage('你好'));
  });

  after(async () => {
    await running?.stop();
    await sharedRedis.cleanUp();
  });

  it('REST: a message is one round trip to admit and log it and two for the turn, its replies (and the mask) riding on the second; a poll is one', async () => {
    const { token, conversationId } = await client.open();
    let watermark = (await client.poll(token, conversationId)).body.watermark;
    for (const [say] of TMP_OTHER_SCRIPT) {
      commands.reset();
      const posted = await client.post(token, conversationId, userMessage(say));
      expect(posted.status, say).to.equal(200);
      const postTrips = commands.roundTrips();
      commands.reset();
      const page = await client.poll(token, conversationId, watermark);
      const pollTrips = commands.roundTrips();
      expect(page.status).to.equal(200);
      const echo = page.body.activities.find((a) => a.from?.role === 'user')!;
      const replies = page.body.activities.filter((a) => a.from?.role === 'bot').length;
      expect(replies, say).to.be.greaterThan(0);
      expect(echo, say).to.not.equal(undefined);
      // A typing indicator (the turn outlasted half a second: a loaded machine) is written at once, on its own.
      const typing = page.body.activities.filter((a) => a.type === 'typing').length;
      expect({ say, post: postTrips, poll: pollTrips }).to.deep.equal({ say, post: 1 + 2 + typing, poll: 1 });
      watermark = page.body.watermark;
    }
  });

  it('WebSocket: a message is the same three round trips, and the stream reads nothing to send the echo and the replies', async () => {
    const generated = await client.generate();
    const start = await client.call<{ conversationId: string; token: string; streamUrl: string }>('POST', '/conversations', { token: generated.body.token, body: { locale: 'zh-CN' } });
    expect(start.status).to.equal(201);
    const { token, conversationId, streamUrl } = start.body;
    const received: Activity[] = [];
    const ws = new WebSocket(streamUrl);
    ws.on('message', (data) => {
      const text = String(data);
      if (text) received.push(...(JSON.parse(text) as { activities: Activity[] }).activities);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // The stream's scan for what other instances appended reads the log once a second: counted apart.
    const streams = app.web.streams as unknown as { scan: (...args: unknown[]) => Promise<void> };
    const scan = streams.scan.bind(streams);
    let scans = 0;
    streams.scan = (...args) => {
      scans += 1;
      return scan(...args);
    };
    try {
      await until(() => received.some((a) => a.from?.role === 'bot'), 'the greeting');
      for (const [say] of TMP_OTHER_SCRIPT) {
        received.length = 0;
        commands.reset();
        scans = 0;
        expect((await client.post(token, conversationId, userMessage(say))).status, say).to.equal(200);
        await until(() => received.some((a) => a.from?.role === 'user') && received.some((a) => a.from?.role === 'bot' && a.type === 'message'), `the echo and replies of ${say}`);
        const typing = received.filter((a) => a.type === 'typing').length;
        expect({ say, trips: commands.roundTrips() - scans }).to.deep.equal({ say, trips: 1 + 2 + typing });
      }
    } finally {
      ws.terminate();
    }
  });
});

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
