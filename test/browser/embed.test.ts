import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleMessage } from 'playwright-core';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fillWords } from '../../src/channels/web/index.js';
import { loadProfiles } from '../../src/domain/profile.js';
import { createLogger } from '../../src/ops/logger.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * A government portal embeds the assistant on its own page, in a real Chromium. The "portals" are two
 * more local servers on other ports, so other origins than the bot's: the first is listed in the bot's
 * WEB_ALLOWED_ORIGINS and WEB_FRAME_ANCESTORS, the second is not. Their pages are the snippets from
 * docs/embedding.md, exactly as written there, with the bot's address put in.
 */

const DOC_BOT = 'https://bot.example.gov.cn';
const docs = readFileSync(new URL('../../docs/embedding.md', import.meta.url), 'utf8');
const rizhao = loadProfiles().get('rizhao')!;
/** The page's words as the app fills them: the default region's hotline and its hours. */
const pageWords = fillWords(JSON.parse(readFileSync(new URL('../../public/web/strings/zh-CN.json', import.meta.url), 'utf8')) as Record<string, string>, {
  hotline: rizhao.hotline.value,
  hours: rizhao.hotlineHours.value['zh-CN'],
});

/** The ```html block of docs/embedding.md whose first line (a comment) names it. */
function snippet(name: string): string {
  const blocks = [...docs.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const found = blocks.filter((block) => block.split('\n')[0]!.includes(name));
  if (found.length !== 1) throw new Error(`docs/embedding.md should have one html snippet named "${name}", has ${found.length}`);
  return found[0]!;
}

const SNIPPETS = {
  iframe: snippet("an iframe of the bot's page"),
  oneLine: snippet('one-line embed'),
  inline: snippet("Web Chat on the portal's own page"),
} as const;
type SnippetName = keyof typeof SNIPPETS;

/** The failure note the written-out snippet shows (the portal's own words, as the docs give them). */
const INLINE_FAILURE_NOTE = /textContent = '([^']+)'/.exec(SNIPPETS.inline)?.[1] ?? '';

/** A portal: a plain HTTP server whose pages hold one snippet each, pointed at the bot. */
function startPortal(botOrigin: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const name = /^\/(\w+)\.html$/.exec(req.url ?? '')?.[1] as SnippetName | undefined;
    if (!name || !(name in SNIPPETS)) {
      res.writeHead(404).end();
      return;
    }
    const body = SNIPPETS[name].replaceAll(DOC_BOT, botOrigin());
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">` +
        `<title>日照市医疗保障局（测试门户）</title></head><body><h1>日照市医疗保障局</h1><main>${body}</main></body></html>`,
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })),
  );
}

const closeServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('a government portal embeds the assistant on its own page (real Chromium, another origin)', function () {
  this.timeout(90_000);
  let app: App;
  let bot: string;
  let listed: { origin: string; server: Server };
  let unlisted: { origin: string; server: Server };
  let browser: WebChatDriver;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    listed = await startPortal(() => bot);
    unlisted = await startPortal(() => bot);
    const dir = mkdtempSync(join(tmpdir(), 'browser-embed-'));
    app = createApp(
      loadConfig({
        PORT: '0',
        FILINGS_PATH: join(dir, 'filings.json'),
        LOG_LEVEL: 'silent',
        WEB_ALLOWED_ORIGINS: listed.origin,
        WEB_FRAME_ANCESTORS: listed.origin,
      }),
      { logger: createLogger({ level: 'silent' }), today: () => '2026-11-24' },
    );
    bot = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    expect(new URL(bot).origin).to.not.equal(listed.origin).and.not.equal(unlisted.origin);
  });

  beforeEach(async () => {
    browser = await WebChatDriver.launch({ width: 900, height: 900 });
  });
  afterEach(async () => {
    await browser?.close();
  });

  after(async () => {
    await closeServer(listed?.server);
    await closeServer(unlisted?.server);
    app?.server.close();
    for (const closer of app?.closers ?? []) await closer.close();
  });

  const conversationIdIn = (key: string) =>
    browser.page.evaluate((k) => (JSON.parse(sessionStorage.getItem(k) ?? 'null') as { conversationId?: string } | null)?.conversationId, key);

  const greetingThenNextQuestion = [{ sees: '请问您想办理什么' }, { click: '办理异地就医备案' }, { sees: '为您本人办理' }];

  describe('(b) Web Chat on the portal’s page, from an origin in WEB_ALLOWED_ORIGINS', () => {
    it('written out: the bot greets, a button gets the next question, and a reload continues the conversation', async () => {
      await browser.open(`${listed.origin}/inline.html`);
      await browser.run(greetingThenNextQuestion);
      await browser.screenshot('embed-inline-listed');
      const conversation = await conversationIdIn('yidi.webchat.conversation');
      expect(conversation, 'kept in the portal’s sessionStorage').to.be.a('string');

      await browser.run([{ reload: true }, { sees: '为您本人办理' }]);
      expect(await conversationIdIn('yidi.webchat.conversation'), 'the same conversation after a reload').to.equal(conversation);
      const history = (await browser.transcript()).map((l) => l.text).join('\n');
      expect(history, 'the history is replayed').to.include('请问您想办理什么');
      expect(await browser.page.textContent('#yidi-chat-status')).to.equal('');
      expect(browser.problems, 'no console errors (CORS or others)').to.deep.equal([]);
    });

    it('one line (/embed.js): the same, with the page’s words and a labelled region', async () => {
      await browser.open(`${listed.origin}/oneLine.html`);
      await browser.run(greetingThenNextQuestion);
      await browser.screenshot('embed-one-line-listed');
      expect(await browser.page.getAttribute('#yidi-chat', 'aria-label')).to.equal(pageWords['chatLabel']);
      const key = `yidi.webchat.conversation@${bot}`;
      const conversation = await conversationIdIn(key);
      expect(conversation).to.be.a('string');
      await browser.run([{ reload: true }, { sees: '为您本人办理' }]);
      expect(await conversationIdIn(key)).to.equal(conversation);
      expect(browser.problems).to.deep.equal([]);
    });
  });

  describe('(b) from an origin NOT in WEB_ALLOWED_ORIGINS: the browser blocks the calls', () => {
    const blockedByCors = () => browser.problems.some((p) => /CORS policy/i.test(p));

    it('written out: no greeting arrives, the portal’s failure note shows, and Chromium names CORS', async () => {
      expect(INLINE_FAILURE_NOTE, 'the snippet has a failure note').to.not.equal('');
      await browser.page.goto(`${unlisted.origin}/inline.html`);
      await browser.page.waitForFunction((note) => document.getElementById('yidi-chat-status')?.textContent === note, INLINE_FAILURE_NOTE);
      await browser.screenshot('embed-inline-unlisted');
      expect(await browser.page.locator('.webchat__bubble__content').count(), 'no message from the bot').to.equal(0);
      expect(blockedByCors(), browser.problems.join('\n')).to.equal(true);
    });

    it('one line: the page’s own failure note shows and no chat appears', async () => {
      await browser.page.goto(`${unlisted.origin}/oneLine.html`);
      await browser.page.waitForFunction((note) => document.querySelector('.yidi-chat-status')?.textContent === note, pageWords['failed']!);
      await browser.screenshot('embed-one-line-unlisted');
      expect(await browser.page.locator('.webchat__bubble__content').count()).to.equal(0);
      expect(blockedByCors(), browser.problems.join('\n')).to.equal(true);
    });
  });

  describe('(a) an iframe of the bot’s page (WEB_FRAME_ANCESTORS)', () => {
    it('on the listed portal the bot’s page renders in the frame (its CSP allows it) and the conversation runs', async () => {
      await browser.page.goto(`${listed.origin}/iframe.html`);
      const frame = browser.page.frameLocator('iframe');
      await frame.locator('.webchat__bubble__content', { hasText: '请问您想办理什么' }).first().waitFor({ timeout: 15_000 });
      await frame.locator('.webchat__suggested-actions__button', { hasText: /^\s*办理异地就医备案\s*$/ }).click();
      await frame.locator('.webchat__bubble__content', { hasText: '为您本人办理' }).first().waitFor({ timeout: 10_000 });
      expect(await frame.locator('h1').textContent()).to.equal(pageWords['title']);
      await browser.screenshot('embed-iframe-listed');
      expect(browser.problems).to.deep.equal([]);
    });

    it('on an unlisted portal Chromium refuses to frame the page (frame-ancestors)', async () => {
      const refused = browser.page.waitForEvent('console', {
        predicate: (m: ConsoleMessage) => /frame-ancestors/.test(m.text()),
        timeout: 15_000,
      });
      await browser.page.goto(`${unlisted.origin}/iframe.html`);
      const message = await refused;
      expect(message.text()).to.include(bot).and.include(listed.origin);
      await browser.screenshot('embed-iframe-unlisted');
      const framed = browser.page.frames().find((f) => f !== browser.page.mainFrame());
      expect(await framed?.locator('[data-id="webchat-sendbox-input"]').count(), 'no chat inside the refused frame').to.equal(0);
    });
  });
});
