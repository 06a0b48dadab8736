import { expect } from 'chai';
import { fuzzHttp } from '../scripts/fuzz-http.js';
import { fuzzWeChat } from '../scripts/fuzz-wechat.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { emulatorMessage, postMessages, startAppServer, type AppServer } from './support/app-server.js';
import { watchForCrashes } from './support/crashes.js';
import { ACCOUNT, FakeWeChatApi, WeChatSender, wechatEnv } from './support/wechat.js';

/**
 * The HTTP fuzzer (scripts/fuzz-http.ts, `npm run fuzz` for long runs) against the whole app on a real
 * port: a bounded number of generated malformed requests to /api/messages and the Direct Line routes.
 * Each is a client's mistake, so no answer may be a 5xx, nothing may crash, and the bot goes on serving.
 */
describe('HTTP fuzzing: no client mistake gets a 5xx (scripts/fuzz-http.ts)', function () {
  this.timeout(120_000);
  let server: AppServer | undefined;
  let crashes: ReturnType<typeof watchForCrashes>;
  beforeEach(() => {
    crashes = watchForCrashes();
  });
  afterEach(async () => {
    crashes.stop();
    await server?.stop();
  });

  /** A web conversation opened before the fuzzing (new ones from this address may be rate limited after it). */
  const openBefore = (app: AppServer) => new DirectLineClient(app.base).open('zh-CN');

  const stillServes = async (app: AppServer, web: { token: string; conversationId: string }) => {
    expect((await fetch(`${app.base}/healthz`)).status).to.equal(200);
    expect((await postMessages(app.base, emulatorMessage('你好'))).status).to.equal(200);
    const dl = new DirectLineClient(app.base);
    expect((await dl.post(web.token, web.conversationId, userMessage('1'))).status).to.equal(200);
    expect((await dl.poll(web.token, web.conversationId)).status).to.equal(200);
  };

  it('400 cases, client addresses spread behind a trusted proxy (more of them reach the parsing): zero 5xx', async () => {
    server = await startAppServer({ WEB_TRUST_PROXY: '1', ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true', LOG_LEVEL: 'silent' });
    const web = await openBefore(server);
    const report = await fuzzHttp({ baseUrl: server.base, cases: 400, seed: 20261124, spreadAddresses: true });
    expect(report.serverErrors).to.deep.equal([]);
    expect(report.sent).to.be.greaterThan(350);
    expect(Object.keys(report.byStatus).length, 'many kinds of answers: the cases are varied').to.be.greaterThan(6);
    await stillServes(server, web);
    expect(crashes.problems).to.deep.equal([]);
  });

  it('200 cases against the default (safe) configuration: zero 5xx', async () => {
    server = await startAppServer({ LOG_LEVEL: 'silent' });
    const web = await openBefore(server);
    const report = await fuzzHttp({ baseUrl: server.base, cases: 200, seed: 7 });
    expect(report.serverErrors).to.deep.equal([]);
    await stillServes(server, web);
    expect(crashes.problems).to.deep.equal([]);
  });
});

describe('HTTP fuzzing of /wechat: forged, stale, malformed and odd messages get no 5xx (scripts/fuzz-wechat.ts)', function () {
  this.timeout(180_000);
  let server: AppServer | undefined;
  let api: FakeWeChatApi | undefined;
  let crashes: ReturnType<typeof watchForCrashes>;
  beforeEach(() => {
    crashes = watchForCrashes();
  });
  afterEach(async () => {
    crashes.stop();
    await server?.stop();
    await api?.stop();
  });

  it('300 cases in plain, compatible and secure modes: zero 5xx, many reach the bot, and it still answers', async () => {
    api = await new FakeWeChatApi().start();
    server = await startAppServer({ ...wechatEnv(api.base), LOG_LEVEL: 'silent' });
    const report = await fuzzWeChat({ baseUrl: server.base, cases: 300, seed: 20261206, account: ACCOUNT });
    expect(report.serverErrors).to.deep.equal([]);
    expect(report.sent).to.be.greaterThan(280);
    expect(report.byStatus['200'] ?? 0, 'signed, well-formed messages pass the checks and are answered').to.be.greaterThan(25);
    expect(Object.keys(report.byStatus).length, 'refusals of several kinds: the cases are varied').to.be.greaterThan(4);
    const reply = await new WeChatSender(server.base, undefined, 'secure').say('你好');
    expect(reply.status).to.equal(200);
    expect(reply.text).to.be.a('string').and.not.equal('');
    expect(crashes.problems).to.deep.equal([]);
  });
});
