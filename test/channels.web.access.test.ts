import { expect } from 'chai';
import WebSocket from 'ws';
import { MemoryWebAccess, RedisActivityLog, RedisWebAccess } from '../src/channels/web/index.js';
import { DirectLineClient, startWebChannel, type RunningChannel } from './channels.web.fixtures.js';
import { SharedRedis } from './support/redis.js';
import { webAccessContract } from './channels.web.access-contract.js';

/**
 * The web channel's access store: single-use stream tickets and revoked tokens, one contract for the
 * memory store and Redis; and two channel instances on one Redis, where a ticket issued by one is taken
 * by the other, once, and a token refreshed on one is refused by the other.
 */
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

  it('admission: the revocation and whether the log under the same prefix holds the conversation, as isRevoked and exists() say, in one round trip', async () => {
    const redis = await shared.readyClient();
    const access = new RedisWebAccess(redis, { keyPrefix: shared.prefix });
    const log = new RedisActivityLog(redis, { keyPrefix: shared.prefix });
    const until = Math.floor(Date.now() / 1000) + 120;
    expect(await access.admission('admit-1', 'token-a')).to.deep.equal({ revoked: false, exists: false });
    await log.create('admit-1');
    expect(await access.admission('admit-1', 'token-a')).to.deep.equal({ revoked: false, exists: true });
    await access.revoke('admit-1', 'token-a', until);
    expect(await access.admission('admit-1', 'token-a')).to.deep.equal({ revoked: true, exists: true });
    expect(await access.admission('admit-1', 'token-b')).to.deep.equal({ revoked: false, exists: true });
    await access.revoke('admit-2', 'token-a', until);
    expect(await access.admission('admit-2', 'token-a')).to.deep.equal({ revoked: true, exists: false });
    for (const [c, t] of [['admit-1', 'token-a'], ['admit-1', 'token-b'], ['admit-2', 'token-a'], ['admit-3', 'token-a']] as const) {
      expect(await access.admission(c, t)).to.deep.equal({ revoked: await access.isRevoked(c, t), exists: await log.exists(c) });
    }
  });

  it('the log\'s admitted append and read: done only for a token not revoked in an open conversation, as admission() says, in one round trip each', async () => {
    const redis = await shared.readyClient();
    const access = new RedisWebAccess(redis, { keyPrefix: shared.prefix });
    const log = new RedisActivityLog(redis, { keyPrefix: shared.prefix });
    const until = Math.floor(Date.now() / 1000) + 120;
    const say = { type: 'message', text: '你好' };
    expect(await log.admitted.append('admitted-1', 'token-a', say)).to.deep.equal({ revoked: false, exists: false });
    expect(await log.admitted.since('admitted-1', 'token-a', '')).to.deep.equal({ revoked: false, exists: false });
    await log.create('admitted-1');
    expect(await log.admitted.since('admitted-1', 'token-a', '')).to.deep.equal({ revoked: false, exists: true, value: { activities: [], watermark: '0' } });
    expect(await log.admitted.append('admitted-1', 'token-a', say)).to.deep.equal({ revoked: false, exists: true, value: 'admitted-1|0000001' });
    expect(await log.admitted.since('admitted-1', 'token-a', '')).to.deep.equal({ revoked: false, exists: true, value: { activities: [{ ...say, id: 'admitted-1|0000001' }], watermark: '1' } });
    expect(await log.admitted.since('admitted-1', 'token-a', '5')).to.deep.equal({ revoked: false, exists: true, value: { activities: [], watermark: '1' } });
    await access.revoke('admitted-1', 'token-a', until);
    expect(await log.admitted.append('admitted-1', 'token-a', say)).to.deep.equal({ revoked: true, exists: true });
    expect(await log.admitted.since('admitted-1', 'token-a', '')).to.deep.equal({ revoked: true, exists: true });
    expect((await log.since('admitted-1', '')).activities, 'nothing appended for the revoked token').to.have.length(1);
    expect(await log.admitted.append('admitted-1', 'token-b', say)).to.deep.include({ value: 'admitted-1|0000002' });
    const keys = (await redis.keys(`${shared.prefix}{admitted-1}*`)).filter((key) => !key.includes(':revoked:'));
    for (const key of keys) expect(await redis.ttl(key), key).to.be.greaterThan(0);
  });

  describe('two channel instances sharing Redis', () => {
    let a: RunningChannel;
    let b: RunningChannel;
    const sockets: WebSocket[] = [];
    beforeEach(async () => {
      const redis = await shared.readyClient();
      const parts = () => ({ activityLog: new RedisActivityLog(redis, { keyPrefix: shared.prefix }), access: new RedisWebAccess(redis, { keyPrefix: shared.prefix }), accessSharesLog: true });
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
