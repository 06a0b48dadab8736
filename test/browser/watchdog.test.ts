import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'restify';
import { MemoryActivityLog } from '../../src/channels/web/index.js';
import { BOT_WORDS, startWebChannel, type RunningChannel } from '../channels.web.fixtures.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * botframework-directlinejs stops for good, silently, after one failed poll (anything but 403/404) or a
 * FailedToConnect. The page's watchdog (public/web/conversation.js) notices, says so with the retry
 * button while the bot cannot be reached, and reconnects. Timings are shortened through the page's test
 * hook (window.yidiConversationTimings). The channel has no WebSocket stream here (as behind a proxy that
 * drops upgrades), so the page first falls back from the stream to polling.
 */
const zh = BOT_WORDS['zh-CN'];
const words = JSON.parse(readFileSync(new URL('../../public/web/strings/zh-CN.json', import.meta.url), 'utf8')) as Record<string, string>;
const isPoll = (req: Request) => req.method === 'GET' && /\/conversations\/[^/?]+\/activities/.test(req.url ?? '');

describe('the page’s connection watchdog (real Chromium): a failed poll no longer stops the page for good', function () {
  this.timeout(60_000);
  let running: RunningChannel;
  let browser: WebChatDriver;
  /** How many coming polls (and the watchdog's probes) the "proxy" answers with 502. */
  let failPolls = 0;

  before(function () {
    if (!WebChatDriver.available()) this.skip();
  });
  beforeEach(async () => {
    failPolls = 0;
    running = await startWebChannel({
      activityLog: new MemoryActivityLog(),
      // As behind a proxy that drops WebSocket upgrades: the page falls back to polling, which can fail.
      webSocket: false,
      pre: (req: Request, res: Response) => {
        if (failPolls > 0 && isPoll(req)) {
          failPolls -= 1;
          res.sendRaw(502, 'Bad Gateway', { 'Content-Type': 'text/plain' });
          return false;
        }
        return true;
      },
    });
    browser = await WebChatDriver.launch();
  });
  afterEach(async () => {
    await browser?.close();
    await running?.close();
  });

  const useTimings = (timings: Record<string, number>) =>
    browser.page.addInitScript((t) => {
      (window as unknown as { yidiConversationTimings: unknown }).yidiConversationTimings = t;
    }, timings);

  const proactive = async (text: string) => {
    const [reference] = [...running.bot.references.values()];
    await running.channel.adapter.continueConversation(reference!, async (context) => {
      await context.sendActivity(text);
    });
  };

  it('one failed poll, then the bot is fine again: a message the bot sends later still reaches the page', async () => {
    await useTimings({ tick: 200, quiet: 1500, grace: 1500, retryFirst: 300, retryMax: 1000 });
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.greeting }, { see: zh.choose }]);
    failPolls = 1; // the next poll fails: directlinejs stops polling
    await browser.page.waitForTimeout(1500);
    expect(failPolls, 'the poll was answered with 502').to.equal(0);
    await proactive('稍后发来的提醒');
    await browser.waitForBot('稍后发来的提醒', 15_000);
    await browser.run([{ type: zh.choices[0] }, { see: zh.askName }]); // the buttons went with the later message
    expect((await browser.transcript()).map((l) => l.text)).to.deep.equal([zh.greeting, zh.choose, '稍后发来的提醒', zh.choices[0], zh.askName]);
  });

  it('while the bot cannot be reached the page says so with its retry button; the button reconnects', async () => {
    await useTimings({ tick: 200, quiet: 1500, grace: 1500, retryFirst: 60_000, retryMax: 60_000 });
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }]);
    failPolls = 1_000;
    await browser.page.waitForFunction((failed) => document.getElementById('status')?.textContent === failed, words['failed'], { timeout: 15_000 });
    const retry = browser.page.getByRole('button', { name: words['retry'] });
    expect(await retry.isVisible()).to.equal(true);
    await browser.screenshot('webchat-zh-6-connection-failed');

    failPolls = 0;
    await proactive('恢复后的消息');
    await retry.click();
    await browser.waitForBot('恢复后的消息', 15_000);
    await browser.page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    expect(await retry.isVisible()).to.equal(false);
    await browser.run([{ type: zh.choices[1] }, { see: zh.askName }]);
    expect((await browser.transcript()).map((l) => l.text)).to.deep.equal([zh.greeting, zh.choose, '恢复后的消息', zh.choices[1], zh.askName]);
  });
});
