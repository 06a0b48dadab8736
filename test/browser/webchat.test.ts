import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { MemoryActivityLog, WebTokens } from '../../src/channels/web/index.js';
import { BOT_WORDS, startWebChannel, TEST_SECRET, type RunningChannel } from '../channels.web.fixtures.js';
import { WebChatDriver, type Line, type Step } from './webchat-driver.js';

const zh = BOT_WORDS['zh-CN'];

/** A message with line breaks, masked values and straight quotes (see 'bot messages render as plain text'). */
const MESSAGE = [
  '备案后会怎样：',
  '• 在备案地看病可以直接结算',
  '• 回参保地看病按 "异地" 规定报销',
  '身份证号：1101**********002X',
  '手机：138****5678',
].join('\n');
const en = BOT_WORDS['en-US'];
const pageStrings = (locale: string) =>
  JSON.parse(readFileSync(new URL(`../../public/web/strings/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;

const STORE_KEY = 'yidi.webchat.conversation';

describe('the citizens’ page in a real browser (Chromium, Web Chat 4.18.1 served by the bot)', function () {
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

  const savedConversation = () => browser.page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) ?? 'null') as { conversationId: string } | null, STORE_KEY);

  it('in Chinese: greets first, takes a button and typed text, and survives a reload mid-way', async () => {
    await browser.open(`${running.baseUrl}/`);
    expect(await browser.page.getAttribute('html', 'lang')).to.equal('zh-CN');
    expect(await browser.page.title()).to.equal(pageStrings('zh-CN')['title']);

    await browser.run([{ see: zh.greeting }, { see: zh.choose }, { screenshot: 'webchat-zh-1-greeting' }]);
    expect(await browser.suggestedActions()).to.deep.equal([...zh.choices]);
    const before = await savedConversation();

    const steps: Step[] = [
      { click: zh.choices[1] },
      { see: zh.askName },
      { reload: true },
      { see: zh.askName },
      { screenshot: 'webchat-zh-2-after-reload' },
    ];
    await browser.run(steps);
    expect((await savedConversation())?.conversationId, 'the same conversation continues').to.equal(before?.conversationId);
    const history: Line[] = [
      { from: 'bot', text: zh.greeting },
      { from: 'bot', text: zh.choose },
      { from: 'user', text: zh.choices[1] },
      { from: 'bot', text: zh.askName },
    ];
    expect(await browser.transcript()).to.deep.equal(history);

    await browser.run([{ type: '张三' }, { see: zh.done('张三', zh.choices[1]) }]);
    await browser.waitUntilSent();
    await browser.screenshot('webchat-zh-3-done');
    expect(await browser.transcript()).to.deep.equal([
      ...history,
      { from: 'user', text: '张三' },
      { from: 'bot', text: zh.done('张三', zh.choices[1]) },
    ]);
    expect(browser.problems, 'no console errors (e.g. CSP violations)').to.deep.equal([]);
    await browser.page.setViewportSize({ width: 1280, height: 800 });
    await browser.screenshot('webchat-zh-desktop');
  });

  it('in English (?lang=en): the page and the bot speak English', async () => {
    await browser.open(`${running.baseUrl}/?lang=en`);
    expect(await browser.page.getAttribute('html', 'lang')).to.equal('en-US');
    expect(await browser.page.locator('h1').textContent()).to.equal(pageStrings('en-US')['title']);
    await browser.run([
      { see: en.greeting },
      { click: en.choices[0] },
      { see: en.askName },
      { type: 'Alice' },
      { see: en.done('Alice', en.choices[0]) },
    ]);
    await browser.waitUntilSent();
    await browser.screenshot('webchat-en-done');
    expect(running.bot.received.filter((a) => a.type === 'message').map((a) => a.locale)).to.deep.equal(['en-US', 'en-US']);
  });

  it('the language switch keeps the conversation; the bot answers in the new language from then on', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }]);
    await browser.page.getByRole('link', { name: 'English' }).click();
    await browser.page.waitForSelector('[data-id="webchat-sendbox-input"]');
    // The buttons were sent in Chinese and stay so; what the bot says next is in English.
    await browser.run([{ see: zh.choose }, { click: zh.choices[0] }, { see: en.askName }]);
    expect((await browser.transcript()).map((l) => l.text)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], en.askName]);
    // Each message carries the language it is written in (so a screen reader speaks the Chinese history
    // with a Chinese voice on the English page), the whole row too: Web Chat's label for it sits outside
    // the bubble.
    expect(await browser.page.getAttribute('html', 'lang')).to.equal('en-US');
    const langs = await browser.page.$$eval('article.webchat__basic-transcript__activity', (rows) =>
      rows.map((row) => ({ row: row.getAttribute('lang'), message: row.querySelector('.webchat__bubble__content')?.closest('[lang]')?.getAttribute('lang') })),
    );
    expect(langs).to.deep.equal([
      { row: 'zh-CN', message: 'zh-CN' },
      { row: 'zh-CN', message: 'zh-CN' },
      { row: 'en-US', message: 'en-US' },
      { row: 'en-US', message: 'en-US' },
    ]);
  });

  it('is usable with the keyboard alone: skip link, suggested actions and send box', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }]);
    await browser.page.keyboard.press('Tab');
    expect(await browser.page.evaluate(() => document.activeElement?.textContent)).to.equal(pageStrings('zh-CN')['skipToChat']);
    // Tab through the page until a suggested action has focus, then choose it with Enter.
    let focused = '';
    for (let i = 0; i < 30 && !zh.choices.includes(focused as (typeof zh.choices)[number]); i++) {
      await browser.page.keyboard.press('Tab');
      focused = (await browser.page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')) ?? '';
    }
    expect(focused).to.equal(zh.choices[0]);
    await browser.page.keyboard.press('Enter');
    await browser.run([{ see: zh.askName }]);
    // Web Chat hands the focus to the send box after a suggested action: type straight away.
    expect(await browser.page.evaluate(() => document.activeElement?.getAttribute('data-id'))).to.equal('webchat-sendbox-input');
    await browser.run([{ keys: '王五' }, { press: 'Enter' }, { see: zh.done('王五', zh.choices[0]) }]);
    expect(await browser.page.getAttribute('[data-id="webchat-sendbox-input"]', 'aria-label')).to.be.a('string').and.not.equal('');
  });

  it('a token that expired while the laptop slept still resumes the same conversation, with its history and no note', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }, { click: zh.choices[0] }, { see: zh.askName }]);
    const saved = (await savedConversation())!;
    const user = JSON.parse(Buffer.from((saved as unknown as { token: string }).token.split('.')[1]!, 'base64url').toString('utf8')).user as string;
    // Issued two hours ago, so expired an hour and a half ago: within the two hours' grace.
    const slept = new WebTokens(TEST_SECRET, 1800, () => Date.now() - 2 * 3600_000).issue(saved.conversationId, user).token;
    await browser.page.evaluate(([key, value]) => sessionStorage.setItem(key!, value!), [STORE_KEY, JSON.stringify({ ...saved, token: slept })]);

    await browser.run([{ reload: true }, { see: zh.askName }]);
    expect((await savedConversation())?.conversationId).to.equal(saved.conversationId);
    expect(await browser.page.locator('#status').textContent()).to.equal('');
    expect((await browser.transcript()).map((l) => l.text)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);
    await browser.run([{ type: '李四' }, { see: zh.done('李四', zh.choices[0]) }]);
  });

  it('a conversation that no longer exists is replaced by a fresh one with a friendly note in the page’s language', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }]);
    const gone = 'conversationGone12345';
    const longAgo = new WebTokens(TEST_SECRET, 60, () => Date.now() - 3600_000).issue(gone, 'dl_old').token;
    await browser.page.evaluate(([key, value]) => sessionStorage.setItem(key!, value!), [STORE_KEY, JSON.stringify({ conversationId: gone, token: longAgo })]);

    await browser.run([{ reload: true }, { see: zh.greeting }, { see: zh.choose }]);
    expect(await browser.page.locator('#status').textContent()).to.equal(pageStrings('zh-CN')['expired']);
    expect((await savedConversation())?.conversationId).to.not.equal(gone);
    expect((await browser.transcript()).map((l) => l.text)).to.deep.equal([zh.greeting, zh.choose]);
    await browser.screenshot('webchat-zh-4-expired');
  });

  it('when too many conversations start at once, the page says so in its own words and offers to try again', async () => {
    await running.close();
    running = await startWebChannel({ activityLog: new MemoryActivityLog(), rateLimit: { newConversationsPerAddress: { burst: 0, perSecond: 0.001 } } });
    await browser.page.goto(`${running.baseUrl}/`);
    await browser.page.waitForFunction((busy) => document.getElementById('status')?.textContent === busy, pageStrings('zh-CN')['busy']);
    expect(await browser.page.getByRole('button', { name: pageStrings('zh-CN')['retry'] }).isVisible()).to.equal(true);
    expect(await browser.page.locator('#webchat').isVisible(), 'no empty chat box under the note').to.equal(false);
    await browser.screenshot('webchat-zh-5-busy');
  });

  it('focus rings show on the send box and on the blue header; at 640×400 the whole chat, send box included, fits on screen', async () => {
    await browser.page.setViewportSize({ width: 640, height: 400 });
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }]);
    const outline = (selector: string) =>
      browser.page.locator(selector).evaluate((el) => {
        const style = getComputedStyle(el);
        return { style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor };
      });
    await browser.page.keyboard.press('Tab'); // the skip link
    await browser.page.keyboard.press('Tab'); // start over, on the blue header
    expect(await browser.page.evaluate(() => document.activeElement?.id)).to.equal('start-over');
    expect(await outline('#start-over')).to.deep.equal({ style: 'solid', width: '3px', color: 'rgb(255, 209, 102)' });
    await browser.page.keyboard.press('Tab'); // the privacy notice
    await browser.page.keyboard.press('Tab'); // the language switch
    expect(await browser.page.evaluate(() => document.activeElement?.id)).to.equal('switch-language');
    expect(await outline('#switch-language')).to.deep.equal({ style: 'solid', width: '3px', color: 'rgb(255, 209, 102)' });
    const sendBox = '[data-id="webchat-sendbox-input"]';
    await browser.page.locator(sendBox).focus();
    expect(await outline(sendBox)).to.include({ style: 'solid', width: '3px' });
    const box = (await browser.page.locator(sendBox).boundingBox())!;
    expect(box.y).to.be.at.least(0);
    expect(box.y + box.height, 'the send box is on screen').to.be.at.most(400);
    const chat = (await browser.page.locator('#webchat').boundingBox())!;
    expect(chat.height, 'the chat fits in the viewport').to.be.at.most(400);
    await browser.screenshot('webchat-zh-9-640x400-focus');
  });

  describe('bot messages render as plain text (textFormat plain)', () => {
  /**
   * The bot writes plain text; Web Chat 4.18.1 renders text as markdown unless the activity says
   * textFormat 'plain'. In a real Chromium: line breaks stay, masked ID numbers and phones show every `*`
   * (no bold), and straight quotes stay straight.
   */
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
      const shown = browser.page.locator('.yidi-card');
      const text = await shown.evaluate((el) => (el as HTMLElement).innerText);
      expect(text).to.include('身份证号 1101**********002X，手机 138****5678');
      expect(text).to.include('1101**********002X');
      expect(text).to.include('138****5678');
      expect(text).to.include('张*三 "李四"');
      expect(await shown.locator('strong, em').count(), 'no markdown emphasis').to.equal(0);
      await browser.screenshot('webchat-zh-8-card-masked');
    });
  });
});
