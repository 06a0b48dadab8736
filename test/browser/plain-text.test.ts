import { expect } from 'chai';
import { MemoryActivityLog } from '../../src/channels/web/index.js';
import { BOT_WORDS, startWebChannel, type RunningChannel } from '../channels.web.fixtures.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * The bot writes plain text; Web Chat 4.18.1 renders text as markdown unless the activity says
 * textFormat 'plain'. In a real Chromium: line breaks stay, masked ID numbers and phones show every `*`
 * (no bold), and straight quotes stay straight.
 */
const zh = BOT_WORDS['zh-CN'];
const MESSAGE = [
  '备案后会怎样：',
  '• 在备案地看病可以直接结算',
  '• 回参保地看病按 "异地" 规定报销',
  '身份证号：1101**********002X',
  '手机：138****5678',
].join('\n');

describe('bot messages render as plain text in Web Chat (real Chromium)', function () {
  this.timeout(60_000);
  let running: RunningChannel;
  let browser: WebChatDriver;

  before(function () {
    if (!WebChatDriver.available()) this.skip();
  });
  beforeEach(async () => {
    running = await startWebChannel({ activityLog: new MemoryActivityLog() });
    browser = await WebChatDriver.launch();
  });
  afterEach(async () => {
    await browser?.close();
    await running?.close();
  });

  it('keeps each line, shows masked values exactly, and does not curl quotes', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }]);
    const [reference] = [...running.bot.references.values()];
    await running.channel.adapter.continueConversation(reference!, async (context) => {
      await context.sendActivity(MESSAGE);
    });
    await browser.waitForBotContaining('身份证号');
    const bubble = browser.page.locator('.webchat__bubble__content', { hasText: '身份证号' });
    const lines = await bubble.evaluate((el) => (el as HTMLElement).innerText.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
    expect(lines).to.deep.equal(MESSAGE.split('\n'));
    expect(await bubble.locator('strong, em').count(), 'no markdown emphasis').to.equal(0);
    // Each line is its own block: the bubble is as tall as five lines.
    const rows = await bubble.evaluate((el) => [...el.querySelectorAll('p')].map((p) => Math.round(p.getBoundingClientRect().top)));
    expect(new Set(rows).size).to.equal(5);
    await browser.screenshot('webchat-zh-7-plain-text');
  });

  it('masked values in an Adaptive Card (text blocks and facts) show every `*` as well', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }]);
    const [reference] = [...running.bot.references.values()];
    const card = {
      type: 'AdaptiveCard',
      version: '1.3',
      body: [
        { type: 'TextBlock', text: '请核对', wrap: true },
        { type: 'TextBlock', text: '身份证号 1101**********002X，手机 138****5678', wrap: true },
        {
          type: 'FactSet',
          facts: [
            { title: '身份证号', value: '1101**********002X' },
            { title: '手机', value: '138****5678' },
            { title: '姓名', value: '张*三 "李四"' },
          ],
        },
      ],
    };
    await running.channel.adapter.continueConversation(reference!, async (context) => {
      await context.sendActivity({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
    });
    await browser.waitForBotContaining('请核对');
    const shown = browser.page.locator('.ac-adaptiveCard');
    const text = await shown.evaluate((el) => (el as HTMLElement).innerText);
    expect(text).to.include('身份证号 1101**********002X，手机 138****5678');
    expect(text).to.include('1101**********002X');
    expect(text).to.include('138****5678');
    expect(text).to.include('张*三 "李四"');
    expect(await shown.locator('strong, em').count(), 'no markdown emphasis').to.equal(0);
    await browser.screenshot('webchat-zh-8-card-masked');
  });
});
