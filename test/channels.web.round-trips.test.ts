import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { MemoryFilingStore } from '../src/filings/index.js';
import { createLogger } from '../src/ops/logger.js';
import { whenReady } from '../src/state/redis-client.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';
import { TEST_DATA_KEY } from './support/keys.js';
import { countCommands, type CommandCount } from './support/redis-commands.js';

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
  let app: App;
  let client: DirectLineClient;
  let commands: CommandCount;
  let dir: string;

  before(async function () {
    try {
      await sharedRedis.readyClient();
    } catch {
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'web-round-trips-'));
    const config = loadConfig({
      PORT: '0',
      FILINGS_PATH: join(dir, 'filings.json'),
      LOG_LEVEL: 'silent',
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
      WEB_TOKEN_SECRET: 'w'.repeat(48),
    });
    app = createApp(config, { logger: createLogger({ level: 'silent' }), filings: new MemoryFilingStore() });
    client = new DirectLineClient(`http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`);
    await whenReady(app.state.client!, 10_000, 'test');
    commands = countCommands(app.state.client as Redis);
    // A first conversation loads the scripts into a Redis that has never seen them (EVALSHA, then EVAL once).
    const first = await client.open();
    await client.post(first.token, first.conversationId, userMessage('你好'));
  });

  after(async () => {
    if (app) {
      app.server.close();
      app.server.server.closeAllConnections();
      for (const closer of app.closers) await closer.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
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
