/**
 * The WeChat part of the HTTP fuzzer: generated malformed requests to /wechat, as a forger or a broken
 * proxy might send them — signatures missing, forged or stale; bodies that are not XML, nest thousands of
 * levels, declare entities, carry odd field values or a field of 100k characters; cipher texts that are not
 * base64, do not decrypt, name another app id or carry XML that is itself malformed; wrong methods and
 * content types. Many requests are correctly signed (and, in secure mode, correctly encrypted) so that
 * they pass the checks and reach the parsing and the bot. Every answer must be below 500.
 *
 * scripts/fuzz-http.ts runs it with `npm run fuzz` (its local bot turns the channel on); test/fuzz.http.test.ts
 * runs a bounded number of cases.
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { WeChatCipher, wechatSignature } from '../src/channels/wechat/wechat-crypto.js';
import { send, tally, type FuzzReport, type Prepared } from './fuzz-http.js';

/** The account the bot under test is configured for (WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_ENCODING_AES_KEY). */
export interface WeChatAccount {
  token: string;
  appId: string;
  encodingAesKey: string;
  /** ToUserName of what people send (gh_…). */
  original: string;
}

export interface WeChatFuzzOptions {
  baseUrl: string;
  cases: number;
  seed: number;
  account: WeChatAccount;
}

type Signature = 'valid' | 'forged' | 'missing' | 'stale' | 'future' | 'garbage';
type Mode = 'plain' | 'secure' | 'compatible';
type Cipher = 'valid' | 'not-base64' | 'wrong-length' | 'other-app' | 'other-key' | 'empty' | 'bad-msg-signature';

interface WeChatCase {
  method: string;
  signature: Signature;
  mode: Mode;
  cipher: Cipher;
  xml: string;
  contentType: string | undefined;
  echostr: string | undefined;
}

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '😀', ']]>', '<![CDATA[', '&amp;&lt;', '&xxe;', '</xml>', '1', '-1', '99999999999999999999999', 'NaN', '\uD800', '\uFEFF'),
  fc.integer({ min: 3_000, max: 100_000 }).map((n) => '长'.repeat(n)),
);

const msgTypes = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('text', 'voice', 'event') },
  { weight: 2, arbitrary: fc.constantFrom('image', 'location', 'link', 'video', 'shortvideo', 'file', 'miniprogrampage', '', 'TEXT', 'x') },
);
const events = fc.constantFrom('subscribe', 'unsubscribe', 'CLICK', 'VIEW', 'SCAN', 'LOCATION', 'TEMPLATESENDJOBFINISH', '', 'click');

const cdata = (value: string) => `<![CDATA[${value}]]>`;

/** A message as WeChat sends it, with some fields odd, missing or repeated. */
const message = (account: WeChatAccount): fc.Arbitrary<string> =>
  fc
    .record({
      msgType: msgTypes,
      event: events,
      content: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('你好', '1', '查询备案', '返回', '人工服务') }, { weight: 2, arbitrary: oddText }),
      from: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('oFuzzOpenid0000000000000001', 'oFuzzOpenid0000000000000002') }, { weight: 1, arbitrary: oddText }),
      to: fc.oneof({ weight: 8, arbitrary: fc.constant(account.original) }, { weight: 1, arbitrary: oddText }),
      time: fc.oneof({ weight: 8, arbitrary: fc.constant('now') }, { weight: 1, arbitrary: oddText }),
      msgId: fc.oneof({ weight: 8, arbitrary: fc.bigInt({ min: 1n, max: 2n ** 64n }).map(String) }, { weight: 1, arbitrary: oddText }),
      drop: fc.oneof({ weight: 4, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.subarray(['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId']) }),
      repeat: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      extra: fc.constantFrom('', '<Recognition><![CDATA[查询备案]]></Recognition>', '<EventKey><![CDATA[FILE]]></EventKey>', '<Location_X>abc</Location_X>', '<Unknown><Deeper>1</Deeper></Unknown>'),
    })
    .map((m) => {
      const time = m.time === 'now' ? String(Math.floor(Date.now() / 1000)) : m.time;
      const fields: Array<[string, string]> = [
        ['ToUserName', cdata(m.to)],
        ['FromUserName', cdata(m.from)],
        ['CreateTime', time],
        ['MsgType', cdata(m.msgType)],
        ['Content', cdata(m.content)],
        ['MsgId', m.msgId],
      ];
      if (m.msgType === 'event') fields.push(['Event', cdata(m.event)]);
      const kept = fields.filter(([name]) => !m.drop.includes(name));
      if (m.repeat && kept.length > 0) kept.push(kept[0]!);
      return `<xml>${kept.map(([name, value]) => `<${name}>${value}</${name}>`).join('')}${m.extra}</xml>`;
    });

/** A body that is not a well-formed message at all. */
const brokenXml = fc.oneof(
  oddText,
  fc.integer({ min: 50, max: 20_000 }).map((levels) => `<xml>${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}</xml>`),
  fc.constant('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Content>&c;</Content></xml>'),
  fc.constant('<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>'),
  fc.constant('<xml><ToUserName>'),
  fc.constant('{"xml":{"Content":"你好"}}'),
  fc.constant('<xml></xml>'),
  fc.constant('<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>'),
  fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => `<xml><Content>${'x'.repeat(n)}</Content></xml>`),
);

const weChatCase = (account: WeChatAccount): fc.Arbitrary<WeChatCase> =>
  fc.record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 2, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS') }),
    signature: fc.oneof({ weight: 8, arbitrary: fc.constant<Signature>('valid') }, { weight: 5, arbitrary: fc.constantFrom<Signature>('forged', 'missing', 'stale', 'future', 'garbage') }),
    mode: fc.constantFrom<Mode>('plain', 'plain', 'secure', 'secure', 'compatible'),
    cipher: fc.oneof({ weight: 8, arbitrary: fc.constant<Cipher>('valid') }, { weight: 5, arbitrary: fc.constantFrom<Cipher>('not-base64', 'wrong-length', 'other-app', 'other-key', 'empty', 'bad-msg-signature') }),
    xml: fc.oneof({ weight: 4, arbitrary: message(account) }, { weight: 1, arbitrary: brokenXml }),
    contentType: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('text/xml', 'application/xml', 'text/xml; charset=utf-8') }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'TEXT/XML') }),
    echostr: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: oddText.map((s) => s.slice(0, 2_000)) }),
  });

const OTHER_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

function cipherText(c: WeChatCase, account: WeChatAccount): string {
  switch (c.cipher) {
    case 'valid':
    case 'bad-msg-signature':
      return new WeChatCipher(account.encodingAesKey, account.appId).encrypt(c.xml);
    case 'other-app':
      return new WeChatCipher(account.encodingAesKey, 'wxffffffffffffffff').encrypt(c.xml);
    case 'other-key':
      return new WeChatCipher(OTHER_KEY, account.appId).encrypt(c.xml);
    case 'not-base64':
      return '@@not base64@@';
    case 'wrong-length':
      return randomBytes(45).toString('base64');
    case 'empty':
      return '';
  }
}

function prepare(c: WeChatCase, account: WeChatAccount): Prepared {
  const now = Math.floor(Date.now() / 1000);
  const timestamp = String(c.signature === 'stale' ? now - 86_400 : c.signature === 'future' ? now + 86_400 : now);
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const query = new URLSearchParams();
  if (c.signature !== 'missing') {
    const signature = c.signature === 'forged' ? wechatSignature('notTheToken', timestamp, nonce) : c.signature === 'garbage' ? 'zz' : wechatSignature(account.token, timestamp, nonce);
    query.set('signature', signature);
    query.set('timestamp', timestamp);
    query.set('nonce', nonce);
  }
  let body = c.xml;
  if (c.mode !== 'plain') {
    const encrypt = cipherText(c, account);
    const envelope = `<Encrypt>${cdata(encrypt)}</Encrypt>`;
    body = c.mode === 'secure' ? `<xml><ToUserName>${cdata(account.original)}</ToUserName>${envelope}</xml>` : c.xml.replace('</xml>', `${envelope}</xml>`);
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', c.cipher === 'bad-msg-signature' ? wechatSignature('notTheToken', timestamp, nonce, encrypt) : wechatSignature(account.token, timestamp, nonce, encrypt));
  }
  if (c.echostr !== undefined) query.set('echostr', c.echostr);
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['Content-Type'] = c.contentType;
  const hasBody = c.method !== 'GET' && c.method !== 'HEAD';
  return { method: c.method, path: `/wechat?${query}`, headers, ...(hasBody ? { body: Buffer.from(body) } : {}) };
}

/** Sends `cases` generated requests to /wechat, one after another, and reports the answers. */
export async function fuzzWeChat(options: WeChatFuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { sent: 0, byStatus: {}, serverErrors: [] };
  const cases = fc.sample(weChatCase(options.account), { seed: options.seed, numRuns: options.cases });
  for (const c of cases) {
    const prepared = prepare(c, options.account);
    tally(report, prepared, await send(options.baseUrl, prepared));
  }
  return report;
}
