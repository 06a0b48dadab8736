import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { formatConfigError } from '../src/ops/config-error.js';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  REDIS_URL: z.url().optional(),
  MICROSOFT_APP_PASSWORD: z.string().min(16).optional(),
  STATE_STORE: z.string().regex(/^(redis|memory)$/, 'STATE_STORE must be "redis" or "memory"').default('memory'),
  PROFILE: z.string(),
});

function lineFor(env: Record<string, string | undefined>): string {
  const parsed = schema.safeParse(env);
  if (parsed.success) throw new Error('expected the environment to be rejected');
  return formatConfigError(parsed.error);
}

describe('ops: a configuration mistake is reported in one clear line', () => {
  const valid = { PORT: '3978', PROFILE: 'rizhao' };
  const cases: Array<{ name: string; env: Record<string, string>; says: string }> = [
    { name: 'a port that is not a number', env: { ...valid, PORT: 'eighty' }, says: 'PORT must be a number' },
    { name: 'a port out of range', env: { ...valid, PORT: '70000' }, says: 'PORT must be at most 65535' },
    { name: 'an unknown log level', env: { ...valid, LOG_LEVEL: 'loud' }, says: 'LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace"' },
    { name: 'a Redis URL that is not a URL', env: { ...valid, REDIS_URL: 'localhost port 6379' }, says: 'REDIS_URL must be a valid url' },
    { name: 'a secret that is too short', env: { ...valid, MICROSOFT_APP_PASSWORD: 'hunter2' }, says: 'MICROSOFT_APP_PASSWORD must be at least 16 characters long' },
    { name: 'a message written in the schema', env: { ...valid, STATE_STORE: 'mongo' }, says: 'STATE_STORE must be "redis" or "memory"' },
    { name: 'a missing variable', env: { PORT: '3978' }, says: 'PROFILE is required (string)' },
  ];
  for (const c of cases) {
    it(`names the variable and what it expects: ${c.name}`, () => {
      const line = lineFor(c.env);
      expect(line).to.equal(`Invalid configuration: ${c.says}`);
      expect(line).to.not.include('\n');
    });
  }

  it('reports several mistakes on the same single line', () => {
    const line = lineFor({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(line.split('\n')).to.have.length(1);
    expect(line).to.match(/^Invalid configuration: PORT .*; LOG_LEVEL .*; PROFILE is required/);
  });

  it('never echoes a value, which may be a secret', () => {
    const line = lineFor({ ...valid, MICROSOFT_APP_PASSWORD: 'hunter2', REDIS_URL: 'redis:secret@@' });
    expect(line).to.not.include('hunter2');
    expect(line).to.not.include('secret@@');
  });
});

describe('ops: the real process refuses to start on a configuration mistake (exit 2, one line on stderr)', () => {
  const start = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import=tsx', 'src/index.ts'], {
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', PORT: '0', FILINGS_PATH: '/nonexistent-dir-never-created/filings.json', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr, stdout }));
    });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['a port that is not a number', { PORT: 'eighty' }, /^Invalid configuration: PORT /],
    ['a region without a profile', { DEFAULT_REGION: 'atlantis' }, /^Invalid configuration: DEFAULT_REGION must name a profile in content\/regions\/ \(have: .*rizhao/],
    ['a short web token secret', { WEB_TOKEN_SECRET: 'short-secret-value' }, /^Invalid configuration: WEB_TOKEN_SECRET must be at least 32 characters/],
  ];
  for (const [what, env, says] of cases) {
    it(what, async () => {
      const { code, stderr, stdout } = await start(env);
      expect(code).to.equal(2);
      expect(stderr.trim().split('\n'), stderr).to.have.length(1);
      expect(stderr.trim()).to.match(says);
      expect(stdout).to.equal('');
      for (const value of Object.values(env)) if (value.length > 6) expect(stderr, 'the value is not echoed').to.not.include(value);
    });
  }
});
