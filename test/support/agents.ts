import { hashPassword } from '../../src/agents/password-hash.js';
import { startAppServer, type AppServer } from './app-server.js';
import { REDIS_URL, SharedRedis } from './redis.js';

/** Two test agents and their passwords; the account lines are made once per run (scrypt takes a moment). */
export const AGENTS = {
  wang: { id: 'a0101', displayName: '王坐席', password: 'correct horse 0101' },
  li: { id: 'a0102', displayName: '李坐席', password: 'battery staple 0102' },
} as const;

let lines: Promise<string> | undefined;

/** AGENT_ACCOUNTS for the test agents. */
export function agentAccountsEnv(): Promise<{ AGENT_ACCOUNTS: string }> {
  lines ??= Promise.all(Object.values(AGENTS).map(async (a) => `${a.id}:${await hashPassword(a.password)}:${a.displayName}`)).then((all) => all.join(';'));
  return lines.then((AGENT_ACCOUNTS) => ({ AGENT_ACCOUNTS }));
}

/**
 * Two instances of the app with the test agents' accounts (and `extra` settings) sharing one Redis under
 * a key prefix of their own (SharedRedis `area`), for the describe block it is called in: started before
 * its tests, stopped and their keys deleted after. The tests read `one` and `two` of what it returns.
 */
export function twoInstancesOnOneRedis(area: string, extra: Record<string, string> = {}): { one: AppServer; two: AppServer } {
  const redis = new SharedRedis(area);
  const instances = {} as { one: AppServer; two: AppServer };
  before(async () => {
    const env = { ...(await agentAccountsEnv()), REDIS_URL, REDIS_KEY_PREFIX: redis.prefix, ...extra };
    instances.one = await startAppServer(env);
    instances.two = await startAppServer(env);
  });
  after(async () => {
    await instances.one.stop();
    await instances.two.stop();
    await redis.cleanUp();
  });
  return instances;
}

/**
 * One instance of the app with the test agents' accounts, and agent 王 signed in to it, for the describe block
 * it is called in: started and signed in before its tests, stopped after. The tests read `server` and `agent`
 * (王's client) of what it returns.
 */
export function oneInstanceWithWangSignedIn(): { server: AppServer; agent: AgentClient } {
  const signedIn = {} as { server: AppServer; agent: AgentClient };
  before(async () => {
    signedIn.server = await startAppServer(await agentAccountsEnv());
    signedIn.agent = new AgentClient(signedIn.server.base);
    await signedIn.agent.signIn(AGENTS.wang);
  });
  after(() => signedIn.server.stop());
  return signedIn;
}

/** An agent's browser-like HTTP client: keeps the session cookie and the CSRF token, sends the console's Origin. */
export class AgentClient {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: Record<string, any> }> {
    const response = await fetch(`${this.base}/agent/api/${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'X-CSRF-Token': this.csrf } : {}),
        Origin: this.base,
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const value = /^agent_session=([^;]*)/.exec(setCookie)?.[1];
      this.cookie = value ? `agent_session=${value}` : undefined;
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, any>) : {};
    return { status: response.status, headers: response.headers, json };
  }

  async signIn(agent: { id: string; password: string }): Promise<{ status: number; headers: Headers; json: Record<string, any> }> {
    const r = await this.call('POST', 'sign-in', { account: agent.id, password: agent.password });
    if (r.status === 200) this.csrf = r.json['csrfToken'] as string;
    return r;
  }
}
