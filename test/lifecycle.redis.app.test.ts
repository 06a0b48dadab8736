import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { MemoryFilingStore } from '../src/filings/index.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { HttpChat } from './support/http-chat.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';

/**
 * Two app instances on one Redis, every message alternating between them (a balancer without
 * stickiness): the code sent by one is verified by the other, and a lockout made on one holds on the
 * other — the identity check's codes, counts and lockouts live in Redis, not in an instance.
 */
const redis = new SharedRedis('lifecycle-app');
const ID = '11010519491231002X';
const PHONE = '13812345678';
const promptOf = (replies: Partial<Activity>[]) => (replies.at(-1)?.channelData as { promptId?: string } | undefined)?.promptId;
const textOf = (replies: Partial<Activity>[]) => replies.map((r) => r.text ?? '').join('\n');

describe('identity check on two instances sharing one Redis', function () {
  this.timeout(60_000);
  let a: AppServer;
  let b: AppServer;
  let dir: string;
  let smsFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lifecycle-redis-'));
    smsFile = join(dir, 'sms.jsonl');
    // One deployment: one Redis, one filing store (PostgreSQL in production), one SMS outbox.
    const filings = new MemoryFilingStore();
    const env = { REDIS_URL, REDIS_KEY_PREFIX: redis.prefix, SMS_FILE_PATH: smsFile, WEB_TOKEN_SECRET: 'lifecycle-two-instances-secret-0123456789' };
    a = await startAppServer(env, { overrides: { filings } });
    b = await startAppServer(env, { overrides: { filings } });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await redis.cleanUp();
    rmSync(dir, { recursive: true, force: true });
  });

  const lastCode = () => {
    const last = existsSync(smsFile) ? readFileSync(smsFile, 'utf8').trim().split('\n').at(-1) : undefined;
    return last ? (/\d{6}/.exec((JSON.parse(last) as { text: string }).text)?.[0] ?? '') : '';
  };

  it('the code sent by one instance is taken by the other; a lockout on one holds on the other', async () => {
    const filer = new HttpChat([a.base, b.base]);
    for (const [say] of TMP_OTHER_SCRIPT) await filer.say(say);
    const submitted = await filer.say('确认提交');
    const reference = submitted.replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing?.reference).find(Boolean)!;

    const chat = new HttpChat([a.base, b.base]);
    await chat.say('查询备案'); // a
    await chat.say(reference); // b
    await chat.say(ID); // a
    expect(textOf((await chat.say(PHONE)).replies)).to.contain('138****5678'); // b sends
    const shown = await chat.say(lastCode()); // a verifies
    expect(textOf(shown.replies)).to.contain(reference).and.contain('已提交，等待审核');

    const guesser = new HttpChat([a.base, b.base]);
    await guesser.say('查询备案');
    await guesser.say(reference);
    await guesser.say(ID);
    await guesser.say(PHONE);
    const wrong = lastCode() === '000000' ? '111111' : '000000';
    let replies: Partial<Activity>[] = [];
    for (let i = 0; i < 5; i++) replies = (await guesser.say(wrong)).replies;
    expect(textOf(replies)).to.contain('尝试次数过多');
    for (const base of [a.base, b.base]) {
      const other = new HttpChat([base]);
      await other.say('查询备案');
      const refused = await other.say(reference);
      expect(textOf(refused.replies), base).to.contain('尝试次数过多');
      expect(promptOf(refused.replies)).to.equal('menu.main');
    }
  });
});
