import { createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WeChatCipher, wechatSignature } from '../../src/channels/wechat/wechat-crypto.js';
import { parseWeChatXml } from '../../src/channels/wechat/wechat-xml.js';
import { startAppServer, type AppServer } from './app-server.js';

/**
 * WeChat for the tests: the account's settings, a fake WeChat API server on loopback (tokens, customer-service
 * messages, the menu), and the WeChat server's side of /wechat — fixtures (test/fixtures/wechat/*.xml, as
 * WeChat posts them) signed and, in compatible and secure modes, encrypted as WeChat does, and the reply
 * read back (decrypted and its signature checked when encrypted).
 */

/** A made-up account. The EncodingAESKey is the example WeChat's encryption guide uses. */
export const ACCOUNT = {
  token: 'yidiBeianToken2026',
  appId: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  /** The account's original id (gh_…): ToUserName of what people send. */
  original: 'gh_7f083739789a',
} as const;

export type WeChatMode = 'plain' | 'compatible' | 'secure';

/** The environment that turns the channel on for ACCOUNT, its API at `apiBase`. */
export function wechatEnv(apiBase: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WECHAT_TOKEN: ACCOUNT.token,
    WECHAT_APP_ID: ACCOUNT.appId,
    WECHAT_APP_SECRET: ACCOUNT.appSecret,
    WECHAT_ENCODING_AES_KEY: ACCOUNT.encodingAesKey,
    WECHAT_API_BASE_URL: apiBase,
    ...extra,
  };
}

/** A fixture file as WeChat posts it, its placeholders filled ({{openid}}, {{time}}, {{msgid}}, any other). */
export function fixture(name: string, values: Record<string, string | number> = {}): string {
  const text = readFileSync(new URL(`../fixtures/wechat/${name}.xml`, import.meta.url), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key] ?? `{{${key}}}`));
}

/** The query WeChat adds to the server URL: signature over token, timestamp and nonce (and msg_signature in secure modes). */
export function signedQuery(options: { token?: string; timestamp?: number; nonce?: string; encrypt?: string; extra?: Record<string, string> } = {}): URLSearchParams {
  const token = options.token ?? ACCOUNT.token;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const query = new URLSearchParams({ signature: wechatSignature(token, timestamp, nonce), timestamp, nonce });
  if (options.encrypt !== undefined) {
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', wechatSignature(token, timestamp, nonce, options.encrypt));
  }
  for (const [k, v] of Object.entries(options.extra ?? {})) query.set(k, v);
  return query;
}

export interface PostResult {
  status: number;
  /** The raw body. */
  body: string;
  /** The reply's text (Content), or undefined for "success" or an empty body. */
  text: string | undefined;
  /** The reply's fields (decrypted when encrypted). */
  reply: Record<string, string> | undefined;
  /** Whether the reply came encrypted (and its MsgSignature held). */
  encrypted: boolean;
}

/** Independent of the code under test: AES-256-CBC with node:crypto, as WeChat's guide describes it. */
export function decryptIndependently(encodingAesKey: string, encrypt: string): { xml: string; appId: string } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1]!);
  const length = plain.readUInt32BE(16);
  return { xml: plain.subarray(20, 20 + length).toString('utf8'), appId: plain.subarray(20 + length).toString('utf8') };
}

/** WeChat's server posting to the bot's /wechat for one person, in one mode. */
export class WeChatSender {
  private msgId = BigInt(`7${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 19));
  private readonly cipher = new WeChatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId);

  constructor(
    readonly base: string,
    readonly openid = `o${randomBytes(14).toString('base64url').slice(0, 27)}`,
    readonly mode: WeChatMode = 'secure',
  ) {}

  /** A text message, with a fresh MsgId. */
  say(text: string): Promise<PostResult> {
    return this.post(this.message('text', { content: text }));
  }

  /** A fixture filled for this person (a fresh MsgId and the time now unless given). */
  message(name: string, values: Record<string, string | number> = {}): string {
    this.msgId += 1n;
    return fixture(name, { openid: this.openid, account: ACCOUNT.original, time: Math.floor(Date.now() / 1000), msgid: String(this.msgId), ...values });
  }

  /** Posts an XML message as WeChat does in this sender's mode, signed; reads the reply back. */
  async post(xml: string, options: { query?: URLSearchParams; contentType?: string; mode?: WeChatMode } = {}): Promise<PostResult> {
    const mode = options.mode ?? this.mode;
    let body = xml;
    let query = options.query;
    if (mode !== 'plain') {
      const encrypt = this.cipher.encrypt(xml);
      const inner = parseWeChatXml(xml);
      body =
        mode === 'secure'
          ? `<xml><ToUserName><![CDATA[${inner['ToUserName']}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
          : xml.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
      query ??= signedQuery({ encrypt });
    }
    query ??= signedQuery();
    return postRaw(this.base, body, query, options.contentType);
  }
}

/** POSTs a body to /wechat with a query; decrypts an encrypted reply (checking its MsgSignature). */
export async function postRaw(base: string, body: string, query: URLSearchParams, contentType = 'text/xml'): Promise<PostResult> {
  const response = await fetch(`${base}/wechat?${query}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  const text = await response.text();
  if (response.status !== 200 || text === 'success' || text === '') return { status: response.status, body: text, text: undefined, reply: undefined, encrypted: false };
  let fields = parseWeChatXml(text);
  let encrypted = false;
  if (fields['Encrypt']) {
    const expected = wechatSignature(ACCOUNT.token, fields['TimeStamp']!, fields['Nonce']!, fields['Encrypt']);
    if (expected !== fields['MsgSignature']) throw new Error('the reply MsgSignature does not hold');
    const { xml, appId } = decryptIndependently(ACCOUNT.encodingAesKey, fields['Encrypt']);
    if (appId !== ACCOUNT.appId) throw new Error('the reply names another app id');
    fields = parseWeChatXml(xml);
    encrypted = true;
  }
  return { status: response.status, body: text, text: fields['Content'], reply: fields, encrypted };
}

/** One customer-service message the fake API received. */
export interface SentMessage {
  token: string;
  touser: string;
  content: string;
}

/**
 * The WeChat API on loopback: issues tokens (counting them), takes customer-service messages (refusing any
 * token but the latest with errcode 40001, as WeChat does once a token is replaced) and menus.
 */
export class FakeWeChatApi {
  readonly sent: SentMessage[] = [];
  readonly menus: Array<{ path: string; body: Record<string, unknown> }> = [];
  tokensIssued = 0;
  /** expires_in of the tokens issued. */
  expiresIn = 7200;
  private current: string | undefined;
  private waiting: Array<{ count: number; resolve: () => void }> = [];
  private server: Server | undefined;
  base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (body) => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** Resolves once `count` customer-service messages arrived in all. */
  received(count: number): Promise<void> {
    if (this.sent.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }

  /** The messages sent to one person. */
  to(openid: string): string[] {
    return this.sent.filter((m) => m.touser === openid).map((m) => m.content);
  }

  private async handle(req: IncomingMessage): Promise<Record<string, unknown>> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    if (url.pathname === '/cgi-bin/token') {
      if (url.searchParams.get('appid') !== ACCOUNT.appId || url.searchParams.get('secret') !== ACCOUNT.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
      this.tokensIssued += 1;
      this.current = `token-${this.tokensIssued}-${randomBytes(4).toString('hex')}`;
      return { access_token: this.current, expires_in: this.expiresIn };
    }
    const token = url.searchParams.get('access_token') ?? '';
    if (token !== this.current) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    if (url.pathname === '/cgi-bin/message/custom/send') {
      const text = body['text'] as { content?: string } | undefined;
      this.sent.push({ token, touser: String(body['touser']), content: String(text?.content ?? '') });
      for (const w of this.waiting.filter((w) => this.sent.length >= w.count)) w.resolve();
      this.waiting = this.waiting.filter((w) => this.sent.length < w.count);
      return { errcode: 0, errmsg: 'ok' };
    }
    if (url.pathname === '/cgi-bin/menu/create' || url.pathname === '/cgi-bin/menu/addconditional') {
      this.menus.push({ path: url.pathname, body });
      return url.pathname.endsWith('addconditional') ? { menuid: '208379533' } : { errcode: 0, errmsg: 'ok' };
    }
    return { errcode: 40004, errmsg: 'unknown path' };
  }
}

/** The app with the WeChat channel on for ACCOUNT, its API a fake WeChat server on loopback; stop() ends both. */
export async function startWeChatApp(env: Record<string, string> = {}): Promise<{ server: AppServer; api: FakeWeChatApi; stop(): Promise<void> }> {
  const api = await new FakeWeChatApi().start();
  const server = await startAppServer({ ...wechatEnv(api.base), ...env });
  return {
    server,
    api,
    stop: async () => {
      await server.stop();
      await api.stop();
    },
  };
}

/**
 * The WeChat app (startWeChatApp) for the describe block it is called in: started before its tests, stopped
 * after. The tests read `server` and `api` of what it returns, and `waitingAt()`: the question the bot waits
 * at after the last turn (the turn log's promptId; WeChat shows none).
 */
export function oneWeChatApp(env: Record<string, string> = {}): { server: AppServer; api: FakeWeChatApi; waitingAt(): unknown } {
  let stop: (() => Promise<void>) | undefined;
  const app = {
    waitingAt: () => app.server.lines.filter((l) => l['msg'] === 'turn').at(-1)?.['promptId'],
  } as { server: AppServer; api: FakeWeChatApi; waitingAt(): unknown };
  before(async () => ({ server: app.server, api: app.api, stop } = await startWeChatApp(env)));
  after(() => stop?.());
  return app;
}
