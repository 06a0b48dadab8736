import { randomUUID } from 'node:crypto';
import { guarded } from '../../state/errors.js';
import { script, whenReady, type RedisClient } from '../../state/redis-client.js';
import { LOCALES, type Locale } from '../../content/texts.js';
import { ExpiringMap } from '../../ops/expiring-map.js';

/**
 * What the instances of the WeChat channel share: which messages were taken (WeChat retries a message it
 * got no answer to within 5 s, three times, to any instance), when each person last wrote (the 48-hour
 * window of customer-service messages), the language each person writes in (their first message's, WeChat
 * says none), and the access token with the lock of whoever refreshes it.
 * Redis when the state is in Redis (every instance sees the same), else this process (one instance).
 * People appear here only as a salted hash of their openid.
 */
export interface WeChatStore {
  /** True the first time `key` is claimed within `windowMs` (a message, or an event); false for a retry. */
  claim(key: string, windowMs: number): Promise<boolean>;
  /** Notes that the person (hashed openid) wrote now; remembered for `windowMs`. */
  noteInbound(person: string, at: number, windowMs: number): Promise<void>;
  /** When the person last wrote, within the window; undefined when longer ago. */
  lastInbound(person: string): Promise<number | undefined>;
  /**
   * The person's language: the one noted, kept `ttlMs` longer (every message of theirs keeps it), or when
   * none is noted, `said` (the language of this message, if it shows one), noted for `ttlMs`.
   */
  language(person: string, said: Locale | undefined, ttlMs: number): Promise<Locale | undefined>;
  /** The shared access token and when it expires (ms since the epoch). */
  readToken(): Promise<StoredToken | undefined>;
  writeToken(token: StoredToken): Promise<void>;
  /** Takes the refresh lock for `ttlMs`; undefined when another instance holds it. */
  lockRefresh(ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

export interface StoredToken {
  token: string;
  expiresAt: number;
}

/** One process: maps whose entries expire (each entry living as long as its caller says). */
export class MemoryWeChatStore implements WeChatStore {
  private readonly claims: ExpiringMap<string, true>;
  /** When each person last wrote. */
  private readonly inbound: ExpiringMap<string, number>;
  private readonly languages: ExpiringMap<string, Locale>;
  private token: StoredToken | undefined;
  private lockedUntil = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.claims = new ExpiringMap(undefined, now);
    this.inbound = new ExpiringMap(undefined, now);
    this.languages = new ExpiringMap(undefined, now);
  }

  async claim(key: string, windowMs: number): Promise<boolean> {
    if (this.claims.get(key)) return false;
    this.claims.set(key, true, windowMs);
    return true;
  }

  async noteInbound(person: string, at: number, windowMs: number): Promise<void> {
    this.inbound.set(person, at, windowMs);
  }

  async lastInbound(person: string): Promise<number | undefined> {
    return this.inbound.get(person);
  }

  async language(person: string, said: Locale | undefined, ttlMs: number): Promise<Locale | undefined> {
    const locale = this.languages.get(person) ?? said;
    if (locale !== undefined) this.languages.set(person, locale, ttlMs);
    return locale;
  }

  async readToken(): Promise<StoredToken | undefined> {
    return this.token;
  }

  async writeToken(token: StoredToken): Promise<void> {
    this.token = token;
  }

  async lockRefresh(ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    if (this.lockedUntil > this.now()) return undefined;
    this.lockedUntil = this.now() + ttlMs;
    return async () => {
      this.lockedUntil = 0;
    };
  }
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A person's language: noted once (NX) when said, kept as long as they write; one round trip a message. */
const LANGUAGE = `if ARGV[1] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') end
local noted = redis.call('GET', KEYS[1])
if noted then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return noted`;

/** Shared by every instance through Redis, under `<prefix>` (`beian:state:wechat:` by default). */
export class RedisWeChatStore implements WeChatStore {
  /** A person's language noted, read and kept alive in one call (made once, as the other stores' scripts). */
  readonly #languageScript;

  constructor(
    private readonly client: RedisClient,
    private readonly options: { prefix: string; readyWaitMs?: number },
  ) {
    this.#languageScript = script<string | null>(client, 'wechatLanguage', LANGUAGE);
  }

  private async ready(operation: string): Promise<void> {
    await whenReady(this.client, this.options.readyWaitMs ?? 1000, operation);
  }

  async claim(key: string, windowMs: number): Promise<boolean> {
    return guarded('wechat claim', async () => {
      await this.ready('wechat claim');
      return (await this.client.set(`${this.options.prefix}msg:${key}`, '1', 'PX', windowMs, 'NX')) === 'OK';
    });
  }

  async noteInbound(person: string, at: number, windowMs: number): Promise<void> {
    await guarded('wechat inbound', async () => {
      await this.ready('wechat inbound');
      await this.client.set(`${this.options.prefix}inbound:${person}`, String(at), 'PX', windowMs);
    });
  }

  async lastInbound(person: string): Promise<number | undefined> {
    return guarded('wechat inbound', async () => {
      await this.ready('wechat inbound');
      const at = await this.client.get(`${this.options.prefix}inbound:${person}`);
      return at === null ? undefined : Number(at);
    });
  }

  async language(person: string, said: Locale | undefined, ttlMs: number): Promise<Locale | undefined> {
    return guarded('wechat language', async () => {
      await this.ready('wechat language');
      const noted = await this.#languageScript([`${this.options.prefix}language:${person}`], [said ?? '', ttlMs]);
      return noted !== null && (LOCALES as readonly string[]).includes(noted) ? (noted as Locale) : undefined;
    });
  }

  async readToken(): Promise<StoredToken | undefined> {
    return guarded('wechat token', async () => {
      await this.ready('wechat token');
      const raw = await this.client.get(`${this.options.prefix}token`);
      if (raw === null) return undefined;
      const parsed = JSON.parse(raw) as Partial<StoredToken>;
      return typeof parsed.token === 'string' && typeof parsed.expiresAt === 'number' ? { token: parsed.token, expiresAt: parsed.expiresAt } : undefined;
    });
  }

  async writeToken(token: StoredToken): Promise<void> {
    await guarded('wechat token', async () => {
      await this.ready('wechat token');
      await this.client.set(`${this.options.prefix}token`, JSON.stringify(token), 'PXAT', token.expiresAt);
    });
  }

  async lockRefresh(ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    return guarded('wechat token lock', async () => {
      await this.ready('wechat token lock');
      const key = `${this.options.prefix}token:lock`;
      const holder = randomUUID();
      if ((await this.client.set(key, holder, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
      const release = script<number>(this.client, 'wechatReleaseLock', RELEASE);
      return async () => {
        await release([key], [holder]).catch(() => undefined);
      };
    });
  }
}
