/**
 * `npm run bench -- --compare`: the project against the yardstick (bench/reference-bot.ts, a stock
 * botbuilder waterfall bot), back to back, under one load generator: `--users` simulated people (default
 * 32) in a closed loop, each running whole conversations. Every server runs in a child process of its own
 * (a fresh one per variant, warmed up before it is measured); the load generator is this process.
 *
 * Variants, in each round:
 * - reference: POST /api/messages with expectReplies, eight prompts and a summary (9 turns a conversation);
 * - project /api/messages with expectReplies, on Redis: a whole TMP_OTHER filing and its submit (19 turns);
 * - project web channel, Direct Line REST: POST the activity, then GET the activities from the watermark;
 * - project web channel, Direct Line WebSocket: POST the activity, the replies arrive on the stream.
 * Each prints turns/s, p50/p90/p99, server CPU per turn (steadier than turns/s on a shared machine) and the
 * reference's CPU per turn divided by it (the turns one core does, relative), the turns/s ratio to the
 * reference measured in the same round, and for the project its Redis round trips and commands
 * per turn (bench/redis-commands.ts). With `--rounds N` the rounds repeat and the medians are printed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { TMP_OTHER_SCRIPT } from '../test/support/paths.js';
import { promptOf } from '../test/support/replies.js';
import { REFERENCE_QUESTIONS } from './reference-bot.js';
import { coldStart } from './cold-start.js';
import { perTurn, type Profile } from './profile-summary.js';
import { DIST, ensureBuilt } from '../scripts/build.js';
import { ROUND_TRIPS, WRITES } from '../test/support/redis-commands.js';
import { BYTES_PREFIX } from './redis-bytes.js';
import { received as bodyBytes, requester, type ClientKind, type Requester } from './http-client.js';

export interface CompareOptions {
  users: number;
  /** Turns measured per variant (conversations are started until this many turns were begun). */
  turns: number;
  /** Turns run before measuring, per variant (JIT, recognizers, connection pools). */
  warmupTurns: number;
  rounds: number;
  redisUrl: string;
  /** Which variants to run (default all). */
  variants: VariantName[];
  /** With a folder: every server runs with --cpu-prof into a folder of its own under it, summed per turn. */
  cpuProfDir: string | undefined;
  /** Node flags for the project's server processes (not the reference's), on top of the ones `npm start` sets. */
  serverFlags?: string[];
  /** Run the servers from their .ts sources under tsx instead of the compiled build. */
  sources: boolean;
  /** Cold starts of `npm start` to time (0: none). */
  coldStarts: number;
  /** The load generator's HTTP client, the same for every variant (bench/http-client.ts). Default node:http. */
  client?: ClientKind;
}

export const VARIANTS = ['reference', 'api', 'web-rest', 'web-ws'] as const;
export type VariantName = (typeof VARIANTS)[number];

const LABELS: Record<VariantName, string> = {
  reference: 'stock reference, /api/messages',
  api: 'project, /api/messages, Redis',
  'web-rest': 'project, web channel REST, Redis',
  'web-ws': 'project, web channel WebSocket, Redis',
};

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The Node flags `npm start` runs the bot with (package.json scripts.start, e.g. the young generation's
 * size): the project's servers run with them, as deployed; the stock reference runs with Node's defaults.
 */
export const START_FLAGS: string[] = (
  (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? ''
)
  .split(/\s+/)
  .filter((token) => token.startsWith('--'));
const SUBMIT = '确认提交';

type Replies = Partial<Activity>[];
/** What the person says, and whether the replies are the ones expected next. */
type Step = [say: string, expected: (replies: Replies) => boolean];

const prompted = (id: string) => (replies: Replies) => promptOf(replies) === id;
const filed = (replies: Replies) => replies.some((r) => (r.channelData as { filing?: unknown } | undefined)?.filing !== undefined);
const PROJECT_STEPS: Step[] = [...TMP_OTHER_SCRIPT.map(([say, next]): Step => [say, prompted(next)]), [SUBMIT, filed]];
const REFERENCE_STEPS: Step[] = [
  ['你好', (r) => r.at(-1)?.text === REFERENCE_QUESTIONS[0]],
  ...REFERENCE_QUESTIONS.map((_, i): Step => [`答${i + 1}`, (r) => r.at(-1)?.text === (REFERENCE_QUESTIONS[i + 1] ?? '已记录：9 项')]),
];

/** One person's conversation over one protocol. */
interface Session {
  say(text: string, expected: (replies: Replies) => boolean): Promise<Replies>;
  close(): void;
}
type Protocol = (base: string, n: number, runId: string, http: Requester) => Promise<Session>;

const address = (n: number): string => `198.18.${(n >> 8) & 255}.${n & 255}`;

function json(response: { ok: boolean; status: number; text: string }): unknown {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return JSON.parse(response.text) as unknown;
}

/** POST /api/messages with expectReplies: the replies are the response. */
const botFramework: Protocol = async (base, n, runId, http) => {
  const conversation = `bench-${runId}-${n}`;
  let turn = 0;
  return {
    say: async (text) => {
      turn += 1;
      const response = await http(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address(n) },
        body: JSON.stringify({
          type: 'message',
          id: `${conversation}-${turn}`,
          text,
          locale: 'zh-CN',
          channelId: 'emulator',
          serviceUrl: 'http://127.0.0.1:1',
          deliveryMode: 'expectReplies',
          conversation: { id: conversation },
          from: { id: `user-${conversation}` },
          recipient: { id: 'bot' },
        }),
      });
      return (json(response) as { activities?: Replies }).activities ?? [];
    },
    close: () => {},
  };
};

interface DirectLineStart {
  conversationId: string;
  token: string;
  streamUrl?: string;
}

/** Token and start (the greeting turn, not measured) of a web channel conversation. */
async function startDirectLine(base: string, n: number, http: Requester): Promise<DirectLineStart> {
  const headers = { 'content-type': 'application/json', 'x-forwarded-for': address(n) };
  const { token } = json(await http(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers, body: '{}' })) as DirectLineStart;
  return json(
    await http(`${base}/v3/directline/conversations`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${token}` },
      body: JSON.stringify({ locale: 'zh-CN' }),
    }),
  ) as DirectLineStart;
}

function postDirectLine(base: string, n: number, start: DirectLineStart, text: string, http: Requester): Promise<unknown> {
  return http(`${base}/v3/directline/conversations/${start.conversationId}/activities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address(n), authorization: `Bearer ${start.token}` },
    body: JSON.stringify({ type: 'message', text, locale: 'zh-CN', from: { id: 'ignored' } }),
  }).then(json);
}

/** Direct Line over REST, as a polling client: POST the message, GET what came since the watermark. */
const directLineRest: Protocol = async (base, n, _runId, http) => {
  const start = await startDirectLine(base, n, http);
  let watermark = '';
  const poll = async (): Promise<Replies> => {
    const response = await http(`${base}/v3/directline/conversations/${start.conversationId}/activities?watermark=${encodeURIComponent(watermark)}`, {
      headers: { 'x-forwarded-for': address(n), authorization: `Bearer ${start.token}` },
    });
    const body = json(response) as { activities: Replies; watermark: string };
    watermark = body.watermark ?? watermark;
    return body.activities.filter((a) => a.from?.role !== 'user');
  };
  await poll(); // the greeting
  return {
    say: async (text) => {
      await postDirectLine(base, n, start, text, http);
      return poll();
    },
    close: () => {},
  };
};

/** Direct Line over its WebSocket stream: POST the message; the turn ends when the expected reply arrived. */
const directLineStream: Protocol = async (base, n, _runId, http) => {
  const start = await startDirectLine(base, n, http);
  if (!start.streamUrl) throw new Error('no streamUrl from the web channel');
  const socket = new WebSocket(start.streamUrl, { headers: { 'x-forwarded-for': address(n) } });
  let received: Replies = [];
  let waiter: (() => void) | undefined;
  socket.on('message', (data: Buffer) => {
    bodyBytes.bytes += data.length;
    const text = data.toString();
    if (!text) return;
    const { activities } = JSON.parse(text) as { activities?: Replies };
    received.push(...(activities ?? []).filter((a) => a.from?.role !== 'user'));
    waiter?.();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    say: async (text, expected) => {
      received = [];
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply on the stream')), REQUEST_TIMEOUT_MS);
        waiter = () => {
          if (expected(received)) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      await postDirectLine(base, n, start, text, http);
      waiter?.();
      await arrived;
      return received;
    },
    close: () => socket.close(),
  };
};

export interface RunResult {
  turns: number;
  seconds: number;
  latenciesMs: number[];
  errors: Map<string, number>;
}

/** `users` people run conversations of `steps` over `protocol` until `turns` turns were begun. */
export async function drive(base: string, protocol: Protocol, steps: Step[], users: number, turns: number, http: Requester = requester('http', REQUEST_TIMEOUT_MS)): Promise<RunResult> {
  const latenciesMs: number[] = [];
  const errors = new Map<string, number>();
  const runId = randomBytes(4).toString('hex');
  let begun = 0;
  let conversations = 0;
  const deadline = Date.now() + 5 * 60_000;
  const fail = (kind: string) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
  const person = async (): Promise<void> => {
    while (begun < turns && Date.now() < deadline) {
      const n = conversations++;
      let session: Session;
      try {
        session = await protocol(base, n, runId, http);
      } catch (error) {
        fail(`start: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      try {
        for (const [say, expected] of steps) {
          begun += 1;
          const t0 = performance.now();
          const replies = await session.say(say, expected);
          latenciesMs.push(performance.now() - t0);
          if (!expected(replies)) {
            fail(`unexpected reply to "${say}"`);
            break;
          }
        }
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      } finally {
        session.close();
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: users }, () => person()));
  return { turns: latenciesMs.length, seconds: (performance.now() - t0) / 1000, latenciesMs: latenciesMs.sort((a, b) => a - b), errors };
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

// ---------------------------------------------------------------------------------------------
// Servers in child processes

interface ServerProcess {
  base: string;
  /** Redis commands by name and CPU µs since the last call (and restarts both counts), and the monotonic clock in µs. */
  counts(): Promise<{ counts: Record<string, number>; cpuMicros: number; monoMicros: number; gc?: GcCounts }>;
  stop(): Promise<void>;
}

/**
 * A server of the benchmark in a child process: compiled (dist/bench/<name>.js, each module transpiled on its
 * own by scripts/build.js, which builds it when stale: the code `npm start` runs bundled, unbundled so that a
 * profile names every package), or with `compiled: false` its .ts source under tsx.
 */
export async function startServer(
  name: 'reference-bot' | 'project-server',
  env: Record<string, string>,
  nodeOptions: string[] = [],
  compiled = true,
): Promise<ServerProcess> {
  const file = compiled ? join(DIST, 'bench', `${name}.js`) : fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const child: ChildProcess = fork(file, [], {
    execArgv: [...(compiled ? [] : ['--import=tsx']), '--disable-warning=DEP0111', ...nodeOptions],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    child.on('message', (message: { port?: number }) => {
      if (typeof message?.port === 'number') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  });
  return {
    base: `http://127.0.0.1:${port}`,
    counts: () =>
      new Promise((resolve) => {
        const listener = (message: { counts?: Record<string, number>; cpuMicros?: number; monoMicros?: number; gc?: GcCounts }) => {
          if (message?.counts) {
            child.off('message', listener);
            resolve({ counts: message.counts, cpuMicros: message.cpuMicros ?? NaN, monoMicros: message.monoMicros ?? NaN, ...(message.gc ? { gc: message.gc } : {}) });
          }
        };
        child.on('message', listener);
        child.send('counts');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('stop');
      }),
  };
}

// ---------------------------------------------------------------------------------------------

export interface VariantResult {
  variant: VariantName;
  result: RunResult;
  turnsPerSecond: number;
  cpuMsPerTurn: number;
  /** Round trips to Redis per turn (a pipeline is one). */
  redisPerTurn?: number;
  commandsPerTurn?: number;
  /** Writes to the Redis connection per turn (auto-pipelining sends many turns' commands in one). */
  writesPerTurn?: number;
  redisBreakdown?: Record<string, number>;
  /** The project server's garbage collections over the measured turns (bench/project-server.ts). */
  gc?: GcCounts;
  /** The load generator's own CPU per turn (this process, user + system, over the measured turns). */
  generatorCpuMsPerTurn: number;
  /** Body bytes the server sent back per turn (HTTP response bodies and WebSocket messages). */
  receivedBytesPerTurn: number;
  /** Bytes of the commands' arguments the project sent to Redis per turn (its own client), and by command. */
  redisBytesPerTurn?: number;
  redisBytesBreakdown?: Record<string, number>;
}

/** Garbage collections: minor (scavenges) and major (mark-compact) ones, and their time in ms. */
export interface GcCounts {
  minor: number;
  major: number;
  ms: number;
  /** Resident memory of the server when the measured turns ended, MB. */
  rssMb?: number;
}

async function runVariant(variant: VariantName, options: CompareOptions, prefix: string, round: number): Promise<VariantResult> {
  const reference = variant === 'reference';
  // With --cpu-prof: each server writes its profile into a folder of its own, summed afterwards over the measured turns.
  const profileDir = options.cpuProfDir ? join(options.cpuProfDir, `round${round}-${variant}`) : undefined;
  const nodeOptions = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = reference
    ? await startServer('reference-bot', {}, nodeOptions, !options.sources)
    : await startServer('project-server', { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: prefix }, [...nodeOptions, ...START_FLAGS, ...(options.serverFlags ?? [])], !options.sources);
  let window: [number, number] = [NaN, NaN];
  let turns = 0;
  try {
    const protocol = variant === 'web-rest' ? directLineRest : variant === 'web-ws' ? directLineStream : botFramework;
    const steps = reference ? REFERENCE_STEPS : PROJECT_STEPS;
    // Every variant gets a generator of its own of the same kind (a fresh keep-alive pool).
    const http = requester(options.client ?? 'http', REQUEST_TIMEOUT_MS);
    await drive(server.base, protocol, steps, options.users, options.warmupTurns, http);
    const { monoMicros: from } = await server.counts();
    bodyBytes.bytes = 0;
    const generatorFrom = process.cpuUsage();
    const result = await drive(server.base, protocol, steps, options.users, options.turns, http);
    const generator = process.cpuUsage(generatorFrom);
    const receivedBytes = bodyBytes.bytes;
    const { counts: { [ROUND_TRIPS]: roundTrips = 0, [WRITES]: writes = 0, ...all }, cpuMicros, monoMicros: to, gc } = await server.counts();
    window = [from, to];
    turns = result.turns;
    const counts = Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith(BYTES_PREFIX)));
    const bytes = Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(BYTES_PREFIX)).map(([k, v]) => [k.slice(BYTES_PREFIX.length), v / result.turns]));
    const commands = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      variant,
      result,
      turnsPerSecond: result.turns / result.seconds,
      cpuMsPerTurn: cpuMicros / 1000 / result.turns,
      generatorCpuMsPerTurn: (generator.user + generator.system) / 1000 / result.turns,
      receivedBytesPerTurn: receivedBytes / result.turns,
      ...(gc ? { gc } : {}),
      ...(reference
        ? {}
        : {
            redisPerTurn: roundTrips / result.turns,
            commandsPerTurn: commands / result.turns,
            writesPerTurn: writes / result.turns,
            redisBreakdown: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / result.turns])),
            redisBytesPerTurn: Object.values(bytes).reduce((a, b) => a + b, 0),
            redisBytesBreakdown: bytes,
          }),
    };
  } finally {
    await server.stop();
    if (profileDir && turns > 0) {
      const [file] = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      // The measured window beside the profile, for a closer look (bench/profile-summary.ts --window).
      writeFileSync(join(profileDir, 'window.json'), JSON.stringify({ from: window[0], to: window[1], turns }));
      if (file) profiles.set(`${LABELS[variant]} (round ${round})`, perTurn(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile, window[0], window[1], turns));
    }
  }
}

/** Per-turn profile summaries of the last compare (with --cpu-prof), by variant. */
const profiles = new Map<string, string>();

const fmt = (n: number | undefined, digits = 1): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-');
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Runs the rounds and prints each, then the medians. Returns false when a turn failed. */
export async function compare(options: CompareOptions, redis: Redis, out: (text: string) => void): Promise<boolean> {
  const rounds: VariantResult[][] = [];
  let ok = true;
  if (!options.sources && ensureBuilt() !== 'compiled') throw new Error('the compiled build could not be made (npm run build)');
  if (options.coldStarts > 0) {
    for (const by of ['npm start', 'node scripts/start.js'] as const) {
      const times: number[] = [];
      for (let i = 0; i < options.coldStarts; i++) times.push(await coldStart(by));
      out(
        `cold start of \`${by}\` (compiled, embedded defaults) to the first answer of POST /api/messages: median ${fmt(median(times), 0)} ms ` +
          `(${times.map((t) => fmt(t, 0)).join(', ')} ms; target ≤ 1500 ms)\n`,
      );
      if (times.some((t) => !Number.isFinite(t))) ok = false;
    }
  }
  for (let round = 1; round <= options.rounds; round++) {
    const results: VariantResult[] = [];
    const prefix = `bench:${process.pid}:${randomBytes(4).toString('hex')}:`;
    try {
      for (const variant of options.variants) results.push(await runVariant(variant, options, prefix, round));
    } finally {
      await deleteUnder(redis, prefix);
    }
    rounds.push(results);
    const ref = results.find((r) => r.variant === 'reference');
    out(`\nround ${round} of ${options.rounds} (${options.users} users, ${options.turns} turns measured per variant after ${options.warmupTurns} warm-up turns; load generator: ${options.client ?? 'http'})\n`);
    out(
      `${table(
        ['variant', 'turns', 'errors', 'turns/s', 'p50 ms', 'p90 ms', 'p99 ms', 'server CPU ms/turn', 'CPU vs reference', 'turns/s vs reference', 'generator CPU ms/turn', 'bytes back/turn', 'Redis round trips/turn', 'Redis commands/turn', 'Redis writes/turn', 'Redis bytes/turn'],
        results.map((r) => {
          const errors = [...r.result.errors.values()].reduce((a, b) => a + b, 0);
          return [
            LABELS[r.variant],
            String(r.result.turns),
            String(errors),
            fmt(r.turnsPerSecond, 0),
            fmt(percentile(r.result.latenciesMs, 50)),
            fmt(percentile(r.result.latenciesMs, 90)),
            fmt(percentile(r.result.latenciesMs, 99)),
            fmt(r.cpuMsPerTurn, 2),
            ref ? fmt(ref.cpuMsPerTurn / r.cpuMsPerTurn, 2) : '-',
            ref ? fmt(r.turnsPerSecond / ref.turnsPerSecond, 2) : '-',
            fmt(r.generatorCpuMsPerTurn, 2),
            fmt(r.receivedBytesPerTurn, 0),
            fmt(r.redisPerTurn, 2),
            fmt(r.commandsPerTurn, 2),
            fmt(r.writesPerTurn, 2),
            fmt(r.redisBytesPerTurn, 0),
          ];
        }),
      )}\n`,
    );
    for (const r of results) {
      if (r.result.errors.size > 0) {
        ok = false;
        out(`errors (${LABELS[r.variant]}): ${[...r.result.errors].map(([k, n]) => `${k} × ${n}`).join(', ')}\n`);
      }
      if (r.gc) {
        const { minor, major, ms, rssMb } = r.gc;
        out(
          `garbage collection (${LABELS[r.variant]}): ${fmt(ms / r.result.turns, 3)} ms a turn in ${minor} minor and ${major} major collections ` +
            `(one minor per ${fmt(r.result.turns / Math.max(1, minor), 1)} turns); resident memory at the end ${rssMb ?? '-'} MB\n`,
        );
      }
      if (r.redisBreakdown) {
        out(`Redis commands per turn (${LABELS[r.variant]}): ${Object.entries(r.redisBreakdown).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')}\n`);
      }
      if (r.redisBytesBreakdown) {
        out(`Redis bytes sent per turn (${LABELS[r.variant]}, the commands' arguments): ${Object.entries(r.redisBytesBreakdown).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v, 0)}`).join(', ')}\n`);
      }
    }
  }
  for (const [label, text] of profiles) out(`\nwhere a turn's CPU goes, ${label} (--cpu-prof, self time over the measured turns):\n${text}\n`);
  profiles.clear();
  if (options.rounds > 1) {
    const byVariant = (v: VariantName) => rounds.map((round) => round.find((r) => r.variant === v)!).filter(Boolean);
    const ratio = (v: VariantName) => rounds.map((round) => {
      const r = round.find((x) => x.variant === v);
      const ref = round.find((x) => x.variant === 'reference');
      return r && ref ? r.turnsPerSecond / ref.turnsPerSecond : NaN;
    });
    out(`\nmedian of ${options.rounds} rounds\n`);
    out(
      `${table(
        ['variant', 'turns/s', 'p50 ms', 'p90 ms', 'p99 ms', 'server CPU ms/turn', 'CPU vs reference', 'turns/s vs reference (each round)', 'generator CPU ms/turn', 'Redis round trips/turn'],
        options.variants.map((v) => {
          const rs = byVariant(v);
          return [
            LABELS[v],
            fmt(median(rs.map((r) => r.turnsPerSecond)), 0),
            fmt(median(rs.map((r) => percentile(r.result.latenciesMs, 50)))),
            fmt(median(rs.map((r) => percentile(r.result.latenciesMs, 90)))),
            fmt(median(rs.map((r) => percentile(r.result.latenciesMs, 99)))),
            fmt(median(rs.map((r) => r.cpuMsPerTurn)), 2),
            fmt(median(byVariant('reference').map((r) => r.cpuMsPerTurn)) / median(rs.map((r) => r.cpuMsPerTurn)), 2),
            `${fmt(median(ratio(v)), 2)} (${ratio(v).map((x) => fmt(x, 2)).join(', ')})`,
            fmt(median(rs.map((r) => r.generatorCpuMsPerTurn)), 2),
            v === 'reference' ? '-' : fmt(median(rs.map((r) => r.redisPerTurn ?? NaN)), 2),
          ];
        }),
      )}\n`,
    );
  }
  return ok;
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
