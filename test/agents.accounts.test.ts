import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import restify, { type Server } from 'restify';
import { Registry } from 'prom-client';
import { loadAccounts, parseAccountLine, parseAccounts } from '../src/agents/agent-accounts.js';
import { registerAgentConsole } from '../src/agents/agent-console.js';
import { SIGN_IN_RATE } from '../src/agents/agent-auth.js';
import { MemoryAgentSessionStore } from '../src/agents/agent-sessions.js';
import { hashPassword, isPasswordHash, verifyPassword } from '../src/agents/password-hash.js';
import { Texts } from '../src/content/texts.js';
import { createLogger } from '../src/ops/logger.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';

/**
 * Agent accounts: the scrypt hashes, the account lines (AGENT_ACCOUNTS, AGENT_ACCOUNTS_FILE), the
 * `npm run agent:add` script, and how a session ends (idle time, longest lifetime, an account removed),
 * over HTTP on a real port with a clock the test moves.
 */
describe('agent accounts', function () {
  this.timeout(30_000);

  it('a password hash is scrypt with a random salt: the right password matches, another does not, the same password hashes differently', async () => {
    const one = await hashPassword('correct horse battery');
    const two = await hashPassword('correct horse battery');
    expect(one).to.match(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(one).not.to.equal(two);
    expect(await verifyPassword('correct horse battery', one)).to.equal(true);
    expect(await verifyPassword('correct horse batterY', one)).to.equal(false);
    expect(await verifyPassword('correct horse battery', 'plaintext')).to.equal(false);
    expect(isPasswordHash('scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA'), 'N not a power of two').to.equal(false);
  });

  it('account lines: id, hash and a display name that may hold colons; mistakes named by line, never echoed', async () => {
    const hash = await hashPassword('a long password');
    expect(parseAccountLine(`a0101:${hash}:王坐席`)).to.deep.equal({ id: 'a0101', passwordHash: hash, displayName: '王坐席' });
    expect(parseAccountLine(`a0101:${hash}:Desk 3: Wang`)).to.include({ displayName: 'Desk 3: Wang' });
    expect(parseAccountLine(`A0101:${hash}:王`)).to.be.a('string');
    expect(parseAccountLine(`a0101:${hash}:`)).to.be.a('string');
    expect(parseAccounts(`# the desk\n\na0101:${hash}:王坐席\na0102:${hash}:李坐席\n`).map((a) => a.id)).to.deep.equal(['a0101', 'a0102']);
    expect(() => parseAccounts(`a0101:${hash}:王\na0101:${hash}:李`)).to.throw(/line 2: the id a0101 is given twice/);
    const dir = mkdtempSync(join(tmpdir(), 'agents-file-'));
    try {
      const file = join(dir, 'agents.txt');
      writeFileSync(file, `a0102:${hash}:李坐席\n`);
      expect([...loadAccounts({ inline: `a0101:${hash}:王坐席`, file }).keys()]).to.deep.equal(['a0101', 'a0102']);
      writeFileSync(file, `a0101:${hash}:again\n`);
      expect(() => loadAccounts({ inline: `a0101:${hash}:王坐席`, file })).to.throw(/AGENT_ACCOUNTS_FILE: the id a0101 is given twice/);
      writeFileSync(file, 'a0103:secret-in-clear:赵\n');
      let message = '';
      try {
        loadAccounts({ file });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.match(/^AGENT_ACCOUNTS_FILE line 1: the password hash/).and.not.include('secret-in-clear');
      expect(() => loadAccounts({ file: join(dir, 'missing.txt') })).to.throw(/AGENT_ACCOUNTS_FILE cannot be read \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm run -s agent:add -- ID NAME prints a line that signs in with the password piped to it; a short password is refused', async () => {
    const run = (args: string[], input: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile('npm', ['run', '-s', 'agent:add', '--', ...args], { cwd: new URL('..', import.meta.url).pathname }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin!.end(input);
      });
    const made = await run(['a0123', '王小明'], 'a long enough password\n');
    expect(made.code, made.stderr).to.equal(0);
    const account = parseAccountLine(made.stdout.trim());
    expect(account).to.include({ id: 'a0123', displayName: '王小明' });
    expect(await verifyPassword('a long enough password', (account as { passwordHash: string }).passwordHash)).to.equal(true);
    expect(made.stdout).not.to.include('a long enough password');
    const short = await run(['a0124'], 'short\n');
    expect(short.code).to.equal(2);
    expect(short.stdout).to.equal('');
  });

  describe('how a session ends (a clock the test moves)', () => {
    let server: Server;
    let base: string;
    let now = Date.parse('2026-11-24T01:00:00Z');
    let accounts: Map<string, { id: string; displayName: string; passwordHash: string }>;
    before(async () => {
      const line = (await agentAccountsEnv()).AGENT_ACCOUNTS;
      accounts = new Map(parseAccounts(line, { semicolons: true }).map((a) => [a.id, a]));
      server = restify.createServer();
      registerAgentConsole(server, {
        accounts,
        store: new MemoryAgentSessionStore(() => now),
        texts: new Texts(),
        logger: createLogger({ level: 'silent' }),
        registry: new Registry(),
        idleSeconds: 30 * 60,
        sessionMaxSeconds: 8 * 60 * 60,
        lockout: { attempts: 5, seconds: 900 },
        trustProxy: 0,
        now: () => now,
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => server.close());

    it('after 30 minutes without a request', async () => {
      const agent = new AgentClient(base);
      await agent.signIn(AGENTS.wang);
      now += 29 * 60_000;
      expect((await agent.call('GET', 'me')).status, 'used within the idle time').to.equal(200);
      now += 29 * 60_000;
      expect((await agent.call('GET', 'me')).status, 'the idle time started again').to.equal(200);
      now += 31 * 60_000;
      expect((await agent.call('GET', 'me')).status, 'idle too long').to.equal(401);
    });

    it('at the longest lifetime, however busy', async () => {
      const agent = new AgentClient(base);
      await agent.signIn(AGENTS.wang);
      for (let minutes = 0; minutes < 8 * 60 - 20; minutes += 20) {
        now += 20 * 60_000;
        expect((await agent.call('GET', 'me')).status, `after ${minutes + 20} minutes`).to.equal(200);
      }
      now += 25 * 60_000;
      expect((await agent.call('GET', 'me')).status, 'past 8 hours').to.equal(401);
    });

    it('sign-in attempts from one address are limited (many account names guessed): 429 past the burst, allowed again later', async () => {
      const client = new AgentClient(base);
      const statuses: number[] = [];
      for (let i = 0; i < SIGN_IN_RATE.burst + 1; i++) statuses.push((await client.signIn({ id: `guess${i}`, password: 'x' })).status);
      expect(statuses.slice(0, -1).every((s) => s === 401 || s === 200)).to.equal(true);
      expect(statuses.at(-1)).to.equal(429);
      now += 10_000;
      expect((await client.signIn(AGENTS.wang)).status).to.equal(200);
    });

    it('when the account is removed from the configuration', async () => {
      const agent = new AgentClient(base);
      await agent.signIn(AGENTS.li);
      expect((await agent.call('GET', 'me')).status).to.equal(200);
      const li = accounts.get(AGENTS.li.id)!;
      accounts.delete(AGENTS.li.id);
      try {
        expect((await agent.call('GET', 'me')).status).to.equal(401);
      } finally {
        accounts.set(AGENTS.li.id, li);
      }
    });
  });
});
