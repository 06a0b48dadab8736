/**
 * Benchmark: complete filing conversations over HTTP against the embedded store and against Redis.
 *
 *   npm run bench                                   # both stores, defaults below
 *   npm run bench -- --users 20 --conversations 200 --store redis --prefill 20000
 *
 * Starts the app in this process on a free loopback port (a throwaway filing store in memory, logs
 * silent) and has `--users` simulated people each run complete TMP_OTHER filings (18 answers and the
 * submit: 19 turns) over POST /api/messages with expectReplies until `--conversations` are done. The
 * client runs in the same process and on the same cores as the bot, so the numbers are what one box
 * does with both, not a capacity figure for a server.
 *
 * On Redis (REDIS_URL or --redis-url, default redis://127.0.0.1:6379) it runs twice under one fresh key
 * prefix: first with nothing stored, then after pre-filling `--prefill` finished conversations (their
 * state and their remembered activity ids) under the same prefix, to show that a turn's cost does not
 * grow with what is stored. It counts the commands and round trips the app's Redis client sends
 * (bench/redis-commands.ts) and measures the keys one finished conversation leaves (MEMORY USAGE).
 * It deletes its prefix at the end. Loopback only; every request has a timeout; every loop is bounded.
 *
 * Each conversation comes from its own client address (X-Forwarded-For from 198.18.0.0/15, the range set
 * aside for benchmarks, with WEB_TRUST_PROXY=1), as people do, so the per-address rate limit of
 * /api/messages (20 requests a second from one address) measures nothing here; local mode then needs
 * ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK=true, since a proxied request is not this machine's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { MemoryFilingStore } from '../src/filings/index.js';
import { createLogger } from '../src/ops/logger.js';
import { newDataKey } from '../src/privacy/data-keys.js';
import { FieldCipher } from '../src/privacy/field-cipher.js';
import { SealedFields } from '../src/privacy/sealed-fields.js';
import { FilingBot } from '../src/bot/filing-bot.js';
import { FilingSealer } from '../src/filings/sealed-filing.js';
import { createRedisClient, whenReady } from '../src/state/redis-client.js';
import type { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import { TMP_OTHER_SCRIPT } from '../test/support/paths.js';
import { promptOf } from '../test/support/replies.js';
import { compare, VARIANTS, type VariantName } from '../bench/compare.js';
import { CLIENT_KINDS, type ClientKind } from '../bench/http-client.js';
import { countCommands } from '../test/support/redis-commands.js';
import { filingsBench } from '../bench/filings.js';
import { maskingCostNote } from '../bench/masks.js';
import type { StoredFiling } from '../src/filings/filing-store.js';

interface Options {
  compare: boolean;
  rounds: number;
  turns: number;
  variants: VariantName[];
  cpuProf: string | undefined;
  serverFlags: string[];
  sources: boolean;
  coldStarts: number;
  client: ClientKind;
  filings: number;
  users: number;
  conversations: number;
  store: 'memory' | 'redis' | 'both';
  prefill: number;
  redisUrl: string;
  warmup: number;
}

const DEFAULTS: Options = {
  compare: false,
  rounds: 1,
  turns: 2_000,
  variants: [...VARIANTS],
  cpuProf: undefined,
  serverFlags: [],
  sources: false,
  coldStarts: 3,
  client: 'http',
  filings: 0,
  users: 10,
  conversations: 100,
  store: 'both',
  prefill: 20_000,
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  warmup: 20,
};
/** One request gives up after this (a hung server must not hang the benchmark). */
const REQUEST_TIMEOUT_MS = 15_000;
/** A run stops starting conversations after this, whatever --conversations says. */
const RUN_DEADLINE_MS = 5 * 60_000;
const SUBMIT = '确认提交';

const USAGE = `usage: npm run bench -- [--users N] [--conversations N] [--store memory|redis|both] [--prefill N] [--redis-url URL] [--warmup N]
         [--filings N (the filing stores at 0 and N filings)] [--scale (= --prefill 100000 --filings 100000)]
       npm run bench -- --compare [--rounds N] [--users N (default 32)] [--turns N] [--warmup N] [--variants ${VARIANTS.join(',')}]
         [--cpu-prof DIR] [--server-flags "NODE FLAGS" (the project's servers only)] [--cold-starts N (default 3)] [--sources (the servers under tsx, not compiled)]
         [--client http|fetch (the load generator's HTTP client for every variant; default http: node:http, keep-alive)]
`;

function parseArgs(argv: string[]): Options {
  const options = { ...DEFAULTS };
  let usersGiven = false;
  let warmupGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (arg === '--compare') {
      options.compare = true;
      continue;
    }
    if (arg === '--sources') {
      options.sources = true;
      continue;
    }
    if (arg === '--scale') {
      // What the issue asks at scale: a turn with 100k stored conversations, the filing stores with 100k filings.
      options.prefill = 100_000;
      options.filings = 100_000;
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    const whole = (min: number, max: number): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
      return n;
    };
    switch (name) {
      case '--users':
        options.users = whole(1, 1_000);
        usersGiven = true;
        break;
      case '--rounds':
        options.rounds = whole(1, 20);
        break;
      case '--turns':
        options.turns = whole(1, 1_000_000);
        break;
      case '--variants': {
        const names = value.split(',');
        const unknown = names.filter((n) => !(VARIANTS as readonly string[]).includes(n));
        if (unknown.length || names.length === 0) throw new Error(`--variants takes some of ${VARIANTS.join(',')}`);
        options.variants = names as VariantName[];
        break;
      }
      case '--cpu-prof':
        options.cpuProf = resolve(value);
        break;
      case '--server-flags':
        // Node flags for the project's server processes only (not the reference): --server-flags="--max-semi-space-size=32".
        options.serverFlags = value.split(/\s+/).filter(Boolean);
        if (options.serverFlags.some((f) => !f.startsWith('--'))) throw new Error('--server-flags takes Node flags (--name or --name=value), space-separated');
        break;
      case '--filings':
        options.filings = whole(0, 1_000_000);
        break;
      case '--cold-starts':
        options.coldStarts = whole(0, 20);
        break;
      case '--client':
        if (!(CLIENT_KINDS as readonly string[]).includes(value)) throw new Error(`--client takes ${CLIENT_KINDS.join(' or ')}`);
        options.client = value as ClientKind;
        break;
      case '--conversations':
        options.conversations = whole(1, 100_000);
        break;
      case '--prefill':
        options.prefill = whole(0, 1_000_000);
        break;
      case '--warmup':
        options.warmup = whole(0, 100_000);
        warmupGiven = true;
        break;
      case '--store':
        if (value !== 'memory' && value !== 'redis' && value !== 'both') throw new Error('--store must be memory, redis or both');
        options.store = value;
        break;
      case '--redis-url':
        options.redisUrl = value;
        break;
      default:
        throw new Error(`unknown option ${name} (see --help)`);
    }
  }
  if (options.compare) {
    if (!usersGiven) options.users = 32;
    if (!warmupGiven) options.warmup = 400;
  }
  const host = new URL(options.redisUrl).hostname;
  if ((options.compare || options.store !== 'memory') && !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error('the benchmark talks to a Redis on this machine only (loopback)');
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// The simulated people

interface Conversation {
  id: string;
  /** Activity ids sent, in order. */
  activityIds: string[];
  /** The client address it comes from (X-Forwarded-For). */
  address: string;
  completed: boolean;
}

interface RunResult {
  turns: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  errorKinds: Map<string, number>;
  conversations: Conversation[];
}

async function post(base: string, conversation: Conversation, text: string): Promise<{ status: number; replies: Partial<Activity>[] }> {
  const id = `${conversation.id}-${conversation.activityIds.length + 1}`;
  conversation.activityIds.push(id);
  const response = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': conversation.address },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    body: JSON.stringify({
      type: 'message',
      id,
      text,
      locale: 'zh-CN',
      channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:1',
      deliveryMode: 'expectReplies',
      conversation: { id: conversation.id },
      from: { id: `user-${conversation.id}` },
      recipient: { id: 'bot' },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { activities?: Partial<Activity>[] };
  return { status: response.status, replies: body.activities ?? [] };
}

/** `users` people each run whole conversations until `count` were started; a wrong answer ends that conversation. */
async function drive(base: string, label: string, count: number, users: number): Promise<RunResult> {
  const latenciesMs: number[] = [];
  const errorKinds = new Map<string, number>();
  const conversations: Conversation[] = [];
  const runId = randomBytes(3).toString('hex');
  const deadline = Date.now() + RUN_DEADLINE_MS;
  let started = 0;
  const fail = (kind: string): void => void errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
  const steps: Array<[string, string | 'filing']> = [...TMP_OTHER_SCRIPT, [SUBMIT, 'filing']];

  const person = async (): Promise<void> => {
    while (started < count && Date.now() < deadline) {
      const n = started++;
      const conversation: Conversation = { id: `bench-${label}-${runId}-${n}`, activityIds: [], completed: false, address: `198.18.${(n >> 8) & 255}.${n & 255}` };
      conversations.push(conversation);
      let ok = true;
      for (const [say, expected] of steps) {
        const t0 = performance.now();
        try {
          const { status, replies } = await post(base, conversation, say);
          latenciesMs.push(performance.now() - t0);
          if (status !== 200) fail(`HTTP ${status}`);
          else if (expected === 'filing' ? !replies.some((r) => (r.channelData as { filing?: unknown } | undefined)?.filing) : promptOf(replies) !== expected) {
            fail(`unexpected reply to a ${expected} answer`);
          } else continue;
        } catch (error) {
          latenciesMs.push(performance.now() - t0);
          fail(error instanceof Error ? error.name : 'error');
        }
        ok = false;
        break;
      }
      conversation.completed = ok;
    }
  };

  const t0 = performance.now();
  await Promise.all(Array.from({ length: users }, () => person()));
  const seconds = (performance.now() - t0) / 1000;
  const errors = [...errorKinds.values()].reduce((a, b) => a + b, 0);
  return { turns: latenciesMs.length, seconds, latenciesMs: latenciesMs.sort((a, b) => a - b), errors, errorKinds, conversations };
}

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

// ---------------------------------------------------------------------------------------------
// The app under test

interface Running {
  app: App;
  base: string;
  stop(): Promise<void>;
}

async function start(env: Record<string, string>): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    FILINGS_PATH: join(dir, 'filings.json'),
    // Every conversation its own address (see above).
    WEB_TRUST_PROXY: '1',
    ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true',
    DATA_ENCRYPTION_KEY: newDataKey(),
    ...env,
  });
  const filings = new MemoryFilingStore();
  const app = createApp(config, { logger: createLogger({ level: 'silent' }), filings });
  const port = await app.listen(0, '127.0.0.1');
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      app.server.close();
      app.server.server.closeAllConnections();
      for (const closer of app.closers) await closer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Redis measurements

async function keysUnder(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  for (let rounds = 0; rounds < 1_000_000; rounds++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return found;
}

async function deleteUnder(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  for (let rounds = 0; rounds < 1_000_000; rounds++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) deleted += await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}

const usedMemory = async (redis: Redis): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);

/** The keys one finished conversation leaves in Redis and their size (MEMORY USAGE, bytes). */
async function conversationFootprint(redis: Redis, app: App, prefix: string, conversation: Conversation) {
  const stateKey = `${prefix}emulator/conversations/${conversation.id}/`;
  const deduper = app.state.deduper as RedisDeduper;
  const lock = app.state.turnLock as RedisTurnLock;
  const seenKeys = conversation.activityIds.map((id) => deduper.keyFor(`emulator/${conversation.id}/${id}`, `emulator/${conversation.id}`));
  const lockKeys = lock.keysFor(`emulator/${conversation.id}`);
  const usage = async (keys: string[]) => {
    let bytes = 0;
    let present = 0;
    for (const key of keys) {
      const n = await redis.memory('USAGE', key);
      if (typeof n === 'number') {
        bytes += n;
        present += 1;
      }
    }
    return { bytes, present };
  };
  return {
    stateKey,
    state: await usage([stateKey]),
    seen: await usage(seenKeys),
    lock: await usage(lockKeys),
    stateTtlSeconds: Math.round((await redis.pttl(stateKey)) / 1000),
    seenTtlSeconds: Math.round((await redis.pttl(seenKeys[0]!)) / 1000),
  };
}

/**
 * Stores `count` finished conversations under the prefix, as that many people would have left them:
 * a copy of a real finished conversation's state (with its lifetime) and its remembered activity ids.
 */
async function prefill(redis: Redis, app: App, prefix: string, sample: Conversation, count: number): Promise<void> {
  const stateKey = `${prefix}emulator/conversations/${sample.id}/`;
  const stored = await redis.hgetall(stateKey);
  const stateTtlMs = await redis.pttl(stateKey);
  const deduper = app.state.deduper as RedisDeduper;
  const seenTtlMs = await redis.pttl(deduper.keyFor(`emulator/${sample.id}/${sample.activityIds[0]}`, `emulator/${sample.id}`));
  if (!stored.v || stateTtlMs <= 0 || seenTtlMs <= 0) throw new Error('the sample conversation is not in Redis');
  const batch = 500;
  for (let from = 0; from < count; from += batch) {
    const pipeline = redis.pipeline();
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const id = `prefill-${i}`;
      pipeline.hset(`${prefix}emulator/conversations/${id}/`, 'v', stored.v, 'e', randomBytes(9).toString('base64url'));
      pipeline.pexpire(`${prefix}emulator/conversations/${id}/`, stateTtlMs);
      for (let turn = 1; turn <= sample.activityIds.length; turn++) {
        pipeline.set(deduper.keyFor(`emulator/${id}/${id}-${turn}`, `emulator/${id}`), '1', 'PX', seenTtlMs);
      }
    }
    await pipeline.exec();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

interface Row {
  store: string;
  storedBefore: string;
  result: RunResult;
  commandsPerTurn?: number;
  breakdown?: string;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function table(rows: Row[], options: Options): string {
  const header = ['store', 'stored before', 'users', 'conversations', 'turns', 'errors', 'turns/s', 'p50 ms', 'p90 ms', 'p99 ms', 'Redis round trips/turn'];
  const lines = rows.map((r) => [
    r.store,
    r.storedBefore,
    String(options.users),
    `${r.result.conversations.filter((c) => c.completed).length}/${r.result.conversations.length}`,
    String(r.result.turns),
    String(r.result.errors),
    fmt(r.result.turns / r.result.seconds, 0),
    fmt(percentile(r.result.latenciesMs, 50)),
    fmt(percentile(r.result.latenciesMs, 90)),
    fmt(percentile(r.result.latenciesMs, 99)),
    r.commandsPerTurn === undefined ? '-' : fmt(r.commandsPerTurn, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}

/**
 * What sealing personal data at rest costs, measured on the real state of a conversation at its summary
 * (every answer given) and on its stored filing. A turn opens the form's envelope when it reads its
 * state; when it writes, it seals a new one only if a personal answer changed (else it reuses the one it
 * read). A submit seals the filing (bound to its reference), hashes its ID number, and opens it for the reply.
 */
async function sealingCost({ app, base }: Running): Promise<{ note: string; sample?: StoredFiling<Record<string, unknown>> }> {
  const cipher = new FieldCipher(app.dataKeys);
  const fields = new SealedFields(cipher, FilingBot.sealedStateFields);
  const sample: Conversation = { id: `bench-sealing-${randomBytes(3).toString('hex')}`, activityIds: [], completed: false, address: '198.19.255.254' };
  for (const [say] of TMP_OTHER_SCRIPT) await post(base, sample, say);
  // The store beneath the app's SealedStorage: what it holds is sealed.
  const key = `emulator/conversations/${sample.id}/`;
  const context = `state:${key}`;
  const sealed = (await app.state.storage.read([key]))[key];
  await post(base, sample, SUBMIT);
  const [filing] = await app.filings.findByIdNumber('11010519491231002X');
  if (!sealed || !filing) return { note: 'Sealing personal data: not measured (no sealed state or filing found).' };
  const sealer = new FilingSealer(app.dataKeys);
  const time = (n: number, work: () => void): number => {
    for (let i = 0; i < Math.min(2_000, n); i++) work();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) work();
    return ((performance.now() - t0) * 1000) / n;
  };
  const answers = Object.keys(JSON.parse(cipher.open(String((sealed as Record<string, unknown>)['$sealed']), context)) as object).length;
  const unchanged = time(20_000, () => fields.seal(fields.open(sealed, context), context));
  const changed = time(20_000, () => {
    const opened = fields.open(sealed, context) as { filing: { details: { phone: string } } };
    opened.filing.details.phone = '13912345678';
    fields.seal(opened, context);
  });
  const perSubmit = time(20_000, () => sealer.open(sealer.seal(filing.filing, filing.reference).filing, filing.reference));
  const note = (
    `Sealing personal data at rest (AES-256-GCM, node:crypto; ${answers} sealed answers in the form): ${fmt(unchanged, 1)} µs for a turn that changes none ` +
    `of them (open the envelope, reuse it), ${fmt(changed, 1)} µs for one that changes one (open, seal anew); ${fmt(perSubmit, 1)} µs per submit ` +
    `(seal the filing, hash its ID number, open it for the reply).`
  );
  return { note, sample: filing as StoredFiling<Record<string, unknown>> };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.compare) return runCompare(options);
  const rows: Row[] = [];
  const notes: string[] = [];
  const started = performance.now();
  process.stdout.write(
    `bench: ${options.users} users, ${options.conversations} conversations of ${TMP_OTHER_SCRIPT.length + 1} turns per run, store ${options.store}` +
      ` (Node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`,
  );

  // Warm-up on the embedded store (JIT, recognizers), never measured.
  const memory = await start({});
  if (options.warmup > 0) await drive(memory.base, 'warmup', options.warmup, Math.min(options.users, options.warmup));
  if (options.store !== 'redis') {
    const result = await drive(memory.base, 'memory', options.conversations, options.users);
    rows.push({ store: 'memory (embedded)', storedBefore: '-', result });
  }
  const sealing = await sealingCost(memory);
  notes.push(sealing.note);
  notes.push(maskingCostNote());
  const dataKeys = memory.app.dataKeys;
  await memory.stop();

  let filingsTable: string | undefined;
  if (options.filings > 0) {
    if (!sealing.sample) throw new Error('no sample filing for the filing store measurements');
    process.stdout.write(`filing stores at 0 and ${options.filings} stored filings (this takes a while)…\n`);
    filingsTable = await filingsBench({
      sample: sealing.sample,
      keys: dataKeys,
      stored: options.filings,
      postgresUrl: process.env.FILINGS_TEST_URL || process.env.FILINGS_URL || undefined,
    });
  }

  if (options.store !== 'memory') {
    const prefix = `bench:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const redis = createRedisClient(options.redisUrl) as Redis;
    await whenReady(redis, 5_000, 'bench');
    const running = await start({ REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: prefix });
    try {
      await whenReady(running.app.state.client!, 5_000, 'bench');
      const commands = countCommands(running.app.state.client as Redis);
      const breakdown = (turns: number) =>
        [...commands.counts.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([name, n]) => `${name} ${fmt(n / turns, 2)}`)
          .join(', ');

      commands.reset();
      const empty = await drive(running.base, 'redis', options.conversations, options.users);
      rows.push({ store: 'redis', storedBefore: '0', result: empty, commandsPerTurn: commands.roundTrips() / empty.turns, breakdown: breakdown(empty.turns) });

      const sample = empty.conversations.find((c) => c.completed);
      if (!sample) throw new Error('no conversation finished on Redis');
      const footprint = await conversationFootprint(redis, running.app, prefix, sample);
      notes.push(
        `Redis memory of one finished conversation (MEMORY USAGE): state ${footprint.state.bytes} B (1 key, expires ${footprint.stateTtlSeconds} s after last use), ` +
          `remembered activity ids ${footprint.seen.bytes} B (${footprint.seen.present} keys, expire ${footprint.seenTtlSeconds} s after arrival), ` +
          `turn lock ${footprint.lock.bytes} B (${footprint.lock.present} keys left, expire within seconds): ` +
          `${footprint.state.bytes + footprint.seen.bytes + footprint.lock.bytes} B in all.`,
      );

      if (options.prefill > 0) {
        const before = await usedMemory(redis);
        const t0 = performance.now();
        await prefill(redis, running.app, prefix, sample, options.prefill);
        const grew = (await usedMemory(redis)) - before;
        notes.push(
          `Pre-filled ${options.prefill} finished conversations (state + activity ids) in ${fmt((performance.now() - t0) / 1000)} s; ` +
            `INFO used_memory grew ${fmt(grew / 1024 / 1024)} MiB, ${fmt(grew / options.prefill, 0)} B per conversation (a shared server: other clients' keys count too).`,
        );
        const stored = (await keysUnder(redis, `${prefix}emulator/conversations/*`)).length;
        commands.reset();
        const full = await drive(running.base, 'redis-full', options.conversations, options.users);
        rows.push({ store: 'redis', storedBefore: String(stored), result: full, commandsPerTurn: commands.roundTrips() / full.turns, breakdown: breakdown(full.turns) });
      }
    } finally {
      await running.stop();
      const deleted = await deleteUnder(redis, prefix);
      notes.push(`Cleaned up: ${deleted} keys under the benchmark's prefix deleted.`);
      await redis.quit();
    }
  }

  process.stdout.write(`\n${table(rows, options)}\n\n`);
  for (const r of rows) if (r.breakdown) process.stdout.write(`Redis commands per turn (${r.store}, ${r.storedBefore} stored before): ${r.breakdown}\n`);
  for (const r of rows) {
    if (r.result.errors > 0) process.stdout.write(`errors (${r.store}): ${[...r.result.errorKinds].map(([k, n]) => `${k} × ${n}`).join(', ')}\n`);
  }
  for (const note of notes) process.stdout.write(`${note}\n`);
  if (filingsTable) process.stdout.write(`\n${filingsTable}\n`);
  process.stdout.write(`\ntotal ${fmt((performance.now() - started) / 1000)} s\n`);
  const failed = rows.some((r) => r.result.errors > 0);
  process.exit(failed ? 1 : 0);
}

/** `--compare`: the project against the stock reference bot, each server in its own process (bench/compare.ts). */
async function runCompare(options: Options): Promise<void> {
  const started = performance.now();
  const os = await import('node:os');
  process.stdout.write(
    `bench --compare: ${options.users} users, ${options.rounds} round(s) of ${options.variants.join(', ')} ` +
      `(Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n`,
  );
  const redis = createRedisClient(options.redisUrl) as Redis;
  await whenReady(redis, 5_000, 'bench');
  let ok = false;
  try {
    ok = await compare(
      {
        users: options.users,
        turns: options.turns,
        warmupTurns: options.warmup,
        rounds: options.rounds,
        redisUrl: options.redisUrl,
        variants: options.variants,
        cpuProfDir: options.cpuProf,
        serverFlags: options.serverFlags,
        sources: options.sources,
        coldStarts: options.coldStarts,
        client: options.client,
      },
      redis,
      (text) => process.stdout.write(text),
    );
  } finally {
    await redis.quit();
  }
  process.stdout.write(`\nload average after: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}; total ${fmt((performance.now() - started) / 1000)} s\n`);
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
