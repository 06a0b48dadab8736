import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { App } from '../src/app.js';
import { RedisStorage } from '../src/state/redis-storage.js';
import { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { SharedRedis } from './support/redis.js';
import { promptOf } from './support/replies.js';
import type { CommandCount } from './support/redis-commands.js';
import { startCountedApp, type CountedApp } from './support/counted-app.js';

/**
 * What a turn costs in Redis round trips, counted on the app's own client (every command it sends, a
 * pipeline counting once): a turn takes the conversation, checks the activity and reads the state in one
 * script, and saves the state, remembers the activity, notes where the filing waits and releases in
 * another. A change that adds a round trip to the common turn fails here.
 */
const sharedRedis = new SharedRedis('round-trips');
const PREFIX = sharedRedis.prefix;

describe('Redis round trips per turn', function () {
  let running: CountedApp | undefined;
  let app: App;
  let base: string;
  let commands: CommandCount;

  before(async function () {
    try {
      await sharedRedis.readyClient();
    } catch {
      this.skip();
    }
    running = await startCountedApp(sharedRedis);
    ({ app, base, commands } = running);
    // A first turn loads the scripts into a Redis that has never seen them (EVALSHA, then EVAL once).
    await new HttpChat([base]).say('你好');
  });

  after(async () => {
    await running?.stop();
    await sharedRedis.cleanUp();
  });

  /** Round trips and commands of one message. */
  const turn = async (chat: HttpChat, text: string, extra = {}) => {
    commands.reset();
    const reply = await chat.say(text, extra);
    return { reply, roundTrips: commands.roundTrips(), commands: Object.fromEntries(commands.counts) };
  };

  it('every turn of a whole filing, its submit included, costs two round trips: one script to begin it, one to end it', async () => {
    const chat = new HttpChat([base]);
    const costs: number[] = [];
    for (const [say, next] of TMP_OTHER_SCRIPT) {
      const { reply, roundTrips, commands: sent } = await turn(chat, say);
      expect(promptOf(reply.replies), say).to.equal(next);
      expect(Object.keys(sent), say).to.deep.equal(['evalsha']);
      costs.push(roundTrips);
    }
    const submit = await turn(chat, '确认提交');
    expect(submit.reply.replies.some((r) => (r.channelData as { filing?: unknown } | undefined)?.filing)).to.equal(true);
    costs.push(submit.roundTrips);
    expect(costs).to.deep.equal(costs.map(() => 2));
  });

  it('what the two scripts did is in Redis: the state, the activity remembered, the lock free, where the filing waits', async () => {
    const chat = new HttpChat([base]);
    const redis = await sharedRedis.readyClient();
    for (const [say] of TMP_OTHER_SCRIPT.slice(0, 3)) await turn(chat, say);
    const conversation = `emulator/${chat.conversationId}`;
    const member = createHash('sha256').update(`emulator:${chat.conversationId}`).digest('hex').slice(0, 32);
    expect(await redis.hget(`${PREFIX}waiting:{waiting}:step`, member)).to.equal(TMP_OTHER_SCRIPT[2]![1]);
    expect(Number(await redis.zscore(`${PREFIX}waiting:{waiting}:since`, member))).to.be.closeTo(Date.now(), 60_000);
    const stored = await redis.hget(`${PREFIX}emulator/conversations/${chat.conversationId}/`, 'v');
    expect(JSON.parse(stored!)).to.have.property('dialogState');
    const deduper = app.state.deduper as RedisDeduper;
    expect(await redis.pttl(deduper.keyFor(`${conversation}/${chat.conversationId}-1`, conversation))).to.be.above(0);
    expect(await redis.exists((app.state.turnLock as RedisTurnLock).keysFor(conversation)[0])).to.equal(0);
    // A second app on the same Redis reads what the first saved (another instance's next turn).
    const other = new RedisStorage(redis, { prefix: PREFIX });
    const key = `emulator/conversations/${chat.conversationId}/`;
    expect((await other.read([key]))[key]).to.have.property('dialogState');
  });

  it('a redelivered activity costs one round trip to find it handled and one to release', async () => {
    const chat = new HttpChat([base]);
    const first = await turn(chat, '你好', { id: 'same-activity' });
    expect(promptOf(first.reply.replies)).to.equal('menu.main');
    const again = await turn(chat, '你好', { id: 'same-activity' });
    expect(again.reply.replies).to.deep.equal([]);
    expect(again.roundTrips).to.equal(2);
  });
});
