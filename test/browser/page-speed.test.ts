import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/ops/logger.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * What the citizens' page costs to open: the bytes a first visit downloads, and (in benchmark mode) how
 * long the first paint, the send box and the bot's first message take, cold, locally and on a slow 4G
 * connection with a 4× slower CPU (Chromium DevTools throttling through playwright-core).
 *
 * Normal runs check only what does not depend on timing (bytes, caching). `npm run bench:page`
 * (BENCH_PAGE=1, optionally BENCH_RUNS=n) prints the timings; they go in the README, never in assertions.
 */

/** Chromium DevTools' "Slow 4G" preset (its numbers, as DevTools sets them) and 4× CPU slowdown. */
export const SLOW_4G = { latency: 150 * 3.75, downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((750 * 1000) / 8) * 0.9 };
export const CPU_SLOWDOWN = 4;

const BENCH = process.env['BENCH_PAGE'] === '1';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);

interface Visit {
  /** First contentful paint (the header and intro drawn), ms after navigation start. */
  firstPaint: number;
  /** The send box is on screen, ms after navigation start. */
  sendBox: number;
  /** The bot's first message is on screen, ms after navigation start. */
  firstBotMessage: number;
  /** Bytes received over the network (compressed, headers included). */
  bytes: number;
  /** The requests that went over the network (not served from the browser's cache). */
  fetched: string[];
}

async function visit(driver: WebChatDriver, url: string, throttled: boolean): Promise<Visit> {
  const cdp: CDPSession = await driver.context.newCDPSession(driver.page);
  await cdp.send('Network.enable');
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_4G });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  }
  let bytes = 0;
  const urls = new Map<string, string>();
  const fetched: string[] = [];
  const cached = new Set<string>();
  cdp.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.requestServedFromCache', (e: { requestId: string }) => cached.add(e.requestId));
  cdp.on('Network.responseReceived', (e: { requestId: string; response: { fromDiskCache?: boolean; fromServiceWorker?: boolean; status: number } }) => {
    if (!e.response.fromDiskCache && !cached.has(e.requestId)) fetched.push(`${e.response.status} ${new URL(urls.get(e.requestId) ?? 'about:blank').pathname}`);
  });
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
  });
  await driver.page.goto(url);
  await driver.page.waitForSelector('[data-id="webchat-sendbox-input"]', { timeout: 120_000 });
  await driver.page.waitForSelector('.webchat__stacked-layout:not(.webchat__stacked-layout--from-user) .webchat__bubble__content', { timeout: 120_000 });
  // A string, not a function: tsx would add helpers the page does not have.
  const marks = (await driver.page.evaluate(`(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? -1;
    return { firstPaint: at('first-contentful-paint'), sendBox: at('yidi:sendbox'), firstBotMessage: at('yidi:first-bot-message') };
  })()`)) as Pick<Visit, 'firstPaint' | 'sendBox' | 'firstBotMessage'>;
  if (throttled) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }
  await cdp.detach();
  return { ...marks, bytes, fetched };
}

/** Puts performance marks on the page the moment the send box and the first bot message appear. */
const MARKER = `(() => {
  const marked = new Set();
  const look = () => {
    if (!marked.has('s') && document.querySelector('[data-id="webchat-sendbox-input"]')) { marked.add('s'); performance.mark('yidi:sendbox'); }
    if (!marked.has('b') && document.querySelector('.webchat__stacked-layout:not(.webchat__stacked-layout--from-user) .webchat__bubble__content')) { marked.add('b'); performance.mark('yidi:first-bot-message'); }
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true });
})();`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('the citizens’ page: what a first visit costs', function () {
  this.timeout(BENCH ? 1_800_000 : 120_000);
  let app: App;
  let base: string;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'page-speed-'));
    app = createApp(loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'silent' }), { logger: createLogger({ level: 'silent' }) });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });

  after(async () => {
    app?.server.close();
    for (const closer of app?.closers ?? []) await closer.close();
  });

  async function cold(throttled: boolean): Promise<Visit> {
    const driver = await WebChatDriver.launch({ width: 390, height: 844 });
    try {
      await driver.context.addInitScript(MARKER);
      return await visit(driver, `${base}/`, throttled);
    } finally {
      await driver.close();
    }
  }

  it('a first visit downloads under 600 KB (the minimal Web Chat bundle, compressed); a second one fetches no script or style again', async () => {
    const driver = await WebChatDriver.launch({ width: 390, height: 844 });
    try {
      await driver.context.addInitScript(MARKER);
      const first = await visit(driver, `${base}/`, false);
      expect(first.fetched.some((f) => /\/webchat-minimal\.[0-9a-f]{10}\.js$/.test(f)), first.fetched.join(', ')).to.equal(true);
      expect(first.fetched.some((f) => /\/webchat\.js$/.test(f)), 'not the full bundle').to.equal(false);
      expect(first.bytes, `${Math.round(first.bytes / 1024)} KB`).to.be.below(600 * 1024);
      const again = await visit(driver, `${base}/`, false);
      expect(again.fetched.filter((f) => /\.(js|css)$/.test(f)), 'scripts and styles come from the cache').to.deep.equal([]);
      expect(again.bytes, `${Math.round(again.bytes / 1024)} KB`).to.be.below(first.bytes / 10);
    } finally {
      await driver.close();
    }
  });

  it('benchmark: first paint, send box and first bot message, cold, local and slow 4G with a 4× slower CPU', async function () {
    if (!BENCH) this.skip();
    const rows: string[] = [];
    for (const throttled of [false, true]) {
      const visits: Visit[] = [];
      for (let i = 0; i < RUNS; i++) visits.push(await cold(throttled));
      const m = (key: 'firstPaint' | 'sendBox' | 'firstBotMessage') => `${(median(visits.map((v) => v[key])) / 1000).toFixed(2)} s`;
      rows.push(
        `| ${throttled ? `slow 4G, ${CPU_SLOWDOWN}× CPU` : 'local'} | ${m('firstPaint')} | ${m('sendBox')} | ${m('firstBotMessage')} | ${Math.round(median(visits.map((v) => v.bytes)) / 1024)} KB |`,
      );
    }
    console.log(`\n  median of ${RUNS} cold visits at 390×844\n  | connection | first paint | send box | first bot message | downloaded |\n  |---|---|---|---|---|\n  ${rows.join('\n  ')}\n`);
  });
});
