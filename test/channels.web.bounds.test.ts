import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { MemoryActivityLog } from '../src/channels/web/index.js';
import { DirectLineClient, sendRaw, startWebChannel, TEST_SECRET, userMessage, type RunningChannel } from './channels.web.fixtures.js';

/**
 * The web channel's POST activities takes only what a page needs to say, each within bounds, and reads
 * bodies as JSON only: a body it refuses is a 4xx in Direct Line's shape and never reaches the
 * conversation's log, so it cannot poison the conversation (before, a 4 KB message nested thousands of
 * levels deep was stored, and every later poll answered 500 until the conversation expired).
 */
const deep = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;

describe('web channel: what a page may post, and how the rest is refused (real port)', function () {
  this.timeout(20_000);
  let running: RunningChannel;
  let dl: DirectLineClient;
  let token: string;
  let conversationId: string;

  beforeEach(async () => {
    running = await startWebChannel({ activityLog: new MemoryActivityLog(), tokenSecret: TEST_SECRET });
    dl = new DirectLineClient(running.baseUrl);
    ({ token, conversationId } = await dl.open('zh-CN'));
  });
  afterEach(() => running.close());

  const post = (body: unknown) => dl.post(token, conversationId, body as Record<string, unknown>);
  const raw = (headers: Record<string, string>, body: string | Buffer) =>
    sendRaw(running.baseUrl, 'POST', `/v3/directline/conversations/${conversationId}/activities`, { Authorization: `Bearer ${token}`, ...headers }, body);

  const refused: Array<[string, Record<string, unknown>]> = [
    ['a 4 KB message nested 2000 levels deep in its value', userMessage('hi', { value: deep(2_000) })],
    ['the same in its entities', userMessage('hi', { entities: [deep(2_000)] })],
    ['the same in channelData', userMessage('hi', { channelData: deep(2_000) })],
    ['the same in a field of its own', userMessage('hi', { mine: deep(2_000) })],
    ['a value nested 20 levels deep', userMessage('hi', { value: deep(20) })],
    ['a value over 8 KB', userMessage('hi', { value: { blob: 'x'.repeat(9 * 1024) } })],
    ['text over 5000 characters', userMessage('长'.repeat(5_001))],
    ['a number as text', userMessage('hi', { text: 5 })],
    ['a locale that is no language tag', userMessage('hi', { locale: 'zh_CN; drop table' })],
    ['an event without a name', { type: 'event', value: 1 }],
    ['a type the page never sends', { type: 'invoke', name: 'x' }],
    ['no type', { text: 'hi' }],
  ];
  for (const [name, body] of refused) {
    it(`${name}: 400, and the conversation is untouched`, async () => {
      const before = await dl.poll(token, conversationId);
      const reply = await post(body);
      expect(reply.status).to.equal(400);
      expect(reply.body).to.have.nested.property('error.code', 'BadArgument');
      const after = await dl.poll(token, conversationId);
      expect(after.status, 'a later poll of the conversation').to.equal(200);
      expect(after.body.activities).to.have.length(before.body.activities.length);
    });
  }

  for (const [name, headers, body] of [
    ['text/csv', { 'Content-Type': 'text/csv' }, 'type,text\nmessage,hi'],
    ['multipart/form-data', { 'Content-Type': 'multipart/form-data; boundary=x' }, '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'],
    ['a gzip body', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, gzipSync(Buffer.from(JSON.stringify(userMessage('hi'))))],
  ] as Array<[string, Record<string, string>, string | Buffer]>) {
    it(`${name} is refused (415), unread`, async () => {
      const reply = await raw(headers, body);
      expect(reply.status).to.equal(415);
      expect(JSON.parse(reply.body)).to.have.nested.property('error.code', 'UnsupportedMediaType');
    });
  }

  it('what Web Chat posts is taken, and what the bot does not need is dropped before it is kept', async () => {
    const reply = await post(
      userMessage('长期居住', {
        attachments: [],
        entities: [{ type: 'ClientCapabilities', requiresBotState: true, supportsListening: true, supportsTts: true }],
        localTimestamp: '2026-11-24T10:00:00+08:00',
        localTimezone: 'Asia/Shanghai',
        channelId: 'webchat',
        mine: { anything: true },
      }),
    );
    expect(reply.status).to.equal(200);
    const kept = (await dl.poll(token, conversationId)).body.activities.find((a) => a.id === reply.body.id)!;
    expect(kept.text).to.equal('长期居住');
    expect(kept).to.not.have.any.keys('attachments', 'entities', 'mine');
    expect(kept.channelData).to.have.keys('clientActivityID');
    expect(running.bot.received.at(-1)?.text).to.equal('长期居住');
  });
});
