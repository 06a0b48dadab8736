import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { App } from '../src/app.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { SharedRedis } from './support/redis.js';
import type { CommandCount } from './support/redis-commands.js';
import { startCountedApp, type CountedApp } from './support/counted-app.js';

/**
 * What a web channel turn costs in Redis round trips, counted on the app's own client (a MULTI…EXEC
 * counting once), over Direct Line REST as the page and the bench use it: POST the message, GET from the
 * watermark. The token's revocation and the conversation's existence are asked together (one MULTI); the
 * message is appended in one; the turn takes two scripts; each reply the bot sends is one append; a
 * masked message one replace. A change that adds a round trip to a web turn fails here.
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

  it('a message is one round trip to admit it, one to log it, two for the turn, one per reply (and one to mask it); a poll is two', async () => {
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
      const masked = echo.text !== say ? 1 : 0;
      expect({ say, post: postTrips, poll: pollTrips }).to.deep.equal({ say, post: 1 + 1 + 2 + replies + masked, poll: 2 });
      watermark = page.body.watermark;
    }
  });
});
