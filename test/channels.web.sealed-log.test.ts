import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Activity } from 'botbuilder';
import { MemoryActivityLog, RedisActivityLog } from '../src/channels/web/index.js';
import { SealedActivityLog } from '../src/channels/web/index.js';
import { DataKeyRing } from '../src/privacy/data-keys.js';
import { DataKeyError, FieldCipher } from '../src/privacy/field-cipher.js';
import { activityLogContract } from './channels.web.log-contract.js';
import { SharedRedis } from './support/redis.js';
import { RecentMap } from '../src/ops/recent-map.js';

/** The bot's summary card as the web channel logs it: the person's own name and address in full. */
const summaryCard = (): Partial<Activity> => ({
  type: 'message',
  from: { id: 'bot', name: '异地就医备案助手', role: 'bot' },
  text: '请核对：张三丰，370102199001011234',
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [{ type: 'TextBlock', text: '山东省济南市历下区泉城路88号 张三丰' }] } }],
  channelData: { promptId: 'review.summary', progress: { step: 6, of: 6 } },
});

describe('SealedActivityLog: the web transcript keeps personal fields sealed at rest', function () {
  const shared = new SharedRedis('sealedlog');
  const prefix = shared.prefix;
  let redis: Redis;

  before(async () => {
    redis = await shared.readyClient();
  });
  after(() => shared.cleanUp());

  const cipher = new FieldCipher(DataKeyRing.random());
  activityLogContract('SealedActivityLog over MemoryActivityLog', () => new SealedActivityLog(new MemoryActivityLog(), { cipher }));
  activityLogContract('SealedActivityLog over RedisActivityLog', () => new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher }));

  const rawEntries = async (conversationId: string) => redis.lrange(`${prefix}{${conversationId}}:activities`, 0, -1);

  it('Redis holds no name, ID number or address of a summary card; a poll gives the card back whole', async () => {
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher });
    await log.create('conv-card');
    await log.append('conv-card', summaryCard());
    const raw = (await rawEntries('conv-card')).join('\n');
    for (const personal of ['张三丰', '370102199001011234', '泉城路']) expect(raw).not.to.include(personal);
    expect(raw, 'what is not personal stays readable (promptId, progress, who said it)').to.include('review.summary').and.to.include('"role":"bot"');
    const [activity] = (await log.since('conv-card', '')).activities;
    expect(activity).to.deep.include({ text: summaryCard().text, attachments: summaryCard().attachments, channelData: summaryCard().channelData });
    expect(activity!.id).to.equal('conv-card|0000001');
    // Another instance (which did not seal it, so deciphers it) reads the same card.
    const [elsewhere] = (await new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher }).since('conv-card', '')).activities;
    expect(elsewhere).to.deep.equal(activity);
  });

  it('an envelope it sealed is opened from memory only for that very envelope and conversation', async () => {
    let opened = 0;
    const counting = new (class extends FieldCipher {
      override open(value: string, label: string): string {
        opened += 1;
        return super.open(value, label);
      }
    })(cipher.ring);
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher: counting });
    await log.create('conv-memory');
    await log.append('conv-memory', summaryCard());
    expect((await log.since('conv-memory', '')).activities[0]).to.deep.include({ text: summaryCard().text });
    expect(opened, 'what it sealed itself').to.equal(0);
    // The same fields sealed again by another instance: another envelope, deciphered.
    await new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher }).append('conv-memory', summaryCard());
    expect((await log.since('conv-memory', '1')).activities[0]).to.deep.include({ text: summaryCard().text });
    expect(opened).to.equal(1);
  });

  it('what it sealed is found in memory by a short key, whatever the envelope’s size, and only the whole envelope opens from it', async () => {
    const keys: number[] = [];
    const get = RecentMap.prototype.get;
    const set = RecentMap.prototype.set;
    RecentMap.prototype.get = function (this: RecentMap<unknown, unknown>, key: unknown) {
      if (typeof key === 'string') keys.push(key.length);
      return get.call(this, key);
    };
    RecentMap.prototype.set = function (this: RecentMap<unknown, unknown>, key: unknown, value: unknown) {
      if (typeof key === 'string') keys.push(key.length);
      return set.call(this, key, value);
    };
    const told: DataKeyError[] = [];
    const { counting, counts } = countingCipher();
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher: counting, onUnreadable: (e) => told.push(e) });
    const long = { ...summaryCard(), text: '请核对：'.padEnd(4000, '张三丰') };
    try {
      await log.create('conv-key');
      await log.append('conv-key', long);
      await log.appendAll('conv-key', [bot('好的，张三丰'), long]);
      expect((await log.since('conv-key', '')).activities.map((a) => a.text)).to.deep.equal([long.text, '好的，张三丰', long.text]);
      expect(JSON.parse((await log.admitted!.sinceJson!('conv-key', 'no-token', '')).value!.activities[2]!) as Activity).to.deep.include({ text: long.text });
    } finally {
      RecentMap.prototype.get = get;
      RecentMap.prototype.set = set;
    }
    expect(counts.opened, 'opened from memory').to.equal(0);
    expect(Math.max(...keys), 'no key holds the envelope (each was copied and hashed on every look-up)').to.be.below(100);
    // An envelope of the same length and ending (its tag kept) but another body: deciphered, and refused.
    const [first] = await rawEntries('conv-key');
    const at = first!.indexOf('"sealed":"enc1:') + 30;
    const forged = `${first!.slice(0, at)}${first![at] === 'A' ? 'B' : 'A'}${first!.slice(at + 1)}`;
    await redis.lset(`${prefix}{conv-key}:activities`, 0, forged);
    expect((await log.since('conv-key', '')).activities[0]!.text).to.equal(undefined);
    expect(counts.opened).to.equal(1);
    expect(told.map((e) => e.code)).to.deep.equal(['NOT_AUTHENTIC']);
  });

  it('a replaced activity (the person’s message, masked) is sealed too', async () => {
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher });
    await log.create('conv-replace');
    const id = await log.append('conv-replace', { type: 'message', text: '13812345678', from: { id: 'u', name: '', role: 'user' } });
    await log.replace('conv-replace', id, { type: 'message', text: '138****5678', from: { id: 'u', name: '', role: 'user' } });
    expect((await rawEntries('conv-replace')).join('\n')).not.to.include('138');
    expect((await log.since('conv-replace', '')).activities[0]!.text).to.equal('138****5678');
  });

  it('an envelope moved into another conversation does not open there: served without its personal fields, and told', async () => {
    const told: DataKeyError[] = [];
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher, onUnreadable: (e) => told.push(e) });
    await log.create('conv-a');
    await log.create('conv-b');
    await log.append('conv-a', summaryCard());
    await log.append('conv-b', { type: 'message', text: '你好', from: { id: 'bot', name: '', role: 'bot' } });
    const [stolen] = await rawEntries('conv-a');
    await redis.lset(`${prefix}{conv-b}:activities`, 0, stolen!);
    const [activity] = (await log.since('conv-b', '')).activities;
    expect(activity!.text).to.equal(undefined);
    expect(activity!.attachments).to.equal(undefined);
    expect(activity!.channelData).to.deep.equal(summaryCard().channelData);
    expect(told).to.have.length(1);
    expect(told[0]!.message).not.to.include('张三丰');
  });

  it('a page as JSON text (what a poll sends) is the same page: sealed, opened from memory or deciphered, moved, logged before sealing, damaged', async () => {
    const told: DataKeyError[] = [];
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher, onUnreadable: (e) => told.push(e) });
    const elsewhere = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher });
    const plain = new RedisActivityLog(redis, { keyPrefix: prefix });
    await log.create('conv-json');
    await log.create('conv-json-other');
    await log.append('conv-json', summaryCard()); // opened from memory
    await elsewhere.append('conv-json', { ...summaryCard(), text: '另一个实例 "引号" \\ 与换行\n' }); // deciphered
    await plain.append('conv-json', { type: 'message', text: '旧消息', from: { id: 'bot', name: '', role: 'bot' } }); // before sealing
    await plain.append('conv-json', { type: 'typing', from: { id: 'bot', name: '', role: 'bot' } }); // nothing personal
    await log.append('conv-json-other', summaryCard());
    const [moved] = await rawEntries('conv-json-other');
    await redis.rpush(`${prefix}{conv-json}:activities`, moved!); // another conversation's envelope: does not open here
    await redis.rpush(`${prefix}{conv-json}:activities`, JSON.stringify({ type: 'message', sealed: 'enc1:AAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', channelData: { a: 1 } }));
    const objects = await log.admitted!.since('conv-json', 'no-token', '');
    expect(told).to.have.length(2);
    const text = await log.admitted!.sinceJson!('conv-json', 'no-token', '');
    expect(told).to.have.length(4);
    expect({ ...text, value: { ...text.value!, activities: text.value!.activities.map((json) => JSON.parse(json) as unknown) } }).to.deep.equal(objects);
    expect(objects.value!.activities).to.have.length(6);
    expect(objects.value!.activities[1]!.text).to.include('"引号"');
    expect(await log.admitted!.sinceJson!('conv-json', 'no-token', '6')).to.deep.equal({ revoked: false, exists: true, value: { activities: [], watermark: '6' } });
    expect(await log.admitted!.sinceJson!('conv-none', 'no-token', '')).to.deep.equal({ revoked: false, exists: false });
  });

  it('an envelope that was never a sealed value, or opens to no object: served without it, and told, on both paths', async () => {
    const told: DataKeyError[] = [];
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher, onUnreadable: (e) => told.push(e) });
    await log.create('conv-odd');
    const key = `${prefix}{conv-odd}:activities`;
    for (const sealed of ['abc', 'not:sealed', 'enc9']) await redis.rpush(key, JSON.stringify({ type: 'message', channelData: { n: sealed }, sealed }));
    const objects = await log.admitted!.since('conv-odd', 'no-token', '');
    expect(objects.value!.activities.map((a) => a.channelData)).to.deep.equal([{ n: 'abc' }, { n: 'not:sealed' }, { n: 'enc9' }]);
    expect(objects.value!.activities.every((a) => !('sealed' in a) && a.text === undefined)).to.equal(true);
    const text = await log.admitted!.sinceJson!('conv-odd', 'no-token', '');
    expect(text.value!.activities.map((json) => JSON.parse(json) as unknown)).to.deep.equal(objects.value!.activities);
    expect(told.map((e) => e.code)).to.deep.equal(Array(6).fill('NOT_AUTHENTIC'));
  });

  /** A FieldCipher that counts what it seals and opens. */
  const countingCipher = () => {
    const counts = { sealed: 0, opened: 0 };
    const counting = new (class extends FieldCipher {
      override seal(plain: string, label: string): string {
        counts.sealed += 1;
        return super.seal(plain, label);
      }
      override open(value: string, label: string): string {
        counts.opened += 1;
        return super.open(value, label);
      }
    })(cipher.ring);
    return { counting, counts };
  };
  const bot = (text: string): Partial<Activity> => ({ type: 'message', text, from: { id: 'bot', name: '', role: 'bot' } });

  it('a turn’s replies and the masked message are sealed with one cipher, read back whole on both paths and by another instance', async () => {
    const { counting, counts } = countingCipher();
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher: counting });
    await log.create('conv-batch');
    const mine = await log.append('conv-batch', { type: 'message', text: '370102199001011234', from: { id: 'u', name: '', role: 'user' } });
    expect(counts.sealed).to.equal(1);
    await log.appendAll('conv-batch', [bot('好的，张三丰'), { type: 'typing', from: { id: 'bot', name: '', role: 'bot' } }, summaryCard()], {
      id: mine,
      activity: { type: 'message', text: '3701**********1234', from: { id: 'u', name: '', role: 'user' } },
    });
    expect(counts.sealed, 'one envelope for the replacement and both replies').to.equal(2);
    const raw = await rawEntries('conv-batch');
    for (const personal of ['张三丰', '370102199001011234', '泉城路', '3701**']) expect(raw.join('\n')).not.to.include(personal);
    expect(raw[2], 'nothing personal: as it is').to.equal(JSON.stringify({ type: 'typing', from: { id: 'bot', name: '', role: 'bot' } }));
    const expected = [
      { id: 'conv-batch|0000001', text: '3701**********1234' },
      { id: 'conv-batch|0000002', text: '好的，张三丰' },
      { id: 'conv-batch|0000003', type: 'typing' },
      { id: 'conv-batch|0000004', text: summaryCard().text, attachments: summaryCard().attachments, channelData: summaryCard().channelData },
    ];
    const check = (activities: Partial<Activity>[]) => {
      expect(activities).to.have.length(4);
      for (const [i, activity] of activities.entries()) {
        expect(activity).to.deep.include(expected[i]!);
        expect(activity).not.to.have.any.keys('sealed', 'sealedPart', 'sealedParts');
      }
    };
    const objects = (await log.since('conv-batch', '')).activities;
    check(objects);
    const text = (await log.admitted!.sinceJson!('conv-batch', 'no-token', '')).value!;
    expect(text.activities.map((json) => JSON.parse(json) as unknown)).to.deep.equal(objects);
    expect(counts.opened, 'what it sealed itself opens from memory').to.equal(0);
    // Another instance deciphers the batch once a page.
    const other = countingCipher();
    const elsewhere = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher: other.counting });
    check((await elsewhere.since('conv-batch', '')).activities);
    expect(other.counts.opened).to.equal(1);
    const later = (await elsewhere.admitted!.sinceJson!('conv-batch', 'no-token', '1')).value!;
    expect(later.activities.map((json) => JSON.parse(json) as unknown)).to.deep.equal(objects.slice(1));
    expect(other.counts.opened, 'remembered after the first').to.equal(1);
  });

  it('a page that ends between a batch’s replacement and its replies finds the envelope in the pages after it', async () => {
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher });
    const person = (text: string): Partial<Activity> => ({ type: 'message', text, from: { id: 'u', name: '', role: 'user' } });
    await log.create('conv-cut');
    const mine = await log.append('conv-cut', person('13812345678'));
    await log.appendAll('conv-cut', [bot('一'), bot('二')], { id: mine, activity: person('138****5678') });
    const raw = await rawEntries('conv-cut');
    expect(raw.map((json) => json.includes('"sealedParts"')), 'only the last reply carries the envelope').to.deep.equal([false, false, true]);
    const elsewhere = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher });
    expect((await elsewhere.since('conv-cut', '', 1)).activities.map((a) => a.text)).to.deep.equal(['138****5678']);
    const cut = (await elsewhere.admitted!.sinceJson!('conv-cut', 'no-token', '', 1)).value!;
    expect(cut.activities.map((json) => (JSON.parse(json) as Activity).text)).to.deep.equal(['138****5678']);
    expect((await elsewhere.since('conv-cut', '1', 1)).activities.map((a) => a.text)).to.deep.equal(['一']);
    // The person's message is what a replace is for: replaced again, the batch stays whole.
    await log.replace('conv-cut', mine, person('1**'));
    expect((await elsewhere.since('conv-cut', '')).activities.map((a) => a.text)).to.deep.equal(['1**', '一', '二']);
  });

  it('a batch whose holder was replaced all the same: its other members are served without their personal fields, and told', async () => {
    const told: DataKeyError[] = [];
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher, onUnreadable: (e) => told.push(e) });
    await log.create('conv-holder');
    await log.appendAll('conv-holder', [bot('张三丰'), bot('二')]);
    await log.replace('conv-holder', 'conv-holder|0000002', bot('贰'));
    const activities = (await log.since('conv-holder', '')).activities;
    expect(activities.map((a) => a.text)).to.deep.equal([undefined, '贰']);
    expect(activities[0]).to.deep.include({ type: 'message', from: { id: 'bot', name: '', role: 'bot' } }).and.not.to.have.any.keys('sealedPart', 'sealedParts');
    const text = (await log.admitted!.sinceJson!('conv-holder', 'no-token', '')).value!;
    expect(text.activities.map((json) => JSON.parse(json) as unknown)).to.deep.equal(activities);
    expect(told.map((e) => e.code)).to.deep.equal(['NOT_AUTHENTIC', 'NOT_AUTHENTIC']);
    expect(told.map((e) => e.message).join()).not.to.include('张三丰');
  });

  it('a transcript written in the per-activity format (each activity its own envelope, before batches) reads as it did', async () => {
    const key = `${prefix}{conv-v1}:activities`;
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher });
    await log.create('conv-v1');
    // What appendAll wrote before: one `sealed` envelope per activity, the personal fields as a JSON object.
    const v1 = (activity: Partial<Activity>) => {
      const { text, attachments, ...rest } = activity;
      return JSON.stringify({ ...rest, sealed: cipher.seal(JSON.stringify({ text, ...(attachments ? { attachments } : {}) }), 'webchat:conv-v1') });
    };
    await redis.rpush(key, v1({ type: 'message', text: '3701**********1234', from: { id: 'u', name: '', role: 'user' } }), v1(bot('好的')), v1(summaryCard()));
    const objects = (await log.since('conv-v1', '')).activities;
    expect(objects.map((a) => a.text)).to.deep.equal(['3701**********1234', '好的', summaryCard().text]);
    expect(objects[2]).to.deep.include({ attachments: summaryCard().attachments, channelData: summaryCard().channelData });
    const text = (await log.admitted!.sinceJson!('conv-v1', 'no-token', '')).value!;
    expect(text.activities.map((json) => JSON.parse(json) as unknown)).to.deep.equal(objects);
    // New turns append to it in the new format; the page reads both.
    await log.appendAll('conv-v1', [bot('一'), bot('二')]);
    expect((await log.since('conv-v1', '')).activities.map((a) => a.text)).to.deep.equal(['3701**********1234', '好的', summaryCard().text, '一', '二']);
  });

  it('a batch’s envelope moved into another conversation does not open there: served without the personal fields, and told', async () => {
    const told: DataKeyError[] = [];
    const log = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher, onUnreadable: (e) => told.push(e) });
    await log.create('conv-batch-a');
    await log.create('conv-batch-b');
    await log.appendAll('conv-batch-a', [bot('张三丰'), bot('李四')]);
    const [stolen] = await rawEntries('conv-batch-a');
    await redis.rpush(`${prefix}{conv-batch-b}:activities`, stolen!);
    const elsewhere = new SealedActivityLog(new RedisActivityLog(redis, { keyPrefix: prefix }), { cipher, onUnreadable: (e) => told.push(e) });
    const [activity] = (await elsewhere.since('conv-batch-b', '')).activities;
    expect(activity!.text).to.equal(undefined);
    expect(activity).not.to.have.any.keys('sealedPart', 'sealedParts');
    const [json] = (await elsewhere.admitted!.sinceJson!('conv-batch-b', 'no-token', '')).value!.activities;
    expect(JSON.parse(json!)).to.deep.equal(activity);
    expect(told.length).to.be.greaterThan(0);
    expect(told.map((e) => e.message).join()).not.to.include('张三丰');
  });

  it('activities logged before sealing was turned on are read as they are', async () => {
    const plain = new RedisActivityLog(redis, { keyPrefix: prefix });
    await plain.create('conv-old');
    await plain.append('conv-old', { type: 'message', text: '旧消息', from: { id: 'bot', name: '', role: 'bot' } });
    const sealed = new SealedActivityLog(plain, { cipher });
    expect((await sealed.since('conv-old', '')).activities[0]!.text).to.equal('旧消息');
  });
});
