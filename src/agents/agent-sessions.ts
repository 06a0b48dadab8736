import { createHash, randomBytes } from 'node:crypto';
import { RateLimiter, type BucketSpec, type RateDecision } from '../channels/rate-limiter.js';
import { guarded } from '../state/errors.js';
import { whenReady, type RedisClient } from '../state/redis-client.js';

/**
 * Where agents' sessions, failed sign-ins, sign-in attempts per address and presence live: Redis when the
 * state is in Redis (every instance sees the same sessions, the same lockout and the same limit per
 * address), else this process. A session is found by the
 * cookie's random token; only the token's SHA-256 is stored, so a copy of the store signs nobody in.
 */
export interface StoredSession {
  agentId: string;
  displayName: string;
  /** The CSRF token every state-changing request of this session must carry (X-CSRF-Token). */
  csrf: string;
  /** When it was made (ms since the epoch): a session ends at createdAt + the longest lifetime, however busy. */
  createdAt: number;
}

export interface AgentSessionStore {
  /** Keeps `session` under `token` for `idleMs`. */
  create(token: string, session: StoredSession, idleMs: number): Promise<void>;
  /** The session under `token`, its idle time restarted (sliding); undefined when unknown or expired. */
  use(token: string, idleMs: number): Promise<StoredSession | undefined>;
  remove(token: string): Promise<void>;
  /**
   * Counts one sign-in attempt for `account` within `windowMs`, in one atomic step before the password is
   * checked; returns how many there were in the window (attempts at the same moment get different counts).
   */
  failed(account: string, windowMs: number): Promise<number>;
  /** Locks `account` for `lockMs` (sign-in refused, even with the right password); its attempt count stays as long. */
  lock(account: string, lockMs: number): Promise<void>;
  /** How long `account` stays locked (ms); 0 when it is not. */
  lockedFor(account: string): Promise<number>;
  /**
   * Takes one sign-in attempt from `address` out of its token bucket (`spec`: a burst, refilled at a rate),
   * in one atomic step; refused when the bucket is empty, with how long to wait.
   */
  signInAttempt(address: string, spec: BucketSpec): Promise<RateDecision>;
  /** Forgets the failures of `account` (after a sign-in). */
  clearFailures(account: string): Promise<void>;
  /** Notes that the agent is signed in until `until` (ms since the epoch); `undefined` takes them off. */
  present(agentId: string, until: number | undefined): Promise<void>;
  /** The agents with a live session now. */
  signedIn(): Promise<string[]>;
  /** Keeps a sign-in under way through the organisation's provider (OIDC state → nonce and PKCE verifier) for `ttlMs`. */
  putPending(key: string, value: string, ttlMs: number): Promise<void>;
  /** Takes it back, once: a second take finds nothing. */
  takePending(key: string): Promise<string | undefined>;
}

/** A new random session token (the cookie's value) and CSRF token. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The key a token is stored under (its SHA-256), and an account under (so unknown names are not stored as typed). */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** One process: maps with expiry. */
export class MemoryAgentSessionStore implements AgentSessionStore {
  private readonly sessions = new Map<string, { session: StoredSession; until: number }>();
  private readonly failures = new Map<string, { count: number; until: number }>();
  private readonly locks = new Map<string, number>();
  private readonly presence = new Map<string, number>();
  private readonly pending = new Map<string, { value: string; until: number }>();
  /** One bucket per address, per spec (in practice one spec). */
  private readonly attempts = new Map<string, RateLimiter>();

  constructor(private readonly now: () => number = Date.now) {}

  private sweep(): void {
    const now = this.now();
    if (this.sessions.size > 1000) for (const [k, v] of this.sessions) if (v.until <= now) this.sessions.delete(k);
    if (this.failures.size > 1000) for (const [k, v] of this.failures) if (v.until <= now) this.failures.delete(k);
  }

  async create(token: string, session: StoredSession, idleMs: number): Promise<void> {
    this.sweep();
    this.sessions.set(digest(token), { session: { ...session }, until: this.now() + idleMs });
  }

  async use(token: string, idleMs: number): Promise<StoredSession | undefined> {
    const key = digest(token);
    const entry = this.sessions.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    entry.until = this.now() + idleMs;
    return { ...entry.session };
  }

  async remove(token: string): Promise<void> {
    this.sessions.delete(digest(token));
  }

  async failed(account: string, windowMs: number): Promise<number> {
    this.sweep();
    const key = digest(account);
    const entry = this.failures.get(key);
    if (!entry || entry.until <= this.now()) {
      this.failures.set(key, { count: 1, until: this.now() + windowMs });
      return 1;
    }
    entry.count += 1;
    return entry.count;
  }

  async lock(account: string, lockMs: number): Promise<void> {
    this.locks.set(digest(account), this.now() + lockMs);
    const failures = this.failures.get(digest(account));
    if (failures) failures.until = this.now() + lockMs;
  }

  async lockedFor(account: string): Promise<number> {
    const until = this.locks.get(digest(account)) ?? 0;
    return Math.max(0, until - this.now());
  }

  async clearFailures(account: string): Promise<void> {
    this.failures.delete(digest(account));
  }

  async signInAttempt(address: string, spec: BucketSpec): Promise<RateDecision> {
    const kind = `${spec.burst}/${spec.perSecond}`;
    let limiter = this.attempts.get(kind);
    if (!limiter) this.attempts.set(kind, (limiter = new RateLimiter(spec, this.now)));
    return limiter.take(address);
  }

  async present(agentId: string, until: number | undefined): Promise<void> {
    if (until === undefined) this.presence.delete(agentId);
    else this.presence.set(agentId, Math.max(until, this.presence.get(agentId) ?? 0));
  }

  async signedIn(): Promise<string[]> {
    const now = this.now();
    return [...this.presence].filter(([, until]) => until > now).map(([id]) => id);
  }

  async putPending(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.pending.size > 1000) for (const [k, v] of this.pending) if (v.until <= this.now()) this.pending.delete(k);
    this.pending.set(digest(key), { value, until: this.now() + ttlMs });
  }

  async takePending(key: string): Promise<string | undefined> {
    const entry = this.pending.get(digest(key));
    this.pending.delete(digest(key));
    return entry && entry.until > this.now() ? entry.value : undefined;
  }
}

/**
 * A token bucket in one hash (tokens, at), read, refilled and taken from in one script, so that attempts
 * at the same moment on several instances never take the same token. KEYS[1] the bucket; ARGV the burst,
 * the refill per millisecond and now (ms). Returns {1, tokens left} or {0, tokens} (a fraction, as text).
 * The bucket expires when it would be full again: an absent bucket is a full one.
 */
const TAKE_TOKEN = `
local burst = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1]) or burst
local at = tonumber(saved[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * perMs)
  at = now
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
local full = 3600000
if perMs > 0 then full = math.ceil((burst - tokens) / perMs) end
redis.call('PEXPIRE', KEYS[1], math.max(1, full))
return {allowed, tostring(tokens)}
`;

/** Shared by every instance through Redis, under `<prefix>` (`beian:state:agent:` by default). */
export class RedisAgentSessionStore implements AgentSessionStore {
  constructor(
    private readonly client: RedisClient,
    private readonly options: { prefix: string; readyWaitMs?: number; now?: () => number },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return guarded(operation, async () => {
      await whenReady(this.client, this.options.readyWaitMs ?? 1000, operation);
      return fn();
    });
  }

  private key(kind: string, id: string): string {
    return `${this.options.prefix}${kind}:${id}`;
  }

  async create(token: string, session: StoredSession, idleMs: number): Promise<void> {
    await this.run('agent session', async () => {
      await this.client.set(this.key('session', digest(token)), JSON.stringify(session), 'PX', idleMs);
    });
  }

  async use(token: string, idleMs: number): Promise<StoredSession | undefined> {
    return this.run('agent session', async () => {
      const key = this.key('session', digest(token));
      // GETEX reads and restarts the idle time in one command.
      const raw = await this.client.getex(key, 'PX', idleMs);
      if (raw === null) return undefined;
      const parsed = JSON.parse(raw) as Partial<StoredSession>;
      return typeof parsed.agentId === 'string' && typeof parsed.csrf === 'string' && typeof parsed.createdAt === 'number' && typeof parsed.displayName === 'string'
        ? { agentId: parsed.agentId, displayName: parsed.displayName, csrf: parsed.csrf, createdAt: parsed.createdAt }
        : undefined;
    });
  }

  async remove(token: string): Promise<void> {
    await this.run('agent session', async () => {
      await this.client.del(this.key('session', digest(token)));
    });
  }

  async failed(account: string, windowMs: number): Promise<number> {
    return this.run('agent sign-in failures', async () => {
      const key = this.key('failures', digest(account));
      // The window starts with the first attempt; both commands in one transaction (never a count without expiry).
      const replies = await this.client.multi().set(key, '0', 'PX', windowMs, 'NX').incr(key).exec();
      const error = replies?.find(([err]) => err)?.[0];
      if (!replies || error) throw error ?? new Error('agent sign-in failures: transaction aborted');
      return Number(replies[1]![1]);
    });
  }

  async lock(account: string, lockMs: number): Promise<void> {
    await this.run('agent lockout', async () => {
      // Two keys (two slots on a Cluster): two commands.
      await this.client.set(this.key('locked', digest(account)), '1', 'PX', lockMs);
      await this.client.pexpire(this.key('failures', digest(account)), lockMs);
    });
  }

  async lockedFor(account: string): Promise<number> {
    return this.run('agent lockout', async () => Math.max(0, await this.client.pttl(this.key('locked', digest(account)))));
  }

  async signInAttempt(address: string, spec: BucketSpec): Promise<RateDecision> {
    return this.run('agent sign-in attempts', async () => {
      const perMs = spec.perSecond / 1000;
      const reply = (await this.client.eval(TAKE_TOKEN, 1, this.key('attempts', digest(address)), spec.burst, perMs, this.now())) as [number, string];
      if (reply[0] === 1) return { allowed: true };
      const tokens = Number(reply[1]);
      const wait = spec.perSecond > 0 ? (1 - tokens) / spec.perSecond : 3600;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
    });
  }

  async clearFailures(account: string): Promise<void> {
    await this.run('agent sign-in failures', async () => {
      await this.client.del(this.key('failures', digest(account)));
    });
  }

  async present(agentId: string, until: number | undefined): Promise<void> {
    await this.run('agent presence', async () => {
      const key = `${this.options.prefix}present`;
      if (until === undefined) await this.client.zrem(key, agentId);
      else await this.client.zadd(key, 'GT', until, agentId);
    });
  }

  async signedIn(): Promise<string[]> {
    return this.run('agent presence', async () => {
      const key = `${this.options.prefix}present`;
      const now = this.now();
      await this.client.zremrangebyscore(key, '-inf', now);
      return this.client.zrangebyscore(key, `(${now}`, '+inf');
    });
  }

  async putPending(key: string, value: string, ttlMs: number): Promise<void> {
    await this.run('agent sign-in', async () => {
      await this.client.set(this.key('pending', digest(key)), value, 'PX', ttlMs);
    });
  }

  async takePending(key: string): Promise<string | undefined> {
    return this.run('agent sign-in', async () => (await this.client.getdel(this.key('pending', digest(key)))) ?? undefined);
  }
}
