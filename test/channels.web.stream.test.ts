import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { MemoryActivityLog, MemoryWebAccess, WebTokens } from '../src/channels/web/index.js';
import type { AppendListener, AppendWatch } from '../src/channels/web/activity-log.js';
import { BOT_WORDS, DirectLineClient, openStream, startWebChannel, TEST_SECRET, textsOf, until, userMessage, type RunningChannel, type StreamGroup } from './channels.web.fixtures.js';

/**
 * The Direct Line WebSocket stream over a real port, with the `ws` client: start and reconnect give a
 * streamUrl carrying a single-use stream ticket (never the token); the socket sends {activities,
 * watermark} for new activities, whoever appended them; used, forged or foreign tickets, tokens in the
 * URL, other paths and too many sockets are refused at once; a socket closes when its token expires.
 */
const zh = BOT_WORDS['zh-CN'];

type Group = StreamGroup;

/** The HTTP status an upgrade is refused with. */
function refusal(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error(`the upgrade to ${url} was accepted`)));
    ws.once('error', () => undefined);
  });
}

const texts = (groups: Group[]) => textsOf(groups.flatMap((g) => g.activities));


describe('web channel: the Direct Line WebSocket stream (real port, ws client)', () => {
  let running: RunningChannel;
  let dl: DirectLineClient;
  let log: MemoryActivityLog;
  let access: MemoryWebAccess;
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    log = new MemoryActivityLog();
    access = new MemoryWebAccess();
    running = await startWebChannel({ activityLog: log, access, webSocket: { scanMs: 100 } });
    dl = new DirectLineClient(running.baseUrl);
  });
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await running.close();
  });

  async function started(): Promise<{ token: string; conversationId: string; streamUrl: string }> {
    const generated = await dl.generate();
    const start = await dl.call<{ conversationId: string; token: string; streamUrl: string }>('POST', '/conversations', { token: generated.body.token, body: {} });
    expect(start.status).to.equal(201);
    return start.body;
  }

  async function stream(url: string) {
    const opened = await openStream(url);
    sockets.push(opened.ws);
    return opened;
  }

  /** A fresh streamUrl (a new ticket) for a conversation, as directlinejs gets one when it reconnects. */
  async function anotherStreamUrl(token: string, conversationId: string, watermark = ''): Promise<string> {
    const reconnected = await dl.call<{ streamUrl: string }>('GET', `/conversations/${conversationId}?watermark=${watermark}`, { token });
    expect(reconnected.status).to.equal(200);
    return reconnected.body.streamUrl;
  }

  it('start and reconnect return a ws:// streamUrl for this host with the watermark and a fresh single-use ticket, never the token', async () => {
    const { conversationId, streamUrl, token } = await started();
    const url = new URL(streamUrl);
    expect(url.protocol).to.equal('ws:');
    expect(url.host).to.equal(new URL(running.baseUrl).host);
    expect(url.pathname).to.equal(`/v3/directline/conversations/${conversationId}/stream`);
    expect([...url.searchParams.keys()]).to.deep.equal(['watermark', 'ticket']);
    expect(url.searchParams.get('watermark')).to.equal('');
    const ticket = url.searchParams.get('ticket')!;
    expect(ticket).to.match(/^[\w-]{43}$/);
    expect(streamUrl).to.not.include(token.split('.')[2]!);
    expect(new WebTokens(TEST_SECRET).verify(ticket).ok, 'a ticket is no token').to.equal(false);
    const reconnected = await dl.call<{ streamUrl: string; token: string }>('GET', `/conversations/${conversationId}?watermark=2`, { token });
    expect(new URL(reconnected.body.streamUrl).searchParams.get('watermark')).to.equal('2');
    expect(new URL(reconnected.body.streamUrl).searchParams.get('ticket')).to.not.equal(ticket);
    expect(reconnected.body.streamUrl).to.not.include(reconnected.body.token.split('.')[2]!);
    const behindTls = await dl.call<{ streamUrl: string }>('GET', `/conversations/${conversationId}?watermark=`, { token });
    expect(behindTls.body.streamUrl.startsWith('ws://'), 'X-Forwarded-Proto is not trusted without WEB_TRUST_PROXY').to.equal(true);
  });

  it('sends the history, then each new activity: the echo of a post, the bot’s replies, a proactive message', async () => {
    const { token, conversationId, streamUrl } = await started();
    const { groups } = await stream(streamUrl);
    await until(() => texts(groups).length >= 2, 'the greeting');
    expect(texts(groups)).to.deep.equal([zh.greeting, zh.choose]);
    expect(groups.at(-1)!.watermark).to.equal('2');

    await dl.post(token, conversationId, userMessage(zh.choices[0]));
    await until(() => texts(groups).length >= 4, 'the echo and the reply');
    expect(texts(groups)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);

    const reference = running.bot.references.get(conversationId)!;
    await running.channel.adapter.continueConversation(reference, async (context) => {
      await context.sendActivity('稍后的提醒');
    });
    await until(() => texts(groups).includes('稍后的提醒'), 'the proactive message');
    expect(groups.at(-1)!.watermark).to.equal('5');
  });

  it('an activity another instance appended to the shared log reaches the socket (the log is scanned)', async () => {
    const { conversationId, streamUrl } = await started();
    const { groups } = await stream(streamUrl);
    await until(() => texts(groups).length >= 2, 'the greeting');
    await log.append(conversationId, { type: 'message', text: '另一个实例发来的', from: { id: 'yidi-bot', name: '', role: 'bot' } } as Partial<Activity>);
    await until(() => texts(groups).includes('另一个实例发来的'), 'the other instance’s message');
  });

  it('from a watermark: only what comes after it', async () => {
    const { token, conversationId } = await started();
    const reconnected = await dl.call<{ streamUrl: string }>('GET', `/conversations/${conversationId}?watermark=1`, { token });
    const { groups } = await stream(reconnected.body.streamUrl);
    await until(() => texts(groups).length >= 1, 'the rest');
    expect(texts(groups)).to.deep.equal([zh.choose]);
  });

  it('a ticket opens one socket once: the same URL again (copied from a proxy\'s log) is refused', async () => {
    const { streamUrl } = await started();
    const { groups } = await stream(streamUrl);
    await until(() => texts(groups).length >= 2, 'the greeting');
    expect(await refusal(streamUrl)).to.equal(401);
  });

  it('refuses at once: no ticket, a token in its place, a made-up, used, expired or foreign ticket, a conversation that does not exist', async () => {
    const mine = await started();
    const theirs = await started();
    const base = running.baseUrl.replace('http:', 'ws:');
    const path = (id: string) => `${base}/v3/directline/conversations/${id}/stream`;
    expect(await refusal(path(mine.conversationId))).to.equal(401);
    // The token itself, where Direct Line puts it (t=) and where the ticket goes: no longer accepted.
    expect(await refusal(`${path(mine.conversationId)}?t=${mine.token}`)).to.equal(401);
    expect(await refusal(`${path(mine.conversationId)}?ticket=${mine.token}`)).to.equal(401);
    expect(await refusal(`${path(mine.conversationId)}?ticket=${'A'.repeat(43)}`)).to.equal(401);
    const theirTicket = new URL(theirs.streamUrl).searchParams.get('ticket')!;
    expect(await refusal(`${path(mine.conversationId)}?ticket=${theirTicket}`), 'a ticket of another conversation').to.equal(401);
    const claims = { conversationId: mine.conversationId, userId: 'dl_x', expiresAt: Math.floor(Date.now() / 1000) + 600 };
    expect(await refusal(`${path(mine.conversationId)}?ticket=${await access.issueTicket(claims, 0)}`), 'an expired ticket').to.equal(401);
    const lapsed = { ...claims, expiresAt: Math.floor(Date.now() / 1000) - 1 };
    expect(await refusal(`${path(mine.conversationId)}?ticket=${await access.issueTicket(lapsed, 60)}`), 'a ticket whose token expired').to.equal(403);
    const ghost = { ...claims, conversationId: 'ghostConversation1' };
    expect(await refusal(`${path('ghostConversation1')}?ticket=${await access.issueTicket(ghost, 60)}`)).to.equal(404);
  });

  it('an upgrade to any other path is refused at once, and the connection is closed (no hanging sockets)', async () => {
    const { port } = new URL(running.baseUrl);
    for (const path of ['/', '/api/messages', '/v3/directline/conversations', '/v3/directline/conversations/abcdefgh123/activities']) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          );
        });
        let text = '';
        socket.on('data', (d) => (text += String(d)));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        socket.setTimeout(2000, () => reject(new Error(`the socket for ${path} was left open`)));
      });
      expect(answer, path).to.match(/^HTTP\/1\.1 404/);
    }
  });

  it('counts sockets per conversation against the limit; a closed one frees its place', async () => {
    await running.close();
    running = await startWebChannel({ activityLog: new MemoryActivityLog(), webSocket: { limits: { perConversation: 2 } } });
    dl = new DirectLineClient(running.baseUrl);
    const { streamUrl, token, conversationId } = await started();
    const first = await stream(streamUrl);
    await stream(await anotherStreamUrl(token, conversationId));
    expect(await refusal(await anotherStreamUrl(token, conversationId))).to.equal(429);
    first.ws.close();
    await first.closed;
    await until(() => running.channel.streams!.size === 1, 'the server to see the close');
    await stream(await anotherStreamUrl(token, conversationId));
  });

  it('closes the socket with 1008 when its token expires (the client reconnects with its fresh token)', async () => {
    await running.close();
    running = await startWebChannel({ activityLog: new MemoryActivityLog(), tokenTtlSeconds: 1 });
    dl = new DirectLineClient(running.baseUrl);
    const { streamUrl } = await started();
    const { closed } = await stream(streamUrl);
    expect(await closed).to.equal(1008);
  });

  it('a channel with webSocket: false returns no streamUrl and takes no upgrades', async () => {
    await running.close();
    running = await startWebChannel({ activityLog: new MemoryActivityLog(), webSocket: false });
    dl = new DirectLineClient(running.baseUrl);
    const start = await dl.call('POST', '/conversations', { token: (await dl.generate()).body.token, body: {} });
    expect(start.body).to.not.have.property('streamUrl');
    const url = `${running.baseUrl.replace('http:', 'ws:')}/v3/directline/conversations/${String(start.body['conversationId'])}/stream?ticket=${'A'.repeat(43)}`;
    expect(await refusal(url)).to.equal(404);
    expect(await refusal(`${running.baseUrl.replace('http:', 'ws:')}/undefined`), 'as directlinejs asks when given no streamUrl').to.equal(404);
  });
});

/** A log that tells of appends as a shared one does (ActivityLog.watch), at the test's word. */
class WatchedLog extends MemoryActivityLog {
  listener: AppendListener | undefined;
  readonly followed: string[] = [];
  closed = false;
  watch(listener: AppendListener): AppendWatch {
    this.listener = listener;
    return {
      follow: (id) => void this.followed.push(id),
      unfollow: (id) => this.followed.splice(this.followed.indexOf(id), 1),
      listening: Promise.resolve(),
      close: async () => {
        this.closed = true;
      },
    };
  }
}

describe('web channel: the stream on a log that tells of appends (as Redis does)', () => {
  let running: RunningChannel;
  let log: WatchedLog;
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    log = new WatchedLog();
    // No scan within a test: what the socket gets, it gets by being told.
    running = await startWebChannel({ activityLog: log, webSocket: { scanMs: 60 * 60 * 1000 } });
  });
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await running.close();
  });

  it("follows the conversations with open sockets; a told append wakes its sockets, a reconnection ('missed') reads every one; closing ends the watch", async () => {
    const dl = new DirectLineClient(running.baseUrl);
    const start = await dl.call<{ conversationId: string; streamUrl: string }>('POST', '/conversations', { token: (await dl.generate()).body.token, body: {} });
    const { conversationId, streamUrl } = start.body;
    const { ws, groups } = await openStream(streamUrl);
    sockets.push(ws);
    await until(() => texts(groups).length >= 2, 'the greeting');
    expect(log.followed).to.deep.equal([conversationId]);
    const bot = { from: { id: 'yidi-bot', name: '', role: 'bot' } } as Partial<Activity>;
    // Appended by "another instance" (straight into the log): told, it arrives.
    await log.append(conversationId, { ...bot, type: 'message', text: '另一个实例的回复' });
    log.listener!.appended(conversationId);
    await until(() => texts(groups).includes('另一个实例的回复'), 'the told append');
    // Appended while notices were lost: the log listening again has every open conversation read.
    await log.append(conversationId, { ...bot, type: 'message', text: '断线期间的通知' });
    log.listener!.missed();
    await until(() => texts(groups).includes('断线期间的通知'), 'the append made while notices were lost');
    ws.close();
    await until(() => log.followed.length === 0, 'the conversation no longer followed');
    await running.close();
    expect(log.closed).to.equal(true);
  });
});

/** A log whose exists() waits for the test to open a gate: an upgrade is then caught mid-check. */
class GatedLog extends MemoryActivityLog {
  gate: Promise<void> = Promise.resolve();
  open: () => void = () => {};
  waiting = 0;
  close(): void {
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
  }
  override async exists(conversationId: string): Promise<boolean> {
    this.waiting += 1;
    await this.gate;
    this.waiting -= 1;
    return super.exists(conversationId);
  }
}

describe('web channel: the stream while an upgrade is still being checked (slow log)', () => {
  let running: RunningChannel;
  let log: GatedLog;
  let dl: DirectLineClient;
  const sockets: WebSocket[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeEach(async () => {
    log = new GatedLog();
    running = await startWebChannel({ activityLog: log, webSocket: { limits: { perConversation: 3 } } });
    dl = new DirectLineClient(running.baseUrl);
    process.on('uncaughtException', onUncaught);
  });
  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    log.open();
    for (const ws of sockets.splice(0)) ws.terminate();
    await running.close();
  });

  async function streamUrlOfNewConversation(): Promise<string> {
    return (await streamUrlsOfNewConversation(1))[0]!;
  }

  /** `n` streamUrls (each with its own ticket) for one new conversation. */
  async function streamUrlsOfNewConversation(n: number): Promise<string[]> {
    const generated = await dl.generate();
    const start = await dl.call<{ streamUrl: string; token: string; conversationId: string }>('POST', '/conversations', { token: generated.body.token, body: {} });
    const urls = [start.body.streamUrl];
    while (urls.length < n) {
      const again = await dl.call<{ streamUrl: string }>('GET', `/conversations/${start.body.conversationId}?watermark=`, { token: start.body.token });
      urls.push(again.body.streamUrl);
    }
    return urls;
  }

  it('a client that resets its connection meanwhile does not crash the process', async () => {
    const url = new URL(await streamUrlOfNewConversation());
    log.close();
    const socket = connect(Number(url.port), '127.0.0.1', () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    socket.on('error', () => undefined);
    await until(() => log.waiting === 1, 'the upgrade to wait for the log');
    socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    log.open();
    await new Promise((r) => setTimeout(r, 100));
    expect(uncaught).to.deep.equal([]);
    expect((await fetch(`${running.baseUrl}/v3/directline/tokens/generate`, { method: 'POST' })).status).to.equal(200);
  });

  it('upgrades arriving together cannot pass the per-conversation limit', async () => {
    const urls = await streamUrlsOfNewConversation(6);
    log.close();
    const attempts = urls.map((url) => {
      const ws = new WebSocket(url);
      sockets.push(ws);
      return new Promise<'open' | number>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => undefined);
      });
    });
    await until(() => log.waiting === 3, 'three upgrades to wait for the log');
    log.open();
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'open')).to.have.length(3);
    expect(outcomes.filter((o) => o === 429)).to.have.length(3);
  });

  it('shutdown meanwhile: the pending upgrade is refused (503) and the server closes promptly', async () => {
    const url = await streamUrlOfNewConversation();
    log.close();
    const ws = new WebSocket(url);
    sockets.push(ws);
    const outcome = new Promise<'open' | number>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => undefined);
    });
    await until(() => log.waiting === 1, 'the upgrade to wait for the log');
    const closed = running.close();
    log.open();
    expect(await outcome).to.equal(503);
    let done = false;
    void closed.then(() => (done = true));
    await until(() => done, 'the server to close', 3000);
    running = await startWebChannel({ activityLog: new MemoryActivityLog() });
  });
});
