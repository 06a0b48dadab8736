import { expect } from 'chai';
import { TEST_DATA_KEY } from './support/keys.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/ops/logger.js';
import { AbandonmentWatch } from '../src/ops/abandonment.js';
import { MemoryWaitingConversations, type WaitingConversations } from '../src/state/waiting-conversations.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT, upTo as upToIn, type TextStep } from './support/paths.js';
import { promptOf } from './support/replies.js';

const TODAY = '2026-11-24';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The value of one series of GET /metrics, or undefined when the series is absent. */
async function series(base: string, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function follow(chat: HttpChat, script: TextStep[]): Promise<void> {
  for (const [say, next] of script) {
    const { replies } = await chat.say(say);
    expect(promptOf(replies), `after "${say}"`).to.equal(next);
  }
}

const upTo = (promptId: string) => upToIn(TMP_OTHER_SCRIPT, promptId);

for (const store of ['memory', 'redis'] as const) {
  describe(`metrics of the running app (${store} state, over HTTP): abandonment by silence, store latency`, () => {
    const prefix = `test:abandon:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const dir = mkdtempSync(join(tmpdir(), 'abandon-'));
    let app: App;
    let base: string;

    before(async () => {
      const config = loadConfig({
        FILINGS_PATH: join(dir, 'filings.json'),
        LOG_LEVEL: 'silent',
        ...(store === 'redis' ? { REDIS_URL, REDIS_KEY_PREFIX: prefix, DATA_ENCRYPTION_KEY: TEST_DATA_KEY } : {}),
      });
      app = createApp(config, { logger: createLogger({ level: 'silent' }), today: () => TODAY });
      base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    });
    after(async () => {
      if (store === 'redis' && app.state.client) {
        const keys = await (app.state.client as Redis).keys(`${prefix}*`);
        if (keys.length) await app.state.client.del(...keys);
      }
      app.server.close();
      app.server.server.closeAllConnections();
      for (const closer of app.closers) await closer.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('one person stops at the ID number, one submits, one cancels: only the first is counted as expired', async () => {
      await follow(new HttpChat([base]), upTo('details.idNumber'));

      const submitted = new HttpChat([base]);
      await follow(submitted, TMP_OTHER_SCRIPT);
      const done = await submitted.say('确认提交');
      expect(done.replies.some((r) => (r.channelData as { filing?: unknown } | undefined)?.filing)).to.equal(true);

      const cancelled = new HttpChat([base]);
      await follow(cancelled, upTo('details.phone'));
      await cancelled.say('取消');
      await cancelled.say('是'); // a filing with answers asks before it is cleared

      // The app's own watch counts after the conversation state's lifetime (a day); this one, sharing the
      // app's store and metrics, treats every waiting conversation as expired now.
      const now = new AbandonmentWatch({ waiting: app.state.waiting, abandoned: (step) => app.metrics.abandoned(step, 'expired'), idleMs: -1 });
      expect(await now.sweep()).to.equal(1);
      expect(await series(base, 'funnel_abandoned_total', { step: 'details.idNumber', how: 'expired' })).to.equal(1);
      expect(await series(base, 'funnel_abandoned_total', { step: 'details.phone', how: 'cancelled' })).to.equal(1);
      expect(await series(base, 'funnel_abandoned_total', { step: 'details.phone', how: 'expired' })).to.equal(undefined);
      expect(await now.sweep(), 'a second sweep counts nobody again').to.equal(0);
    });

    it('times every state and filing store call of a filing (store_operation_duration_seconds)', async () => {
      const count = (labels: Record<string, string>) => series(base, 'store_operation_duration_seconds_count', labels);
      const [reads, writes, submits] = [await count({ store: 'state', op: 'read' }), await count({ store: 'state', op: 'write' }), await count({ store: 'filings', op: 'submit' })];
      const chat = new HttpChat([base]);
      await follow(chat, TMP_OTHER_SCRIPT);
      await chat.say('确认提交');
      const turns = TMP_OTHER_SCRIPT.length + 1;
      expect((await count({ store: 'state', op: 'read' }))! - (reads ?? 0)).to.be.at.least(turns);
      expect((await count({ store: 'state', op: 'write' }))! - (writes ?? 0)).to.be.at.least(turns);
      expect((await count({ store: 'filings', op: 'submit' }))! - (submits ?? 0)).to.equal(1);
    });

    it('the app’s own watch waits for the conversation state’s lifetime before counting', async () => {
      await follow(new HttpChat([base]), upTo('details.phone'));
      expect(await app.abandonment.sweep()).to.equal(0);
    });
  });
}

describe('AbandonmentWatch', () => {
  it('counts a conversation only once it has waited longer than idleMs', async () => {
    let clock = 1_000_000;
    const counted: string[] = [];
    const waiting = new MemoryWaitingConversations();
    const watch = new AbandonmentWatch({ waiting, abandoned: (s) => counted.push(s), idleMs: 60_000, now: () => clock });
    await watch.afterTurn('webchat:a', 'situation.now');
    await watch.afterTurn('webchat:b', 'details.phone');
    clock += 30_000;
    await watch.afterTurn('webchat:b', 'details.startDate');
    clock += 30_001;
    expect(await watch.sweep()).to.equal(1);
    expect(counted).to.deep.equal(['situation.now']);
    await watch.afterTurn('webchat:b', undefined);
    clock += 120_000;
    expect(await watch.sweep()).to.equal(0);
  });

  it('never throws into a turn or a timer when its store fails; it logs instead', async () => {
    const failing: WaitingConversations = {
      waiting: async () => Promise.reject(new Error('down')),
      done: async () => Promise.reject(new Error('down')),
      sweep: async () => Promise.reject(new Error('down')),
    };
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as unknown as import('../src/ops/logger.js').Logger;
    const watch = new AbandonmentWatch({ waiting: failing, abandoned: () => {}, idleMs: 0, logger });
    await watch.afterTurn('webchat:a', 'details.phone');
    await watch.afterTurn('webchat:a', undefined);
    expect(await watch.sweep()).to.equal(0);
    expect(warnings).to.have.length(3);
  });
});
