import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DIST, ROOT, ensureBuilt } from '../scripts/build.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { promptOf } from './support/replies.js';

/**
 * `npm start`'s own command (scripts/start.js) runs the compiled bundle (dist/server.cjs, built here when
 * stale) and it answers a whole filing: the bundle finds content/, public/ and the trained models where the
 * sources do, and the packages inside it (also those it loads only when first needed) work as they do from
 * node_modules.
 */
describe('npm start: the compiled bundle answers', function () {
  this.timeout(180_000);

  it('serves a whole filing, the web page and the console from dist/server.cjs, reading the models the build trained', async () => {
    expect(ensureBuilt(), 'the build can be made').to.equal('compiled');
    const models = readdirSync(join(DIST, '.cache', 'nlu-models')).sort();
    expect(models.length, 'the build trained the models').to.be.greaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'start-compiled-'));
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'scripts', 'start.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'info', WEB_TOKEN_SECRET: 's'.repeat(48) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const port = (JSON.parse(line) as { port?: number }).port;
          if (port) resolve(port);
        });
        child.once('exit', () => reject(new Error(`the server exited before listening: ${stderr}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const chat = new HttpChat([base]);
      // "三天后" is read by @microsoft/recognizers-text-date-time (not the project's own date grammar), which
      // the bundle loads only when first needed (scripts/build.js, lazyRecognizers).
      const script = TMP_OTHER_SCRIPT.map(([say, next]): [string, string] => [say === '明天' ? '三天后' : say, next]);
      expect(script.map(([say]) => say)).to.include('三天后');
      for (const [say, next] of script) expect(promptOf((await chat.say(say)).replies), say).to.equal(next);
      const { replies } = await chat.say('确认提交');
      expect(replies.map((r) => (r.channelData as { filing?: { reference: string } })?.filing).find(Boolean), JSON.stringify(replies)).to.not.equal(undefined);

      const page = await fetch(`${base}/`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include('<html');
      expect((await fetch(`${base}/agent/`)).status).to.equal(200);
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);

      expect(readdirSync(join(DIST, '.cache', 'nlu-models')).sort(), 'no model trained again: the bundle hashes the code as the build did').to.deep.equal(models);
      expect(stderr).to.not.include('through tsx');
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
