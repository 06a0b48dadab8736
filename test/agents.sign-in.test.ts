import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../src/config.js';
import { createApp } from '../src/app.js';
import { createLogger } from '../src/ops/logger.js';
import { sendJson } from '../src/channels/http.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { SIGN_IN_RATE } from '../src/agents/agent-auth.js';
import { AgentClient, AGENTS, agentAccountsEnv, twoInstancesOnOneRedis } from './support/agents.js';
import { TEST_DATA_KEY } from './support/keys.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';
import { TestAdapter, TurnContext } from 'botbuilder';
import { DialogContext, DialogContextError, DialogSet } from 'botbuilder-dialogs';

/**
 * Agents' sign-in to the console over HTTP on the real app server: 401 without a session, the session
 * cookie's attributes, CSRF on every state-changing request, lockout after wrong passwords, the audit
 * lines (no password, no account name that does not exist), sessions shared by two instances on one Redis.
 */

const audits = (server: AppServer) => server.lines.filter((l) => l['msg'] === 'agent audit');

describe('agent console: sign-in and sessions (HTTP)', () => {
  let server: AppServer;
  before(async () => {
    server = await startAppServer({ ...(await agentAccountsEnv()), AGENT_LOCKOUT_ATTEMPTS: '3', AGENT_LOCKOUT_SECONDS: '600' });
    // A route another module registers under /agent/api/ (as the handoff queue does).
    server.app.agents.api.get('probe', async (_req, res, agent) => sendJson(res, 200, { agent }));
    server.app.agents.api.post('probe', async (_req, res, agent) => sendJson(res, 200, { changedBy: agent.id }));
  });
  after(() => server.stop());

  it('GET /agent/api/me without a session: 401 JSON', async () => {
    const r = await new AgentClient(server.base).call('GET', 'me');
    expect(r.status).to.equal(401);
    expect(r.json['error']['code']).to.equal('Unauthorized');
  });

  it("another module's route under /agent/api/ answers 401 without a session, and its handler never runs", async () => {
    const client = new AgentClient(server.base);
    expect((await client.call('GET', 'probe')).status).to.equal(401);
    expect((await client.call('POST', 'probe', {})).status).to.equal(401);
  });

  it('a forged session cookie is not a session', async () => {
    const client = new AgentClient(server.base);
    client.cookie = `agent_session=${'A'.repeat(43)}`;
    expect((await client.call('GET', 'me')).status).to.equal(401);
  });

  it('signs in with the right password: an HttpOnly SameSite=Strict cookie on /agent, the agent and a CSRF token', async () => {
    const client = new AgentClient(server.base);
    const r = await client.signIn(AGENTS.wang);
    expect(r.status).to.equal(200);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).to.match(/^agent_session=[A-Za-z0-9_-]{43};/).and.include('HttpOnly').and.include('SameSite=Strict').and.include('Path=/agent');
    expect(r.json['agent']).to.deep.equal({ id: AGENTS.wang.id, displayName: AGENTS.wang.displayName });
    expect(r.json['csrfToken']).to.be.a('string').with.length.above(30);
    const me = await client.call('GET', 'me');
    expect(me.status).to.equal(200);
    expect(me.json['agent']['id']).to.equal(AGENTS.wang.id);
    expect((await client.call('GET', 'probe')).json['agent']).to.deep.equal({ id: AGENTS.wang.id, displayName: AGENTS.wang.displayName });
  });

  it('a state-changing request needs the CSRF token of its own session, and the console origin', async () => {
    const client = new AgentClient(server.base);
    await client.signIn(AGENTS.li);
    const other = new AgentClient(server.base);
    await other.signIn(AGENTS.wang);
    expect((await client.call('POST', 'probe', {}, { 'X-CSRF-Token': '' })).status, 'no token').to.equal(403);
    expect((await client.call('POST', 'probe', {}, { 'X-CSRF-Token': other.csrf! })).status, "another session's token").to.equal(403);
    expect((await client.call('POST', 'probe', {}, { Origin: 'https://evil.example' })).status, 'another origin').to.equal(403);
    expect((await client.call('POST', 'probe', {}, { 'Sec-Fetch-Site': 'cross-site' })).status, 'cross-site').to.equal(403);
    const ok = await client.call('POST', 'probe', {});
    expect(ok.status).to.equal(200);
    expect(ok.json['changedBy']).to.equal(AGENTS.li.id);
  });

  it('signing out ends the session (the cookie is cleared, the old cookie no longer works)', async () => {
    const client = new AgentClient(server.base);
    await client.signIn(AGENTS.wang);
    const saved = client.cookie;
    expect((await client.call('POST', 'sign-out', undefined, { 'X-CSRF-Token': 'wrong' })).status, 'sign-out is CSRF-checked too').to.equal(403);
    const out = await client.call('POST', 'sign-out');
    expect(out.status).to.equal(200);
    expect(out.headers.get('set-cookie')).to.include('Max-Age=0');
    client.cookie = saved;
    expect((await client.call('GET', 'me')).status).to.equal(401);
  });

  it('a wrong password: 401, audited without the password', async () => {
    const before = audits(server).length;
    const r = await new AgentClient(server.base).signIn({ id: AGENTS.li.id, password: 'not the password' });
    expect(r.status).to.equal(401);
    const line = audits(server).slice(before);
    expect(line).to.have.length(1);
    expect(line[0]).to.include({ audit: 'sign_in', agent: AGENTS.li.id, outcome: 'wrong_password' });
    expect(JSON.stringify(server.lines)).not.to.include('not the password');
  });

  it('wrong passwords lock the account out: the third answers 429, then even the right password is refused; other accounts are not affected', async () => {
    const victim = { id: 'a0101', password: AGENTS.wang.password };
    const client = new AgentClient(server.base);
    // A fresh server, so the earlier tests' sessions do not matter.
    const fresh = await startAppServer({ ...(await agentAccountsEnv()), AGENT_LOCKOUT_ATTEMPTS: '3', AGENT_LOCKOUT_SECONDS: '600' });
    try {
      const c = new AgentClient(fresh.base);
      expect((await c.signIn({ id: victim.id, password: 'guess one' })).status).to.equal(401);
      expect((await c.signIn({ id: victim.id, password: 'guess two' })).status).to.equal(401);
      const third = await c.signIn({ id: victim.id, password: 'guess three' });
      expect(third.status).to.equal(429);
      expect(Number(third.headers.get('retry-after'))).to.be.within(590, 600);
      const right = await c.signIn(victim);
      expect(right.status, 'the right password while locked').to.equal(429);
      expect(c.cookie).to.equal(undefined);
      expect((await new AgentClient(fresh.base).signIn(AGENTS.li)).status, 'another account').to.equal(200);
      expect(audits(fresh).map((l) => [l['audit'], l['outcome']])).to.deep.include.members([
        ['lockout', undefined],
        ['sign_in', 'locked'],
      ]);
      const metrics = await (await fetch(`${fresh.base}/metrics`)).text();
      expect(metrics).to.match(/agent_sign_ins_total\{outcome="wrong"\} 3/).and.match(/agent_sign_ins_total\{outcome="locked"\} 1/).and.match(/agents_signed_in 1/);
    } finally {
      await fresh.stop();
    }
    void client;
  });

  it('an unknown account: the same 401, and the name typed is not logged (it may be a password typed in the wrong box)', async () => {
    const r = await new AgentClient(server.base).signIn({ id: 'hunter2-secret', password: 'whatever it is' });
    expect(r.status).to.equal(401);
    expect(JSON.stringify(server.lines)).not.to.include('hunter2-secret');
    expect(audits(server).at(-1)).to.include({ audit: 'sign_in', outcome: 'unknown_account' });
  });

  it('the console page is served with a CSP without external scripts, never framed', async () => {
    const response = await fetch(`${server.base}/agent/`);
    expect(response.status).to.equal(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).to.include("script-src 'self'").and.include("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).to.include('坐席登录');
    expect(html).not.to.match(/<script[^>]+src="https?:/);
  });
});

describe('agent console: sessions shared by two instances on one Redis', () => {
  const instances = twoInstancesOnOneRedis('agents', { AGENT_LOCKOUT_ATTEMPTS: '2' });

  it('signed in on one instance, known on the other; signed out on the other, gone on both', async () => {
    const client = new AgentClient(instances.one.base);
    expect((await client.signIn(AGENTS.wang)).status).to.equal(200);
    const onTwo = Object.assign(new AgentClient(instances.two.base), { cookie: client.cookie, csrf: client.csrf });
    expect((await onTwo.call('GET', 'me')).json['agent']['id']).to.equal(AGENTS.wang.id);
    expect(await instances.one.app.agents.auth.signedIn()).to.include(AGENTS.wang.id);
    expect((await onTwo.call('POST', 'sign-out')).status).to.equal(200);
    expect((await client.call('GET', 'me')).status).to.equal(401);
  });

  it('a lockout on one instance holds on the other', async () => {
    const a = new AgentClient(instances.one.base);
    expect((await a.signIn({ id: AGENTS.li.id, password: 'wrong one' })).status).to.equal(401);
    expect((await new AgentClient(instances.two.base).signIn({ id: AGENTS.li.id, password: 'wrong two' })).status).to.equal(429);
    expect((await new AgentClient(instances.one.base).signIn(AGENTS.li)).status).to.equal(429);
  });
});

describe('agent console: sign-in attempts per address shared by two instances on one Redis', () => {
  const instances = twoInstancesOnOneRedis('agents-rate');

  it('sign-in attempts from one address are counted together: of 30 at once, half on each instance, no more than the burst get past', async () => {
    // At once, so that the bucket does not refill meanwhile (one every 3 s; each password check takes a while).
    const attempts = Array.from({ length: 30 }, (_, i) => new AgentClient((i % 2 === 0 ? instances.one : instances.two).base).signIn({ id: `guess${i}`, password: 'x' }));
    const answers = await Promise.all(attempts);
    const statuses = answers.map((a) => a.status);
    const past = statuses.filter((s) => s !== 429).length;
    expect(past, `answers: ${statuses.join(',')}`).to.be.within(SIGN_IN_RATE.burst, SIGN_IN_RATE.burst + 1);
    expect(statuses.filter((s) => s !== 429 && s !== 401), 'the others: wrong account or password').to.deep.equal([]);
    const limited = answers.find((a) => a.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 3);
  });
});

for (const place of ['memory', 'Redis'] as const) {
  describe(`agent console: a burst of guesses at once (${place})`, () => {
    const redis = new SharedRedis('agents-burst');
    after(() => redis.cleanUp());

    it('14 wrong passwords at once for one account: no more than the limit are checked, and the right password sent with them after the 14 is refused', async () => {
      const env = { ...(await agentAccountsEnv()), AGENT_LOCKOUT_ATTEMPTS: '5', AGENT_LOCKOUT_SECONDS: '600', ...(place === 'Redis' ? { REDIS_URL, REDIS_KEY_PREFIX: redis.prefix } : {}) };
      const server = await startAppServer(env);
      try {
        let received = 0;
        let allReceived!: () => void;
        const fourteen = new Promise<void>((resolve) => (allReceived = resolve));
        server.app.server.server.on('request', () => ++received === 14 && allReceived());
        const guesses = Array.from({ length: 14 }, (_, i) => new AgentClient(server.base).signIn({ id: AGENTS.wang.id, password: `guess ${i}` }));
        await fourteen;
        const rightClient = new AgentClient(server.base);
        const right = rightClient.signIn(AGENTS.wang);
        const statuses = (await Promise.all(guesses)).map((a) => a.status);
        const checked = audits(server).filter((l) => l['outcome'] === 'wrong_password').length;
        expect(checked, `passwords checked (answers: ${statuses.join(',')})`).to.be.at.most(5);
        expect(statuses.filter((s) => s === 401).length, 'wrong passwords answered as wrong (not locked)').to.equal(4);
        expect((await right).status, 'the right password in the burst, after the limit').to.equal(429);
        expect(rightClient.cookie).to.equal(undefined);
        expect((await new AgentClient(server.base).signIn(AGENTS.wang)).status, 'and afterwards, while locked').to.equal(429);
        expect((await new AgentClient(server.base).signIn(AGENTS.li)).status, 'another account').to.equal(200);
      } finally {
        await server.stop();
      }
    });
  });
}

describe('agent console: a request that fails logs nothing a caller said', () => {
  /** What a caller said, as a dialog's state quotes it (in a prompt, in the step values). */
  const SAID = 'my name is Zhao Tiezhu of 88 Xingfu Road';
  const dialogError = (): Error => {
    const turn = new TurnContext(new TestAdapter(), { type: 'message', text: SAID });
    const dc = new DialogContext(new DialogSet(), turn, { dialogStack: [{ id: 'details.steps', state: { options: { prompt: `You said: ${SAID}` }, values: { heard: SAID } } }] });
    return new DialogContextError(new Error('filing store write failed'), dc);
  };
  let server: AppServer;
  before(async () => {
    server = await startAppServer(await agentAccountsEnv());
    // Errors out of a guided call's turn, as a route under /agent/api/ may meet them: the dialog's error itself,
    // or inside another error (its cause, one of its fields).
    server.app.agents.api.get('fails/top', async () => {
      throw dialogError();
    });
    server.app.agents.api.get('fails/cause', async () => {
      throw new Error('call turn failed', { cause: dialogError() });
    });
    server.app.agents.api.get('fails/field', async () => {
      throw Object.assign(new Error('call turn failed'), { turn: dialogError() });
    });
  });
  after(() => server.stop());

  for (const how of ['top', 'cause', 'field']) {
    it(`the dialog's error ${how === 'top' ? 'itself' : `as the ${how} of another`}: 500, logged with the dialog's id, never its state`, async () => {
      const client = new AgentClient(server.base);
      await client.signIn(AGENTS.wang);
      const before = server.lines.length;
      const r = await client.call('GET', `fails/${how}`);
      expect(r.status).to.equal(500);
      const logged = server.lines.slice(before).filter((l) => l['msg'] === 'agent console request failed');
      expect(logged, 'the failure is logged').to.have.length(1);
      const text = JSON.stringify(logged);
      expect(text).to.include('filing store write failed').and.include('details.steps');
      expect(text).not.to.include('Zhao').and.not.to.include('Xingfu');
    });
  }
});

describe('agent console: accounts configuration', () => {
  it('a malformed AGENT_ACCOUNTS entry stops start-up naming the entry, never echoing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agents-config-'));
    const config = loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'f.json'), DATA_ENCRYPTION_KEY: TEST_DATA_KEY, AGENT_ACCOUNTS: 'a0100:scrypt$1$1$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA:甲;a0101:plaintext-password:王坐席' });
    let message = '';
    try {
      createApp(config, { logger: createLogger({ level: 'silent' }) });
    } catch (err) {
      message = (err as Error).message;
    }
    rmSync(dir, { recursive: true, force: true });
    expect(message).to.match(/AGENT_ACCOUNTS entry 1: the password hash must be/);
    expect(message).not.to.include('plaintext-password').and.not.to.include('AAAAAAAA');
  });

  it('AGENT_SESSION_MAX_SECONDS shorter than the idle timeout is refused', () => {
    expect(() => loadConfig({ AGENT_IDLE_TIMEOUT_SECONDS: '3600', AGENT_SESSION_MAX_SECONDS: '600' })).to.throw(/AGENT_SESSION_MAX_SECONDS must not be shorter/);
  });
});
