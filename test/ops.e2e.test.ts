import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { LowdbFilingStore, MemoryFilingStore, type FilingStore } from '../src/filings/index.js';
import { createLogger } from '../src/ops/logger.js';
import { DataKeyRing, keyFromFile, LOCAL_KEY_FILE } from '../src/privacy/data-keys.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';
import { promptOf } from './support/replies.js';

const ROOT = new URL('..', import.meta.url).pathname;

/** Every value a person gives in the scripts below; none may appear in any log line. */
const PERSONAL = ['张三', '11010519491231002X', '11010519491231002x', '13812345678', '138 1234 5678', '李秀英', '110101199003074514', '13912345678', '上海市第六人民医院'];

describe('ops end to end: logs of complete filings carry no personal data', () => {
  let app: App;
  let base: string;
  const lines: string[] = [];

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-logs-'));
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
    const memory = new MemoryFilingStore();
    // A store that fails once with the filing in its error message, as a careless driver might.
    let failOnce = true;
    const filings: FilingStore = {
      submit: async (input) => {
        if (failOnce) {
          failOnce = false;
          throw new Error(`insert failed for ${JSON.stringify(input.filing)}`);
        }
        return memory.submit(input);
      },
      get: (reference) => memory.get(reference),
      setStatus: (...args) => memory.setStatus(...args),
      list: (query) => memory.list(query),
      enqueueExpiringNotices: (from, through) => memory.enqueueExpiringNotices(from, through),
      claimNotices: (...args) => memory.claimNotices(...args),
      renewNoticeLease: (...args) => memory.renewNoticeLease(...args),
      markNoticeSent: (...args) => memory.markNoticeSent(...args),
      markNoticeFailed: (...args) => memory.markNoticeFailed(...args),
      findByIdNumber: (idNumber) => memory.findByIdNumber(idNumber),
      reseal: () => memory.reseal(),
      ping: () => memory.ping(),
      close: () => memory.close(),
    };
    app = createApp(loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'f.json'), LOG_LEVEL: 'trace' }), { logger, filings, today: () => '2026-11-24' });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });

  after(async () => {
    app.server.close();
    for (const closer of app.closers) await closer.close();
  });

  it('runs complete filings (one failing once inside the store) and no log line holds a value the person gave', async () => {
    const chat = new HttpChat([base]);
    for (const [say] of TMP_OTHER_SCRIPT) await chat.say(say);
    const failed = await chat.say('确认提交');
    expect(failed.replies.map((r) => r.text).join()).to.match(/抱歉/);
    const retried = await chat.say('确认提交');
    expect(retried.replies.some((r) => (r.channelData as { filing?: unknown })?.filing)).to.equal(true);

    const english = new HttpChat([base], 'en-US');
    for (const say of ['hello', '1', 'someone else', 'Rizhao', 'Shanghai', 'I agree', 'step by step', 'yes', 'In hospital, not discharged', '2026-11-20', 'no', 'no', 'I understand, continue', 'resident', '李秀英', '11010519491231002x', '+86 138 1234 5678', '王小明', '110101199003074514', '139-1234-5678', 'child', '2026-11-20', '上海市第六人民医院']) {
      await english.say(say);
    }
    const done = await english.say('submit');
    expect(promptOf(done.replies)).to.equal('menu.main');

    expect(lines.length).to.be.greaterThan(40);
    const leaks = lines.filter((line) => PERSONAL.some((value) => line.includes(value)));
    expect(leaks).to.deep.equal([]);
    expect(lines.some((line) => line.includes('"msg":"turn failed"'))).to.equal(true);
  });
});

describe('ops end to end: SIGTERM in the middle of a conversation', function () {
  this.timeout(60_000);

  it('finishes the turn in flight, keeps the filing (sealed with the local key it made and announced), and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-sigterm-'));
    const filingsPath = join(dir, 'filings.json');
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import=tsx', 'src/index.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', FILINGS_PATH: filingsPath, LOG_LEVEL: 'info', REDIS_URL: '', SHUTDOWN_TIMEOUT_MS: '10000', DATA_ENCRYPTION_KEY: '', DATA_ENCRYPTION_KEYS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const logged: Array<{ msg?: string; keyFile?: string }> = [];
    const port = await new Promise<number>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        logged.push(JSON.parse(line) as { msg?: string; keyFile?: string });
        const port = (JSON.parse(line) as { port?: number }).port;
        if (port) resolve(port);
      });
      child.once('exit', () => reject(new Error('the server exited before listening')));
    });
    const chat = new HttpChat([`http://127.0.0.1:${port}`]);
    for (const [say, next] of TMP_OTHER_SCRIPT) expect(promptOf((await chat.say(say)).replies)).to.equal(next);

    const submitting = chat.say('确认提交');
    setTimeout(() => child.kill('SIGTERM'), 2);
    const { replies } = await submitting;
    const filing = replies.map((r) => (r.channelData as { filing?: { reference: string } })?.filing).find(Boolean);
    expect(filing, JSON.stringify(replies)).to.not.equal(undefined);
    expect(await exited).to.equal(0);

    // Without DATA_ENCRYPTION_KEY it made a key file next to the filings (0600), and said so in one line.
    const keyFile = join(dir, LOCAL_KEY_FILE);
    expect(logged.filter((l) => l.msg?.startsWith('DATA_ENCRYPTION_KEY is not set')).map((l) => l.keyFile)).to.deep.equal([keyFile]);
    expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    // The file holds the filing sealed: no ID number, phone or name in clear.
    const onDisk = readFileSync(filingsPath, 'utf8');
    for (const value of ['11010519491231002X', '13812345678', '张三']) expect(onDisk).to.not.include(value);
    const store = new LowdbFilingStore({ path: filingsPath, keys: DataKeyRing.fromText(keyFromFile(keyFile).key) });
    const stored = await store.get(filing!.reference);
    expect(stored?.category).to.equal('TMP_OTHER');
    expect((stored?.filing as { person: { idNumber: string } }).person.idNumber).to.equal('11010519491231002X');
    await store.close();
  });
});
