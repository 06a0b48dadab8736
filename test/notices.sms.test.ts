import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { LowdbFilingStore, PostgresFilingStore, type FilingStore, type SubmitInput } from '../src/filings/index.js';
import { FileSmsSender, SmsSendError, type SmsMessage, type SmsOutboxLine, type SmsSender } from '../src/identity/index.js';
import { createLogger } from '../src/ops/logger.js';
import { NoticeWorker, backoffMs } from '../src/notices/notice-worker.js';
import { smsDelivery } from '../src/notices/sms-delivery.js';
import { aFiling, manualClock } from './filings.store-contract.js';
import { agency, DESK, startAgencyServer, type AgencyServer } from './support/agency.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { TEST_KEYS } from './support/keys.js';
import { TMP_OTHER_DETAILS } from './support/paths.js';
import { FILINGS_TEST_URL, TestSchema } from './support/postgres.js';

/**
 * Notices for filings taken on the hotline (issue 11, "Notices"): a caller has no chat to reach afterwards,
 * so the agency's decision and the expiry reminder go as a text message to the filer's phone on file,
 * through the SmsSender port — here the embedded file sender, read back from its file. Over the real
 * stores (lowdb, PostgreSQL with two instances): sent once, a refused message tried again after the
 * back-off as any delivery is, counted in notices_total{channel="sms"}; nothing personal in the words.
 */
const texts = new Texts();
const profiles = loadProfiles();
const silent = createLogger({ level: 'silent' });
const ID = '11010519491231002X';
const PERSON_PHONE = '13800000000';
const AGENT_PHONE = '13912345678';

const hotline = (locale = 'zh-CN') => ({ channel: 'hotline', conversation: { conversation: { id: 'call-1' }, channelId: 'hotline' }, locale });

/** A filing taken on the hotline (TMP_OTHER), by the person or by an agent for them. */
function hotlineFiling(over: { agent?: boolean; locale?: string; endDate?: string } = {}): SubmitInput {
  const base = aFiling({ category: 'TMP_OTHER', origin: hotline(over.locale) });
  const filing = base.filing as Record<string, unknown>;
  return {
    ...base,
    filing: {
      ...filing,
      person: { name: '张三', idNumber: ID, phone: PERSON_PHONE },
      ...(over.agent ? { filerMode: 'AGENT', agent: { name: '张小明', idNumber: '110105198001010016', phone: AGENT_PHONE, relationship: 'CHILD' } } : { filerMode: 'SELF' }),
      startDate: '2026-11-24',
      endDate: over.endDate ?? '2027-11-23',
      channel: 'hotline',
    },
  };
}

function outbox(path: string): SmsOutboxLine[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SmsOutboxLine) : [];
}

async function smsCount(registry: Registry, outcome: string): Promise<number> {
  const metric = registry.getSingleMetric('notices_total');
  if (!metric) return 0;
  return (await metric.get()).values.filter((v) => v.labels.channel === 'sms' && v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

const worker = (filings: FilingStore, sms: SmsSender, more: { registry?: Registry; now?: () => Date; workerId?: string } = {}) =>
  new NoticeWorker({ filings, deliveries: [smsDelivery(sms)], texts, profiles, defaultRegion: 'rizhao', logger: silent, pollMs: 10, expiryDays: 7, ...more });

/**
 * Three hotline filings decided by the agency (approved; rejected with a reason naming the person;
 * approved, filed by an agent): each filer gets one text message, whatever the number of workers.
 */
async function decidedOnce(stores: [FilingStore, FilingStore], dir: string): Promise<void> {
  const [a, b] = stores;
  const path = join(dir, 'sms-outbox.jsonl');
  const sms = new FileSmsSender(path);
  const { stored: approved } = await a.submit(hotlineFiling());
  const { stored: rejected } = await a.submit(hotlineFiling());
  const { stored: byAgent } = await b.submit(hotlineFiling({ agent: true }));
  await a.setStatus(approved.reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'desk' } });
  await b.setStatus(rejected.reference, 'REJECTED', { actor: { kind: 'agency', name: 'desk' }, reason: `张三的身份证 ${ID} 与转诊证明不符` });
  await a.setStatus(byAgent.reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'desk' } });

  const registry = new Registry();
  const workers = [worker(a, sms, { registry }), worker(b, sms, { registry }), worker(a, sms, { registry }), worker(b, sms, { registry })];
  await Promise.all(workers.map(async (w) => {
    while ((await w.runOnce()) > 0);
  }));
  expect(await Promise.all(workers.map((w) => w.runOnce()))).to.deep.equal([0, 0, 0, 0]);

  const lines = outbox(path);
  expect(lines.map((l) => [l.to, l.purpose, /YD\d{8}-\w+/.exec(l.text)?.[0]]).sort()).to.deep.equal(
    [
      [PERSON_PHONE, 'notice', approved.reference],
      [PERSON_PHONE, 'notice', rejected.reference],
      [AGENT_PHONE, 'notice', byAgent.reference], // the agent filed: the agent's phone
    ].sort(),
  );
  const textOf = (reference: string) => lines.find((l) => l.text.includes(reference))!.text;
  expect(textOf(approved.reference)).to.equal(texts.t('zh-CN', 'notices.sms.EFFECTIVE', { reference: approved.reference, hotline: '0633-12393' }));
  expect(textOf(rejected.reference)).to.include('未通过审核').and.include('0633-12393');
  for (const line of lines) {
    // The reference, the status and what to do next: never the ID number, the name or the agency's free words.
    for (const secret of [ID, '张三', '张小明', '转诊证明不符', PERSON_PHONE, AGENT_PHONE]) expect(line.text).to.not.include(secret);
    expect(line.text.length, 'a short text').to.be.below(70);
  }
  expect(await smsCount(registry, 'sent')).to.equal(3);
}

describe('notices for hotline filings, by text message', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sms-notices-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('on the lowdb store', () => {
    it('the agency\'s decisions reach each filer once (the agent\'s phone when an agent filed), with four workers', async () => {
      const store = await LowdbFilingStore.open({ path: join(dir, 'filings.json'), keys: TEST_KEYS });
      try {
        await decidedOnce([store, store], dir);
      } finally {
        await store.close();
      }
    });

    it('a message the provider refuses is tried again after the back-off, then sent once; each try counted', async () => {
      const clock = manualClock('2026-11-24T02:00:00.000Z');
      const store = await LowdbFilingStore.open({ path: join(dir, 'filings.json'), keys: TEST_KEYS, now: clock.now });
      try {
        const path = join(dir, 'sms.jsonl');
        const file = new FileSmsSender(path);
        let refusals = 1;
        const flaky: SmsSender = {
          kind: 'flaky',
          async send(message: SmsMessage) {
            if (refusals-- > 0) throw new SmsSendError('sms provider: answered 503');
            await file.send(message);
          },
        };
        const registry = new Registry();
        const { stored } = await store.submit(hotlineFiling());
        await store.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
        const w = worker(store, flaky, { registry, now: clock.now });
        expect(await w.runOnce()).to.equal(1);
        expect(outbox(path)).to.have.length(0);
        expect(await smsCount(registry, 'retry')).to.equal(1);
        clock.set(new Date(Date.parse('2026-11-24T02:00:00.000Z') + backoffMs(1) - 1000).toISOString());
        expect(await w.runOnce(), 'not before its back-off').to.equal(0);
        clock.set(new Date(Date.parse('2026-11-24T02:00:00.000Z') + backoffMs(1)).toISOString());
        expect(await w.runOnce()).to.equal(1);
        expect(await w.runOnce()).to.equal(0);
        expect(outbox(path).map((l) => l.text)).to.deep.equal([texts.t('zh-CN', 'notices.sms.EFFECTIVE', { reference: stored.reference, hotline: '0633-12393' })]);
        expect(await smsCount(registry, 'sent')).to.equal(1);
      } finally {
        await store.close();
      }
    });

    it('the reminder before a temporary filing ends, in English when the caller spoke English; a filing with no phone is given up', async () => {
      const clock = manualClock('2026-11-24T02:00:00.000Z');
      const store = await LowdbFilingStore.open({ path: join(dir, 'filings.json'), keys: TEST_KEYS, now: clock.now });
      try {
        const path = join(dir, 'sms.jsonl');
        const { stored } = await store.submit(hotlineFiling({ locale: 'en-US', endDate: '2026-11-28' }));
        await store.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'person' } }); // no status notice
        const phoneless = hotlineFiling({ endDate: '2026-11-29' });
        const { stored: without } = await store.submit({ ...phoneless, filing: { ...phoneless.filing, person: { name: '张三', idNumber: ID } } });
        await store.setStatus(without.reference, 'EFFECTIVE', { actor: { kind: 'person' } });
        const registry = new Registry();
        await worker(store, new FileSmsSender(path), { registry, now: clock.now }).runOnce();
        await worker(store, new FileSmsSender(path), { registry, now: clock.now }).runOnce();
        const lines = outbox(path);
        expect(lines.map((l) => l.text)).to.deep.equal([texts.t('en-US', 'notices.sms.expiring', { reference: stored.reference, endDate: '28 November 2026', hotline: '0633-12393' })]);
        expect(await smsCount(registry, 'unreachable')).to.equal(1);
      } finally {
        await store.close();
      }
    });
  });

  describe('with two instances on one PostgreSQL table', function () {
    const schema = new TestSchema('sms_notices');
    before(() => schema.create());
    after(() => schema.drop());

    it('the agency\'s decisions reach each filer once, however four workers on two stores interleave', async () => {
      const open = () => PostgresFilingStore.open({ keys: TEST_KEYS, url: FILINGS_TEST_URL, schema: schema.name, table: 'filings_sms' });
      const [a, b] = await Promise.all([open(), open()]);
      try {
        await decidedOnce([a, b], dir);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
});

describe('a caller files on the hotline; the agency approves; the caller gets a text message (real server)', function () {
  this.timeout(90_000);
  let server: AgencyServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sms-hotline-'));
    server = await startAgencyServer({ NOTICES_POLL_MS: '100', SMS_FILE_PATH: join(dir, 'sms.jsonl'), ...(await agentAccountsEnv()) });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('through the embedded SMS file, once; counted in /metrics; nothing personal in the words or the logs', async () => {
    const agent = new AgentClient(server.base);
    await agent.signIn(AGENTS.wang);
    const call = (await agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    for (const answer of ['办理异地就医备案', '为本人办理', '日照', '上海', '同意', '一步一步回答', '是，正常参保', '计划去外地看病或居住', '否，短期看病', '没有，自己去', ...TMP_OTHER_DETAILS.map(([a]) => a)]) {
      expect((await agent.call('POST', `calls/${call}/say`, { text: answer })).status, answer).to.equal(200);
      if (answer === '没有，自己去') await agent.call('POST', `calls/${call}/script-read`);
    }
    const submitted = await agent.call('POST', `calls/${call}/say`, { text: texts.t('zh-CN', 'prompts.review.confirm.choices.submit') });
    const reference = submitted.json['filing']['reference'] as string;
    expect((await server.app.filings.get(reference))?.origin?.channel).to.equal('hotline');

    expect((await agency(server.base, DESK.key, 'POST', `/agency/v1/filings/${reference}/status`, { status: 'EFFECTIVE', requestId: 'sms-1' })).status).to.equal(200);
    const path = join(dir, 'sms.jsonl');
    const until = Date.now() + 15_000;
    while (!outbox(path).some((l) => l.purpose === 'notice') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // later polls send no second one
    const notices = outbox(path).filter((l) => l.purpose === 'notice');
    expect(notices.map((l) => [l.to, l.text])).to.deep.equal([['13812345678', texts.t('zh-CN', 'notices.sms.EFFECTIVE', { reference, hotline: '0633-12393' })]]);
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).to.match(/notices_total\{outcome="sent",channel="sms"\} 1/);
    const logs = server.logLines.join('\n');
    expect(logs).to.include('notice sent');
    for (const secret of ['13812345678', '11010519491231002X', '张三', notices[0]!.text]) expect(logs).to.not.include(secret);
  });
});
