import { expect } from 'chai';
import { startAppServer, type AppServer } from './support/app-server.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { FakeOidcProvider } from './support/fake-oidc.js';

/**
 * Agents signing in through the organisation's OpenID Connect provider (AGENT_OIDC_*), over HTTP on real
 * ports, the browser's redirects followed by hand: the session after the provider vouches for an agent of
 * AGENT_ACCOUNTS (one whose account is oidc-only has no password here); refused for someone the provider
 * knows who is no agent, for a callback this browser did not start, and for an ID token with a wrong nonce,
 * audience or signature.
 */
describe('agent console: sign-in through OpenID Connect', function () {
  this.timeout(30_000);
  let provider: FakeOidcProvider;
  let server: AppServer;

  before(async () => {
    provider = await new FakeOidcProvider().start();
    const { AGENT_ACCOUNTS } = await agentAccountsEnv();
    server = await startAppServer({
      AGENT_ACCOUNTS: `${AGENT_ACCOUNTS};a0199:oidc:赵坐席`,
      AGENT_OIDC_ISSUER: provider.base,
      AGENT_OIDC_CLIENT_ID: provider.clientId,
      AGENT_OIDC_CLIENT_SECRET: provider.clientSecret,
      AGENT_OIDC_REDIRECT_URI: 'http://127.0.0.1:1/agent/oidc/callback',
    });
  });
  after(async () => {
    await server.stop();
    await provider.stop();
  });
  afterEach(() => {
    // restify logs, in full (the callback's code and state, the cookies), any value an async handler returns.
    expect(server.lines.filter((l) => l['msg'] === 'Discarded returned value from async handler')).to.deep.equal([]);
  });

  /** The browser's round trip: /agent/oidc/start → the provider → the callback on this server; its cookies kept. */
  async function signInThroughProvider(options: { dropStateCookie?: boolean } = {}): Promise<{ landing: string; agent: AgentClient }> {
    const start = await fetch(`${server.base}/agent/oidc/start`, { redirect: 'manual' });
    expect(start.status).to.equal(302);
    const stateCookie = /^agent_oidc=([^;]+)/.exec(start.headers.get('set-cookie') ?? '')?.[1];
    expect(start.headers.get('set-cookie')).to.include('HttpOnly').and.include('SameSite=Lax');
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).to.equal(provider.base);
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    const atProvider = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(atProvider.headers.get('location')!);
    // The provider sends the browser to the registered callback; this test's server answers it.
    const back = await fetch(`${server.base}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: options.dropStateCookie ? {} : { Cookie: `agent_oidc=${stateCookie}` } });
    expect(back.status).to.equal(303);
    const agent = new AgentClient(server.base);
    for (const cookie of back.headers.getSetCookie()) {
      const session = /^agent_session=([^;]+)/.exec(cookie)?.[1];
      if (session) agent.cookie = `agent_session=${session}`;
    }
    return { landing: back.headers.get('location')!, agent };
  }

  it('the provider vouches for an agent: a session, as after a password (the CSRF token from /me), audited as oidc', async () => {
    provider.user = { sub: 'u-1', preferred_username: AGENTS.wang.id, name: 'whoever' };
    const { landing, agent } = await signInThroughProvider();
    expect(landing).to.equal('/agent/');
    const me = await agent.call('GET', 'me');
    expect(me.status).to.equal(200);
    expect(me.json['agent']).to.deep.equal({ id: AGENTS.wang.id, displayName: AGENTS.wang.displayName });
    expect(server.lines.some((l) => l['audit'] === 'sign_in' && l['agent'] === AGENTS.wang.id && l['method'] === 'oidc')).to.equal(true);
    agent.csrf = me.json['csrfToken'];
    expect((await agent.call('POST', 'calls', { locale: 'zh-CN' })).status).to.equal(201);
  });

  it('an oidc-only account signs in through the provider, and never with a password', async () => {
    provider.user = { sub: 'u-9', preferred_username: 'A0199' };
    const { agent } = await signInThroughProvider();
    expect((await agent.call('GET', 'me')).json['agent']['displayName']).to.equal('赵坐席');
    expect((await new AgentClient(server.base).signIn({ id: 'a0199', password: 'oidc' })).status).to.equal(401);
  });

  it('someone the provider knows who is no agent here: back to the sign-in, no session, the name not logged', async () => {
    provider.user = { sub: 'u-2', preferred_username: 'visitor.from.finance' };
    const { landing, agent } = await signInThroughProvider();
    expect(landing).to.equal('/agent/?signIn=failed');
    expect(agent.cookie).to.equal(undefined);
    expect(JSON.stringify(server.lines)).not.to.include('visitor.from.finance');
  });

  it('a callback this browser did not start (no state cookie: a sign-in slipped into someone else\'s browser) is refused', async () => {
    provider.user = { sub: 'u-1', preferred_username: AGENTS.wang.id };
    const { landing, agent } = await signInThroughProvider({ dropStateCookie: true });
    expect(landing).to.equal('/agent/?signIn=failed');
    expect(agent.cookie).to.equal(undefined);
  });

  for (const tamper of ['nonce', 'audience', 'signature'] as const) {
    it(`an ID token with a wrong ${tamper} is refused`, async () => {
      provider.user = { sub: 'u-1', preferred_username: AGENTS.wang.id };
      provider.tamper = tamper;
      const { landing, agent } = await signInThroughProvider();
      expect(landing).to.equal('/agent/?signIn=failed');
      expect(agent.cookie).to.equal(undefined);
    });
  }

  it('the console page offers the organisation\'s sign-in', async () => {
    expect(await (await fetch(`${server.base}/agent/`)).text()).to.include('href="/agent/oidc/start"');
  });
});

describe('agent console: OpenID Connect configuration', () => {
  it('the issuer, client id and callback go together; an http issuer is refused unless on this machine', async () => {
    const { loadConfig } = await import('../src/config.js');
    let message = '';
    try {
      loadConfig({ AGENT_OIDC_ISSUER: 'https://sso.example.gov.cn' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.match(/AGENT_OIDC_CLIENT_ID is required/).and.match(/AGENT_OIDC_REDIRECT_URI is required/);
    expect(() => loadConfig({ AGENT_OIDC_ISSUER: 'http://sso.example.gov.cn', AGENT_OIDC_CLIENT_ID: 'c', AGENT_OIDC_REDIRECT_URI: 'https://bot.example.gov.cn/agent/oidc/callback' })).to.throw(/AGENT_OIDC_ISSUER must be/);
    expect(() => loadConfig({ AGENT_OIDC_ISSUER: 'https://sso.example.gov.cn', AGENT_OIDC_CLIENT_ID: 'c', AGENT_OIDC_REDIRECT_URI: 'https://bot.example.gov.cn/elsewhere' })).to.throw(/AGENT_OIDC_REDIRECT_URI must be/);
    const config = loadConfig({ AGENT_OIDC_ISSUER: 'https://sso.example.gov.cn', AGENT_OIDC_CLIENT_ID: 'c', AGENT_OIDC_REDIRECT_URI: 'https://bot.example.gov.cn/agent/oidc/callback' });
    expect(config.agents.oidc).to.deep.include({ issuer: 'https://sso.example.gov.cn', accountClaim: 'preferred_username' });
  });
});
