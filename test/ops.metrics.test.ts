import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { createMetrics, registerOpsRoutes, FUNNEL_STEPS, type Metrics, type Readiness } from '../src/ops/metrics.js';

/** The value of one series, read back from the registry. */
async function valueOf(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  // A histogram's _count and _bucket series live under the family's name.
  const family = metrics.registry.getSingleMetric(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
  const metric = metrics.registry.getSingleMetric(family);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hit = values.find(
    (v) => ((v as { metricName?: string }).metricName ?? family) === name && Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return hit?.value;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a HELP/TYPE comment or a sample
 * `name{label="value",…} number`; a sample's metric family must have been TYPEd before it. NaN is
 * accepted in any case (prom-client writes "Nan"; Prometheus parses floats case-insensitively).
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).to.include(comment[3]);
        types.set(comment[2]!, comment[3]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|[Nn]a[Nn]|\+Inf|-Inf)(?: -?\d+)?$/.exec(line);
    expect(sample, `not a Prometheus sample line: ${line}`).to.not.equal(null);
    const [, name, rawLabels, value] = sample!;
    const labels: Record<string, string> = {};
    for (const m of (rawLabels ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
    const family = name!.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(name!) || types.has(family), `sample ${name} has no # TYPE`).to.equal(true);
    samples.push({ name: name!, labels, value: Number(value) });
  }
  return { types, samples };
}

describe('ops: metrics and the filing funnel', () => {
  it('counts each funnel step a dialog reports, and classifications per category', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.funnel('conversation_started');
    metrics.funnel('conversation_started');
    metrics.funnel('situation_completed');
    metrics.funnel('classified', { category: 'LT_RETIREE' });
    metrics.funnel('classified', { category: 'TMP_OTHER' });
    metrics.funnel('classified', { category: 'TMP_OTHER' });
    metrics.funnel('submitted');

    expect(await valueOf(metrics, 'funnel_step_total', { step: 'conversation_started' })).to.equal(2);
    expect(await valueOf(metrics, 'funnel_step_total', { step: 'situation_completed' })).to.equal(1);
    expect(await valueOf(metrics, 'funnel_step_total', { step: 'classified' })).to.equal(3);
    expect(await valueOf(metrics, 'funnel_step_total', { step: 'details_completed' })).to.equal(0);
    expect(await valueOf(metrics, 'funnel_step_total', { step: 'submitted' })).to.equal(1);
    expect(await valueOf(metrics, 'funnel_classified_total', { category: 'LT_RETIREE' })).to.equal(1);
    expect(await valueOf(metrics, 'funnel_classified_total', { category: 'TMP_OTHER' })).to.equal(2);
    expect(await valueOf(metrics, 'funnel_classified_total', { category: 'TMP_EMERGENCY' })).to.equal(0);
  });

  it('counts a non-category outcome (no filing needed) as a classification too, and anything unknown as "other"', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.funnel('classified', { category: 'NO_FILING_NEEDED' });
    metrics.funnel('classified', { category: '<script>' });
    metrics.funnel('classified');
    expect(await valueOf(metrics, 'funnel_classified_total', { category: 'NO_FILING_NEEDED' })).to.equal(1);
    expect(await valueOf(metrics, 'funnel_classified_total', { category: 'other' })).to.equal(2);
  });

  it('counts conversations abandoned at a step, by step', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.abandoned('details_completed');
    metrics.abandoned('details.idNumber');
    metrics.abandoned('details.idNumber');
    expect(await valueOf(metrics, 'funnel_abandoned_total', { step: 'details.idNumber' })).to.equal(2);
    expect(await valueOf(metrics, 'funnel_abandoned_total', { step: 'details_completed' })).to.equal(1);
  });

  it('counts readings of answers by question and status, bounding odd values', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.reading('situation.now', 'understood');
    metrics.reading('situation.now', 'understood');
    metrics.reading('situation.now', 'undone');
    metrics.reading('consent.personalInfo', 'invalid');
    metrics.reading('situation.now', 'not a status!');
    expect(await valueOf(metrics, 'question_readings_total', { question: 'situation.now', status: 'understood' })).to.equal(2);
    expect(await valueOf(metrics, 'question_readings_total', { question: 'situation.now', status: 'undone' })).to.equal(1);
    expect(await valueOf(metrics, 'question_readings_total', { question: 'consent.personalInfo', status: 'invalid' })).to.equal(1);
    expect(await valueOf(metrics, 'question_readings_total', { question: 'situation.now', status: 'other' })).to.equal(1);
  });

  it('counts turns by channel and outcome and records their latency', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.turn('webchat', 'ok', 0.02);
    metrics.turn('webchat', 'ok', 0.3);
    metrics.turn('wechat', 'busy', 0.001);
    metrics.error('turn');
    expect(await valueOf(metrics, 'bot_turns_total', { channel: 'webchat', outcome: 'ok' })).to.equal(2);
    expect(await valueOf(metrics, 'bot_turns_total', { channel: 'wechat', outcome: 'busy' })).to.equal(1);
    expect(await valueOf(metrics, 'bot_turn_duration_seconds_count', { channel: 'webchat' })).to.equal(2);
    expect(await valueOf(metrics, 'bot_turn_duration_seconds_bucket', { channel: 'webchat', le: '0.025' })).to.equal(1);
    expect(await valueOf(metrics, 'bot_errors_total', { kind: 'turn' })).to.equal(1);
  });

  it('keeps label values bounded when a client invents channel ids', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const word = (i: number) => `made-up-${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    for (let i = 0; i < 50; i++) metrics.turn(word(i), 'ok', 0.01);
    metrics.turn('has spaces and {braces}', 'ok', 0.01);
    metrics.turn('11010519491231002X', 'ok', 0.01);
    metrics.turn('13812345678', 'ok', 0.01);
    const { values } = await metrics.registry.getSingleMetric('bot_turns_total')!.get();
    expect(values.length).to.be.at.most(21);
    expect(await valueOf(metrics, 'bot_turns_total', { channel: 'other' })).to.equal(33);
    expect(JSON.stringify(values)).not.to.match(/1101|1381/);
  });

  it('times store operations, counting a failed one as a store error, and reports store health', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    expect(await metrics.timeStore('redis', 'read', async () => 'state')).to.equal('state');
    let thrown: unknown;
    try {
      await metrics.timeStore('redis', 'write', async () => {
        throw new Error('connection reset');
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(Error);
    metrics.storeHealth('redis', false);
    metrics.storeHealth('filings', true);
    expect(await valueOf(metrics, 'store_operation_duration_seconds_count', { store: 'redis', op: 'read' })).to.equal(1);
    expect(await valueOf(metrics, 'store_operation_duration_seconds_count', { store: 'redis', op: 'write' })).to.equal(1);
    expect(await valueOf(metrics, 'bot_errors_total', { kind: 'store' })).to.equal(1);
    expect(await valueOf(metrics, 'store_up', { store: 'redis' })).to.equal(0);
    expect(await valueOf(metrics, 'store_up', { store: 'filings' })).to.equal(1);
  });

  it('gives each app its own registry, so two in one process do not share counts', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.funnel('submitted');
    expect(await valueOf(a, 'funnel_step_total', { step: 'submitted' })).to.equal(1);
    expect(await valueOf(b, 'funnel_step_total', { step: 'submitted' })).to.equal(0);
  });

  describe('GET /metrics, /healthz and /readyz on a real port', () => {
    let server: restify.Server;
    let base: string;
    let metrics: Metrics;
    let readiness: Readiness | Error;
    let draining: boolean;

    beforeEach(async () => {
      metrics = createMetrics();
      readiness = { ok: true, checks: { redis: true, filings: true } };
      draining = false;
      server = restify.createServer({ name: 'ops-test' });
      registerOpsRoutes(server, {
        metrics,
        readiness: async () => {
          if (readiness instanceof Error) throw readiness;
          return readiness;
        },
        draining: () => draining,
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('serves the Prometheus text format with the whole funnel', async () => {
      metrics.funnel('conversation_started');
      metrics.funnel('classified', { category: 'LT_WORKER' });
      metrics.abandoned('consequences_accepted');
      metrics.turn('webchat', 'ok', 0.05);

      const res = await fetch(`${base}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const { types, samples } = parsePrometheus(await res.text());

      expect(types.get('funnel_step_total')).to.equal('counter');
      expect(types.get('funnel_abandoned_total')).to.equal('counter');
      expect(types.get('funnel_classified_total')).to.equal('counter');
      expect(types.get('bot_turn_duration_seconds')).to.equal('histogram');
      const funnel = samples.filter((s) => s.name === 'funnel_step_total').map((s) => s.labels.step);
      expect(funnel).to.have.members([...FUNNEL_STEPS]);
      const find = (name: string, labels: Record<string, string>) =>
        samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
      expect(find('funnel_step_total', { step: 'conversation_started' })).to.equal(1);
      expect(find('funnel_classified_total', { category: 'LT_WORKER' })).to.equal(1);
      expect(find('funnel_abandoned_total', { step: 'consequences_accepted' })).to.equal(1);
      expect(find('bot_turns_total', { channel: 'webchat', outcome: 'ok' })).to.equal(1);
      expect(samples.some((s) => s.name === 'process_resident_memory_bytes'), 'process metrics are exposed').to.equal(true);
    });

    it('/healthz answers 200 while alive, 503 once shutdown began', async () => {
      const alive = await fetch(`${base}/healthz`);
      expect(alive.status).to.equal(200);
      expect(await alive.json()).to.deep.equal({ status: 'ok' });
      draining = true;
      expect((await fetch(`${base}/healthz`)).status).to.equal(503);
    });

    it('/readyz answers 200 when every check passes', async () => {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.include({ status: 'ready' });
    });

    it('/readyz answers 503 naming the failing check, and the store gauge follows', async () => {
      readiness = { ok: false, checks: { redis: false, filings: true } };
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(503);
      const body = (await res.json()) as { failing: string[]; checks: Record<string, boolean> };
      expect(body.failing).to.deep.equal(['redis']);
      expect(body.checks).to.deep.equal({ redis: false, filings: true });
      expect(await valueOf(metrics, 'store_up', { store: 'redis' })).to.equal(0);
      expect(await valueOf(metrics, 'store_up', { store: 'filings' })).to.equal(1);
    });

    it('/readyz answers 503 when the readiness check itself throws', async () => {
      readiness = new Error('redis: ECONNREFUSED');
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(503);
      expect(((await res.json()) as { failing: string[] }).failing).to.deep.equal(['readiness']);
    });

    it('/readyz answers 503 once shutdown began, even with every check passing', async () => {
      draining = true;
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.include({ status: 'shutting_down' });
    });
  });
});
