import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { MemoryFilingStore, type FilingStore } from '../src/filings/index.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { ACCOUNT, FakeWeChatApi, fixture, postRaw, signedQuery, WeChatSender, wechatEnv, startWeChatApp } from './support/wechat.js';

/**
 * The WeChat Official Account channel at /wechat on the real app server: fixtures posted as WeChat posts
 * them (plain, compatible and secure modes), forged and malformed requests refused before anything runs,
 * retries answered once, events, and a slow turn answered through the customer-service API of a fake
 * WeChat server on loopback.
 */

const texts = new Texts();
const zh = (key: string, params = {}) => texts.t('zh-CN', key, params);
const en = (key: string, params = {}) => texts.t('en-US', key, params);
const turns = (server: AppServer) => server.lines.filter((l) => l['msg'] === 'turn');

describe('WeChat channel: the server check (GET /wechat)', () => {
  let server: AppServer;
  let api: FakeWeChatApi;
  let stop: () => Promise<void>;
  before(async () => ({ server, api, stop } = await startWeChatApp()));
  after(() => stop());

  it('echoes echostr when the signature holds', async () => {
    const query = signedQuery({ extra: { echostr: '4375120948345356249' } });
    const response = await fetch(`${server.base}/wechat?${query}`);
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('4375120948345356249');
  });

  for (const [name, query] of [
    ['a signature made with another token', () => signedQuery({ token: 'notTheToken', extra: { echostr: '1' } })],
    ['no signature at all', () => new URLSearchParams({ timestamp: '1714036504', nonce: '1514711492', echostr: '1' })],
  ] as const) {
    it(`answers 401 to ${name}, and echoes nothing`, async () => {
      const response = await fetch(`${server.base}/wechat?${query()}`);
      expect(response.status).to.equal(401);
      expect(await response.text()).to.equal('');
    });
  }
});

describe('WeChat channel: messages (POST /wechat)', () => {
  let server: AppServer;
  let api: FakeWeChatApi;
  let stop: () => Promise<void>;
  before(async () => ({ server, api, stop } = await startWeChatApp()));
  after(() => stop());

  for (const mode of ['plain', 'compatible', 'secure'] as const) {
    it(`${mode} mode: a text message is answered in the response, one text with the menu as numbered lines and 回复数字选择${mode === 'plain' ? '' : ', encrypted as the request was'}`, async () => {
      const person = new WeChatSender(server.base, undefined, mode);
      const reply = await person.say('你好');
      expect(reply.status).to.equal(200);
      expect(reply.encrypted).to.equal(mode !== 'plain');
      expect(reply.reply).to.include({ ToUserName: person.openid, FromUserName: ACCOUNT.original, MsgType: 'text' });
      expect(reply.text).to.match(/^\s*1\. /m).and.to.include(zh('prompts.menu.main.choices.FILE')).and.to.include(zh('messages.replyWithNumber'));
      if (mode !== 'plain') expect(reply.body).not.to.include('你好').and.not.to.include(person.openid);
    });
  }

  it('a number picks the choice (the passive reply asks the next question)', async () => {
    const person = new WeChatSender(server.base);
    await person.say('你好');
    const reply = await person.say('1');
    expect(reply.text).to.include(zh('prompts.situation.filerMode.choices.SELF'));
  });

  describe('refused before anything runs', () => {
    const refusals: Array<{ name: string; status: number; send: (p: WeChatSender) => Promise<{ status: number }> }> = [
      { name: 'a forged signature (another token)', status: 401, send: (p) => p.post(p.message('text', { content: '你好' }), { mode: 'plain', query: signedQuery({ token: 'forged' }) }) },
      { name: 'no signature', status: 401, send: (p) => p.post(p.message('text', { content: '你好' }), { mode: 'plain', query: new URLSearchParams({ timestamp: '1', nonce: '2' }) }) },
      {
        name: 'a signature for another timestamp',
        status: 401,
        send: (p) => {
          const query = signedQuery();
          query.set('timestamp', String(Number(query.get('timestamp')) + 1));
          return p.post(p.message('text', { content: '你好' }), { mode: 'plain', query });
        },
      },
      { name: 'a secure-mode message whose msg_signature does not cover its Encrypt', status: 401, send: (p) => p.post(p.message('text', { content: '你好' }), { query: signedQuery({ encrypt: 'AAAA' }) }) },
      {
        name: 'a secure-mode message encrypted with another key',
        status: 400,
        send: async (p) => {
          const { WeChatCipher } = await import('../src/channels/wechat/wechat-crypto.js');
          const encrypt = new WeChatCipher('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut', ACCOUNT.appId).encrypt(p.message('text', { content: '你好' }));
          return postRaw(server.base, `<xml><ToUserName><![CDATA[${ACCOUNT.original}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`, signedQuery({ encrypt }));
        },
      },
      { name: 'a replay of a signed request older than the dedupe window', status: 403, send: (p) => p.post(p.message('text', { content: '你好' }), { mode: 'plain', query: signedQuery({ timestamp: Math.floor(Date.now() / 1000) - 3600 }) }) },
      { name: 'malformed XML', status: 400, send: (p) => p.post('<xml><ToUserName>gh</FromUserName></xml>', { mode: 'plain' }) },
      { name: 'XML with a document type (entities)', status: 400, send: (p) => p.post(`<!DOCTYPE xml [<!ENTITY a "aaaa">]>${p.message('text', { content: '&a;' })}`, { mode: 'plain' }) },
      { name: 'a message without a sender', status: 400, send: (p) => p.post(p.message('text', { content: '你好' }).replace(/<FromUserName>.*<\/FromUserName>/, ''), { mode: 'plain' }) },
      { name: 'JSON instead of XML', status: 415, send: (p) => p.post('{"MsgType":"text"}', { mode: 'plain', contentType: 'application/json' }) },
      { name: 'a body over 64 KB', status: 413, send: (p) => p.post(p.message('text', { content: '长'.repeat(30_000) }), { mode: 'plain' }) },
    ];
    for (const refusal of refusals) {
      it(`${refusal.name}: ${refusal.status}`, async () => {
        const person = new WeChatSender(server.base);
        const before = turns(server).length;
        const reply = await refusal.send(person);
        expect(reply.status).to.equal(refusal.status);
        expect(turns(server).length, 'no turn ran').to.equal(before);
        // The person's next genuine message is still answered.
        expect((await person.say('你好')).text).to.include(zh('prompts.menu.main.choices.FILE'));
      });
    }
  });

  it('a retried message (the same MsgId, as WeChat retries after 5 s) is answered once: the retry gets "success" and runs nothing', async () => {
    const person = new WeChatSender(server.base);
    const xml = person.message('text', { content: '你好' });
    const first = await person.post(xml);
    const before = turns(server).length;
    const retries = await Promise.all([person.post(xml), person.post(xml), person.post(xml)]);
    expect(first.text).to.include(zh('prompts.menu.main.choices.FILE'));
    expect(retries.map((r) => [r.status, r.body])).to.deep.equal([[200, 'success'], [200, 'success'], [200, 'success']]);
    expect(turns(server).length).to.equal(before);
    expect(server.lines.filter((l) => l['msg'] === 'wechat: a retried message answered once')).to.have.length.at.least(3);
  });

  it('the openid is never in a log line: the turn log carries its salted hash', async () => {
    const person = new WeChatSender(server.base);
    await person.say('你好');
    expect(JSON.stringify(server.lines)).not.to.include(person.openid);
    expect(turns(server).at(-1)).to.include({ channel: 'wechat' });
  });

  it('subscribe: the greeting and the menu', async () => {
    const person = new WeChatSender(server.base);
    const reply = await person.post(person.message('event-subscribe'));
    expect(reply.text).to.include(zh('messages.welcome').slice(0, 8)).and.to.include(zh('prompts.menu.main.choices.FILE'));
  });

  it('unsubscribe: the conversation state is forgotten', async () => {
    const person = new WeChatSender(server.base);
    await person.say('你好');
    await person.say('1');
    const key = `wechat/conversations/${person.openid}/`;
    expect(Object.keys(await server.app.state.storage.read([key]))).to.deep.equal([key]);
    const reply = await person.post(person.message('event-unsubscribe'));
    expect(reply.status).to.equal(200);
    expect(await server.app.state.storage.read([key])).to.deep.equal({});
  });

  it('a menu click is taken as its command (帮助: help, and the question again)', async () => {
    const person = new WeChatSender(server.base);
    await person.say('你好');
    const reply = await person.post(person.message('event-click', { key: 'HELP' }));
    expect(reply.text).to.include(zh('prompts.menu.main.choices.FILE'));
    expect(reply.text!.length).to.be.greaterThan(zh('prompts.menu.main.text').length + 20);
  });

  it('a menu link (VIEW) and an unknown click key: "success", nothing runs', async () => {
    const person = new WeChatSender(server.base);
    const before = turns(server).length;
    expect((await person.post(person.message('event-view'))).body).to.equal('success');
    expect((await person.post(person.message('event-click', { key: 'NO_SUCH_KEY' }))).body).to.equal('success');
    expect(turns(server).length).to.equal(before);
  });

  it('voice: WeChat\'s recognition text is the answer; without one, a request to say it again or type', async () => {
    const person = new WeChatSender(server.base);
    await person.say('你好');
    const heard = await person.post(person.message('voice', { recognition: '办理异地就医备案' }));
    expect(heard.text).to.include(zh('prompts.situation.filerMode.choices.SELF'));
    const unheard = await person.post(person.message('voice', { recognition: '' }));
    expect(unheard.text).to.equal(zh('wechat.voiceUnclear'));
  });

  for (const kind of ['image', 'file', 'location'] as const) {
    it(`${kind}: a polite "please type", in the person's language`, async () => {
      const person = new WeChatSender(server.base);
      expect((await person.post(person.message(kind))).text).to.equal(zh('wechat.pleaseType'));
      await person.say('English');
      expect((await person.post(person.message(kind))).text).to.equal(en('wechat.pleaseType'));
    });
  }

  it('every passive reply fits one WeChat text message (2048 bytes)', async () => {
    const person = new WeChatSender(server.base);
    for (const said of ['你好', '3', '帮助']) {
      const reply = await person.say(said);
      expect(Buffer.byteLength(reply.text ?? '', 'utf8')).to.be.at.most(2048);
    }
  });

  it('fixtures are read as WeChat writes them (CDATA, empty elements)', () => {
    expect(fixture('text', { content: 'x' })).to.include('<![CDATA[x]]>').and.to.include('<MsgDataId></MsgDataId>');
  });
});

describe('WeChat channel: a turn that cannot answer within the deadline', () => {
  let server: AppServer;
  let api: FakeWeChatApi;
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();

  before(async () => {
    api = await new FakeWeChatApi().start();
    const filings = new MemoryFilingStore();
    // Submitting waits until the test lets it go: the turn is slow by construction, not by the clock.
    const slow = new Proxy(filings, {
      get(target, key) {
        if (key === 'submit') {
          return async (input: Parameters<FilingStore['submit']>[0]) => {
            await gate;
            return target.submit(input);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as FilingStore;
    server = await startAppServer(wechatEnv(api.base), { overrides: { filings: slow, wechatReplyDeadlineMs: 300 } });
  });
  after(async () => {
    release();
    await server.stop();
    await api.stop();
  });

  it('replies "success" at once, and the answer arrives through the customer-service message API when the turn ends', async () => {
    const { TMP_OTHER_TO_SUMMARY } = await import('./support/paths.js');
    const person = new WeChatSender(server.base);
    for (const [said] of TMP_OTHER_TO_SUMMARY) await person.say(said);
    expect(api.sent).to.have.length(0);
    gate = new Promise((resolve) => (release = resolve));
    const reply = await person.say('确认提交');
    expect([reply.status, reply.body]).to.deep.equal([200, 'success']);
    expect(api.sent, 'nothing sent while the turn still runs').to.have.length(0);
    release();
    await api.received(1);
    const [message] = api.to(person.openid);
    expect(message).to.match(/YD\d{8}-[0-9A-Z]+/);
    expect(api.tokensIssued).to.equal(1);
    expect(Buffer.byteLength(message!, 'utf8')).to.be.at.most(2048);
  });
});
