import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { MemoryActivityLog, RedisActivityLog } from '../src/channels/web/index.js';
import { DirectLineClient, startWebChannel, textsOf, userMessage, BOT_WORDS, type RunningChannel } from './channels.web.fixtures.js';
import { activityLogContract, message } from './channels.web.log-contract.js';
import { SharedRedis } from './support/redis.js';

const zh = BOT_WORDS['zh-CN'];


activityLogContract('MemoryActivityLog', () => new MemoryActivityLog());

describe('MemoryActivityLog: expiry', () => {
  it('a conversation is forgotten ttl after its last activity, and each append renews it', async () => {
    let now = 1_000_000;
    const log = new MemoryActivityLog({ ttlSeconds: 60, now: () => now });
    await log.create('conversation-a');
    now += 50_000;
    await log.append('conversation-a', message('一'));
    now += 50_000;
    expect(await log.exists('conversation-a'), '100 s after creation, 50 s after the append').to.equal(true);
    now += 10_001;
    expect(await log.exists('conversation-a')).to.equal(false);
    expect((await log.since('conversation-a', '')).activities).to.deep.equal([]);
  });

  it('creating a live conversation again renews it and keeps its activities; a replace does not renew it', async () => {
    let now = 1_000_000;
    const log = new MemoryActivityLog({ ttlSeconds: 60, now: () => now });
    const [id] = await log.appendAll('conversation-a', [message('一')]);
    now += 50_000;
    await log.create('conversation-a');
    now += 50_000;
    expect((await log.since('conversation-a', '')).activities.map((a) => a.text), '100 s after the append, 50 s after create').to.deep.equal(['一']);
    await log.replace('conversation-a', id!, message('二'));
    now += 10_001;
    expect(await log.exists('conversation-a'), '60 s after create, the replace in between').to.equal(false);
  });
});

/** A real Redis for a describe block: its client (skipped when none answers) and the block's key prefix; keys and client gone after. */
function realRedis(area: string): { redis: () => Redis; prefix: string } {
  const shared = new SharedRedis(area);
  let redis: Redis | undefined;
  before(async function () {
    try {
      redis = await shared.readyClient();
    } catch {
      this.skip();
    }
  });
  after(() => shared.cleanUp());
  return { redis: () => redis!, prefix: shared.prefix };
}

describe('RedisActivityLog against a real Redis', function () {
  const real = realRedis('webchat');
  const prefix = real.prefix;
  let redis: Redis;
  before(() => (redis = real.redis()));

  activityLogContract('RedisActivityLog', () => new RedisActivityLog(redis, { keyPrefix: prefix }));

  it('keeps one list and one marker per conversation, both with the TTL, all under its prefix', async () => {
    const log = new RedisActivityLog(redis, { keyPrefix: prefix, ttlSeconds: 120 });
    await log.create('conversation-ttl');
    await log.append('conversation-ttl', message('一'));
    const keys = (await redis.keys(`${prefix}{conversation-ttl}*`)).sort();
    expect(keys).to.deep.equal([`${prefix}{conversation-ttl}:activities`, `${prefix}{conversation-ttl}:open`]);
    for (const key of keys) expect(await redis.ttl(key), key).to.be.within(1, 120);
  });

  it('an expired conversation no longer exists', async () => {
    const log = new RedisActivityLog(redis, { keyPrefix: prefix, ttlSeconds: 1 });
    await log.create('conversation-short');
    await log.append('conversation-short', message('一'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await log.exists('conversation-short')).to.equal(false);
    expect((await log.since('conversation-short', '')).activities).to.deep.equal([]);
  });

  it('appends from many writers at once keep every activity and distinct ids', async () => {
    const log = new RedisActivityLog(redis, { keyPrefix: prefix });
    await log.create('conversation-busy');
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append('conversation-busy', message(`m${i}`))));
    expect(new Set(ids).size).to.equal(50);
    const page = await log.since('conversation-busy', '');
    expect(page.activities.map((a) => a.id).sort()).to.deep.equal([...ids].sort());
  });

  describe('two channel instances (two servers) sharing Redis', () => {
    let a: RunningChannel;
    let b: RunningChannel;
    beforeEach(async () => {
      a = await startWebChannel({ activityLog: new RedisActivityLog(redis, { keyPrefix: prefix }) });
      // Both run the same bot with shared dialog state, as instances of one deployment do.
      b = await startWebChannel({ activityLog: new RedisActivityLog(redis, { keyPrefix: prefix }), logic: a.bot.logic });
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it('a conversation opened on one instance is polled, posted to and reconnected on the other', async () => {
      const onA = new DirectLineClient(a.baseUrl);
      const onB = new DirectLineClient(b.baseUrl);
      const { token, conversationId } = await onA.open();
      expect(textsOf((await onB.poll(token, conversationId)).body.activities)).to.deep.equal([zh.greeting, zh.choose]);

      const posted = await onB.post(token, conversationId, userMessage(zh.choices[0]));
      expect(posted.status).to.equal(200);
      const fromA = await onA.poll(token, conversationId, '2');
      expect(textsOf(fromA.body.activities)).to.deep.equal([zh.choices[0], zh.askName]);
      expect(fromA.body.activities[0]!.id).to.equal(posted.body.id);

      const reconnected = await onB.reconnect(token, conversationId);
      expect(reconnected.status).to.equal(200);
    });

    it('a message the bot sends later from one instance reaches a page polling the other', async () => {
      const onB = new DirectLineClient(b.baseUrl);
      const { token, conversationId } = await onB.open();
      const reference = a.bot.references.get(conversationId)!;
      await a.channel.adapter.continueConversation(reference, async (context) => {
        await context.sendActivity('审核结果已经出来了');
      });
      const page = await onB.poll(token, conversationId, '2');
      expect(textsOf(page.body.activities)).to.deep.equal(['审核结果已经出来了']);
    });
  });
});

describe('RedisActivityLog.watch: appends told across instances (pub/sub)', function () {
  const real = realRedis('web-wake');
  const prefix = real.prefix;
  let redis: Redis;
  const closers: Array<() => Promise<void>> = [];
  before(() => (redis = real.redis()));

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A log (an instance) watching, with what its listener was told. */
  function watching(): { log: RedisActivityLog; told: string[]; missed: number[]; watch: ReturnType<NonNullable<RedisActivityLog['watch']>> } {
    const log = new RedisActivityLog(redis, { keyPrefix: prefix });
    const told: string[] = [];
    const missed: number[] = [];
    const watch = log.watch({ appended: (id) => told.push(id), missed: () => missed.push(Date.now()) });
    closers.push(() => watch.close());
    return { log, told, missed, watch };
  }

  it("tells of another instance's appends (one, several, a request's admitted one) to followed conversations only, never of its own", async () => {
    const a = watching();
    const b = new RedisActivityLog(redis, { keyPrefix: prefix });
    await a.watch.listening;
    for (const id of ['wake-followed', 'wake-other']) await b.create(id);
    a.watch.follow('wake-followed');
    await b.append('wake-followed', message('一'));
    await b.appendAll('wake-followed', [message('二'), message('三')]);
    expect((await b.admitted.append('wake-followed', 'token-id', message('四'))).value).to.be.a('string');
    await b.append('wake-other', message('别的对话'));
    await a.log.append('wake-followed', message('自己的'));
    await eventually(() => a.told.length >= 3);
    // A last append by the other, so that anything wrongly told before it has arrived too.
    await b.append('wake-followed', message('五'));
    await eventually(() => a.told.length >= 4);
    expect(a.told).to.deep.equal(['wake-followed', 'wake-followed', 'wake-followed', 'wake-followed']);
    a.watch.unfollow('wake-followed');
    await b.append('wake-followed', message('不再跟随'));
    await a.log.append('wake-followed', message('barrier'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.told).to.have.length(4);
  });

  it('a notice names neither the conversation nor anything said', async () => {
    const listener = redis.duplicate();
    closers.push(async () => void listener.disconnect());
    const notices: string[] = [];
    listener.on('message', (_channel: string, notice: string) => notices.push(notice));
    // The shared clients keep no offline queue: the duplicate is used once it is connected.
    if (listener.status !== 'ready') await new Promise((resolve) => listener.once('ready', resolve));
    await listener.subscribe(`${prefix}appended`);
    const log = new RedisActivityLog(redis, { keyPrefix: prefix });
    await log.create('wake-private-conversation');
    await log.append('wake-private-conversation', message('张三 13800138000'));
    await eventually(() => notices.length === 1);
    expect(notices[0]).to.not.include('wake-private-conversation');
    expect(notices[0]).to.not.include('138');
    expect(notices[0]).to.match(/^[\w-]+ [\w-]{16}$/);
  });

  it('after its connection is lost it listens again and then says appends may have gone untold; later ones are told again', async () => {
    const a = watching();
    const b = new RedisActivityLog(redis, { keyPrefix: prefix });
    await a.watch.listening;
    await b.create('wake-reconnect');
    a.watch.follow('wake-reconnect');
    expect(a.missed).to.deep.equal([]);
    const listing = await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub');
    const ours = String(listing)
      .split('\n')
      .filter((line) => line.includes(` name=${prefix}notices `));
    expect(ours, 'the watch has one connection of its own, named for its prefix').to.have.length(1);
    await redis.call('CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(ours[0]!)![1]!);
    await eventually(() => a.missed.length === 1);
    await b.append('wake-reconnect', message('重新连上以后'));
    await eventually(() => a.told.length === 1);
    expect(a.told).to.deep.equal(['wake-reconnect']);
  });
});

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
