import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { DIST, ROOT, ensureBuilt } from '../scripts/build.js';
import { newDataKey } from '../src/privacy/data-keys.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { TestSchema } from './support/postgres.js';
import { SharedRedis } from './support/redis.js';
import { promptOf } from './support/replies.js';

const MODELS = join(DIST, '.cache', 'nlu-models');

/**
 * Runs `npm start`'s own command (scripts/start.js: the compiled bundle, dist/server.cjs) with `env` and
 * has it answer a whole TMP_OTHER filing, its submit included; then the web page, the console and /healthz.
 * "三天后" (instead of "明天") is read by @microsoft/recognizers-text-date-time, not the project's own date
 * grammar: the bundle loads that package only when first needed (scripts/build.js, lazyRecognizers).
 */
async function fileThroughCompiledStart(env: Record<string, string>): Promise<void> {
  const { child, base, exited, stderr } = await compiledStart(env);
  try {
    const chat = new HttpChat([base]);
    const script = TMP_OTHER_SCRIPT.map(([say, next]): [string, string] => [say === '明天' ? '三天后' : say, next]);
    expect(script.map(([say]) => say)).to.include('三天后');
    for (const [say, next] of script) expect(promptOf((await chat.say(say)).replies), say).to.equal(next);
    const { replies } = await chat.say('确认提交');
    expect(replies.map((r) => (r.channelData as { filing?: { reference: string } })?.filing).find(Boolean), JSON.stringify(replies)).to.not.equal(undefined);

    const page = await fetch(`${base}/`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include('<html');
    expect((await fetch(`${base}/agent/`)).status).to.equal(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status, await ready.text()).to.equal(200);
    expect(stderr()).to.not.include('through tsx');
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  } finally {
    child.kill('SIGKILL');
  }
}

/** `npm start`'s own command with `env`, once it listens. */
async function compiledStart(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; exited: Promise<number | null>; stderr: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'start-compiled-'));
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'scripts', 'start.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'info', WEB_TOKEN_SECRET: 's'.repeat(48), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const port = (JSON.parse(line) as { port?: number }).port;
        if (port) resolve(port);
      });
      child.once('exit', () => reject(new Error(`the server exited before listening: ${stderr}`)));
    });
    return { child, base: `http://127.0.0.1:${port}`, exited, stderr: () => stderr };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** A start answers: the page and /readyz; it stops cleanly. Returns what it wrote on stderr. */
async function startAnswers(env: Record<string, string> = {}): Promise<string> {
  const { child, base, exited, stderr } = await compiledStart(env);
  try {
    expect((await fetch(`${base}/`)).status).to.equal(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status, await ready.text()).to.equal(200);
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    return stderr();
  } finally {
    child.kill('SIGKILL');
  }
}

describe('npm start: the compiled bundle answers', function () {
  this.timeout(180_000);
  let models: string[];

  before(() => {
    expect(ensureBuilt(), 'the build can be made').to.equal('compiled');
    models = readdirSync(MODELS).sort();
    expect(models.length, 'the build trained the models').to.be.greaterThan(0);
  });

  it('with the embedded defaults: a whole filing, the web page and the console, reading the models the build trained', async () => {
    await fileThroughCompiledStart({});
    expect(readdirSync(MODELS).sort(), 'no model trained again: the bundle hashes the code as the build did').to.deep.equal(models);
  });

  it('two builds at once, and a start while they run: every build dist links to is whole; a start after them runs the last with its code cache', async () => {
    const builds = [0, 1].map(() => spawn(process.execPath, [join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
    const ends = builds.map((b) => new Promise<number | null>((resolve) => b.once('exit', (code) => resolve(code))));
    let running = true;
    void Promise.all(ends).then(() => (running = false));
    // Whenever dist says it is built (its stamp, written last), what it links to is whole: the bundle, its code cache, the per-file output.
    const problems: string[] = [];
    const targets = new Set<string>();
    const watching = (async () => {
      while (running) {
        if (existsSync(join(DIST, '.built'))) {
          for (const file of ['server.cjs', 'server.cjs.v8', join('src', 'index.js'), join('content', 'locales')]) if (!existsSync(join(DIST, file))) problems.push(`dist/.built without dist/${file}`);
          targets.add(realpathSync(DIST));
        }
        await sleep(5);
      }
    })();
    try {
      // A start while both build: it runs the build there is (dist is current), never half of a new one.
      expect(await startAnswers()).to.not.include('through tsx');
      expect(await Promise.all(ends), 'both builds succeed').to.deep.equal([0, 0]);
    } finally {
      running = false;
      for (const b of builds) b.kill('SIGKILL');
    }
    await watching;
    expect(problems.slice(0, 5)).to.deep.equal([]);
    expect(targets.size, 'dist was swapped to each build in turn').to.be.greaterThan(1);
    // The last build stays, with the one it replaced (a start may have chosen it); nothing half-made is left.
    const folders = readdirSync(ROOT).filter((name) => name.startsWith('dist.'));
    expect(folders).to.include(basename(realpathSync(DIST)));
    expect(folders.length).to.be.at.most(2);
    expect(await startAnswers({ BUILD_REPORT_CODE_CACHE: '1' })).to.include('build: code cache used');
    expect(readdirSync(MODELS).sort(), 'the models came along to each build').to.include.members(models);
  });

  it('with Redis and PostgreSQL (REDIS_URL, FILINGS_URL): the bundled ioredis and pg serve a whole filing', async () => {
    const redis = new SharedRedis('start-compiled');
    const schema = new TestSchema('start_compiled');
    await schema.create();
    try {
      await fileThroughCompiledStart({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, FILINGS_URL: schema.url, DATA_ENCRYPTION_KEY: newDataKey() });
      expect((await schema.rows<{ n: string }>(`SELECT count(*) AS n FROM "${schema.name}".filings`))[0]!.n).to.equal('1');
    } finally {
      await schema.drop();
      await redis.cleanUp();
    }
  });
});
