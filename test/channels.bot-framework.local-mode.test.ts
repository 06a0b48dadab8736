import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DirectLineClient } from './channels.web.fixtures.js';
import { emulatorMessage, postMessages, startAppServer, type AppServer } from './support/app-server.js';
import { externalAddress, FakeConnector, SilentService } from './support/fake-connector.js';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Local mode (no MicrosoftAppId: /api/messages checks no token) is safe by default: only this machine may
 * call, replies go back in the response or to this machine, every reply has a deadline and a connection
 * cap, and the web channel's conversations cannot be driven through /api/messages. All over real ports.
 */
describe('/api/messages in local mode: no open relay', function () {
  this.timeout(30_000);
  let server: AppServer | undefined;
  const stops: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    for (const s of stops.splice(0)) await s.close();
  });

  describe('who may call', () => {
    it('this machine (loopback) gets its replies in the response, as the Emulator and the tests do', async () => {
      server = await startAppServer();
      const reply = await postMessages(server.base, emulatorMessage('你好'));
      expect(reply.status).to.equal(200);
      expect((reply.json()['activities'] as unknown[]).length).to.be.greaterThan(0);
    });

    it('another machine is refused (403) without the body being looked at', async function () {
      const address = externalAddress();
      if (!address) this.skip();
      server = await startAppServer({}, { host: '0.0.0.0' });
      const reply = await postMessages(`http://${address}:${server.port}`, emulatorMessage('你好'));
      expect(reply.status).to.equal(403);
      expect(reply.json()).to.have.nested.property('error.code', 'Forbidden');
    });

    it('a request relayed by a proxy on this machine (X-Forwarded-For) is not this machine’s', async () => {
      server = await startAppServer();
      const reply = await postMessages(server.base, emulatorMessage('你好'), { 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.9' });
      expect(reply.status).to.equal(403);
    });

    it('ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK=true lets other machines in, and says so in one warning line at start-up', async function () {
      const address = externalAddress();
      if (!address) this.skip();
      server = await startAppServer({ ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true' }, { host: '0.0.0.0' });
      const reply = await postMessages(`http://${address}:${server.port}`, emulatorMessage('你好'));
      expect(reply.status).to.equal(200);
      const warnings = server.lines.filter((line) => line['level'] === 40 && String(line['msg']).includes('ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK'));
      expect(warnings).to.have.length(1);
    });

    it('the safe default logs no such warning', async () => {
      server = await startAppServer();
      expect(server.lines.filter((line) => String(line['msg']).includes('ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK'))).to.deep.equal([]);
    });
  });

  describe('where replies go', () => {
    it('to a loopback serviceUrl (the Emulator’s): delivered', async () => {
      server = await startAppServer();
      const connector = await FakeConnector.start('127.0.0.1');
      stops.push(connector);
      const reply = await postMessages(server.base, emulatorMessage('你好', { deliveryMode: 'normal', serviceUrl: connector.url }));
      expect(reply.status).to.equal(200);
      expect(connector.received.length).to.be.greaterThan(0);
      expect(connector.received[0]!.url).to.match(/^\/v3\/conversations\//);
    });

    it('to any other serviceUrl: refused (400) and nothing is sent there, even with ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK', async function () {
      const address = externalAddress();
      if (!address) this.skip();
      server = await startAppServer({ ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true' });
      const elsewhere = await FakeConnector.start(address);
      stops.push(elsewhere);
      for (const serviceUrl of [elsewhere.url, 'http://169.254.169.254/latest/meta-data/', `http://${address}:6379/`]) {
        const reply = await postMessages(server.base, emulatorMessage('你好', { deliveryMode: 'normal', serviceUrl }));
        expect(reply.status, serviceUrl).to.equal(400);
        expect(reply.json(), serviceUrl).to.have.nested.property('error.code', 'BadArgument');
      }
      expect(elsewhere.received).to.deep.equal([]);
    });

    it('a serviceUrl that accepts and never answers: each reply gives up within BOT_FRAMEWORK_REPLY_TIMEOUT_MS, on at most BOT_FRAMEWORK_MAX_CONNECTIONS connections', async () => {
      server = await startAppServer({ BOT_FRAMEWORK_REPLY_TIMEOUT_MS: '1000', BOT_FRAMEWORK_MAX_CONNECTIONS: '3', LOG_LEVEL: 'silent' });
      const silent = await SilentService.start('127.0.0.1');
      stops.push(silent);
      const started = Date.now();
      const replies = await Promise.all(
        Array.from({ length: 12 }, () => postMessages(server!.base, emulatorMessage('你好', { deliveryMode: 'normal', serviceUrl: silent.url }))),
      );
      // Generous: without the deadline every one of these turns would wait for minutes.
      expect(Date.now() - started).to.be.below(15_000);
      expect(replies.map((r) => r.status)).to.deep.equal(Array(12).fill(200));
      expect(silent.accepted).to.be.greaterThan(0);
      expect(silent.peak, 'connections open at once to the silent service').to.be.at.most(3);
      const gaveUp = server.lines.filter((line) => line['msg'] === 'replies could not be delivered to the channel');
      expect(gaveUp.length).to.equal(12);
      expect(JSON.stringify(gaveUp)).to.not.include('/v3/conversations'); // the host only, never the path
    });
  });

  describe('the web channel’s conversations are driven only with their token', () => {
    it('channelId webchat is refused on /api/messages, even with a live web conversation’s id, and that conversation is untouched', async () => {
      server = await startAppServer();
      const dl = new DirectLineClient(server.base);
      const { token, conversationId } = await dl.open('zh-CN');
      const before = (await dl.poll(token, conversationId)).body.activities.length;
      const reply = await postMessages(server.base, emulatorMessage('我要备案', { channelId: 'webchat', conversation: { id: conversationId } }));
      expect(reply.status).to.equal(400);
      expect(JSON.stringify(reply.json())).to.include('/v3/directline');
      expect((await dl.poll(token, conversationId)).body.activities.length).to.equal(before);
    });

    for (const channelId of ['wechat', 'test', 'console', 'made-up', '']) {
      it(`a channel id no adapter here owns ("${channelId}") is refused (400)`, async () => {
        server ??= await startAppServer();
        const reply = await postMessages(server.base, emulatorMessage('你好', { channelId }));
        expect(reply.status).to.equal(400);
      });
    }
  });

  describe('BOT_FRAMEWORK_CHANNEL=off: the web page alone', () => {
    it('has no /api/messages at all, and the page and its channel work', async () => {
      server = await startAppServer({ BOT_FRAMEWORK_CHANNEL: 'off' });
      expect((await postMessages(server.base, emulatorMessage('你好'))).status).to.equal(404);
      expect((await fetch(`${server.base}/`)).status).to.equal(200);
      const { token, conversationId } = await new DirectLineClient(server.base).open('zh-CN');
      expect((await new DirectLineClient(server.base).poll(token, conversationId)).body.activities.length).to.be.greaterThan(0);
    });
  });
});

describe('/api/messages: SIGTERM while turns wait on a serviceUrl that never answers', function () {
  this.timeout(60_000);

  it('the turns give up on their replies and the process still exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const silent = await SilentService.start('127.0.0.1');
    const dir = mkdtempSync(join(tmpdir(), 'bf-sigterm-'));
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import=tsx', 'src/index.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'info', REDIS_URL: '', SHUTDOWN_TIMEOUT_MS: '10000', BOT_FRAMEWORK_REPLY_TIMEOUT_MS: '3000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const port = (JSON.parse(line) as { port?: number }).port;
          if (port) resolve(port);
        });
        child.once('exit', () => reject(new Error('the server exited before listening')));
      });
      const base = `http://127.0.0.1:${port}`;
      const inFlight = Array.from({ length: 30 }, () => postMessages(base, emulatorMessage('你好', { deliveryMode: 'normal', serviceUrl: silent.url })).catch(() => undefined));
      for (let i = 0; i < 100 && silent.accepted === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(silent.accepted, 'the turns are waiting on the silent service').to.be.greaterThan(0);
      const signalled = Date.now();
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(Date.now() - signalled).to.be.below(10_000);
      await Promise.all(inFlight);
    } finally {
      child.kill('SIGKILL');
      await silent.close();
    }
  });
});
