/**
 * HTTP fuzzer: sends generated malformed requests to POST /api/messages and the Direct Line routes of a
 * running bot (and to /wechat: scripts/fuzz-wechat.ts) and counts the answers. Every request it makes is
 * a client's mistake (a wrong or missing field, a value of the wrong type or out of bounds, nesting
 * thousands of levels deep, bodies that are not JSON or are compressed, bad tokens and ids, unknown routes
 * and methods), so every answer must be below 500; any 5xx is listed with the request that caused it. Requests are generated with fast-check from a
 * seed, so a run repeats the same requests (only the ids of activities and conversations are new).
 *
 *   npm run fuzz                                  # 2000 cases against a bot started here (memory stores)
 *   npm run fuzz -- --cases 10000 --seed 7
 *   npm run fuzz -- --url http://127.0.0.1:3978   # against a running bot (local mode: from this machine);
 *                                                 # /wechat too when WECHAT_TOKEN, WECHAT_APP_ID and
 *                                                 # WECHAT_ENCODING_AES_KEY (and WECHAT_ORIGINAL_ID) are set
 *
 * Exit code 1 when any answer was a 5xx. test/fuzz.http.test.ts runs a bounded number of cases in CI.
 */
import fc from 'fast-check';
import { request, Agent } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { WeChatAccount } from './fuzz-wechat.js';

export interface FuzzOptions {
  /** The bot, e.g. http://127.0.0.1:3978. */
  baseUrl: string;
  cases: number;
  seed: number;
  /**
   * The bot trusts one proxy (WEB_TRUST_PROXY=1): most requests then carry a made-up X-Forwarded-For, so
   * the per-address rate limits answer 429 less often and more requests reach the parsing. /api/messages in
   * local mode then also needs ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK=true.
   */
  spreadAddresses?: boolean;
}

export interface FuzzProblem {
  status: number;
  method: string;
  path: string;
  /** What was sent, shortened. */
  sent: string;
  answer: string;
}

export interface FuzzReport {
  sent: number;
  /** Answers by status code ("0": the connection failed, e.g. closed while a refused body was still being sent). */
  byStatus: Record<string, number>;
  /** Every 5xx answer. */
  serverErrors: FuzzProblem[];
}

type TokenChoice = 'own' | 'other' | 'none' | 'garbage' | 'tampered' | 'bearer-only' | 'huge' | 'basic';
type IdChoice = 'own' | 'other' | 'random' | 'traversal' | 'long' | 'encoded';

interface Body {
  text?: string;
  gzip?: boolean;
}

interface Case {
  route: 'messages' | 'generate' | 'refresh' | 'start' | 'reconnect' | 'poll' | 'post' | 'other' | 'preflight';
  method: string;
  token: TokenChoice;
  conversation: IdChoice;
  watermark: string;
  body: Body;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  extraPath: string;
  origin: string | undefined;
  spread: boolean;
}

// --- what is generated -------------------------------------------------------------------------

const deep = (levels: number, object: boolean): string => (object ? '{"a":'.repeat(levels) + '1' + '}'.repeat(levels) : '['.repeat(levels) + ']'.repeat(levels));

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom('', ' ', '\u0000', '😀👍', '../../etc/passwd', '%00%0d%0a', 'null', '[object Object]', '<script>alert(1)</script>', '\uFEFF', '\uD800'),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '长'.repeat(n)),
);

/** A value to put where a field of the activity goes. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.integer({ min: 20, max: 3_000 }).map((levels) => JSON.parse(deep(levels, false)) as unknown),
  fc.integer({ min: 20, max: 3_000 }).map((levels) => JSON.parse(deep(levels, true)) as unknown),
  fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

const BOT_FRAMEWORK_FIELDS = ['type', 'id', 'text', 'locale', 'channelId', 'serviceUrl', 'deliveryMode', 'value', 'channelData', 'name', 'timestamp', 'localTimestamp', 'textFormat', 'replyToId', 'membersAdded', 'attachments', 'entities'];
const ACCOUNT_FIELDS = ['conversation', 'from', 'recipient'];
const WEB_FIELDS = ['type', 'text', 'locale', 'value', 'name', 'channelData', 'textFormat', 'localTimestamp', 'localTimezone', 'entities', 'attachments', 'from', 'channelId'];

/** Changes to a good activity: set a field (or a field of conversation/from/recipient) to something odd, or drop it. */
const mutations = (fields: string[]) =>
  fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('set' as const), path: fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 12 })), value: oddValue }),
      fc.record({ op: fc.constant('set' as const), path: fc.tuple(fc.constantFrom(...ACCOUNT_FIELDS), fc.constantFrom('id', 'name', 'role', 'x')).map(([a, b]) => `${a}.${b}`), value: oddValue }),
      fc.record({ op: fc.constant('drop' as const), path: fc.constantFrom(...fields, ...ACCOUNT_FIELDS), value: fc.constant(undefined) }),
    ),
    { minLength: 0, maxLength: 3 },
  );

function mutated(base: Record<string, unknown>, changes: Array<{ op: 'set' | 'drop'; path: string; value: unknown }>): Record<string, unknown> {
  const activity = structuredClone(base);
  for (const change of changes) {
    const [head, tail] = change.path.split('.', 2) as [string, string | undefined];
    if (tail !== undefined) {
      const inner = typeof activity[head] === 'object' && activity[head] !== null ? (activity[head] as Record<string, unknown>) : {};
      if (change.op === 'drop') delete inner[tail];
      else inner[tail] = change.value;
      activity[head] = inner;
    } else if (change.op === 'drop') delete activity[head];
    else activity[head] = change.value;
  }
  return activity;
}

/** A body: a good activity with a few changes (most often), other JSON, text that is not JSON, or nothing. */
const body = (base: () => Record<string, unknown>, fields: string[]): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 6, arbitrary: mutations(fields).map((changes) => ({ text: JSON.stringify(mutated(base(), changes)) })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ text: JSON.stringify(value) })) },
    { weight: 1, arbitrary: fc.integer({ min: 32, max: 50_000 }).map((levels) => ({ text: deep(levels, levels % 2 === 0) })) },
    { weight: 1, arbitrary: oddString.map((text) => ({ text })) },
    { weight: 1, arbitrary: mutations(fields).map((changes) => ({ text: JSON.stringify(mutated(base(), changes)).slice(0, -3) })) },
    { weight: 1, arbitrary: mutations(fields).map((changes) => ({ text: JSON.stringify(mutated(base(), changes)), gzip: true })) },
    { weight: 1, arbitrary: fc.constant({}) },
  );

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'text/csv',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/vnd.api+json',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'json',
      '*/*',
    ),
  },
);
const contentEncoding = fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'x-unknown') });
const watermark = fc.oneof(fc.constantFrom('', '0', '1', '2', '-1', '99999999999', '1e3', 'abc', '%00', '0x10'), fc.nat().map(String));

const emulatorActivity = () => ({
  type: 'message',
  id: `fuzz-${Math.random().toString(36).slice(2)}`,
  text: '你好',
  locale: 'zh-CN',
  channelId: 'emulator',
  serviceUrl: 'http://127.0.0.1:1',
  deliveryMode: 'expectReplies',
  conversation: { id: `fuzz-${Math.random().toString(36).slice(2, 8)}` },
  from: { id: 'fuzz-user' },
  recipient: { id: 'bot' },
});
const webActivity = () => ({ type: 'message', text: '你好', locale: 'zh-CN', channelData: { clientActivityID: `fuzz-${Math.random().toString(36).slice(2)}` }, from: { id: 'u', role: 'user' } });

const aCase: fc.Arbitrary<Case> = fc
  .record({
    route: fc.constantFrom<Case['route']>('messages', 'messages', 'messages', 'post', 'post', 'post', 'generate', 'refresh', 'start', 'reconnect', 'poll', 'other', 'preflight'),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    token: fc.constantFrom<TokenChoice>('own', 'own', 'own', 'other', 'none', 'garbage', 'tampered', 'bearer-only', 'huge', 'basic'),
    conversation: fc.constantFrom<IdChoice>('own', 'own', 'own', 'other', 'random', 'traversal', 'long', 'encoded'),
    watermark,
    messagesBody: body(emulatorActivity, BOT_FRAMEWORK_FIELDS),
    webBody: body(webActivity, WEB_FIELDS),
    contentType,
    contentEncoding,
    extraPath: fc.oneof(fc.constantFrom('/session/getsessionid', '/conversations/x/upload', '/conversations/x/y/z', '/../../api/messages', '/tokens', '/'), fc.webPath()),
    origin: fc.constantFrom(undefined, 'https://evil.example', 'null', 'http://127.0.0.1'),
    spread: fc.boolean(),
  })
  .map(({ messagesBody, webBody, ...rest }) => ({ ...rest, body: rest.route === 'messages' ? messagesBody : webBody }));

// --- how it is sent -------------------------------------------------------------------------------

interface Session {
  token: string;
  conversationId: string;
}

export interface Prepared {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function prepare(c: Case, own: Session, other: Session, spread: boolean): Prepared {
  const token = {
    own: own.token,
    other: other.token,
    none: undefined,
    garbage: 'not-a-token',
    tampered: `${own.token.slice(0, -4)}AAAA`,
    'bearer-only': '',
    huge: 'x'.repeat(12_000),
    basic: undefined,
  }[c.token];
  const id = {
    own: own.conversationId,
    other: other.conversationId,
    random: Math.random().toString(36).slice(2, 12),
    traversal: '..%2F..%2Fapi%2Fmessages',
    long: 'a'.repeat(3_000),
    encoded: encodeURIComponent('会话 1/2?x=1'),
  }[c.conversation];
  const headers: Record<string, string> = {};
  if (c.token === 'basic') headers['Authorization'] = 'Basic dXNlcjpwYXNz';
  else if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
  if (c.contentType !== undefined) headers['Content-Type'] = c.contentType;
  if (c.contentEncoding !== undefined) headers['Content-Encoding'] = c.contentEncoding;
  if (c.origin !== undefined) headers['Origin'] = c.origin;
  if (spread && c.spread) headers['X-Forwarded-For'] = `198.51.100.${Math.floor(Math.random() * 250)}`;
  const text = c.body.text;
  const bytes = text === undefined ? undefined : c.body.gzip ? gzipSync(Buffer.from(text)) : Buffer.from(text);
  const base = '/v3/directline';
  switch (c.route) {
    case 'messages':
      if (c.token === 'own') delete headers['Authorization']; // a web token means nothing here
      return { method: 'POST', path: '/api/messages', headers, body: bytes };
    case 'generate':
      return { method: 'POST', path: `${base}/tokens/generate`, headers, body: bytes };
    case 'refresh':
      return { method: 'POST', path: `${base}/tokens/refresh`, headers, body: bytes };
    case 'start':
      return { method: 'POST', path: `${base}/conversations`, headers, body: bytes };
    case 'reconnect':
      return { method: 'GET', path: `${base}/conversations/${id}?watermark=${encodeURIComponent(c.watermark)}`, headers };
    case 'poll':
      return { method: 'GET', path: `${base}/conversations/${id}/activities?watermark=${encodeURIComponent(c.watermark)}`, headers };
    case 'post':
      return { method: 'POST', path: `${base}/conversations/${id}/activities`, headers, body: bytes };
    case 'preflight':
      return {
        method: 'OPTIONS',
        path: `${base}/conversations/${id}/activities`,
        headers: { ...headers, 'Access-Control-Request-Method': c.method, 'Access-Control-Request-Headers': 'authorization, content-type, x-evil' },
      };
    case 'other':
      return { method: c.method, path: `${base}${c.extraPath}`, headers, ...(c.method === 'GET' || c.method === 'HEAD' ? {} : { body: bytes }) };
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

export function send(baseUrl: string, prepared: Prepared): Promise<{ status: number; answer: string }> {
  return new Promise((resolve) => {
    let req;
    try {
      const headers = { ...prepared.headers, ...(prepared.body ? { 'Content-Length': String(prepared.body.length) } : {}) };
      req = request(new URL(prepared.path, baseUrl), { method: prepared.method, headers, agent, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.length < 16 && chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, answer: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, answer: '' }));
      });
    } catch (error) {
      // Node refused to send it (a header it cannot write): nothing reached the bot.
      resolve({ status: -1, answer: String(error) });
      return;
    }
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (error) => resolve({ status: 0, answer: String(error) }));
    req.end(prepared.body);
  });
}

async function openSession(baseUrl: string): Promise<Session> {
  const json = async (path: string, token?: string, payload: unknown = {}) => {
    const response = await fetch(`${baseUrl}/v3/directline${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(payload),
    });
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}`);
    return (await response.json()) as { token: string; conversationId: string };
  };
  const generated = await json('/tokens/generate');
  const started = await json('/conversations', generated.token, { locale: 'zh-CN' });
  return { token: started.token, conversationId: started.conversationId };
}

/** Sends `cases` generated requests, one after another, and reports the answers. */
export async function fuzzHttp(options: FuzzOptions): Promise<FuzzReport> {
  const sessions = await Promise.all(Array.from({ length: 12 }, () => openSession(options.baseUrl)));
  const report: FuzzReport = { sent: 0, byStatus: {}, serverErrors: [] };
  const cases = fc.sample(aCase, { seed: options.seed, numRuns: options.cases });
  for (const [index, c] of cases.entries()) {
    const own = sessions[index % sessions.length]!;
    const other = sessions[(index + 1) % sessions.length]!;
    const prepared = prepare(c, own, other, options.spreadAddresses === true);
    tally(report, prepared, await send(options.baseUrl, prepared));
  }
  return report;
}

/** Counts one answer in the report; a 5xx is listed with what was sent. Requests Node refused to send (-1) are not counted. */
export function tally(report: FuzzReport, prepared: Prepared, { status, answer }: { status: number; answer: string }): void {
  if (status === -1) return;
  report.sent += 1;
  report.byStatus[String(status)] = (report.byStatus[String(status)] ?? 0) + 1;
  if (status >= 500) {
    report.serverErrors.push({
      status,
      method: prepared.method,
      path: prepared.path.slice(0, 200),
      sent: `${JSON.stringify(prepared.headers).slice(0, 300)} ${prepared.body?.toString('utf8').slice(0, 300) ?? ''}`,
      answer,
    });
  }
}

// --- the command ------------------------------------------------------------------------------------

/** The made-up Official Account of the bot `npm run fuzz` starts (the EncodingAESKey is WeChat's guide's example). */
const LOCAL_WECHAT: WeChatAccount = { token: 'fuzzToken2026', appId: 'wx0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', original: 'gh_000000000000' };

/** A running bot's account (`--url`): WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_ENCODING_AES_KEY and WECHAT_ORIGINAL_ID, or none. */
function weChatAccountFrom(env: NodeJS.ProcessEnv): WeChatAccount | undefined {
  const { WECHAT_TOKEN: token, WECHAT_APP_ID: appId, WECHAT_ENCODING_AES_KEY: encodingAesKey, WECHAT_ORIGINAL_ID: original } = env;
  return token && appId && encodingAesKey ? { token, appId, encodingAesKey, original: original ?? 'gh_000000000000' } : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const cases = Number(option('cases') ?? 2000);
  const seed = Number(option('seed') ?? Date.now() % 1_000_000);
  let baseUrl = option('url');
  let stop = async (): Promise<void> => undefined;
  if (!baseUrl) {
    // A bot started here: local mode, memory stores, silent logs, one trusted proxy so addresses can vary.
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createApp } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    const { createLogger } = await import('../src/ops/logger.js');
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
    const config = loadConfig({
      PORT: '0',
      FILINGS_PATH: join(dir, 'filings.json'),
      WEB_TRUST_PROXY: '1',
      ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true',
      LOG_LEVEL: 'silent',
      // /wechat on, for a made-up account; late answers go to a closed port (they are lost, and logged).
      WECHAT_TOKEN: LOCAL_WECHAT.token,
      WECHAT_APP_ID: LOCAL_WECHAT.appId,
      WECHAT_APP_SECRET: '0123456789abcdef0123456789abcdef',
      WECHAT_ENCODING_AES_KEY: LOCAL_WECHAT.encodingAesKey,
      WECHAT_API_BASE_URL: 'http://127.0.0.1:1',
    });
    const app = createApp(config, { logger: createLogger({ level: 'silent' }) });
    baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    stop = async () => {
      app.server.close();
      app.server.server.closeAllConnections();
      for (const closer of app.closers) await closer.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  process.stdout.write(`fuzzing ${baseUrl} with ${cases} cases, seed ${seed}\n`);
  const report = await fuzzHttp({ baseUrl, cases, seed, spreadAddresses: option('url') === undefined || args.includes('--spread') });
  // /wechat: the bot started here has it on; a running bot's account comes from the environment.
  const account = option('url') === undefined ? LOCAL_WECHAT : weChatAccountFrom(process.env);
  if (account !== undefined) {
    const { fuzzWeChat } = await import('./fuzz-wechat.js');
    const wechat = await fuzzWeChat({ baseUrl, cases: Math.ceil(cases / 4), seed, account });
    report.sent += wechat.sent;
    for (const [status, count] of Object.entries(wechat.byStatus)) report.byStatus[status] = (report.byStatus[status] ?? 0) + count;
    report.serverErrors.push(...wechat.serverErrors);
  }
  await stop();
  agent.destroy();
  const statuses = Object.entries(report.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  process.stdout.write(`sent ${report.sent}; answers ${statuses}\n`);
  for (const problem of report.serverErrors) process.stdout.write(`5xx ${problem.status} ${problem.method} ${problem.path}\n  sent ${problem.sent}\n  answer ${problem.answer}\n`);
  process.stdout.write(report.serverErrors.length === 0 ? 'no 5xx\n' : `${report.serverErrors.length} answers were 5xx (seed ${seed})\n`);
  process.exit(report.serverErrors.length === 0 ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`fuzz failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
