import { expect } from 'chai';
import { WeChatApi } from '../src/channels/wechat/wechat-api.js';
import { MemoryWeChatStore, RedisWeChatStore } from '../src/channels/wechat/wechat-store.js';
import { whenReady } from '../src/state/redis-client.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { SharedRedis } from './support/redis.js';
import { ACCOUNT, FakeWeChatApi, WeChatSender, wechatEnv } from './support/wechat.js';

/**
 * Several instances of the WeChat channel on one Redis, as behind a load balancer: a retry that reaches
 * another instance is answered once, and the access token is fetched once and refreshed by one instance
 * at a time (WeChat invalidates the previous token when a new one is issued).
 */

const redis = new SharedRedis('wechat');
const turns = (server: AppServer) => server.lines.filter((l) => l['msg'] === 'turn');

describe('WeChat access token shared in Redis', () => {
  let api: FakeWeChatApi;
  before(async () => {
    api = await new FakeWeChatApi().start();
  });
  after(async () => {
    await api.stop();
    await redis.cleanUp();
  });

  /** `count` instances' API clients on one Redis prefix, each with its own connection, on a clock the test moves. */
  function instances(count: number, prefix: string, clock: { now: number }): WeChatApi[] {
    return Array.from(
      { length: count },
      () =>
        new WeChatApi({
          appId: ACCOUNT.appId,
          appSecret: ACCOUNT.appSecret,
          baseUrl: api.base,
          store: new RedisWeChatStore(redis.client(), { prefix }),
          now: () => clock.now,
        }),
    );
  }

  it('four instances asking at once get one token, fetched once', async () => {
    const before = api.tokensIssued;
    const clock = { now: Date.now() };
    const all = instances(4, `${redis.prefix}token-a:`, clock);
    const tokens = await Promise.all(all.flatMap((i) => [i.accessToken(), i.accessToken()]));
    expect(new Set(tokens).size).to.equal(1);
    expect(api.tokensIssued - before).to.equal(1);
  });

  it('before it expires, one instance refreshes it; the others use the old one meanwhile (WeChat keeps both valid for minutes), then the new one', async () => {
    const clock = { now: Date.now() };
    const all = instances(3, `${redis.prefix}token-b:`, clock);
    const first = await all[0]!.accessToken();
    const before = api.tokensIssued;
    clock.now += (7200 - 4 * 60) * 1000; // four minutes left: inside the five-minute margin
    const during = await Promise.all(all.map((i) => i.accessToken()));
    expect(api.tokensIssued - before).to.equal(1);
    const after = await Promise.all(all.map((i) => i.accessToken()));
    expect(new Set(after).size).to.equal(1);
    expect(after[0]).not.to.equal(first);
    expect(during.every((t) => t === first || t === after[0])).to.equal(true);
    expect(api.tokensIssued - before, 'no second refresh').to.equal(1);
  });

  it('a token WeChat refuses (replaced elsewhere) is fetched again once, and the message goes out', async () => {
    const clock = { now: Date.now() };
    const [one] = instances(1, `${redis.prefix}token-c:`, clock);
    await one!.accessToken();
    // Someone else (npm run wechat:menu, another deployment) fetched a token: ours is no longer the latest.
    await fetch(`${api.base}/cgi-bin/token?grant_type=client_credential&appid=${ACCOUNT.appId}&secret=${ACCOUNT.appSecret}`);
    const before = api.tokensIssued;
    await one!.sendText('oPersonAbcdef', '您好');
    expect(api.tokensIssued - before).to.equal(1);
    expect(api.to('oPersonAbcdef')).to.deep.equal(['您好']);
  });
});

describe('two app instances sharing one Redis: WeChat retries and the access token', () => {
  let api: FakeWeChatApi;
  let a: AppServer;
  let b: AppServer;
  before(async () => {
    api = await new FakeWeChatApi().start();
    const env = { ...wechatEnv(api.base), REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${redis.prefix}app:`, STATE_TTL_CONVERSATION_SECONDS: '7200' };
    // No time for a passive reply: every answer takes the customer-service path, so both instances need the token.
    a = await startAppServer(env, { overrides: { wechatReplyDeadlineMs: 0 } });
    b = await startAppServer(env, { overrides: { wechatReplyDeadlineMs: 0 } });
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await api.stop();
    await redis.cleanUp();
  });

  it('a retry that reaches the other instance is answered once ("success"), and nothing runs there', async () => {
    const person = new WeChatSender(a.base);
    const xml = person.message('text', { content: '你好' });
    expect((await person.post(xml)).body).to.equal('success');
    const onB = new WeChatSender(b.base, person.openid);
    const before = turns(b).length;
    expect((await onB.post(xml)).body).to.equal('success');
    expect(turns(b).length).to.equal(before);
    await api.received(1);
    expect(api.to(person.openid)).to.have.length(1);
  });

  it('a person\'s language is kept as long as the conversation (STATE_TTL_CONVERSATION_SECONDS)', async () => {
    await new WeChatSender(a.base).say('hello');
    const client = redis.client();
    await whenReady(client, 2000, 'test');
    const keys = await client.keys(`${redis.prefix}app:wechat:language:*`);
    expect(keys).to.have.length.greaterThan(0);
    for (const key of keys) expect(await client.pttl(key)).to.be.within(7_100_000, 7_200_000);
  });

  it('both instances send with one access token, fetched once', async () => {
    const sent = api.sent.length;
    const [one, two] = [new WeChatSender(a.base), new WeChatSender(b.base)];
    await Promise.all([one.say('你好'), two.say('你好')]);
    await api.received(sent + 2);
    expect(api.to(one.openid)).to.have.length(1);
    expect(api.to(two.openid)).to.have.length(1);
    expect(new Set(api.sent.map((m) => m.token)).size).to.equal(1);
    expect(api.tokensIssued).to.equal(1);
  });
});

describe('WeChat store: a person\'s language (the first message\'s), in Redis and in the process', () => {
  after(() => redis.cleanUp());
  const stores = () => [
    ['Redis', new RedisWeChatStore(redis.client(), { prefix: `${redis.prefix}language:` })],
    ['memory', new MemoryWeChatStore()],
  ] as const;

  for (const [name] of stores()) {
    it(`${name}: the first language shown is kept; a message that shows another, or none, does not change it`, async () => {
      const store = stores().find(([n]) => n === name)![1];
      expect(await store.language('p1', undefined, 60_000)).to.equal(undefined);
      expect(await store.language('p1', 'en-US', 60_000)).to.equal('en-US');
      expect(await store.language('p1', 'zh-CN', 60_000)).to.equal('en-US');
      expect(await store.language('p1', undefined, 60_000)).to.equal('en-US');
      expect(await store.language('p2', 'zh-CN', 60_000)).to.equal('zh-CN');
    });
  }
});

describe('WeChat store in the process: each entry lives as long as its caller says', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, pass: (ms: number) => void (t += ms) };
  };

  it('a claim holds for its window, then the key may be claimed again', async () => {
    const { now, pass } = clock();
    const store = new MemoryWeChatStore(now);
    expect(await store.claim('m1', 100)).to.equal(true);
    expect(await store.claim('m1', 100)).to.equal(false);
    expect(await store.claim('m2', 1_000)).to.equal(true);
    pass(100);
    expect(await store.claim('m1', 100)).to.equal(true);
    expect(await store.claim('m2', 1_000)).to.equal(false);
  });

  it('when a person last wrote is known for the window, then forgotten', async () => {
    const { now, pass } = clock();
    const store = new MemoryWeChatStore(now);
    await store.noteInbound('p', now(), 500);
    pass(499);
    expect(await store.lastInbound('p')).to.equal(now() - 499);
    pass(1);
    expect(await store.lastInbound('p')).to.equal(undefined);
  });

  it('a language is kept its lifetime after the last message, and forgotten after it', async () => {
    const { now, pass } = clock();
    const store = new MemoryWeChatStore(now);
    expect(await store.language('p', 'en-US', 1_000)).to.equal('en-US');
    pass(900);
    expect(await store.language('p', undefined, 1_000)).to.equal('en-US');
    pass(900);
    expect(await store.language('p', 'zh-CN', 1_000), 'kept alive by the message between').to.equal('en-US');
    pass(1_000);
    expect(await store.language('p', 'zh-CN', 1_000), 'forgotten: this message\'s').to.equal('zh-CN');
  });
});
