import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { App } from '../src/app.js';
import { DirectLineClient, openStream, until, userMessage } from './channels.web.fixtures.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { promptOf } from './support/replies.js';
import { SharedRedis } from './support/redis.js';
import type { CommandCount } from './support/redis-commands.js';
import { startCountedApp, type CountedApp } from './support/counted-app.js';

/**
 * What a web channel turn costs in Redis round trips, counted on the app's own client (a MULTI…EXEC
 * counting once), as the page and the bench use it: POST the message, then GET from the watermark (REST)
 * or read the stream (WebSocket). The POST is two scripts: the first asks the token's revocation and the
 * conversation's existence, appends the message, takes the turn and reads its state; the turn's replies (and
 * the message, masked, in its place) ride on the second, which saves the state and ends the turn. A poll is
 * one script (revocation, conversation and page); the stream gets what this instance appended without
 * reading the log. A change that adds a round trip to a web turn fails here.
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

  it('REST: a message is two round trips, its admission and append riding on the first (that takes the turn), its replies (and the mask) on the second; the poll after it none, any other poll one', async () => {
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
      // The same poll again is read from the log (the page this instance kept of its turn answers once): the same page.
      commands.reset();
      const again = await client.poll(token, conversationId, watermark);
      expect(commands.roundTrips(), 'a poll the turn did not answer').to.equal(1);
      expect(again.body, say).to.deep.equal(page.body);
      const echo = page.body.activities.find((a) => a.from?.role === 'user')!;
      const replies = page.body.activities.filter((a) => a.from?.role === 'bot').length;
      expect(replies, say).to.be.greaterThan(0);
      expect(echo, say).to.not.equal(undefined);
      // A typing indicator (the turn outlasted half a second: a loaded machine) is written at once, on its own.
      const typing = page.body.activities.filter((a) => a.type === 'typing').length;
      // A typing indicator comes between the message and the replies: that page is read from the log.
      expect({ say, post: postTrips, poll: pollTrips }).to.deep.equal({ say, post: 2 + typing, poll: typing > 0 ? 1 : 0 });
      watermark = page.body.watermark;
    }
  });

  it('WebSocket: a message is the same two round trips, and the stream reads nothing to send the echo and the replies, in one message', async () => {
    const generated = await client.generate();
    const start = await client.call<{ conversationId: string; token: string; streamUrl: string }>('POST', '/conversations', { token: generated.body.token, body: { locale: 'zh-CN' } });
    expect(start.status).to.equal(201);
    const { token, conversationId, streamUrl } = start.body;
    const { ws, received, groups } = await openStream(streamUrl);
    // The stream's safety scan (for what other instances appended, should a notice be lost) reads the log
    // now and then: none may run here, so that none hides among the turn's round trips.
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
        groups.length = 0;
        commands.reset();
        scans = 0;
        expect((await client.post(token, conversationId, userMessage(say))).status, say).to.equal(200);
        await until(() => received.some((a) => a.from?.role === 'user') && received.some((a) => a.from?.role === 'bot' && a.type === 'message'), `the echo and replies of ${say}`);
        const typing = received.filter((a) => a.type === 'typing').length;
        // The echo waits for what the turn sends first and goes with it: one WebSocket message (and socket write) a turn.
        expect({ say, trips: commands.roundTrips(), scans, messages: groups.length, first: groups[0]!.activities[0]!.from?.role }).to.deep.equal({
          say,
          trips: 2 + typing,
          scans: 0,
          messages: 1 + typing,
          first: 'user',
        });
      }
    } finally {
      ws.terminate();
    }
  });
});

describe('the poll after a turn, answered by the page the turn kept (Direct Line REST)', function () {
  const shared = new SharedRedis('web-recent-page');
  let one: CountedApp | undefined;
  let two: CountedApp | undefined;

  before(async function () {
    try {
      await shared.readyClient();
    } catch {
      this.skip();
    }
    // Two instances on one Redis, one secret: either answers any request of a conversation.
    one = await startCountedApp(shared, { WEB_TOKEN_SECRET: 'w'.repeat(48) });
    two = await startCountedApp(shared, { WEB_TOKEN_SECRET: 'w'.repeat(48) });
  });

  after(async () => {
    await one?.stop();
    await two?.stop();
    await shared.cleanUp();
  });

  it('a token refreshed after its turn: the old token’s poll is refused at once, the new one’s reads the log', async () => {
    const client = new DirectLineClient(one!.base);
    const { token, conversationId } = await client.open();
    const watermark = (await client.poll(token, conversationId)).body.watermark;
    expect((await client.post(token, conversationId, userMessage('你好'))).status).to.equal(200);
    const refreshed = await client.refresh(token);
    expect(refreshed.status).to.equal(200);
    expect((await client.poll(token, conversationId, watermark)).status).to.equal(403);
    one!.commands.reset();
    const page = await client.poll(refreshed.body.token, conversationId, watermark);
    expect(one!.commands.roundTrips(), 'another token: read from the log').to.equal(1);
    expect(page.body.activities.map((a) => a.from?.role)[0]).to.equal('user');
  });

  it('a token refreshed while its turn runs gets no page the turn keeps after', async () => {
    const client = new DirectLineClient(one!.base);
    const { token, conversationId } = await client.open();
    const watermark = (await client.poll(token, conversationId)).body.watermark;
    let refreshed!: () => void;
    const refreshDone = new Promise<void>((resolve) => (refreshed = resolve));
    let reached!: () => void;
    const turnRuns = new Promise<void>((resolve) => (reached = resolve));
    // The turn waits, inside the bot's middleware, until the token was refreshed.
    one!.app.web.adapter.use({
      onTurn: async (context, next) => {
        if (context.activity.conversation?.id === conversationId && context.activity.type === 'message') {
          reached();
          await refreshDone;
        }
        await next();
      },
    });
    const posted = client.post(token, conversationId, userMessage('你好'));
    await turnRuns;
    expect((await client.refresh(token)).status).to.equal(200);
    refreshed();
    expect((await posted).status).to.equal(200);
    expect((await client.poll(token, conversationId, watermark)).status).to.equal(403);
  });

  it('a poll from within the kept page gets only the rest; the page used up, or a poll from before it, reads the log', async () => {
    const client = new DirectLineClient(one!.base);
    const { token, conversationId } = await client.open();
    const watermark = Number((await client.poll(token, conversationId)).body.watermark);
    expect((await client.post(token, conversationId, userMessage('你好'))).status).to.equal(200);
    // From within the turn's page (the page polled while the turn ran, the message already had): what came after it.
    one!.commands.reset();
    const rest = await client.poll(token, conversationId, String(watermark + 1));
    expect(one!.commands.roundTrips()).to.equal(0);
    const whole = await client.poll(token, conversationId, String(watermark));
    expect(one!.commands.roundTrips(), 'used up: the log').to.equal(1);
    expect(rest.body).to.deep.equal({ activities: whole.body.activities.slice(1), watermark: whole.body.watermark });
    // From before the page (the greeting too): the log.
    expect((await client.post(token, conversationId, userMessage('办理异地就医备案'))).status).to.equal(200);
    one!.commands.reset();
    const earlier = await client.poll(token, conversationId, String(watermark));
    expect(one!.commands.roundTrips()).to.equal(1);
    expect(earlier.body.activities.slice(0, whole.body.activities.length)).to.deep.equal(whole.body.activities);
  });

  it('what another instance appends after the turn comes with the next poll, from the kept page’s watermark: nothing lost, in order', async () => {
    const client = new DirectLineClient(one!.base);
    const { token, conversationId } = await client.open();
    const watermark = (await client.poll(token, conversationId)).body.watermark;
    expect((await client.post(token, conversationId, userMessage('你好'))).status).to.equal(200);
    // The other instance sends a message to the conversation (a proactive one) before the poll.
    await two!.app.web.adapter.continueConversation({ conversation: { id: conversationId } as never }, async (context) => {
      await context.sendActivity('另一个实例的消息');
    });
    one!.commands.reset();
    const page = await client.poll(token, conversationId, watermark);
    expect(one!.commands.roundTrips(), 'the page the turn kept').to.equal(0);
    expect(page.body.activities.map((a) => a.text)).not.to.include('另一个实例的消息');
    const next = await client.poll(token, conversationId, page.body.watermark);
    expect(next.body.activities.map((a) => a.text)).to.deep.equal(['另一个实例的消息']);
    // The same as the log holds from the start of the turn, read by the other instance.
    const all = await new DirectLineClient(two!.base).poll(token, conversationId, watermark);
    expect(all.body.activities).to.deep.equal([...page.body.activities, ...next.body.activities]);
  });
});

describe('a web message whose turn was taken before the middleware, then refused by it (the app draining)', function () {
  const redisForDrain = new SharedRedis('web-turn-drain');
  const started = appWithLongLease(redisForDrain);

  it('keeps the message and the refusal, in that order, and lets go of the conversation at once', async () => {
    const client = new DirectLineClient(started.running().base);
    const redis = started.running().app.state.client as Redis;
    const { token, conversationId } = await client.open();
    const watermark = (await client.poll(token, conversationId)).body.watermark;
    started.running().app.inFlight.drain();
    expect((await client.post(token, conversationId, userMessage('你好'))).status).to.equal(200);
    const page = (await client.poll(token, conversationId, watermark)).body;
    expect(page.activities.map((a) => [a.from?.role, a.text === '你好' ? 'message' : (a.channelData as { system?: string } | undefined)?.system])).to.deep.equal([
      ['user', 'message'],
      ['bot', 'shuttingDown'],
    ]);
    // The turn the first script took (its lease lasting ten minutes) was released, not left to lapse.
    expect(await redis.keys(`${redisForDrain.prefix}*:lock`)).to.deep.equal([]);
  });
});

describe('a web turn whose closing script fails (its replies ride on it)', function () {
  const redisForFailure = new SharedRedis('web-turn-end-fails');
  // A lease far longer than a test: a resend taken within it was freed by the failed turn itself.
  const started = appWithLongLease(redisForFailure);

  it('shows the apology instead of replies it could not keep, still keeps the message masked, and the same answer goes on once resent', async () => {
    const client = new DirectLineClient(started.running().base);
    const redis = started.running().app.state.client as Redis;
    // The first step whose message the bot keeps masked (an ID number, a phone…).
    const probe = await client.open();
    let watermark = (await client.poll(probe.token, probe.conversationId)).body.watermark;
    let masked = -1;
    for (const [i, [say]] of TMP_OTHER_SCRIPT.entries()) {
      await client.post(probe.token, probe.conversationId, userMessage(say));
      const page = (await client.poll(probe.token, probe.conversationId, watermark)).body;
      watermark = page.watermark;
      if (page.activities.find((a) => a.from?.role === 'user')?.text !== say) {
        masked = i;
        break;
      }
    }
    expect(masked, 'a step of the script is masked').to.be.greaterThan(0);

    const { token, conversationId } = await client.open();
    watermark = (await client.poll(token, conversationId)).body.watermark;
    for (const [say] of TMP_OTHER_SCRIPT.slice(0, masked)) await client.post(token, conversationId, userMessage(say));
    watermark = (await client.poll(token, conversationId, watermark)).body.watermark;
    // The connection drops as the closing script (the turn's lock and the transcript among its keys, not its line) is sent.
    const send = redis.sendCommand.bind(redis);
    let failed = 0;
    redis.sendCommand = ((command: { name: string; args: unknown[]; reject: (err: Error) => void; promise: Promise<unknown> }, stream?: unknown) => {
      const keys = command.args.map(String);
      // (The step that takes the turn has the line's keys too, and the transcript's: it appends the message.)
      if (failed === 0 && command.name === 'evalsha' && keys.some((k) => k.endsWith(':lock')) && keys.some((k) => k.endsWith(':activities')) && !keys.some((k) => k.endsWith(':queue'))) {
        failed += 1;
        command.reject(new Error('Connection is closed.'));
        return command.promise;
      }
      return send(command as never, stream as never);
    }) as typeof redis.sendCommand;
    const [say, next] = TMP_OTHER_SCRIPT[masked]!;
    try {
      expect((await client.post(token, conversationId, userMessage(say))).status).to.equal(200);
    } finally {
      redis.sendCommand = send;
    }
    expect(failed, 'the closing script was failed once').to.equal(1);
    const page = (await client.poll(token, conversationId, watermark)).body;
    const echo = page.activities.find((a) => a.from?.role === 'user')!;
    expect(echo.text, 'kept masked').to.not.equal(say);
    const bot = page.activities.filter((a) => a.from?.role === 'bot' && a.type === 'message');
    expect(bot.map((a) => (a.channelData as { error?: string } | undefined)?.error), 'only the apology').to.deep.equal(['store_unavailable']);
    // The failed turn let go of the conversation (a plain compare-and-delete once its closing script failed),
    // not left it held until its lease lapsed: no lock is left, and the same answer sent again at once is
    // taken (not "busy") and, the turn's state not having been kept, goes on to the next question.
    expect(await redis.keys(`${redisForFailure.prefix}*:lock`), 'the lock released').to.deep.equal([]);
    expect((await client.post(token, conversationId, userMessage(say))).status).to.equal(200);
    const again = (await client.poll(token, conversationId, page.watermark)).body;
    expect(promptOf(again.activities.filter((a) => a.from?.role === 'bot'))).to.equal(next);
  });
});

/**
 * Starts the app on `redis` before the suite (skipping it without Redis) with a turn lease of ten minutes,
 * far longer than a test, and stops it after: `running()` is the app.
 */
function appWithLongLease(redis: SharedRedis): { running(): CountedApp } {
  let running: CountedApp | undefined;
  before(async function () {
    try {
      await redis.readyClient();
    } catch {
      this.skip();
    }
    running = await startCountedApp(redis, { WEB_TOKEN_SECRET: 'w'.repeat(48), TURN_LOCK_TTL_MS: '600000' });
  });
  after(async () => {
    await running?.stop();
    await redis.cleanUp();
  });
  return { running: () => running! };
}
