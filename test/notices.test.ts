import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { Activity } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { MemoryFilingStore, PostgresFilingStore, type FilingStore } from '../src/filings/index.js';
import { createLogger } from '../src/ops/logger.js';
import { NoticeWorker, backoffMs, type NoticeWorkerOptions } from '../src/notices/notice-worker.js';
import { Registry } from 'prom-client';
import type { NoticeDelivery, NoticeMessage } from '../src/notices/delivery.js';
import { noticeText } from '../src/notices/notice-text.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { aFiling, manualClock } from './filings.store-contract.js';
import { agency, DESK, startAgencyServer, type AgencyServer } from './support/agency.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { FILINGS_TEST_URL, TestSchema } from './support/postgres.js';
import { FakeWeChatApi, WeChatSender, wechatEnv } from './support/wechat.js';
import { TMP_OTHER_TO_SUMMARY } from './support/paths.js';
import { TEST_KEYS } from './support/keys.js';

/**
 * Notices: when the agency decides (or a temporary filing is about to end) the person is told on the
 * channel they filed from, once, whatever the number of instances working the outbox.
 */
const texts = new Texts();
const profiles = loadProfiles();
const PERSONAL = ['11010519491231002X', '13812345678', '张三'];
const silent = createLogger({ level: 'silent' });

/** Waits (polling) until `probe` gives something, at most `ms`. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const noticesIn = (activities: Activity[]) => activities.filter((a) => (a.channelData as { notice?: unknown } | undefined)?.notice);

describe('notices over the real server', function () {
  this.timeout(90_000);
  let server: AgencyServer;

  before(async () => {
    server = await startAgencyServer({ NOTICES_POLL_MS: '100' });
  });
  after(async () => {
    await server?.stop();
  });

  it('a person files on the web page, the agency approves through the API, and the page’s conversation is told — once, without personal data', async () => {
    const dl = new DirectLineClient(server.base);
    const { token, conversationId } = await dl.open('zh-CN');
    for (const [say] of TMP_OTHER_SCRIPT.slice(1)) expect((await dl.post(token, conversationId, userMessage(say))).status, say).to.equal(200);
    await dl.post(token, conversationId, userMessage('确认提交'));
    const filed = (await dl.poll(token, conversationId)).body;
    const reference = filed.activities.map((a) => (a.channelData as { filing?: { reference: string } } | undefined)?.filing?.reference).find(Boolean)!;
    expect(reference).to.match(/^YD\d{8}-/);
    expect((await server.app.filings.get(reference))?.origin).to.deep.include({ channel: 'webchat', locale: 'zh-CN' });

    const approved = await agency(server.base, DESK.key, 'POST', `/agency/v1/filings/${reference}/status`, { status: 'EFFECTIVE', requestId: 'notice-1' });
    expect(approved.status).to.equal(200);
    const told = await eventually(async () => {
      const page = (await dl.poll(token, conversationId, filed.watermark)).body;
      return noticesIn(page.activities).length ? page.activities : undefined;
    });
    const [notice] = noticesIn(told);
    expect(notice!.text).to.include(reference).and.include('已审核通过');
    expect(notice!.channelData).to.deep.include({ notice: { reference, kind: 'STATUS', status: 'EFFECTIVE' } });
    for (const value of PERSONAL) expect(JSON.stringify(notice)).to.not.include(value);
    // Polls later bring no second copy.
    await new Promise((r) => setTimeout(r, 500));
    expect(noticesIn((await dl.poll(token, conversationId)).body.activities)).to.have.length(1);
    const logs = server.logLines.join('\n');
    expect(logs).to.include('notice sent');
    for (const value of PERSONAL) expect(logs).to.not.include(value);
  });

  it('a person filed through the Bot Framework connector: the rejection and its reason go to the stored conversation reference as a proactive message', async () => {
    const received: Array<{ path: string; activity: Activity }> = [];
    const connector: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', activity: JSON.parse(body || '{}') as Activity });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `sent-${received.length}` }));
      });
    });
    await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
    const serviceUrl = `http://127.0.0.1:${(connector.address() as { port: number }).port}/`;
    try {
      const chat = new HttpChat([server.base], 'en-US');
      for (const [say] of TMP_OTHER_SCRIPT) await chat.say(say, { serviceUrl });
      const { replies } = await chat.say('确认提交', { serviceUrl });
      const reference = replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing?.reference).find(Boolean)!;
      const rejected = await agency(server.base, DESK.key, 'POST', `/agency/v1/filings/${reference}/status`, { status: 'REJECTED', reason: 'the referral letter is missing', requestId: 'notice-2' });
      expect(rejected.status).to.equal(200);
      const sent = await eventually(async () => received.find((r) => (r.activity.channelData as { notice?: unknown } | undefined)?.notice));
      expect(sent.path.startsWith(`/v3/conversations/${encodeURIComponent(chat.conversationId)}/activities`), sent.path).to.equal(true);
      expect(sent.activity.text).to.include(reference).and.include('the referral letter is missing');
      expect(sent.activity.locale).to.equal('en-US');
    } finally {
      connector.close();
    }
  });
});

describe('notices over WeChat', function () {
  this.timeout(90_000);
  let api: FakeWeChatApi;
  let server: AgencyServer;
  before(async () => {
    api = await new FakeWeChatApi().start();
    server = await startAgencyServer({ NOTICES_POLL_MS: '100', ...wechatEnv(api.base) });
  });
  after(async () => {
    await server?.stop();
    await api?.stop();
  });

  it('a person files on the Official Account; the approval reaches them as a customer-service message, once', async () => {
    const person = new WeChatSender(server.base, undefined, 'secure');
    for (const [said] of TMP_OTHER_TO_SUMMARY) await person.say(said);
    const done = await person.say('确认提交');
    const reference = /YD\d{8}-[0-9A-Z]+/.exec(done.text ?? '')?.[0];
    expect(reference, done.text).to.be.a('string');
    expect((await server.app.filings.get(reference!))?.origin?.channel).to.equal('wechat');
    const before = api.to(person.openid).length;
    expect((await agency(server.base, DESK.key, 'POST', `/agency/v1/filings/${reference}/status`, { status: 'EFFECTIVE', requestId: 'wx-1' })).status).to.equal(200);
    const told = await eventually(async () => {
      const now = api.to(person.openid).slice(before);
      return now.some((m) => m.includes(reference!)) ? now : undefined;
    });
    expect(told.filter((m) => m.includes(reference!))).to.have.length(1);
    expect(told.join()).to.include('已审核通过');
    for (const value of PERSONAL) expect(told.join()).to.not.include(value);
  });
});

describe('notice words', () => {
  const stored = (overrides: Record<string, unknown> = {}) => ({
    reference: 'YD20261124-ABCDEF',
    status: 'REJECTED' as const,
    createdAt: '2026-11-24T02:00:00.000Z',
    updatedAt: '2026-11-24T02:00:00.000Z',
    profileId: 'rizhao',
    profileVersion: '1',
    category: 'TMP_OTHER',
    idempotencyKey: 'k',
    filing: { person: { name: '张三', idNumber: '11010519491231002X', phone: '13812345678' }, endDate: '2027-11-23' },
    history: [{ at: '2026-11-25T02:00:00.000Z', from: 'SUBMITTED' as const, to: 'REJECTED' as const, actor: { kind: 'agency' as const }, reason: '缺少转诊证明。' }],
    origin: { channel: 'webchat', conversation: {}, locale: 'zh-CN' },
    ...overrides,
  });
  const deps = { texts, profiles, defaultRegion: 'rizhao' };
  const notice = (kind: 'STATUS' | 'EXPIRING', status: 'REJECTED' | 'EFFECTIVE' | 'CANCELLED') => ({ id: 'x', reference: 'YD20261124-ABCDEF', kind, status, createdAt: '', attempts: 1 });

  it('say the category, the agency’s reason and the hotline for a rejection; the last day for an expiry; in the person’s language', () => {
    const rizhao = profiles.get('rizhao')!;
    const rejected = noticeText(notice('STATUS', 'REJECTED'), stored(), deps);
    expect(rejected.text).to.include('缺少转诊证明').and.include(rizhao.hotline.value).and.include(rizhao.categories.TMP_OTHER.name['zh-CN']);
    expect(rejected.text).to.not.include('证明。。');
    const expiring = noticeText(notice('EXPIRING', 'EFFECTIVE'), stored({ origin: { channel: 'webchat', conversation: {}, locale: 'en-US' } }), deps);
    expect(expiring.locale).to.equal('en-US');
    expect(expiring.text).to.include('23 November 2027');
    expect(noticeText(notice('STATUS', 'CANCELLED'), stored(), deps).text).to.include(texts.t('zh-CN', 'pages.receipt.statuses.CANCELLED'));
    for (const n of [rejected, expiring]) for (const value of PERSONAL) expect(n.text).to.not.include(value);
  });
});

describe('the notice worker', () => {
  /** A delivery that records what it sends; `fail` decides per call. */
  function recording(fail: (n: number) => 'throw' | 'unreachable' | undefined = () => undefined) {
    const sent: NoticeMessage[] = [];
    let calls = 0;
    const delivery: NoticeDelivery = {
      name: 'test',
      carries: (id) => id === 'test',
      async deliver(_ref, message) {
        const outcome = fail(++calls);
        if (outcome === 'throw') throw new Error('connector down');
        if (outcome === 'unreachable') return 'unreachable';
        sent.push(message);
        return 'sent';
      },
    };
    return { delivery, sent, calls: () => calls };
  }
  const origin = { channel: 'test', conversation: { conversation: { id: 'c' } }, locale: 'zh-CN' };
  const worker = (filings: FilingStore, delivery: NoticeDelivery, now?: () => Date, more: Partial<NoticeWorkerOptions> = {}) =>
    new NoticeWorker({ filings, deliveries: [delivery], texts, profiles, defaultRegion: 'rizhao', logger: silent, pollMs: 10, expiryDays: 7, ...(now ? { now } : {}), ...more });

  /** A delivery that takes `ms` each time (a slow connector), recording what it sends. */
  function slow(ms: number) {
    const sent: NoticeMessage[] = [];
    const delivery: NoticeDelivery = {
      name: 'slow',
      carries: (id) => id === 'test',
      async deliver(_ref, message) {
        await new Promise((r) => setTimeout(r, ms));
        sent.push(message);
        return 'sent';
      },
    };
    return { delivery, sent };
  }

  const leaseLost = async (registry: Registry) =>
    (await registry.getSingleMetric('notices_total')!.get()).values.filter((v) => v.labels.outcome === 'lease_lost').reduce((sum, v) => sum + v.value, 0);

  /**
   * Two instances work one outbox while each delivery takes 120 ms and a claim holds 300 ms: the first
   * worker's batch outlasts its lease, the second claims the notices it has not come to yet. Each
   * notice must still reach the person once.
   */
  async function twoSlowWorkers(a: FilingStore, b: FilingStore, references: string[]) {
    const out = slow(120);
    const registry = new Registry();
    const options: Partial<NoticeWorkerOptions> = { batch: references.length, leaseMs: 300, deliveryTimeoutMs: 150, registry };
    const first = worker(a, out.delivery, undefined, { ...options, workerId: 'first' });
    const second = worker(b, out.delivery, undefined, { ...options, workerId: 'second' });
    let firstDone = false;
    const running = [
      (async () => {
        while ((await first.runOnce()) > 0);
        firstDone = true;
      })(),
      (async () => {
        for (;;) {
          await new Promise((r) => setTimeout(r, 40));
          const handled = await second.runOnce();
          if (firstDone && handled === 0) return;
        }
      })(),
    ];
    await Promise.all(running);
    await new Promise((r) => setTimeout(r, 400)); // every lease has run out: anything unsettled would be claimed now
    expect(await Promise.all([first.runOnce(), second.runOnce()])).to.deep.equal([0, 0]);
    expect(out.sent.map((m) => m.notice.reference).sort()).to.deep.equal([...references].sort());
    // The scenario happened: the second worker took notices of the first one's batch, which left them alone.
    expect(await leaseLost(registry)).to.be.greaterThan(0);
  }

  it('sends each notice once when deliveries are slower than the lease and a second instance claims the rest of the batch', async function () {
    this.timeout(20_000);
    const store = new MemoryFilingStore();
    const references: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { stored } = await store.submit(aFiling({ origin }));
      await store.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
      references.push(stored.reference);
    }
    await twoSlowWorkers(store, store, references);
  });

  it('a worker whose lease ran out during its delivery does not settle the notice another worker now holds, and counts it', async () => {
    const clock = manualClock('2026-11-24T02:00:00.000Z');
    const store = new MemoryFilingStore({ now: clock.now });
    const { stored } = await store.submit(aFiling({ origin }));
    await store.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
    const registry = new Registry();
    const other = recording(() => 'throw'); // the second worker's delivery fails: the notice is due again later
    const second = worker(store, other.delivery, clock.now, { workerId: 'second' });
    const overran: NoticeDelivery = {
      name: 'test',
      carries: (id) => id === 'test',
      async deliver() {
        clock.set('2026-11-24T02:05:00.000Z'); // past the first worker's lease
        expect(await second.runOnce()).to.equal(1);
        return 'sent';
      },
    };
    const first = worker(store, overran, clock.now, { workerId: 'first', registry });
    expect(await first.runOnce()).to.equal(1);
    expect(await leaseLost(registry)).to.equal(1);
    // The first worker's 'sent' did not settle it: the second one's retry stands, due after its back-off.
    clock.set(new Date(Date.parse('2026-11-24T02:05:00.000Z') + backoffMs(2)).toISOString());
    const [again] = await store.claimNotices('third', 10, 60_000);
    expect(again).to.include({ reference: stored.reference, attempts: 3 });
  });

  it('tries a failed delivery again after a back-off, and gives up on a person the channel cannot reach', async () => {
    const clock = manualClock('2026-11-24T02:00:00.000Z');
    const store = new MemoryFilingStore({ now: clock.now });
    const { stored } = await store.submit(aFiling({ origin }));
    const out = recording((n) => (n === 1 ? 'throw' : undefined));
    const w = worker(store, out.delivery, clock.now);
    await store.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
    expect(await w.runOnce()).to.equal(1);
    expect(out.sent).to.have.length(0);
    clock.set(new Date(Date.parse('2026-11-24T02:00:00.000Z') + backoffMs(1) - 1000).toISOString());
    expect(await w.runOnce()).to.equal(0);
    clock.set(new Date(Date.parse('2026-11-24T02:00:00.000Z') + backoffMs(1)).toISOString());
    expect(await w.runOnce()).to.equal(1);
    expect(out.sent.map((m) => m.notice)).to.deep.equal([{ reference: stored.reference, kind: 'STATUS', status: 'EFFECTIVE' }]);

    const gone = recording(() => 'unreachable');
    const { stored: other } = await store.submit(aFiling({ origin }));
    await store.setStatus(other.reference, 'REJECTED', { actor: { kind: 'agency' }, reason: 'x' });
    const w2 = worker(store, gone.delivery, clock.now);
    expect(await w2.runOnce()).to.equal(1);
    clock.set('2026-11-30T02:00:00.000Z');
    expect(await w2.runOnce()).to.equal(0);
    expect(gone.calls()).to.equal(1);
  });

  it('reminds of a temporary filing seven days before it ends, once', async () => {
    const clock = manualClock('2026-11-24T02:00:00.000Z');
    const store = new MemoryFilingStore({ now: clock.now });
    const { stored } = await store.submit(aFiling({ category: 'TMP_OTHER', origin, filing: { startDate: '2026-11-24', endDate: '2026-12-10' } }));
    await store.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'person' } }); // no status notice
    const out = recording();
    const w = worker(store, out.delivery, clock.now);
    await w.runOnce();
    expect(out.sent).to.have.length(0);
    clock.set('2026-12-03T02:00:00.000Z');
    await worker(store, out.delivery, clock.now).runOnce();
    await worker(store, out.delivery, clock.now).runOnce();
    expect(out.sent.map((m) => m.notice.kind)).to.deep.equal(['EXPIRING']);
    expect(out.sent[0]!.text).to.include('2026年12月10日');
  });

  describe('with two instances on one PostgreSQL table', function () {
    this.timeout(60_000);
    const schema = new TestSchema('notices');
    const stores: PostgresFilingStore[] = [];
    before(async () => {
      await schema.create();
    });
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await schema.drop();
    });

    it('sends each of 40 notices exactly once, however the two workers interleave', async () => {
      const open = () => PostgresFilingStore.open({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table: 'filings_once' });
      const [a, b] = await Promise.all([open(), open()]);
      stores.push(a, b);
      const references: string[] = [];
      for (let i = 0; i < 40; i++) {
        const { stored } = await a.submit(aFiling({ origin }));
        await (i % 2 ? a : b).setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'desk' } });
        references.push(stored.reference);
      }
      const out = recording();
      const workers = [worker(a, out.delivery), worker(b, out.delivery), worker(a, out.delivery), worker(b, out.delivery)];
      // Every worker polls until the outbox is empty, all at the same time.
      await Promise.all(workers.map(async (w) => {
        while ((await w.runOnce()) > 0);
      }));
      const sentTo = out.sent.map((m) => m.notice.reference).sort();
      expect(sentTo).to.deep.equal([...references].sort());
      expect(await Promise.all(workers.map((w) => w.runOnce()))).to.deep.equal([0, 0, 0, 0]);
    });

    it('sends each notice once when deliveries are slower than the lease and the other instance claims the rest of the batch', async () => {
      const open = () => PostgresFilingStore.open({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table: 'filings_slow' });
      const [a, b] = await Promise.all([open(), open()]);
      stores.push(a, b);
      const references: string[] = [];
      for (let i = 0; i < 8; i++) {
        const { stored } = await a.submit(aFiling({ origin }));
        await a.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'desk' } });
        references.push(stored.reference);
      }
      await twoSlowWorkers(a, b, references);
    });
  });
});
