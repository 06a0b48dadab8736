import { expect } from 'chai';
import { createServer } from 'node:net';
import { startAppServer, type AppServer } from '../support/app-server.js';
import { AGENTS, agentAccountsEnv } from '../support/agents.js';
import { FakeOidcProvider } from '../support/fake-oidc.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * The organisation's sign-in in a real Chromium, the provider on another site (localhost, the console on
 * 127.0.0.1): the console's button, the provider, the callback — and the SameSite=Strict session cookie set
 * at the end of that cross-site round trip works for the console's own requests.
 */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('the hotline console in a real browser: signing in through the organisation\'s provider', function () {
  this.timeout(60_000);
  let provider: FakeOidcProvider;
  let server: AppServer;
  let driver: WebChatDriver;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    provider = await new FakeOidcProvider().start('localhost');
    const port = await freePort();
    server = await startAppServer(
      {
        ...(await agentAccountsEnv()),
        AGENT_OIDC_ISSUER: provider.base,
        AGENT_OIDC_CLIENT_ID: provider.clientId,
        AGENT_OIDC_CLIENT_SECRET: provider.clientSecret,
        AGENT_OIDC_REDIRECT_URI: `http://127.0.0.1:${port}/agent/oidc/callback`,
      },
      { port },
    );
    driver = await WebChatDriver.launch({ width: 1100, height: 800 });
  });
  after(async () => {
    await driver?.close();
    await server?.stop();
    await provider?.stop();
  });

  it('an agent the provider vouches for lands in the console, signed in; someone who is no agent is told so', async () => {
    const page = driver.page;
    provider.user = { sub: 'u-1', preferred_username: AGENTS.wang.id };
    await page.goto(`${server.base}/agent/`);
    await page.click('#oidc-sign-in');
    await page.waitForSelector('#console:not([hidden])');
    expect(await page.textContent('#agent-name')).to.include(AGENTS.wang.displayName);
    await page.click('#start-call');
    await page.waitForSelector('.question[data-prompt="menu.main"]');

    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    provider.user = { sub: 'u-2', preferred_username: 'not.an.agent' };
    await page.click('#oidc-sign-in');
    await page.waitForFunction(() => (document.querySelector('#sign-in-error')?.textContent ?? '') !== '');
    expect(await page.isHidden('#console')).to.equal(true);
    expect(driver.problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([]);
  });
});
