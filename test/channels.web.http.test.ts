import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { DEFAULT_EXPIRED_TOKEN_GRACE_SECONDS, MemoryActivityLog, WebTokens } from '../src/channels/web/index.js';
import {
  BOT_WORDS,
  DirectLineClient,
  startWebChannel,
  TEST_SECRET,
  textsOf,
  userMessage,
  type RunningChannel,
} from './channels.web.fixtures.js';

const zh = BOT_WORDS['zh-CN'];
const en = BOT_WORDS['en-US'];

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('web channel: the Direct Line 3.0 subset Web Chat uses, over a real port', () => {
  let running: RunningChannel;
  let dl: DirectLineClient;

  beforeEach(async () => {
    running = await startWebChannel({ activityLog: new MemoryActivityLog() });
    dl = new DirectLineClient(running.baseUrl);
  });
  afterEach(() => running.close());

  describe('tokens', () => {
    it('generate gives the page a token for a new conversation, with no secret in the page', async () => {
      const reply = await dl.generate();
      expect(reply.status).to.equal(200);
      expect(reply.body.conversationId).to.match(/^[A-Za-z0-9_-]{8,64}$/);
      expect(reply.body.expires_in).to.equal(1800);
      const claims = claimsOf(reply.body.token);
      expect(claims['conv']).to.equal(reply.body.conversationId);
      expect(claims['user'], 'Web Chat reads the user id from the token').to.match(/^dl_/);
    });

    it('two generated tokens open two different conversations', async () => {
      const [a, b] = await Promise.all([dl.generate(), dl.generate()]);
      expect(a.body.conversationId).to.not.equal(b.body.conversationId);
    });

    it('refresh gives a new token for the same conversation and user', async () => {
      const { token, conversationId } = await dl.open();
      const reply = await dl.refresh(token);
      expect(reply.status).to.equal(200);
      expect(reply.body.conversationId).to.equal(conversationId);
      expect(claimsOf(reply.body.token)['user']).to.equal(claimsOf(token)['user']);
      expect((await dl.poll(reply.body.token, conversationId)).status).to.equal(200);
    });

    it('refresh revokes the token it replaces: a copy of the old one no longer polls, posts, reconnects or refreshes', async () => {
      const { token, conversationId } = await dl.open();
      const fresh = (await dl.refresh(token)).body.token;
      for (const reply of [
        await dl.poll(token, conversationId),
        await dl.post(token, conversationId, userMessage('x')),
        await dl.reconnect(token, conversationId),
        await dl.refresh(token),
      ]) {
        expect(reply.status).to.equal(403);
        expect(reply.body).to.have.nested.property('error.code', 'TokenExpired');
      }
      expect((await dl.poll(fresh, conversationId)).status).to.equal(200);
      expect((await dl.refresh(fresh)).status).to.equal(200);
    });

    it('of two refreshes of one token at the same moment, exactly one gets a new token', async () => {
      const { token } = await dl.open();
      const replies = await Promise.all([dl.refresh(token), dl.refresh(token), dl.refresh(token)]);
      expect(replies.map((r) => r.status).sort()).to.deep.equal([200, 403, 403]);
    });

    it('a stream URL alone opens nothing: its ticket is no token for refresh, reconnect or polling', async () => {
      const { token, conversationId } = await dl.open();
      const streamUrl = (await dl.reconnect(token, conversationId)).body.streamUrl as string;
      const ticket = new URL(streamUrl).searchParams.get('ticket')!;
      expect((await dl.refresh(ticket)).status).to.equal(401);
      expect((await dl.reconnect(ticket, conversationId)).status).to.equal(401);
      expect((await dl.poll(ticket, conversationId)).status).to.equal(401);
    });
  });

  describe('starting and reconnecting', () => {
    it('start answers 201 and the bot greets first, then asks with buttons (suggested actions)', async () => {
      const generated = await dl.generate();
      const started = await dl.start(generated.body.token, 'zh-CN');
      expect(started.status).to.equal(201);
      expect(started.body.conversationId).to.equal(generated.body.conversationId);
      const polled = await dl.poll(started.body.token, started.body.conversationId);
      expect(textsOf(polled.body.activities)).to.deep.equal([zh.greeting, zh.choose]);
      const prompt = polled.body.activities[1]!;
      expect(prompt.suggestedActions?.actions.map((a) => a.value)).to.deep.equal([...zh.choices]);
      expect(prompt.from.role).to.equal('bot');
      expect(prompt.channelId).to.equal('webchat');
      expect(polled.body.watermark).to.equal('2');
      const update = running.bot.received[0]!;
      expect(update.type).to.equal('conversationUpdate');
      expect(update.membersAdded?.map((m) => m.id)).to.include(claimsOf(generated.body.token)['user']);
    });

    it('start in English greets in English', async () => {
      const { token, conversationId } = await dl.open('en-US');
      expect(textsOf((await dl.poll(token, conversationId)).body.activities)).to.deep.equal([en.greeting, en.choose]);
    });

    it('starting the same conversation again answers 200 and does not greet twice', async () => {
      const { token, conversationId } = await dl.open();
      const again = await dl.start(token);
      expect(again.status).to.equal(200);
      expect(again.body.conversationId).to.equal(conversationId);
      expect((await dl.poll(token, conversationId)).body.activities).to.have.length(2);
    });

    it('two starts of one conversation at the same moment: one 201, one 200, a single greeting', async () => {
      const { body } = await dl.generate();
      const statuses = (await Promise.all([dl.start(body.token), dl.start(body.token)])).map((r) => r.status).sort();
      expect(statuses).to.deep.equal([200, 201]);
      expect(textsOf((await dl.poll(body.token, body.conversationId)).body.activities)).to.deep.equal([zh.greeting, zh.choose]);
    });

    it('reconnect answers with a fresh token and the history replays from the start', async () => {
      const { token, conversationId } = await dl.open();
      await dl.post(token, conversationId, userMessage(zh.choices[0]));
      const reconnected = await dl.reconnect(token, conversationId);
      expect(reconnected.status).to.equal(200);
      expect(reconnected.body.conversationId).to.equal(conversationId);
      const history = await dl.poll(reconnected.body.token, conversationId, '');
      expect(textsOf(history.body.activities)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);
    });

    it('reconnecting to a conversation that was never started (or has expired) is 404', async () => {
      const generated = await dl.generate();
      const reply = await dl.reconnect(generated.body.token, generated.body.conversationId);
      expect(reply.status).to.equal(404);
      expect(reply.body).to.have.nested.property('error.code', 'NotFound');
    });
  });

  describe('posting and polling', () => {
    it('walks the small filing: a button choice, then typed text, each reply after the echo', async () => {
      const { token, conversationId } = await dl.open();
      let watermark = (await dl.poll(token, conversationId)).body.watermark;

      const posted = await dl.post(token, conversationId, userMessage(zh.choices[1]));
      expect(posted.status).to.equal(200);
      expect(posted.body.id).to.equal(`${conversationId}|0000003`);
      let page = await dl.poll(token, conversationId, watermark);
      expect(textsOf(page.body.activities)).to.deep.equal([zh.choices[1], zh.askName]);
      expect(page.body.activities[1]!.replyToId).to.equal(posted.body.id);
      watermark = page.body.watermark;

      await dl.post(token, conversationId, userMessage('张三'));
      page = await dl.poll(token, conversationId, watermark);
      expect(textsOf(page.body.activities)).to.deep.equal(['张三', zh.done('张三', zh.choices[1])]);
      expect((await dl.poll(token, conversationId, page.body.watermark)).body.activities).to.deep.equal([]);
    });

    it('echoes the user activity with its clientActivityID, the server id, and the user from the token', async () => {
      const { token, conversationId } = await dl.open();
      const message = userMessage(zh.choices[0], { from: { id: 'someone-else', role: 'bot' } });
      const posted = await dl.post(token, conversationId, message);
      const echo = (await dl.poll(token, conversationId, '2')).body.activities[0]!;
      expect(echo.id).to.equal(posted.body.id);
      expect(echo.channelData).to.deep.equal(message['channelData']);
      expect(echo.from).to.include({ id: claimsOf(token)['user'], role: 'user' });
      expect(echo.timestamp).to.be.a('string');
    });

    it('the locale sent on an activity reaches the bot, which answers in English', async () => {
      const { token, conversationId } = await dl.open('en-US');
      await dl.post(token, conversationId, userMessage(en.choices[0], { locale: 'en-US' }));
      const page = await dl.poll(token, conversationId, '2');
      expect(textsOf(page.body.activities)).to.deep.equal([en.choices[0], en.askName]);
      expect(running.bot.received.at(-1)!.locale).to.equal('en-US');
    });

    it('a message the bot sends later (proactively) reaches the page on the next poll', async () => {
      const { token, conversationId } = await dl.open();
      const reference = running.bot.references.get(conversationId)!;
      await running.channel.adapter.continueConversation(reference, async (context) => {
        await context.sendActivity('稍后的提醒');
      });
      const page = await dl.poll(token, conversationId, '2');
      expect(textsOf(page.body.activities)).to.deep.equal(['稍后的提醒']);
      expect(page.body.activities[0]!.from.role).to.equal('bot');
    });

    it('a long history comes back in pages of at most 100, each with its watermark', async () => {
      const { token, conversationId } = await dl.open();
      const reference = running.bot.references.get(conversationId)!;
      await running.channel.adapter.continueConversation(reference, async (context) => {
        for (let i = 0; i < 120; i++) await context.sendActivity(`n${i}`);
      });
      const first = await dl.poll(token, conversationId, '');
      expect(first.body.activities).to.have.length(100);
      expect(first.body.watermark).to.equal('100');
      const second = await dl.poll(token, conversationId, first.body.watermark);
      expect(second.body.activities.map((a: Activity) => a.text).at(-1)).to.equal('n119');
      expect(second.body.watermark).to.equal('122');
    });
  });

  it('typing indicators reach the bot but are not kept in the replayable log', async () => {
    const { token, conversationId } = await dl.open();
    const typing = await dl.post(token, conversationId, { type: 'typing', channelData: { clientActivityID: 'c-typing' } });
    expect(typing.status).to.equal(200);
    expect(typing.body.id).to.be.a('string').and.not.equal('');
    expect(running.bot.received.at(-1)?.type).to.equal('typing');
    await dl.post(token, conversationId, userMessage(zh.choices[0]));
    const page = await dl.poll(token, conversationId, '');
    expect(page.body.activities.map((a) => a.type)).to.not.include('typing');
    expect(textsOf(page.body.activities)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);
  });

  describe('refusals', () => {
    const routes = (conversationId: string) => [
      ['POST', '/tokens/refresh'],
      ['POST', '/conversations'],
      ['GET', `/conversations/${conversationId}?watermark=`],
      ['GET', `/conversations/${conversationId}/activities?watermark=`],
      ['POST', `/conversations/${conversationId}/activities`],
    ] as const;

    it('no token → 401 Unauthorized on every route that needs one', async () => {
      const { conversationId } = await dl.open();
      for (const [method, path] of routes(conversationId)) {
        const reply = await dl.call(method, path, method === 'POST' ? { body: userMessage('x') } : {});
        expect(reply.status, `${method} ${path}`).to.equal(401);
        expect(reply.body).to.have.nested.property('error.code', 'Unauthorized');
      }
    });

    it('a forged token (claims changed, or signed with another secret) → 401 with a JSON error', async () => {
      const { token, conversationId } = await dl.open();
      const [header, , signature] = token.split('.');
      const otherClaims = Buffer.from(JSON.stringify({ ...claimsOf(token), exp: 9999999999 })).toString('base64url');
      const tampered = `${header}.${otherClaims}.${signature}`;
      const foreign = new WebTokens('another-secret-of-enough-length').issue(conversationId, 'dl_x').token;
      for (const forged of [tampered, foreign, 'not-a-token', `${token}x`]) {
        const reply = await dl.poll(forged, conversationId);
        expect(reply.status, forged).to.equal(401);
        expect(reply.headers.get('content-type')).to.match(/application\/json/);
        expect(reply.body).to.have.nested.property('error.code', 'Unauthorized');
      }
    });

    it('an expired token → 403 TokenExpired on every route but reconnect and refresh', async () => {
      const { conversationId } = await dl.open();
      const longAgo = new WebTokens(TEST_SECRET, 60, () => Date.now() - 3600_000).issue(conversationId, 'dl_old').token;
      for (const [method, path] of routes(conversationId)) {
        if (path === '/tokens/refresh' || path.endsWith('?watermark=') && !path.includes('/activities')) continue;
        const reply = await dl.call(method, path, method === 'POST' ? { token: longAgo, body: userMessage('x') } : { token: longAgo });
        expect(reply.status, `${method} ${path}`).to.equal(403);
        expect(reply.body).to.have.nested.property('error.code', 'TokenExpired');
      }
    });

    describe('an expired token resumes its own conversation for two hours while the conversation lives (a laptop that slept)', () => {
      it('the grace is two hours', () => {
        expect(DEFAULT_EXPIRED_TOKEN_GRACE_SECONDS).to.equal(2 * 3600);
      });

      const expiredFor = (conversationId: string, userId: string, agoSeconds: number) =>
        new WebTokens(TEST_SECRET, 1800, () => Date.now() - (1800 + agoSeconds) * 1000).issue(conversationId, userId).token;

      it('reconnect and refresh answer with a fresh token for the same conversation and user', async () => {
        const { token, conversationId } = await dl.open();
        const user = String(claimsOf(token)['user']);
        const stale = expiredFor(conversationId, user, 110 * 60);
        const reconnected = await dl.reconnect(stale, conversationId);
        expect(reconnected.status).to.equal(200);
        expect(reconnected.body.conversationId).to.equal(conversationId);
        const fresh = reconnected.body.token;
        expect(claimsOf(fresh)).to.include({ conv: conversationId, user });
        expect(Number(claimsOf(fresh)['exp']) * 1000).to.be.greaterThan(Date.now());
        expect(textsOf((await dl.poll(fresh, conversationId)).body.activities)).to.deep.equal([zh.greeting, zh.choose]);
        const refreshed = await dl.refresh(expiredFor(conversationId, user, 600));
        expect(refreshed.status).to.equal(200);
        expect(claimsOf(refreshed.body.token)).to.include({ conv: conversationId, user });
      });

      it('not for a conversation that no longer exists, nor another conversation, nor past the two hours, nor forged', async () => {
        const { token, conversationId } = await dl.open();
        const gone = expiredFor('conversationGone12345', 'dl_x', 60);
        expect((await dl.reconnect(gone, 'conversationGone12345')).status).to.equal(403);
        expect((await dl.refresh(gone)).body).to.have.nested.property('error.code', 'TokenExpired');
        const other = await dl.open();
        const reply = await dl.reconnect(expiredFor(other.conversationId, 'dl_x', 60), conversationId);
        expect(reply.status).to.equal(403);
        expect(reply.body).to.have.nested.property('error.code', 'Forbidden');
        const ancient = expiredFor(conversationId, String(claimsOf(token)['user']), 2 * 3600 + 60);
        expect((await dl.reconnect(ancient, conversationId)).body).to.have.nested.property('error.code', 'TokenExpired');
        expect((await dl.refresh(ancient)).status).to.equal(403);
        const forged = new WebTokens('another-secret-0123456789abcdef', 1800, () => Date.now() - 3600_000).issue(conversationId, 'dl_x').token;
        expect((await dl.reconnect(forged, conversationId)).status).to.equal(401);
      });
    });

    it("a token reaches only its own conversation: another conversation's id → 403", async () => {
      const mine = await dl.open();
      const theirs = await dl.open();
      const attempts = [
        dl.poll(mine.token, theirs.conversationId),
        dl.reconnect(mine.token, theirs.conversationId),
        dl.post(mine.token, theirs.conversationId, userMessage('偷看')),
      ];
      for (const reply of await Promise.all(attempts)) {
        expect(reply.status).to.equal(403);
        expect(reply.body).to.have.nested.property('error.code', 'Forbidden');
      }
      expect(textsOf((await dl.poll(theirs.token, theirs.conversationId)).body.activities)).to.not.include('偷看');
    });

    it('an oversized body → 413, and nothing reaches the bot', async () => {
      const { token, conversationId } = await dl.open();
      const before = running.bot.received.length;
      const reply = await dl.post(token, conversationId, userMessage('长'.repeat(20_000)));
      expect(reply.status).to.equal(413);
      expect(reply.body).to.have.nested.property('error.code', 'PayloadTooLarge');
      expect(running.bot.received.length).to.equal(before);
    });

    const malformed: [string, string][] = [
      ['not JSON', '{"type": "message", "text": '],
      ['a JSON array', '[]'],
      ['no type', '{"text": "hi"}'],
      ['a type the page may not send', '{"type": "conversationUpdate", "membersAdded": []}'],
      ['text that is not a string', '{"type": "message", "text": 42}'],
      ['an event without a name', '{"type": "event"}'],
    ];
    for (const [what, rawBody] of malformed) {
      it(`a malformed activity (${what}) → 400 BadArgument`, async () => {
        const { token, conversationId } = await dl.open();
        const reply = await dl.call('POST', `/conversations/${conversationId}/activities`, { token, rawBody });
        expect(reply.status).to.equal(400);
        expect(reply.body).to.have.nested.property('error.code', 'BadArgument');
      });
    }
  });

  describe('rate limits', () => {
    it('too many requests for one conversation → 429 with Retry-After and a JSON error; others are unaffected', async () => {
      await running.close();
      running = await startWebChannel({
        activityLog: new MemoryActivityLog(),
        rateLimit: { perConversation: { burst: 5, perSecond: 0.01 } },
      });
      dl = new DirectLineClient(running.baseUrl);
      const busy = await dl.open(); // start: 1 request
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 6; i++) {
        last = await dl.post(busy.token, busy.conversationId, userMessage(`第${i}条`));
        statuses.push(last.status);
      }
      expect(statuses).to.deep.equal([200, 200, 200, 200, 429, 429]);
      expect(last!.body).to.have.nested.property('error.code', 'TooManyRequests');
      expect(Number(last!.headers.get('retry-after'))).to.be.greaterThan(0);
      const other = await dl.open();
      expect((await dl.poll(other.token, other.conversationId)).status).to.equal(200);
    });

    it('a poll over the limit is never refused (directlinejs would stop polling): 200, nothing new, the same watermark', async () => {
      await running.close();
      running = await startWebChannel({ activityLog: new MemoryActivityLog(), rateLimit: { perConversation: { burst: 3, perSecond: 0.01 } } });
      dl = new DirectLineClient(running.baseUrl);
      const { token, conversationId } = await dl.open(); // 1 request
      const first = await dl.poll(token, conversationId, ''); // 2
      expect(textsOf(first.body.activities)).to.deep.equal([zh.greeting, zh.choose]);
      expect((await dl.post(token, conversationId, userMessage(zh.choices[0]))).status).to.equal(200); // 3: the last allowed
      for (const watermark of ['2', '', '1']) {
        const limited = await dl.poll(token, conversationId, watermark);
        expect(limited.status).to.equal(200);
        expect(limited.body).to.deep.equal({ activities: [], watermark });
      }
      const post = await dl.post(token, conversationId, userMessage('张三'));
      expect(post.status, 'posts over the limit are still refused').to.equal(429);
    });

    it('polls over the address limit are answered as "nothing new" too; token creation is refused with 429', async () => {
      await running.close();
      running = await startWebChannel({ activityLog: new MemoryActivityLog(), rateLimit: { perAddress: { burst: 3, perSecond: 0.01 } } });
      dl = new DirectLineClient(running.baseUrl);
      const { token, conversationId } = await dl.open(); // 2 requests
      expect((await dl.poll(token, conversationId, '0')).body.activities).to.have.length(2); // 3
      const limited = await dl.poll(token, conversationId, '2');
      expect(limited.status).to.equal(200);
      expect(limited.body).to.deep.equal({ activities: [], watermark: '2' });
      expect((await dl.generate()).status).to.equal(429);
      expect((await dl.start(token)).status).to.equal(429);
    });

    it('refreshing the token does not escape the conversation limit', async () => {
      await running.close();
      running = await startWebChannel({ activityLog: new MemoryActivityLog(), rateLimit: { perConversation: { burst: 3, perSecond: 0.01 } } });
      dl = new DirectLineClient(running.baseUrl);
      const { token, conversationId } = await dl.open();
      const refreshed = await dl.refresh(token);
      expect(refreshed.status).to.equal(200);
      expect((await dl.post(refreshed.body.token, conversationId, userMessage('一'))).status).to.equal(200);
      expect((await dl.post(refreshed.body.token, conversationId, userMessage('二'))).status).to.equal(429);
    });

    it('too many new conversations from one address → 429', async () => {
      await running.close();
      running = await startWebChannel({ activityLog: new MemoryActivityLog(), rateLimit: { newConversationsPerAddress: { burst: 3, perSecond: 0.01 } } });
      dl = new DirectLineClient(running.baseUrl);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await dl.generate()).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429]);
    });

    it('too many requests from one address, whatever the token → 429', async () => {
      await running.close();
      running = await startWebChannel({ activityLog: new MemoryActivityLog(), rateLimit: { perAddress: { burst: 4, perSecond: 0.01 } } });
      dl = new DirectLineClient(running.baseUrl);
      const { token, conversationId } = await dl.open(); // 2 requests
      expect((await dl.poll(token, conversationId)).status).to.equal(200);
      expect((await dl.poll(token, conversationId)).status).to.equal(200);
      expect((await dl.post(token, conversationId, userMessage('你好'))).status).to.equal(429);
      const refused = await dl.generate();
      expect(refused.status).to.equal(429);
      expect(refused.body).to.have.nested.property('error.code', 'TooManyRequests');
    });
  });

  describe('on a server whose parsers run for every route (as src/app.ts sets it up)', () => {
    beforeEach(async () => {
      await running.close();
      running = await startWebChannel({ activityLog: new MemoryActivityLog(), serverWideParsers: true });
      dl = new DirectLineClient(running.baseUrl);
    });

    it('the whole exchange works the same', async () => {
      const { token, conversationId } = await dl.open('en-US');
      await dl.post(token, conversationId, userMessage(en.choices[1], { locale: 'en-US' }));
      const page = await dl.poll(token, conversationId, '');
      expect(textsOf(page.body.activities)).to.deep.equal([en.greeting, en.choose, en.choices[1], en.askName]);
    });

    it('the channel’s own body limit still holds, and malformed bodies are still refused', async () => {
      const { token, conversationId } = await dl.open();
      expect((await dl.post(token, conversationId, userMessage('长'.repeat(20_000)))).status).to.equal(413);
      const reply = await dl.call('POST', `/conversations/${conversationId}/activities`, { token, rawBody: '{"type": "message", "text": ' });
      expect(reply.status).to.equal(400);
      expect((await dl.call('POST', `/conversations/${conversationId}/activities`, { token, rawBody: '{"text": "hi"}' })).status).to.equal(400);
    });
  });
});
