import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Activity } from 'botbuilder';
import { MemoryActivityLog, RedisActivityLog, type ActivityLog } from '../src/channels/web/index.js';
import { DirectLineClient, startWebChannel, textsOf, userMessage, BOT_WORDS, type RunningChannel } from './channels.web.fixtures.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const zh = BOT_WORDS['zh-CN'];

const message = (text: string): Partial<Activity> => ({ type: 'message', text, from: { id: 'u', name: '', role: 'user' } });

/** What every ActivityLog promises, whichever store keeps it. */
function activityLogContract(name: string, makeLog: () => ActivityLog) {
  describe(`${name}: the activity log contract`, () => {
    let log: ActivityLog;
    const conversation = () => `c${randomBytes(8).toString('hex')}`;
    beforeEach(() => {
      log = makeLog();
    });

    it('a conversation exists once created, and creating it again changes nothing', async () => {
      const id = conversation();
      expect(await log.exists(id)).to.equal(false);
      await log.create(id);
      expect(await log.exists(id)).to.equal(true);
      await log.append(id, message('一'));
      await log.create(id);
      expect((await log.since(id, '')).activities).to.have.length(1);
    });

    it('appending gives ids in order, shaped like Direct Line ids', async () => {
      const id = conversation();
      await log.create(id);
      const ids = [await log.append(id, message('一')), await log.append(id, message('二'))];
      expect(ids).to.deep.equal([`${id}|0000001`, `${id}|0000002`]);
    });

    const pages: [string, string | undefined, string[], string][] = [
      ['no watermark: everything from the start', undefined, ['一', '二', '三'], '3'],
      ['an empty watermark: everything', '', ['一', '二', '三'], '3'],
      ['after the first', '1', ['二', '三'], '3'],
      ['after the last: nothing new', '3', [], '3'],
      ['a watermark beyond the end: nothing, and the real end', '9', [], '3'],
      ['a watermark that is not a number: from the start', 'abc', ['一', '二', '三'], '3'],
    ];
    for (const [what, watermark, texts, next] of pages) {
      it(`since ${what}`, async () => {
        const id = conversation();
        await log.create(id);
        for (const text of ['一', '二', '三']) await log.append(id, message(text));
        const page = await log.since(id, watermark);
        expect(page.activities.map((a) => a.text)).to.deep.equal(texts);
        expect(page.watermark).to.equal(next);
      });
    }

    it('each activity comes back with the id append gave it, and its content unchanged', async () => {
      const id = conversation();
      await log.create(id);
      const given = { ...message('你好'), suggestedActions: { to: [], actions: [{ type: 'imBack', title: '是', value: '是' }] } };
      const activityId = await log.append(id, given);
      const [back] = (await log.since(id, '')).activities;
      expect(back).to.deep.equal({ ...given, id: activityId });
    });

    it('a page holds at most `limit` activities; the watermark says where to go on', async () => {
      const id = conversation();
      await log.create(id);
      for (let i = 0; i < 5; i++) await log.append(id, message(`m${i}`));
      const first = await log.since(id, '', 2);
      expect(first.activities.map((a) => a.text)).to.deep.equal(['m0', 'm1']);
      const second = await log.since(id, first.watermark, 2);
      expect(second.activities.map((a) => a.text)).to.deep.equal(['m2', 'm3']);
    });

    it('conversations do not see each other’s activities', async () => {
      const [a, b] = [conversation(), conversation()];
      await log.create(a);
      await log.create(b);
      await log.append(a, message('甲'));
      expect((await log.since(b, '')).activities).to.deep.equal([]);
    });

    it('an activity can be replaced in its place, keeping its id (the person\'s message, masked once taken)', async () => {
      const id = conversation();
      await log.create(id);
      await log.append(id, message('一'));
      const second = await log.append(id, message('11010519491231002X'));
      await log.append(id, message('三'));
      await log.replace(id, second, { ...message('1101**********002X'), id: 'ignored' });
      const page = await log.since(id, '');
      expect(page.activities.map((a) => [a.id, a.text])).to.deep.equal([
        [`${id}|0000001`, '一'],
        [second, '1101**********002X'],
        [`${id}|0000003`, '三'],
      ]);
      expect(JSON.stringify(page)).to.not.include('11010519491231002X');
    });

    it('replacing what is not there changes nothing: another conversation\'s id, an id past the end, a conversation that is gone', async () => {
      const [a, b] = [conversation(), conversation()];
      await log.create(a);
      await log.create(b);
      const first = await log.append(a, message('甲'));
      await log.replace(b, first, message('乙'));
      await log.replace(a, `${a}|0000009`, message('丙'));
      await log.replace(a, 'not-an-id', message('丁'));
      await log.replace(conversation(), `${a}|0000001`, message('戊'));
      expect((await log.since(a, '')).activities.map((x) => x.text)).to.deep.equal(['甲']);
      expect((await log.since(b, '')).activities).to.deep.equal([]);
    });

    it('an unknown conversation has no activities', async () => {
      expect(await log.since(conversation(), '')).to.deep.equal({ activities: [], watermark: '0' });
    });
  });
}

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
});

describe('RedisActivityLog against a real Redis', function () {
  const prefix = `test:webchat:${process.pid}:${randomBytes(4).toString('hex')}:`;
  let redis: Redis;

  before(async function () {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch {
      this.skip();
    }
  });

  after(async () => {
    if (redis?.status !== 'ready') return;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

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
