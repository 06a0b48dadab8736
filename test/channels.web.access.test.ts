import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { MemoryWebAccess, RedisActivityLog, RedisWebAccess, type WebAccessStore } from '../src/channels/web/index.js';
import { DirectLineClient, startWebChannel, type RunningChannel } from './channels.web.fixtures.js';
import { SharedRedis } from './support/redis.js';

/**
 * The web channel's access store: single-use stream tickets and revoked tokens, one contract for the
 * memory store and Redis; and two channel instances on one Redis, where a ticket issued by one is taken
 * by the other, once, and a token refreshed on one is refused by the other.
 */
function webAccessContract(name: string, make: () => WebAccessStore | Promise<WebAccessStore>) {
  describe(`${name}: the web access store contract`, () => {
    let access: WebAccessStore;
    const conversation = () => `c${randomBytes(8).toString('hex')}`;
    const claimsFor = (conversationId: string) => ({ conversationId, userId: 'dl_person', expiresAt: Math.floor(Date.now() / 1000) + 1800 });
    beforeEach(async () => {
      access = await make();
    });

    it('a ticket gives its claims once, and never again', async () => {
      const id = conversation();
      const ticket = await access.issueTicket(claimsFor(id), 60);
      expect(ticket).to.match(/^[\w-]{43}$/);
      expect(await access.takeTicket(id, ticket)).to.deep.equal(claimsFor(id));
      expect(await access.takeTicket(id, ticket)).to.equal(undefined);
    });

    it('of many takers of one ticket at once, exactly one gets it', async () => {
      const id = conversation();
      const ticket = await access.issueTicket(claimsFor(id), 60);
      const taken = await Promise.all(Array.from({ length: 10 }, () => access.takeTicket(id, ticket)));
      expect(taken.filter((t) => t !== undefined)).to.have.length(1);
    });

    it('a ticket opens only its own conversation; made-up and malformed tickets open nothing', async () => {
      const [a, b] = [conversation(), conversation()];
      const ticket = await access.issueTicket(claimsFor(a), 60);
      expect(await access.takeTicket(b, ticket)).to.equal(undefined);
      for (const bad of ['', 'x', 'A'.repeat(43), `${ticket}x`, '../../etc', 'a b'.repeat(15)]) expect(await access.takeTicket(a, bad), bad).to.equal(undefined);
      expect(await access.takeTicket(a, ticket), 'still there for its own conversation').to.deep.equal(claimsFor(a));
    });

    it('a ticket past its lifetime opens nothing', async () => {
      const id = conversation();
      const ticket = await access.issueTicket(claimsFor(id), 1);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await access.takeTicket(id, ticket)).to.equal(undefined);
    });

    it('revoking a token: the first revocation says so, a second does not; other tokens and conversations are untouched', async () => {
      const [a, b] = [conversation(), conversation()];
      const until = Math.floor(Date.now() / 1000) + 600;
      expect(await access.isRevoked(a, 'token-1')).to.equal(false);
      expect(await access.revoke(a, 'token-1', until)).to.equal(true);
      expect(await access.revoke(a, 'token-1', until)).to.equal(false);
      expect(await access.isRevoked(a, 'token-1')).to.equal(true);
      expect(await access.isRevoked(a, 'token-2')).to.equal(false);
      expect(await access.isRevoked(b, 'token-1')).to.equal(false);
    });

    it('of many revocations of one token at once, exactly one is first', async () => {
      const id = conversation();
      const results = await Promise.all(Array.from({ length: 10 }, () => access.revoke(id, 'token-race', Math.floor(Date.now() / 1000) + 600)));
      expect(results.filter(Boolean)).to.have.length(1);
    });
  });
}

webAccessContract('MemoryWebAccess', () => new MemoryWebAccess());

describe('RedisWebAccess against a real Redis', () => {
  const shared = new SharedRedis('web-access');
  after(() => shared.cleanUp());

  webAccessContract('RedisWebAccess', async () => new RedisWebAccess(await shared.readyClient(), { keyPrefix: shared.prefix }));

  it('keeps tickets hashed and revocations only until the token would have expired, under the conversation\'s hash tag', async () => {
    const redis = await shared.readyClient();
    const access = new RedisWebAccess(redis, { keyPrefix: shared.prefix });
    const ticket = await access.issueTicket({ conversationId: 'conversation-keys', userId: 'dl_x', expiresAt: 0 }, 60);
    await access.revoke('conversation-keys', 'token-x', Math.floor(Date.now() / 1000) + 120);
    const keys = (await redis.keys(`${shared.prefix}{conversation-keys}*`)).sort();
    expect(keys).to.have.length(2);
    expect(keys.join(' ')).to.not.include(ticket);
    for (const key of keys) expect(await redis.ttl(key), key).to.be.within(1, 120);
  });

  describe('two channel instances sharing Redis', () => {
    let a: RunningChannel;
    let b: RunningChannel;
    const sockets: WebSocket[] = [];
    beforeEach(async () => {
      const redis = await shared.readyClient();
      const parts = () => ({ activityLog: new RedisActivityLog(redis, { keyPrefix: shared.prefix }), access: new RedisWebAccess(redis, { keyPrefix: shared.prefix }) });
      a = await startWebChannel(parts());
      b = await startWebChannel({ ...parts(), logic: a.bot.logic });
    });
    afterEach(async () => {
      for (const ws of sockets.splice(0)) ws.terminate();
      await a.close();
      await b.close();
    });

    /** Opens the socket at `url` on `port` instead of the host the URL names; resolves 'open' or the refusal's status. */
    const upgrade = (url: string, port: string) =>
      new Promise<'open' | number>((resolve) => {
        const target = new URL(url);
        target.port = port;
        const ws = new WebSocket(target);
        sockets.push(ws);
        ws.once('open', () => resolve('open'));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => undefined);
      });

    it('a stream ticket issued by one instance opens a socket on the other, once', async () => {
      const onA = new DirectLineClient(a.baseUrl);
      const { token, conversationId } = await onA.open();
      const { streamUrl } = (await onA.reconnect(token, conversationId)).body;
      expect(await upgrade(streamUrl!, new URL(b.baseUrl).port)).to.equal('open');
      expect(await upgrade(streamUrl!, new URL(a.baseUrl).port)).to.equal(401);
    });

    it('a token refreshed on one instance is refused by the other', async () => {
      const onA = new DirectLineClient(a.baseUrl);
      const onB = new DirectLineClient(b.baseUrl);
      const { token, conversationId } = await onA.open();
      const fresh = (await onA.refresh(token)).body.token;
      expect((await onB.poll(token, conversationId)).status).to.equal(403);
      expect((await onB.refresh(token)).status).to.equal(403);
      expect((await onB.poll(fresh, conversationId)).status).to.equal(200);
    });
  });
});
