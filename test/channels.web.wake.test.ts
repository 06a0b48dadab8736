import { expect } from 'chai';
import type WebSocket from 'ws';
import type { App } from '../src/app.js';
import { WEB_CHANNEL_ID, WEB_SERVICE_URL } from '../src/channels/web/index.js';
import { DirectLineClient, openStream, until, userMessage } from './channels.web.fixtures.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { SharedRedis } from './support/redis.js';
import { startCountedApp, type CountedApp } from './support/counted-app.js';

/**
 * Two app instances on one Redis (real ports): a WebSocket open on instance A gets what instance B appended
 * to its conversation (the echo of a message posted to B, B's replies, a notice B sends later) because B's
 * append scripts tell it (pub/sub) and A's subscriber wakes the socket, not because A's safety scan read
 * the log: A's scan never runs here (its interval set to an hour, and every call counted).
 */
const sharedRedis = new SharedRedis('web-wake');

describe('web stream across instances: woken by what another instance appended', function () {
  let a: CountedApp | undefined;
  let b: CountedApp | undefined;
  let scans = 0;
  const sockets: WebSocket[] = [];

  before(async function () {
    try {
      await sharedRedis.readyClient();
    } catch {
      this.skip();
    }
    a = await startCountedApp(sharedRedis, { WEB_TOKEN_SECRET: 'w'.repeat(48) });
    b = await startCountedApp(sharedRedis, { WEB_TOKEN_SECRET: 'w'.repeat(48) });
    const streams = a.app.web.streams as unknown as { options: { scanMs?: number }; scan: (...args: unknown[]) => Promise<void> };
    // Before A's first socket starts its timers: the safety scan would not come within the test.
    streams.options.scanMs = 60 * 60 * 1000;
    const scan = streams.scan.bind(streams);
    streams.scan = (...args) => {
      scans += 1;
      return scan(...args);
    };
  });

  after(async () => {
    for (const ws of sockets) ws.terminate();
    await a?.stop();
    await b?.stop();
    await sharedRedis.cleanUp();
  });

  it("a message posted to B, B's replies and a notice B sends later reach the socket open on A promptly, no scan run", async () => {
    const onA = new DirectLineClient(a!.base);
    const onB = new DirectLineClient(b!.base);
    const generated = await onA.generate();
    const start = await onA.call<{ conversationId: string; token: string; streamUrl: string }>('POST', '/conversations', { token: generated.body.token, body: { locale: 'zh-CN' } });
    expect(start.status).to.equal(201);
    const { token, conversationId, streamUrl } = start.body;
    const { ws, received } = await openStream(streamUrl);
    sockets.push(ws);
    await until(() => received.some((x) => x.from?.role === 'bot'), 'the greeting');

    const [say] = TMP_OTHER_SCRIPT[0]!;
    received.length = 0;
    const posted = await onB.post(token, conversationId, userMessage(say));
    expect(posted.status).to.equal(200);
    await until(() => received.some((x) => x.from?.role === 'user') && received.some((x) => x.from?.role === 'bot' && x.type === 'message'), "the echo and B's replies");
    expect(received.find((x) => x.from?.role === 'user')!.id).to.equal(posted.body.id);

    received.length = 0;
    await b!.app.web.adapter.continueConversation({ channelId: WEB_CHANNEL_ID, serviceUrl: WEB_SERVICE_URL, conversation: { id: conversationId } as never }, async (context) => {
      await context.sendActivity('审核结果已经出来了');
    });
    await until(() => received.some((x) => x.text === '审核结果已经出来了'), "B's notice");
    expect(scans, 'no safety scan ran on A').to.equal(0);
  });
});

