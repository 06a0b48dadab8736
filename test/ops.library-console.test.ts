import { expect } from 'chai';
import { TEST_DATA_KEY } from './support/keys.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import { createLogger } from '../src/ops/logger.js';
import { dropFromConsole, routeConsoleToLogger } from '../src/ops/library-console.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('what libraries print to the console goes through the logger', function () {
  this.timeout(60_000);

  it('console.error with an Error becomes one JSON line (source "console"), with ID numbers and phones masked', () => {
    const lines: string[] = [];
    const restore = routeConsoleToLogger(createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }));
    try {
      console.error(new Error('token of 13812345678 expired'));
      console.warn('warning about %s', '11010519491231002X');
    } finally {
      restore();
    }
    expect(lines).to.have.length(2);
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first!['source']).to.equal('console');
    expect(JSON.stringify(first)).to.include('[PHONE]').and.not.include('13812345678');
    expect(second!['msg']).to.equal('warning about [ID]');
  });

  it('what a registered drop rule matches is dropped, routed or not; everything else is logged, or printed as ever; taken back, it is not', () => {
    const rule = (args: readonly unknown[]) => typeof args[0] === 'string' && args[0].startsWith('SECRET:');
    const saved = console.error;
    const printed: string[] = [];
    console.error = (...args: unknown[]) => void printed.push(format(...args));
    const takeBack = dropFromConsole(rule);
    const lines: string[] = [];
    try {
      console.error('SECRET: the key');
      console.error('heard');
      const restore = routeConsoleToLogger(createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }));
      try {
        console.error('SECRET: the key again');
        console.warn('said elsewhere meanwhile');
      } finally {
        restore();
      }
      console.error('SECRET: after the route was taken down');
      takeBack();
      console.error('SECRET: no rule any more');
    } finally {
      takeBack();
      console.error = saved;
    }
    expect(printed).to.deep.equal(['heard', 'SECRET: no rule any more']);
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).to.deep.equal(['said elsewhere meanwhile']);
  });

  it('the route put back where the console was before any rule: what a rule matches is still dropped', () => {
    const saved = console.error;
    const printed: string[] = [];
    console.error = (...args: unknown[]) => void printed.push(format(...args));
    const restore = routeConsoleToLogger(createLogger({ level: 'debug', destination: { write: () => undefined } }));
    const takeBack = dropFromConsole((args) => args[0] === 'SECRET');
    try {
      restore();
      console.error('SECRET');
      console.error('heard');
    } finally {
      takeBack();
      console.error = saved;
    }
    expect(printed).to.deep.equal(['heard']);
  });

  it('the running bot with credentials: refused tokens print nothing but JSON log lines (no stack traces on stdout or stderr)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-401-'));
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import=tsx', 'src/index.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        FILINGS_PATH: join(dir, 'filings.json'),
        LOG_LEVEL: 'debug',
        REDIS_URL: '',
        MicrosoftAppId: '00000000-0000-4000-8000-000000000001',
        MicrosoftAppPassword: 'not-a-real-secret',
        WEB_TOKEN_SECRET: 'a-web-token-secret-of-at-least-32-characters',
        DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    /** Every line the process printed, stdout and stderr. */
    const stdout: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => stdout.push(line));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          stdout.push(line);
          const found = /"port":(\d+)/.exec(line);
          if (found) resolve(Number(found[1]));
        });
        child.once('exit', () => reject(new Error('the server exited before listening')));
      });
      const activity = JSON.stringify({ type: 'message', text: 'hi', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' } });
      for (const authorization of [undefined, 'Bearer not-a-token', 'Basic dXNlcjpwYXNz', `Bearer ${'a'.repeat(40)}.${'b'.repeat(40)}.${'c'.repeat(40)}`]) {
        const reply = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
          body: activity,
        });
        expect(reply.status).to.equal(401);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      child.kill('SIGKILL');
    }
    const notJson = stdout.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson).to.deep.equal([]);
  });
});
