import { expect } from 'chai';
import fc from 'fast-check';
import { startAppServer, type AppServer } from './support/app-server.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';

/**
 * The console's API takes whatever a client sends without a 5xx: generated bodies (any JSON, not JSON,
 * wrong types, deep nesting), ids and paths for sign-in and for a guided call's routes, with and without
 * the session and its CSRF token. Every answer is a 4xx or a success; the call still answers afterwards.
 */
describe('agent console API: generated bad requests never get a 5xx', function () {
  this.timeout(120_000);
  let server: AppServer;
  let agent: AgentClient;
  let call: string;

  before(async () => {
    server = await startAppServer({ ...(await agentAccountsEnv()), WEB_TRUST_PROXY: '1' });
    agent = new AgentClient(server.base);
    await agent.signIn(AGENTS.wang);
    call = (await agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
  });
  after(() => server.stop());

  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
    fc.record({ text: fc.oneof(fc.string({ maxLength: 3000 }), fc.integer(), fc.constant(null), fc.array(fc.string())) }).map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
    fc.record({ question: fc.oneof(fc.string(), fc.constantFrom('details.phone', 'consent.personalInfo', 'menu.main', '__proto__', 'a.b.c.d.e')) }).map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
    fc.record({ account: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()), password: fc.oneof(fc.string({ maxLength: 1100 }), fc.constant(null)) }).map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
    fc.string().map((raw) => ({ raw, type: 'text/plain' })),
    fc.nat({ max: 3000 }).map((n) => ({ raw: '['.repeat(n) + ']'.repeat(n), type: 'application/json' })),
    fc.constant({ raw: '{"text":', type: 'application/json' }),
  );
  const path = fc.oneof(
    fc.constantFrom('sign-in', 'sign-out', 'me', 'calls'),
    fc.constantFrom('say', 'edit', 'script-read', 'pause', 'resume', 'end', '').map((action) => `calls/${'CALL'}${action ? `/${action}` : ''}`),
    fc.string({ maxLength: 40 }).map((id) => `calls/${encodeURIComponent(id)}/say`),
    fc.constantFrom('calls/../me', 'calls/%2e%2e/say', 'calls/00000000-0000-0000-0000-000000000000/say'),
  );

  it('500 generated requests', async () => {
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(path, body, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), fc.constantFrom('session', 'session-no-csrf', 'none'), async (p, b, method, auth) => {
        const response = await fetch(`${server.base}/agent/api/${p.replace('CALL', call)}`, {
          method,
          headers: {
            'Content-Type': b.type,
            Origin: server.base,
            'X-Forwarded-For': `10.${Math.floor(Math.random() * 250)}.0.1`,
            ...(auth !== 'none' && agent.cookie ? { Cookie: agent.cookie } : {}),
            ...(auth === 'session' && agent.csrf ? { 'X-CSRF-Token': agent.csrf } : {}),
          },
          ...(method === 'GET' ? {} : { body: b.raw }),
        });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expect(response.status, `${method} ${p} ${b.raw.slice(0, 120)}`).to.be.below(500);
      }),
      { numRuns: 500, seed: 12 },
    );
    // Some requests reached the handlers (not all refused at the door), and the session still works.
    expect(Object.keys(statuses).some((s) => s.startsWith('2'))).to.equal(true);
    const me = await agent.call('GET', 'me');
    if (me.status === 401) await agent.signIn(AGENTS.wang); // a generated sign-out may have ended it
    expect((await agent.call('GET', 'me')).status).to.equal(200);
  });
});
