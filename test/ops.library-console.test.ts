import { expect } from 'chai';
import { TEST_DATA_KEY } from './support/keys.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import { createLogger } from '../src/ops/logger.js';
import { dropTokenCheckNoise, routeConsoleToLogger } from '../src/ops/library-console.js';

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

  it('what botbuilder\'s token check prints (the key not found, a jsonwebtoken error) is dropped, routed or not; everything else is logged', () => {
    const lines: string[] = [];
    const restore = routeConsoleToLogger(createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }));
    try {
      console.error('Error finding key for token. Available keys: -----BEGIN RSA PUBLIC KEY-----');
      console.error(Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' }));
      console.error(Object.assign(new Error('invalid signature'), { name: 'JsonWebTokenError' }));
      console.warn('said elsewhere meanwhile');
      console.error(new Error('a library failed'));
    } finally {
      restore();
    }
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).to.deep.equal(['said elsewhere meanwhile', 'a library failed']);
  });

  it('dropTokenCheckNoise: a console that does not drop them (the console itself, or one put back since) is wrapped again; what else it says prints', () => {
    const saved = console.error;
    const said: string[] = [];
    console.error = (...args: unknown[]) => void said.push(format(...args));
    try {
      dropTokenCheckNoise();
      console.error('Error finding key for token. Available keys: the key');
      console.error('heard');
      console.error = (...args: unknown[]) => void said.push(`put back: ${format(...args)}`);
      dropTokenCheckNoise();
      console.error(Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' }));
      console.error('heard again');
    } finally {
      console.error = saved;
    }
    expect(said).to.deep.equal(['heard', 'put back: heard again']);
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
