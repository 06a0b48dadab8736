import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { Redis, type Cluster } from 'ioredis';
import WebSocket from 'ws';
import { createApp, type App } from '../src/app.js';
import { Texts } from '../src/content/texts.js';
import { RedisActivityLog, RedisWebAccess } from '../src/channels/web/index.js';
import { loadConfig } from '../src/config.js';
import { MemoryFilingStore } from '../src/filings/index.js';
import { createLogger } from '../src/ops/logger.js';
import { whenReady, type RedisClient } from '../src/state/redis-client.js';
import { RedisStorage } from '../src/state/redis-storage.js';
import { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import { conversationStateKey } from '../src/state/conversation-slot.js';
import { RedisWaitingConversations } from '../src/state/redis-waiting-conversations.js';
import { webAccessContract } from './channels.web.access-contract.js';
import { BOT_WORDS, DirectLineClient, startWebChannel, textsOf, userMessage, type RunningChannel } from './channels.web.fixtures.js';
import { activityLogContract } from './channels.web.log-contract.js';
import { storageContract } from './state.storage-contract.js';
import { redisTurnOrderMode, turnOrderContract } from './state.turn-order-contract.js';
import { waitingConversationsContract } from './state.waiting-contract.js';
import { HttpChat } from './support/http-chat.js';
import { TEST_DATA_KEY, TEST_KEYS } from './support/keys.js';
import { FieldCipher } from '../src/privacy/field-cipher.js';
import { RedisTranscriptStore } from '../src/handoff/redis-transcript-store.js';
import { handoffTranscriptContract } from './handoff.transcript-contract.js';
import { TMP_OTHER_SCRIPT, upTo } from './support/paths.js';
import { SharedRedis } from './support/redis.js';
import { sleep } from './support/redis-server.js';
import { RedisClusterProcesses, RedisSentinelProcesses, topologySkipReason, type RedisTopology } from './support/redis-topologies.js';
import { promptOf } from './support/replies.js';

/**
 * The Redis engines besides a single server, as real processes on loopback (Debian's redis-server,
 * redis-sentinel, redis-cli), started here: a three-node Redis Cluster, and a master with one replica
 * watched by a Sentinel. Against each, the suites the standalone server passes: the state store, the
 * turn order across instances, where open filings wait, the web channel's activity log and access store;
 * then the app itself over HTTP (two instances, one conversation alternating between them) and, on
 * Sentinel, a failover: the master is killed, the replica promoted, the conversation carries on and no
 * filing is lost. Every script a conversation runs touches keys of one hash tag, so it runs on a Cluster.
 *
 * Locally these start only with REDIS_TEST_CLUSTER=1 / REDIS_TEST_SENTINEL=1 (.ci/run sets both); the
 * suites' titles say so when they skip.
 */
const TODAY = '2026-11-24';
/** The apology while the state store cannot answer, without its placeholders. */
const storeUnavailable = new Texts().t('zh-CN', 'system.storeUnavailable', { hotline: '' }).split(/[{}]/)[0]!.slice(0, 8);
const zh = BOT_WORDS['zh-CN'];

type Reply = Partial<Activity>;
const filingOf = (replies: Reply[]) => replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing).find(Boolean);

interface Instance {
  app: App;
  base: string;
  stop(): Promise<void>;
}

/** One bot server on the deployment, as src/index.ts builds it from the environment. */
async function startInstance(topology: RedisTopology, prefix: string, filings: MemoryFilingStore): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-topology-app-'));
  const config = loadConfig({
    PORT: '0',
    FILINGS_PATH: join(dir, 'filings.json'),
    LOG_LEVEL: 'silent',
    REDIS_KEY_PREFIX: prefix,
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
    ...topology.env,
  });
  const app = createApp(config, { logger: createLogger({ level: 'silent' }), filings, today: () => TODAY });
  const port = await app.listen(0, '127.0.0.1');
  await whenReady(app.state.client!, 10_000, 'test');
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      app.server.close();
      app.server.server.closeAllConnections();
      for (const closer of app.closers) if (closer.name !== 'filings') await closer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Follows `steps`, each answered with the question that must follow. */
async function follow(chat: HttpChat, steps: Array<[string, string]>): Promise<void> {
  for (const [say, next] of steps) {
    const { status, replies } = await chat.say(say);
    expect(status, `status after "${say}"`).to.equal(200);
    expect(promptOf(replies), `after "${say}"`).to.equal(next);
  }
}

/**
 * Says `text` as a person does while the service recovers: again after each apology, until the bot
 * answers with `next` (at most `tries` times). Returns the replies that came with it, and how many
 * apologies came first.
 */
async function sayUntil(chat: HttpChat, text: string, next: (replies: Reply[]) => boolean, tries = 40): Promise<{ replies: Reply[]; apologies: number }> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const { status, replies } = await chat.say(text);
    if (status === 200 && next(replies)) return { replies, apologies: attempt };
    await sleep(250);
  }
  throw new Error(`"${text}" was never answered as expected`);
}

const topologies: Array<{ kind: 'cluster' | 'sentinel'; start: () => Promise<RedisTopology> }> = [
  { kind: 'cluster', start: () => RedisClusterProcesses.start() },
  { kind: 'sentinel', start: () => RedisSentinelProcesses.start() },
];

for (const { kind, start } of topologies) {
  const skipped = topologySkipReason(kind);
  const title = kind === 'cluster' ? 'a three-node Redis Cluster' : 'Redis Sentinel with one replica';
  describe(skipped ? `${title}: skipped, ${skipped}` : `${title}, real processes on loopback`, function () {
    this.timeout(90_000);
    let topology: RedisTopology | undefined;
    const place = {
      get url() {
        return topology!.url;
      },
      get clientOptions() {
        return topology!.clientOptions;
      },
      dataNodes: () => topology!.dataNodes(),
    };
    const shared = new SharedRedis(`topology-${kind}`, place);
    let client: RedisClient;
    let n = 0;

    before(async function () {
      if (skipped) this.skip();
      this.timeout(60_000);
      topology = await start();
      client = await shared.readyClient();
    });
    after(async () => {
      if (!topology) return;
      await shared.cleanUp();
      await topology.stop();
    });

    // Each case makes a new client: on a loaded machine a Cluster client's first connect (the slots asked of
    // the nodes) can take longer than the store's default 1 s wait, so the contract's cases wait longer.
    storageContract(`RedisStorage on ${title}`, (options) => new RedisStorage(shared.client(), { prefix: shared.prefix, readyWaitMs: 10_000, ...options }), { expires: true });
    turnOrderContract(redisTurnOrderMode(`two instances on ${title}`, shared));
    waitingConversationsContract(`on ${title}`, async () => new RedisWaitingConversations(client, { prefix: `${shared.prefix}waiting-${(n += 1)}:` }));
    activityLogContract(`RedisActivityLog on ${title}`, () => new RedisActivityLog(client, { keyPrefix: `${shared.prefix}webchat:` }));
    webAccessContract(`RedisWebAccess on ${title}`, () => new RedisWebAccess(client, { keyPrefix: `${shared.prefix}webchat:` }));
    handoffTranscriptContract(`RedisTranscriptStore on ${title}`, async ({ keepTurns }) =>
      new RedisTranscriptStore(client, { prefix: `${shared.prefix}transcript-${(n += 1)}:`, keepTurns, cipher: new FieldCipher(TEST_KEYS), readyWaitMs: 10_000 }),
    );

    describe(`the web channel, two instances on ${title}`, () => {
      let a: RunningChannel;
      let b: RunningChannel;
      const sockets: WebSocket[] = [];
      beforeEach(async () => {
        const parts = () => ({
          activityLog: new RedisActivityLog(client, { keyPrefix: `${shared.prefix}webchat:` }),
          access: new RedisWebAccess(client, { keyPrefix: `${shared.prefix}webchat:` }),
          accessSharesLog: true,
          // No safety scan within a test: what another instance appended reaches a socket only by being told.
          webSocket: { scanMs: 60 * 60 * 1000 },
        });
        a = await startWebChannel(parts());
        b = await startWebChannel({ ...parts(), logic: a.bot.logic });
      });
      afterEach(async () => {
        for (const ws of sockets.splice(0)) ws.terminate();
        await a.close();
        await b.close();
      });

      it('a conversation opened on one is posted to and polled on the other; a stream ticket from one opens a socket on the other', async () => {
        const onA = new DirectLineClient(a.baseUrl);
        const onB = new DirectLineClient(b.baseUrl);
        const { token, conversationId } = await onA.open();
        expect((await onB.post(token, conversationId, userMessage(zh.choices[0]))).status).to.equal(200);
        expect(textsOf((await onA.poll(token, conversationId)).body.activities)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);
        const url = new URL((await onA.reconnect(token, conversationId)).body.streamUrl!);
        url.port = new URL(b.baseUrl).port;
        const ws = new WebSocket(url);
        sockets.push(ws);
        const first = await new Promise<string>((resolve, reject) => {
          ws.once('message', (data) => resolve(String(data)));
          ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
        });
        expect(textsOf((JSON.parse(first) as { activities: Activity[] }).activities)).to.include(zh.askName);
      });

      it('a socket open on one is woken by what the other appends (told over pub/sub), without a scan', async () => {
        const onA = new DirectLineClient(a.baseUrl);
        const onB = new DirectLineClient(b.baseUrl);
        const { token, conversationId } = await onA.open();
        const ws = new WebSocket((await onA.reconnect(token, conversationId)).body.streamUrl!);
        sockets.push(ws);
        const received: Activity[] = [];
        ws.on('message', (data) => {
          if (String(data)) received.push(...(JSON.parse(String(data)) as { activities: Activity[] }).activities);
        });
        const end = Date.now() + 10_000;
        const until = async (check: () => boolean, what: string) => {
          while (!check()) {
            if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
            await sleep(20);
          }
        };
        await until(() => textsOf(received).includes(zh.choose), 'the greeting');
        expect((await onB.post(token, conversationId, userMessage(zh.choices[0]))).status).to.equal(200);
        await until(() => textsOf(received).includes(zh.askName), "B's reply");
        expect(textsOf(received)).to.deep.equal([zh.greeting, zh.choose, zh.choices[0], zh.askName]);
      });
    });

    describe(`the app over HTTP, two instances on ${title}`, () => {
      let filings: MemoryFilingStore;
      let one: Instance;
      let two: Instance;
      beforeEach(async () => {
        filings = new MemoryFilingStore();
        one = await startInstance(topology!, `${shared.prefix}app:`, filings);
        two = await startInstance(topology!, `${shared.prefix}app:`, filings);
      });
      afterEach(async () => {
        await one.stop();
        await two.stop();
        await filings.close();
      });

      it('a person whose messages alternate between the instances files from greeting to reference number', async () => {
        expect([one.app.state.kind, two.app.state.kind]).to.deep.equal(['redis', 'redis']);
        expect([(await fetch(`${one.base}/readyz`)).status, (await fetch(`${two.base}/readyz`)).status]).to.deep.equal([200, 200]);
        const chat = new HttpChat([one.base, two.base]);
        await follow(chat, TMP_OTHER_SCRIPT);
        const filing = filingOf((await chat.say('确认提交')).replies);
        expect((await filings.get(filing!.reference))?.status).to.equal('SUBMITTED');
        expect(await filings.findByIdNumber('11010519491231002X')).to.have.length(1);
        if (kind === 'cluster') {
          // The conversation's keys (state, turn lock, remembered activities) share its slot, so one script
          // begins a turn and one ends it; only the funnel's waiting list lives in a slot of its own.
          const perNode = await Promise.all(
            topology!.dataNodes().map(async ({ host, port }) => {
              const node = new Redis({ host, port, lazyConnect: true });
              await node.connect();
              const keys = (await node.keys(`${shared.prefix}app:*`)).filter((key) => !key.includes('{waiting}'));
              const slots = new Set(await Promise.all(keys.map(async (key) => Number(await node.cluster('KEYSLOT', key)))));
              node.disconnect();
              return { keys: keys.length, slots: slots.size };
            }),
          );
          const holding = perNode.filter((node) => node.keys > 0);
          expect(holding, `keys per node: ${perNode.map((n) => n.keys).join(', ')}`).to.have.length(1);
          expect(holding[0]!.slots).to.equal(1);
          expect(holding[0]!.keys, 'the state and the remembered activity ids').to.be.at.least(TMP_OTHER_SCRIPT.length + 2);
        }
      });

      if (kind === 'cluster') {
        it('the keys each script touches together share one slot (hash tags), whatever the conversation', async () => {
          const slot = async (key: string) => Number(await (client as Cluster).cluster('KEYSLOT', key));
          const slots = async (keys: string[]) => new Set(await Promise.all(keys.map(slot)));
          const lock = new RedisTurnLock(client, { prefix: `${shared.prefix}turn:` });
          const storage = new RedisStorage(client, { prefix: shared.prefix });
          const deduper = new RedisDeduper(client, { prefix: `${shared.prefix}seen:` });
          const web = `${shared.prefix}webchat:`;
          const seen = new Set<number>();
          for (let i = 0; i < 20; i++) {
            const conversation = `webchat/conversation-${i}`;
            const lockKeys = lock.keysFor(conversation);
            expect((await slots(lockKeys)).size, 'turn lock: lock, queue, beats, counter').to.equal(1);
            // One script takes the turn, checks the activity and reads the state; one saves, remembers and releases.
            const turnKeys = [...lockKeys, deduper.keyFor(`${conversation}/activity-${i}`, conversation), storage.redisKey(conversationStateKey(conversation)!)];
            expect((await slots(turnKeys)).size, 'a turn: its lock, its activity id, its conversation state').to.equal(1);
            const id = `conversation${i}abcdefgh`;
            const webKeys = [`${web}{${id}}:activities`, `${web}{${id}}:open`, `${web}{${id}}:ticket:x`, `${web}{${id}}:revoked:y`];
            expect((await slots(webKeys)).size, 'web log, tickets, revocations').to.equal(1);
            seen.add(await slot(lockKeys[0]));
          }
          expect(seen.size, 'conversations spread over slots').to.be.above(1);
          expect((await slots([`${shared.prefix}waiting:{waiting}:since`, `${shared.prefix}waiting:{waiting}:step`])).size).to.equal(1);
        });
      }

      if (kind === 'sentinel') {
        it('the master dies: Sentinel promotes the replica, the conversation carries on where it was, and no filing is lost', async () => {
          const sentinel = topology as RedisSentinelProcesses;
          // One person has filed; another is half-way, at the ID number.
          const filed = new HttpChat([one.base, two.base]);
          await follow(filed, TMP_OTHER_SCRIPT);
          const before = filingOf((await filed.say('确认提交')).replies);
          expect(before).to.not.equal(undefined);
          const halfway = new HttpChat([one.base, two.base]);
          const untilId = upTo(TMP_OTHER_SCRIPT, 'details.idNumber');
          await follow(halfway, untilId);
          // Replication is asynchronous: a write acknowledged a moment before the crash may not have reached
          // the replica (operations.md says so). Here it has, as it normally has within milliseconds.
          await sentinel.replicaCaughtUp();

          await sentinel.killMaster();
          const rest = TMP_OTHER_SCRIPT.slice(untilId.length);
          const [first, afterFirst] = rest[0]!;
          // Sent while Sentinel has not promoted anyone yet: the person still gets an answer, the apology in
          // their language (or, had the instances already found the new master, the next question).
          const during = await halfway.say(first);
          expect(during.status).to.equal(200);
          const apologised = promptOf(during.replies) !== afterFirst;
          if (apologised) expect(during.replies.map((r) => r.text).join('\n')).to.include(storeUnavailable);

          await sentinel.waitForPromotion();

          // The person sends it again (after each apology: each instance finds the new master on its own) and
          // the answer is taken at the very question where they stopped, and so on to the end: nothing they
          // gave was lost, and every message got an answer.
          let apologies = 0;
          for (const [say, next] of rest) apologies += (await sayUntil(halfway, say, (replies) => promptOf(replies) === next)).apologies;
          if (process.env.REDIS_TEST_VERBOSE === '1') console.log(`      (apologised during the failover: ${apologised}; afterwards: ${apologies})`);
          const after = filingOf((await sayUntil(halfway, '确认提交', (replies) => filingOf(replies) !== undefined)).replies);
          expect(after).to.not.equal(undefined);

          // The filing made before the failover is kept: a resent submit finds the same one.
          const again = filingOf((await sayUntil(filed, '确认提交', (replies) => filingOf(replies) !== undefined || promptOf(replies) !== undefined)).replies);
          if (again) expect(again.reference).to.equal(before!.reference);
          expect((await filings.get(before!.reference))?.status).to.equal('SUBMITTED');
          expect((await filings.get(after!.reference))?.status).to.equal('SUBMITTED');
          expect(await filings.findByIdNumber('11010519491231002X')).to.have.length(2);
          expect([(await fetch(`${one.base}/readyz`)).status, (await fetch(`${two.base}/readyz`)).status]).to.deep.equal([200, 200]);
        });
      }
    });
  });
}
