import { expect } from 'chai';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { Registry } from 'prom-client';
import restify from 'restify';
import { registerBotFrameworkChannel } from '../src/channels/bot-framework/bot-framework-channel.js';
import { createBotFrameworkAdapter } from '../src/channels/bot-framework/bot-framework-adapter.js';
import { isTokenCheckNoise } from '../src/channels/bot-framework/token-check-noise.js';
import { answerToAnUnfinishedBody, emulatorMessage, postMessages } from './support/app-server.js';
import { BotFrameworkTokenService } from './support/bot-framework-tokens.js';

/**
 * /api/messages with credentials and a real signed token (from a token service on a loopback port whose
 * key is endorsed for msteams): the token's signature is verified once a request, before the body is
 * read, and every refusal stays: another audience, issuer or key, an expired token (401 before the body),
 * an activity from a channel the key does not sign for, or for another serviceUrl (401 after it).
 */
const APP_ID = '00000000-0000-4000-8000-000000000002';
const SERVICE_URL = 'http://127.0.0.1:1/teams';

/** Counts calls of jsonwebtoken's verify, the signature check botframework-connector makes of each token. */
const jsonwebtoken = createRequire(createRequire(import.meta.url).resolve('botframework-connector'))('jsonwebtoken') as { verify: (...args: unknown[]) => unknown };
let verifications = 0;
const verify = jsonwebtoken.verify;
/** What the channel logged. */
const logged: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
/** The channel's metrics. */
const registry = new Registry();
/** The refused tokens counted so far, by reason. */
async function refusedCounts(): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('bot_framework_requests_refused_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels['reason']), v.value]));
}

/** What the process printed (stdout and stderr) while `run` ran, not passed on. */
async function printedDuring<T>(run: () => Promise<T>): Promise<{ result: T; printed: string[] }> {
  const printed: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = ((chunk: unknown) => printed.push(String(chunk)) > 0) as typeof stream.write;
  try {
    return { result: await run(), printed };
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]!));
  }
}

describe('/api/messages with credentials: a signed token is verified once a request', function () {
  this.timeout(20_000);
  const tokens = new BotFrameworkTokenService(['msteams']);
  const other = new BotFrameworkTokenService(['msteams']);
  let server: restify.Server;
  let base = '';
  let port = 0;

  before(async () => {
    await tokens.start();
    await other.start();
    jsonwebtoken.verify = (...args: unknown[]) => {
      verifications += 1;
      return verify(...args);
    };
    const adapter = createBotFrameworkAdapter({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', endpoints: tokens.endpoints }, { timeoutMs: 1000, maxConnections: 4, loopbackOnly: false });
    server = restify.createServer({ handleUncaughtExceptions: false });
    const keep = (level: string) => (obj: object, msg?: string) => void logged.push({ level, obj, msg });
    registerBotFrameworkChannel(server, {
      adapter,
      localMode: false,
      registry,
      logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') },
      logic: async (context) => {
        await context.sendActivity(`heard ${context.activity.text ?? ''}`);
      },
      onTurnError: async () => undefined,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    jsonwebtoken.verify = verify;
    server.close();
    await tokens.stop();
    await other.stop();
  });
  beforeEach(() => {
    verifications = 0;
    logged.length = 0;
  });

  const message = (extra: Record<string, unknown> = {}) => emulatorMessage('你好', { channelId: 'msteams', serviceUrl: SERVICE_URL, ...extra });
  const post = (token: string, body: unknown = message()) => postMessages(base, body, { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });

  it('a valid token: the turn runs and its signature was verified once', async () => {
    const reply = await post(tokens.token(APP_ID, SERVICE_URL));
    expect(reply.status, reply.text).to.equal(200);
    expect(JSON.stringify(reply.json())).to.contain('heard 你好');
    expect(verifications).to.equal(1);
    const again = await post(tokens.token(APP_ID, SERVICE_URL));
    expect(again.status).to.equal(200);
    expect(verifications).to.equal(2);
  });

  for (const [what, token] of [
    ['another audience', () => tokens.token('00000000-0000-4000-8000-00000000000f', SERVICE_URL)],
    ['another issuer', () => tokens.token(APP_ID, SERVICE_URL, { iss: 'https://evil.example' })],
    ['an expired token', () => tokens.token(APP_ID, SERVICE_URL, { exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['a token signed with another key of the same id', () => other.token(APP_ID, SERVICE_URL)],
  ] as Array<[string, () => string]>) {
    it(`${what}: 401 before the body is read`, async () => {
      expect(await answerToAnUnfinishedBody(port, `Bearer ${token()}`)).to.equal('HTTP/1.1 401 Unauthorized');
    });
  }

  it('a token signed by a wrong key: 401, nothing printed, one log line at info with why in a word and no token or key', async () => {
    const token = other.token(APP_ID, SERVICE_URL);
    const { result: reply, printed } = await printedDuring(() => post(token));
    expect(reply.status).to.equal(401);
    expect(reply.json()).to.have.nested.property('error.code', 'Unauthorized');
    expect(printed, 'botbuilder printed to the console').to.deep.equal([]);
    expect(logged).to.deep.equal([{ level: 'info', obj: { statusCode: 401, reason: 'bad_token' }, msg: 'bot framework request not authorized' }]);
    const line = JSON.stringify(logged);
    for (const secret of [token, token.split('.')[2]!, 'BEGIN', tokens.publicKeyModulus, other.publicKeyModulus]) expect(line).to.not.include(secret);
  });

  it('an expired token: 401, nothing printed, one log line at info', async () => {
    const { result: reply, printed } = await printedDuring(() => post(tokens.token(APP_ID, SERVICE_URL, { exp: Math.floor(Date.now() / 1000) - 3600 })));
    expect(reply.status).to.equal(401);
    expect(printed).to.deep.equal([]);
    expect(logged).to.deep.equal([{ level: 'info', obj: { statusCode: 401, reason: 'refused' }, msg: 'bot framework request not authorized' }]);
  });

  it('each refused token is counted by why in a word (bot_framework_requests_refused_total); a valid one is not', async () => {
    const before = await refusedCounts();
    const count = (reason: string) => (before[reason] ?? 0);
    expect((await post(other.token(APP_ID, SERVICE_URL))).status).to.equal(401);
    expect((await post(tokens.token(APP_ID, SERVICE_URL, { exp: Math.floor(Date.now() / 1000) - 3600 }))).status).to.equal(401);
    expect((await post(tokens.token('00000000-0000-4000-8000-00000000000f', SERVICE_URL))).status).to.equal(401);
    expect((await post(tokens.token(APP_ID, SERVICE_URL))).status).to.equal(200);
    expect(await refusedCounts()).to.deep.equal({ ...before, bad_token: count('bad_token') + 1, refused: count('refused') + 2 });
  });

  it('only the token check\'s own lines are dropped: the console prints as ever meanwhile', async () => {
    const { printed } = await printedDuring(async () => {
      const refused = post(other.token(APP_ID, SERVICE_URL));
      console.error('said elsewhere');
      return refused;
    });
    expect(printed).to.deep.equal(['said elsewhere\n']);
  });

  it('the token check\'s lines are known by their shape (the key not found, jsonwebtoken\'s errors), and dropped from the console once an adapter is made', async () => {
    expect(isTokenCheckNoise(['Error finding key for token. Available keys: -----BEGIN RSA PUBLIC KEY-----'])).to.equal(true);
    for (const name of ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']) expect(isTokenCheckNoise([Object.assign(new Error('jwt'), { name })]), name).to.equal(true);
    for (const other of [['a library failed'], [new Error('a library failed')], [], [{ name: 'TokenExpiredError' }]]) expect(isTokenCheckNoise(other), String(other[0])).to.equal(false);
    const { printed } = await printedDuring(async () => {
      console.error('Error finding key for token. Available keys: the key');
      console.error(Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' }));
      console.error('heard');
    });
    expect(printed).to.deep.equal(['heard\n']);
  });

  it('a console method put back since the adapter was made (a test\'s or a library\'s restore of what it saved): the token check\'s lines are still dropped', async () => {
    const saved = console.error;
    // What a restore puts back: a method that prints, made before any rule was registered.
    console.error = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
    try {
      const { result: reply, printed } = await printedDuring(async () => {
        const refused = await post(other.token(APP_ID, SERVICE_URL));
        console.error('heard');
        return refused;
      });
      expect(reply.status).to.equal(401);
      expect(printed).to.deep.equal(['heard\n']);
    } finally {
      console.error = saved;
    }
  });

  it('an activity from a channel the key is not endorsed for: 401, the token verified once', async () => {
    const reply = await post(tokens.token(APP_ID, SERVICE_URL), message({ channelId: 'slack' }));
    expect(reply.status).to.equal(401);
    expect(reply.json()).to.have.nested.property('error.code', 'Unauthorized');
    expect(verifications).to.equal(1);
  });

  it('an activity for another serviceUrl than the token carries: 401, the token verified once', async () => {
    const reply = await post(tokens.token(APP_ID, SERVICE_URL), message({ serviceUrl: 'http://127.0.0.1:1/elsewhere' }));
    expect(reply.status).to.equal(401);
    expect(reply.json()).to.have.nested.property('error.code', 'Unauthorized');
    expect(verifications).to.equal(1);
  });
});
