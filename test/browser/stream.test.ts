import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { MemoryActivityLog } from '../../src/channels/web/index.js';
import { BOT_WORDS, startWebChannel, type RunningChannel } from '../channels.web.fixtures.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * The page on Web Chat's default DirectLine options (webSocket: true), in a real Chromium: the bot's own
 * WebSocket stream carries the conversation, including messages the bot sends later, from this instance
 * or from another one that shares the activity log; the page does not poll.
 */
const zh = BOT_WORDS['zh-CN'];

describe('the page over the bot’s WebSocket stream (real Chromium, default createDirectLine options)', function () {
  this.timeout(60_000);
  let running: RunningChannel;
  let browser: WebChatDriver;
  let log: MemoryActivityLog;

  before(function () {
    if (!WebChatDriver.available()) this.skip();
  });
  beforeEach(async () => {
    log = new MemoryActivityLog();
    running = await startWebChannel({ activityLog: log, webSocket: { scanMs: 200 } });
    browser = await WebChatDriver.launch();
  });
  afterEach(async () => {
    await browser?.close();
    await running?.close();
  });

  it('a few turns, a later message from this instance and one from another instance, all over one socket, no polling', async () => {
    const sockets: string[] = [];
    const polls: string[] = [];
    browser.page.on('websocket', (ws) => sockets.push(ws.url()));
    browser.page.on('request', (req) => {
      if (req.method() === 'GET' && /\/activities\?/.test(req.url())) polls.push(req.url());
    });
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.greeting }, { see: zh.choose }, { click: zh.choices[1] }, { see: zh.askName }]);

    const [reference] = [...running.bot.references.values()];
    await running.channel.adapter.continueConversation(reference!, async (context) => {
      await context.sendActivity('本实例稍后发来的提醒');
    });
    await browser.waitForBot('本实例稍后发来的提醒');
    // Another instance appends to the shared log: the socket finds it on its next look at the log.
    await log.append(reference!.conversation!.id, { type: 'message', text: '另一个实例发来的消息', textFormat: 'plain', from: { id: 'yidi-bot', name: '', role: 'bot' } } as Partial<Activity>);
    await browser.waitForBot('另一个实例发来的消息');
    await browser.run([{ type: '赵六' }, { see: zh.done('赵六', zh.choices[1]) }]);
    await browser.waitUntilSent();

    expect(sockets).to.have.length(1);
    expect(new URL(sockets[0]!).pathname).to.match(/^\/v3\/directline\/conversations\/[\w-]+\/stream$/);
    expect(polls, 'no polling while the socket works').to.deep.equal([]);
    expect(browser.problems).to.deep.equal([]);
  });

  it('a reload resumes over a new socket with the history replayed', async () => {
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }, { click: zh.choices[0] }, { see: zh.askName }, { reload: true }, { see: zh.askName }]);
    expect((await browser.transcript()).map((l) => l.text)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);
    await browser.run([{ type: '孙七' }, { see: zh.done('孙七', zh.choices[0]) }]);
  });

  it('the stream URL carries a single-use ticket, never the token; past its first token the conversation goes on over new sockets, and a reload resumes it', async () => {
    await running.close();
    running = await startWebChannel({ activityLog: log, webSocket: { scanMs: 200 }, tokenTtlSeconds: 6 });
    const sockets: string[] = [];
    browser.page.on('websocket', (ws) => sockets.push(ws.url()));
    await browser.open(`${running.baseUrl}/`);
    await browser.run([{ see: zh.choose }, { click: zh.choices[0] }, { see: zh.askName }]);
    // The first token expires: the server closes the socket, directlinejs reconnects with a fresh token and ticket.
    const deadline = Date.now() + 20_000;
    while (sockets.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(sockets.length, 'a second socket after the first token expired').to.be.at.least(2);
    await browser.run([{ type: '孙七' }, { see: zh.done('孙七', zh.choices[0]) }]);

    const saved = await browser.page.evaluate(() => JSON.stringify(Object.values(sessionStorage)));
    const tickets = sockets.map((url) => new URL(url).searchParams);
    for (const params of tickets) {
      expect([...params.keys()].sort()).to.deep.equal(['ticket', 'watermark']);
      expect(saved).to.not.include(params.get('ticket')!);
    }
    expect(new Set(tickets.map((p) => p.get('ticket'))).size).to.equal(tickets.length);
    await browser.run([{ reload: true }, { see: zh.done('孙七', zh.choices[0]) }]);
    expect(browser.problems).to.deep.equal([]);
  });
});
