import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { createApp, type App } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { Texts } from '../src/content/texts.js';
import { MemoryFilingStore, type FilingStore } from '../src/filings/index.js';
import { createLogger } from '../src/ops/logger.js';
import type { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import { watchForCrashes } from './support/crashes.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT, upTo } from './support/paths.js';
import { PrivateRedisServer, eventually } from './support/redis-server.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';
import { TEST_DATA_KEY } from './support/keys.js';
import { promptOf } from './support/replies.js';

/**
 * The whole app on Redis: several bot servers (each its own process-like app with its own Redis
 * client, HTTP port and middleware) share one Redis, as instances behind a load balancer do. The
 * filings go to one MemoryFilingStore that all servers get, standing in for the shared filing database.
 */

/** Every key this run writes to the shared Redis starts with PREFIX; only these are cleaned up. */
const sharedRedis = new SharedRedis('app');
const PREFIX = sharedRedis.prefix;
const TODAY = '2026-11-24';
const texts = new Texts();
/** Where ConversationState keeps a conversation (botbuilder's key, namespace '' → trailing slash). */
const stateKey = (prefix: string, chat: HttpChat): string => `${prefix}emulator/conversations/${chat.conversationId}/`;

interface Server {
  app: App;
  base: string;
  stop(): Promise<void>;
}

/** Starts one bot server on a free loopback port. `env` adds variables; `tune` edits the parsed config. */
async function startServer(options: {
  redisUrl: string;
  prefix: string;
  filings: FilingStore;
  env?: Record<string, string>;
  tune?: (config: Config) => Config;
}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-app-'));
  let config = loadConfig({
    PORT: '0',
    FILINGS_PATH: join(dir, 'filings.json'),
    LOG_LEVEL: 'silent',
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.prefix,
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY, // the same on every instance
    ...options.env,
  });
  if (options.tune) config = options.tune(config);
  const app = createApp(config, { logger: createLogger({ level: 'silent' }), filings: options.filings, today: () => TODAY });
  const port = await app.listen(0, '127.0.0.1');
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      app.server.close();
      app.server.server.closeAllConnections();
      // The filing store is shared by all servers of a test: its owner closes it.
      for (const closer of app.closers) if (closer.name !== 'filings') await closer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Reply = Partial<Activity>;
const filingOf = (replies: Reply[]) =>
  replies.map((r) => (r.channelData as { filing?: { reference: string; category: string } } | undefined)?.filing).find(Boolean);
const texted = (replies: Reply[]) => replies.filter((r) => r.type === 'message' && typeof r.text === 'string');

/** Follows `steps` (what to say, the question that must follow). */
async function follow(chat: HttpChat, steps: Array<[string, string]>): Promise<void> {
  for (const [say, next] of steps) {
    const { status, replies } = await chat.say(say);
    expect(status, `status after "${say}"`).to.equal(200);
    expect(promptOf(replies), `after "${say}"`).to.equal(next);
  }
}

const readyStatus = async (base: string): Promise<number> => (await fetch(`${base}/readyz`)).status;

describe('many bot instances on one Redis, end to end over HTTP', function () {
  this.timeout(60_000);
  let redis: Redis;

  before(async () => {
    redis = await sharedRedis.readyClient();
  });

  after(() => sharedRedis.cleanUp());

  describe('two bot servers sharing Redis', () => {
    let filings: MemoryFilingStore;
    let a: Server;
    let b: Server;

    before(async () => {
      filings = new MemoryFilingStore();
      a = await startServer({ redisUrl: REDIS_URL, prefix: PREFIX, filings });
      b = await startServer({ redisUrl: REDIS_URL, prefix: PREFIX, filings });
    });

    after(async () => {
      await a.stop();
      await b.stop();
      await filings.close();
    });

    it('both keep their state in Redis', () => {
      expect([a.app.state.kind, b.app.state.kind]).to.deep.equal(['redis', 'redis']);
    });

    it('a person whose messages alternate between the two servers files from greeting to reference number', async () => {
      const chat = new HttpChat([a.base, b.base]);
      await follow(chat, TMP_OTHER_SCRIPT);
      const { replies } = await chat.say('确认提交');
      const filing = filingOf(replies);
      expect(filing?.category).to.equal('TMP_OTHER');
      expect((await filings.get(filing!.reference))?.status).to.equal('SUBMITTED');
      // The conversation lives in Redis under the configured prefix, not in either process.
      expect(await redis.exists(stateKey(PREFIX, chat))).to.equal(1);
    });

    it('two messages of one person reaching both servers at once are both kept, in order, each handled once', async () => {
      // Several conversations, so that the two turns really overlap in some of them.
      for (let round = 0; round < 4; round++) {
        const chat = new HttpChat([a.base, b.base]);
        await follow(chat, [['你好', 'menu.main']]);
        // At the menu, "1" chooses filing; the second "1" then answers the next question ("for myself").
        const both = await Promise.all([chat.say('1'), chat.say('1')]);
        expect(both.map((r) => r.status)).to.deep.equal([200, 200]);
        expect(both.map((r) => promptOf(r.replies)).sort(), `round ${round}`).to.deep.equal(['situation.filerMode', 'situation.insuredPlace']);
        // The next turn finds both answers kept: it is the answer to the insured place.
        await follow(chat, [['日照', 'situation.treatmentPlace']]);
      }
    });

    it('the same activity posted to both servers at once is handled once; posted again later, it is dropped', async () => {
      const chat = new HttpChat([a.base, b.base]);
      await follow(chat, upTo(TMP_OTHER_SCRIPT, 'situation.insuredPlace'));
      const id = `${chat.conversationId}-redelivered`;
      const both = await Promise.all([chat.say('日照', { id }), chat.say('日照', { id })]);
      expect(both.map((r) => r.status)).to.deep.equal([200, 200]);
      const answered = both.filter((r) => r.replies.length > 0);
      expect(answered, 'answered once').to.have.length(1);
      expect(promptOf(answered[0]!.replies)).to.equal('situation.treatmentPlace');
      const later = await chat.say('日照', { id });
      expect(later.replies).to.deep.equal([]);
      // Handled once: the conversation moved one step, so "上海" answers the treatment place.
      await follow(chat, [['上海', 'consent.personalInfo']]);
    });
  });

  describe('the Redis and turn-order variables reach the running app', () => {
    let filings: MemoryFilingStore;
    let server: Server;

    before(async () => {
      filings = new MemoryFilingStore();
      server = await startServer({
        redisUrl: REDIS_URL,
        prefix: PREFIX,
        filings,
        env: { REDIS_COMMAND_TIMEOUT_MS: '700', TURN_LOCK_TTL_MS: '2000', TURN_MAX_WAIT_MS: '0', TURN_DEDUPE_WINDOW_SECONDS: '30' },
      });
    });

    after(async () => {
      await server.stop();
      await filings.close();
    });

    it('REDIS_COMMAND_TIMEOUT_MS is the client command timeout', () => {
      expect((server.app.state.client as Redis).options.commandTimeout).to.equal(700);
    });

    it('TURN_LOCK_TTL_MS is the lifetime of a hold on a conversation', async () => {
      const lock = server.app.state.turnLock as RedisTurnLock;
      const lease = await lock.acquire('emulator/ttl-probe', { maxWaitMs: 1_000 });
      try {
        expect(await redis.pttl(lock.keysFor('emulator/ttl-probe')[0])).to.be.within(1, 2_000);
      } finally {
        await lease?.release();
      }
    });

    it('TURN_DEDUPE_WINDOW_SECONDS is how long an activity id is remembered', async () => {
      const chat = new HttpChat([server.base]);
      await follow(chat, [['你好', 'menu.main']]);
      const seen = (server.app.state.deduper as RedisDeduper).keyFor(`emulator/${chat.conversationId}/${chat.conversationId}-1`, `emulator/${chat.conversationId}`);
      expect(await redis.pttl(seen)).to.be.within(1, 30_000);
    });

    it('TURN_MAX_WAIT_MS=0: a message while another instance holds the conversation gets "one moment" at once', async () => {
      const chat = new HttpChat([server.base], 'en-US');
      await follow(chat, [['hello', 'menu.main']]);
      // Another instance is in the middle of a turn of this conversation.
      const lease = await server.app.state.turnLock.acquire(`emulator/${chat.conversationId}`, { maxWaitMs: 1_000 });
      const busy = await chat.say('1');
      await lease?.release();
      expect(texted(busy.replies).map((r) => r.text)).to.deep.equal([texts.t('en-US', 'system.busy')]);
      // Nothing was handled: the same message now chooses filing.
      await follow(chat, [['1', 'situation.filerMode']]);
    });
  });

  describe('a short conversation lifetime', () => {
    let filings: MemoryFilingStore;
    let a: Server;
    let b: Server;

    before(async () => {
      filings = new MemoryFilingStore();
      // STATE_TTL_CONVERSATION_SECONDS is at least 60 in the environment; the config object can say 1.
      const tune = (config: Config): Config => ({ ...config, state: { ...config.state, conversationTtlSeconds: 1 } });
      a = await startServer({ redisUrl: REDIS_URL, prefix: PREFIX, filings, tune });
      b = await startServer({ redisUrl: REDIS_URL, prefix: PREFIX, filings, tune });
    });

    after(async () => {
      await a.stop();
      await b.stop();
      await filings.close();
    });

    it('a conversation left alone past its lifetime is gone from Redis, and the next message starts afresh', async () => {
      const chat = new HttpChat([a.base, b.base]);
      await follow(chat, upTo(TMP_OTHER_SCRIPT, 'situation.insuredPlace'));
      const key = stateKey(PREFIX, chat);
      expect(await redis.exists(key)).to.equal(1);
      expect(await eventually(async () => (await redis.exists(key)) === 0, 20_000, 200)).to.equal(true);
      // "日照" would have answered the insured place; in a fresh conversation it meets the menu.
      const { replies } = await chat.say('日照');
      expect(promptOf(replies)).to.equal('menu.main');
    });
  });

  describe('Redis stops and comes back (a private redis-server with persistence)', () => {
    let dir: string;
    let redisServer: PrivateRedisServer;
    let filings: MemoryFilingStore;
    /** When set, the next submit stores the filing and then Redis dies, before the turn saves its state. */
    let killRedisAfterNextSubmit = false;
    let a: Server;
    let b: Server;
    let crashes: ReturnType<typeof watchForCrashes>;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'redis-app-aof-'));
      redisServer = await PrivateRedisServer.start({ persistDir: dir });
      filings = new MemoryFilingStore();
      // The shared filing store, with a hook: Redis dies right after a filing is stored.
      const withFault = new Proxy(filings, {
        get(target, prop) {
          if (prop === 'submit') {
            return async (...args: Parameters<FilingStore['submit']>) => {
              const result = await target.submit(...args);
              if (killRedisAfterNextSubmit) {
                killRedisAfterNextSubmit = false;
                await redisServer.kill();
              }
              return result;
            };
          }
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...x: unknown[]) => unknown).bind(target) : value;
        },
      });
      // A short hold on a conversation, so that one left held by a turn that died with Redis frees soon.
      const env = { TURN_LOCK_TTL_MS: '2000' };
      a = await startServer({ redisUrl: redisServer.url, prefix: 'private:', filings: withFault, env });
      b = await startServer({ redisUrl: redisServer.url, prefix: 'private:', filings: withFault, env });
      crashes = watchForCrashes();
    });

    after(async () => {
      crashes.stop();
      await a.stop();
      await b.stop();
      await filings.close();
      await redisServer.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('while Redis is down every message gets a clear apology in its language, and /readyz says 503; once back, the conversation continues', async () => {
      const zh = new HttpChat([a.base, b.base], 'zh-CN');
      const en = new HttpChat([a.base, b.base], 'en-US');
      await follow(zh, upTo(TMP_OTHER_SCRIPT, 'situation.insuredPlace'));
      await follow(en, [['hello', 'menu.main'], ['File for treatment elsewhere', 'situation.filerMode']]);

      await redisServer.kill();
      const down: Array<[HttpChat, string, 'zh-CN' | 'en-US']> = [
        [zh, '日照', 'zh-CN'],
        [zh, '日照', 'zh-CN'],
        [en, 'For myself', 'en-US'],
        [en, 'For myself', 'en-US'],
      ];
      for (const [chat, say, locale] of down) {
        const { status, replies } = await chat.say(say);
        expect(status).to.equal(200);
        expect(texted(replies).map((r) => r.text), `${locale} "${say}"`).to.deep.equal([texts.t(locale, 'system.storeUnavailable')]);
      }
      expect([await readyStatus(a.base), await readyStatus(b.base)]).to.deep.equal([503, 503]);
      expect((await fetch(`${a.base}/healthz`)).status, 'alive while not ready').to.equal(200);

      await redisServer.start();
      expect(await eventually(async () => (await readyStatus(a.base)) === 200 && (await readyStatus(b.base)) === 200, 15_000, 100)).to.equal(true);
      await follow(zh, [['日照', 'situation.treatmentPlace']]);
      await follow(en, [['For myself', 'situation.insuredPlace']]);
      expect(crashes.problems).to.deep.equal([]);
    });

    it('a filing stored just before Redis died is kept, and the retried submit gives the same reference and no second filing', async () => {
      const chat = new HttpChat([a.base, b.base]);
      await follow(chat, TMP_OTHER_SCRIPT);
      const before = filings.size;

      killRedisAfterNextSubmit = true;
      const failed = await chat.say('确认提交');
      expect(redisServer.running, 'Redis died during the submit turn').to.equal(false);
      expect(failed.status).to.equal(200);
      const apology = texted(failed.replies).at(-1);
      const submitted = filingOf(failed.replies)!;
      // The apology does not say the message was not handled: it repeats the reference of the stored filing.
      expect(apology?.text, 'the turn ends with an apology').to.equal(texts.t('zh-CN', 'system.failedAfterSubmit', { reference: submitted.reference }));
      expect(apology?.channelData).to.deep.equal({ error: 'store_unavailable' });
      expect(filings.size, 'the filing is stored').to.equal(before + 1);

      await redisServer.start();
      expect(await eventually(async () => (await readyStatus(a.base)) === 200 && (await readyStatus(b.base)) === 200, 15_000, 100)).to.equal(true);
      // The state saved before the failed turn holds the summary. The channel redelivers the very same
      // activity (same id): its turn failed, so it is handled now, not dropped as a duplicate.
      const failedId = `${chat.conversationId}-${TMP_OTHER_SCRIPT.length + 1}`;
      const retried = await chat.say('确认提交', { id: failedId });
      const filing = filingOf(retried.replies);
      expect(filing, 'the retry tells the reference').to.not.equal(undefined);
      const stored = await filings.get(filing!.reference);
      expect(stored?.status).to.equal('SUBMITTED');
      expect(filings.size, 'one filing, not two').to.equal(before + 1);
      const firstReference = filingOf(failed.replies)?.reference;
      if (firstReference !== undefined) expect(filing!.reference).to.equal(firstReference);
      expect(crashes.problems).to.deep.equal([]);
    });
  });
});
