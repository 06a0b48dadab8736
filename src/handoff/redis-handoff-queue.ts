import { createHash } from 'node:crypto';
import { guarded } from '../state/errors.js';
import { script, whenReady, type RedisClient } from '../state/redis-client.js';
import type { FieldCipher } from '../privacy/field-cipher.js';
import type { DraftView, Handoff, HandoffAgent, HandoffState, RelayMessage } from './handoff.js';
import { HANDLING_WEIGHT, type HandoffQueue } from './handoff-queue.js';

export interface RedisHandoffQueueOptions {
  /** Put before every key, e.g. "beian:state:handoff:". */
  prefix?: string;
  /** How long a handoff's chat is kept after its last line (the conversation's lifetime). */
  chatTtlSeconds?: number;
  /** How long a call waits for a (re)connecting client before failing. Default 1000 ms. */
  readyWaitMs?: number;
  /**
   * Seals what could identify or describe the person (the record with the conversation reference, the draft,
   * each chat line's text) under the data key, bound to the handoff; the queue's structure stays readable.
   */
  cipher?: FieldCipher;
}

/**
 * KEYS: records, queue, conv. ARGV: id, record JSON, conversation field, queuedAt.
 * The conversation's handoff if it has one, else the new one, queued.
 */
const ENQUEUE_LUA = `
local existing = redis.call('HGET', KEYS[3], ARGV[3])
if existing then
  local record = redis.call('HGET', KEYS[1], existing)
  if record then return existing end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
return ARGV[1]
`;

/** KEYS: queue, taken, claims. ARGV: id, claim JSON, at. Only the one ZREM that finds it waiting takes it. */
const TAKE_LUA = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
  return 1
end
return 0
`;

/** KEYS: claims, drafts. ARGV: id, agent id, new state or '', draft JSON or ''. Only the holder changes it. */
const UPDATE_LUA = `
local claim = redis.call('HGET', KEYS[1], ARGV[1])
if not claim then return 0 end
local c = cjson.decode(claim)
if c.agent == nil or c.agent.id ~= ARGV[2] then return 0 end
if ARGV[3] ~= '' then
  c.state = ARGV[3]
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(c))
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[4]) end
return 1
`;

/** KEYS: records, queue, taken, conv, claims, drafts, chat. ARGV: id, conversation field. Returns the parts to the one caller that ended it. */
const END_LUA = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
local claim = redis.call('HGET', KEYS[5], ARGV[1]) or ''
local draft = redis.call('HGET', KEYS[6], ARGV[1]) or ''
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('HGET', KEYS[4], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[4], ARGV[2]) end
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('HDEL', KEYS[6], ARGV[1])
redis.call('DEL', KEYS[7])
return {record, claim, draft}
`;

/** KEYS: stats. ARGV: ms, weight. The running average of handling times. */
const HANDLED_LUA = `
local previous = redis.call('HGET', KEYS[1], 'handlingMs')
local value = tonumber(ARGV[1])
if previous then value = tonumber(previous) + tonumber(ARGV[2]) * (value - tonumber(previous)) end
redis.call('HSET', KEYS[1], 'handlingMs', tostring(value))
return 1
`;

interface Claim {
  state: Exclude<HandoffState, 'waiting'>;
  agent: HandoffAgent;
  takenAt: number;
}

/**
 * The queue in Redis, shared by every instance. A handoff is one immutable record (hash `records`) with
 * its claim (who took it, in what state) and its latest draft beside it; `queue` and `taken` are sorted
 * sets by time; `conv` finds a conversation's handoff (by a hash of its key). Every key shares the hash
 * tag {handoff}, so the scripts also run on Redis Cluster. Taking is one script whose ZREM only one
 * caller can win.
 */
export class RedisHandoffQueue implements HandoffQueue {
  private readonly keys: { records: string; queue: string; taken: string; conv: string; claims: string; drafts: string; stats: string; chat: (id: string) => string };
  private readonly chatTtlSeconds: number;
  private readonly readyWaitMs: number;
  private readonly cipher: FieldCipher | undefined;
  private readonly enqueueScript: (keys: string[], args: (string | number)[]) => Promise<string>;
  private readonly takeScript: (keys: string[], args: (string | number)[]) => Promise<number>;
  private readonly updateScript: (keys: string[], args: (string | number)[]) => Promise<number>;
  private readonly endScript: (keys: string[], args: (string | number)[]) => Promise<[string, string, string] | null>;
  private readonly handledScript: (keys: string[], args: (string | number)[]) => Promise<number>;

  constructor(
    private readonly client: RedisClient,
    options: RedisHandoffQueueOptions = {},
  ) {
    const base = `${options.prefix ?? 'beian:handoff:'}{handoff}:`;
    this.keys = {
      records: `${base}records`,
      queue: `${base}queue`,
      taken: `${base}taken`,
      conv: `${base}conv`,
      claims: `${base}claims`,
      drafts: `${base}drafts`,
      stats: `${base}stats`,
      chat: (id) => `${base}chat:${id}`,
    };
    this.chatTtlSeconds = options.chatTtlSeconds ?? 24 * 60 * 60;
    this.readyWaitMs = options.readyWaitMs ?? 1000;
    this.cipher = options.cipher;
    this.enqueueScript = script<string>(client, 'beianHandoffEnqueue', ENQUEUE_LUA);
    this.takeScript = script<number>(client, 'beianHandoffTake', TAKE_LUA);
    this.updateScript = script<number>(client, 'beianHandoffUpdate', UPDATE_LUA);
    this.endScript = script<[string, string, string] | null>(client, 'beianHandoffEnd', END_LUA);
    this.handledScript = script<number>(client, 'beianHandoffHandled', HANDLED_LUA);
  }

  private seal(id: string, part: string, plain: string): string {
    return this.cipher ? this.cipher.seal(plain, `handoff:${id}:${part}`) : plain;
  }

  private open(id: string, part: string, stored: string): string {
    return this.cipher ? this.cipher.open(stored, `handoff:${id}:${part}`) : stored;
  }

  private assemble(id: string, record: string, claim: string | null, draft: string | null): Handoff {
    return assemble(this.open(id, 'record', record), claim, draft === null ? null : this.open(id, 'draft', draft));
  }

  /** Conversation keys are hashed: the index holds no channel's identifiers. */
  private field(conversationKey: string): string {
    return createHash('sha256').update(conversationKey).digest('hex').slice(0, 32);
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    await guarded(operation, () => whenReady(this.client, this.readyWaitMs, operation));
    return guarded(operation, work);
  }

  async enqueue(handoff: Handoff): Promise<Handoff> {
    const { state: _state, agent: _agent, takenAt: _takenAt, draft, ...record } = handoff;
    const id = await this.run('handoff.enqueue', () =>
      this.enqueueScript(
        [this.keys.records, this.keys.queue, this.keys.conv],
        [handoff.id, this.seal(handoff.id, 'record', JSON.stringify(record)), this.field(handoff.conversationKey), handoff.queuedAt],
      ),
    );
    if (id === handoff.id) await this.run('handoff.enqueue', () => this.client.hset(this.keys.drafts, id, this.seal(id, 'draft', JSON.stringify(draft))));
    return (await this.get(id)) ?? { ...handoff, state: 'waiting' };
  }

  async get(id: string): Promise<Handoff | undefined> {
    const [record, claim, draft] = await this.run('handoff.get', () =>
      Promise.all([this.client.hget(this.keys.records, id), this.client.hget(this.keys.claims, id), this.client.hget(this.keys.drafts, id)]),
    );
    return record ? this.assemble(id, record, claim, draft) : undefined;
  }

  async ofConversation(conversationKey: string): Promise<Handoff | undefined> {
    const id = await this.run('handoff.get', () => this.client.hget(this.keys.conv, this.field(conversationKey)));
    return id ? this.get(id) : undefined;
  }

  async position(id: string): Promise<number | undefined> {
    const rank = await this.run('handoff.position', () => this.client.zrank(this.keys.queue, id));
    return rank === null ? undefined : rank + 1;
  }

  async waiting(): Promise<Handoff[]> {
    return this.listed(this.keys.queue);
  }

  async taken(): Promise<Handoff[]> {
    return this.listed(this.keys.taken);
  }

  private async listed(key: string): Promise<Handoff[]> {
    const ids = await this.run('handoff.list', () => this.client.zrange(key, '0', '-1'));
    if (ids.length === 0) return [];
    const [records, claims, drafts] = await this.run('handoff.list', () =>
      Promise.all([this.client.hmget(this.keys.records, ...ids), this.client.hmget(this.keys.claims, ...ids), this.client.hmget(this.keys.drafts, ...ids)]),
    );
    return ids.flatMap((id, i) => (records[i] ? [this.assemble(id, records[i]!, claims[i] ?? null, drafts[i] ?? null)] : []));
  }

  async length(): Promise<number> {
    return this.run('handoff.length', () => this.client.zcard(this.keys.queue));
  }

  async take(id: string, agent: HandoffAgent, at: number): Promise<Handoff | undefined> {
    const claim: Claim = { state: 'talking', agent, takenAt: at };
    const won = await this.run('handoff.take', () => this.takeScript([this.keys.queue, this.keys.taken, this.keys.claims], [id, JSON.stringify(claim), at]));
    return won === 1 ? this.get(id) : undefined;
  }

  async update(id: string, agentId: string, change: { state?: Exclude<HandoffState, 'waiting'>; draft?: DraftView }): Promise<Handoff | undefined> {
    const done = await this.run('handoff.update', () =>
      this.updateScript([this.keys.claims, this.keys.drafts], [id, agentId, change.state ?? '', change.draft ? this.seal(id, 'draft', JSON.stringify(change.draft)) : '']),
    );
    return done === 1 ? this.get(id) : undefined;
  }

  async end(id: string): Promise<Handoff | undefined> {
    const record = await this.run('handoff.get', () => this.client.hget(this.keys.records, id));
    if (!record) return undefined;
    const conversationKey = (JSON.parse(this.open(id, 'record', record)) as { conversationKey: string }).conversationKey;
    const k = this.keys;
    const parts = await this.run('handoff.end', () => this.endScript([k.records, k.queue, k.taken, k.conv, k.claims, k.drafts, k.chat(id)], [id, this.field(conversationKey)]));
    return parts ? this.assemble(id, parts[0], parts[1] || null, parts[2] || null) : undefined;
  }

  async say(id: string, message: RelayMessage): Promise<number> {
    const key = this.keys.chat(id);
    const line = JSON.stringify({ ...message, text: this.seal(id, 'chat', message.text) });
    const results = await this.run('handoff.say', () => this.client.multi().rpush(key, line).expire(key, this.chatTtlSeconds).exec());
    const [error, length] = results?.[0] ?? [new Error('transaction aborted'), 0];
    if (error) throw error;
    return Number(length);
  }

  async messages(id: string, after = 0): Promise<RelayMessage[]> {
    const lines = await this.run('handoff.messages', () => this.client.lrange(this.keys.chat(id), after, -1));
    return lines.map((line) => {
      const message = JSON.parse(line) as RelayMessage;
      return { ...message, text: this.open(id, 'chat', message.text) };
    });
  }

  async handled(ms: number): Promise<void> {
    await this.run('handoff.stats', () => this.handledScript([this.keys.stats], [Math.round(ms), HANDLING_WEIGHT]));
  }

  async averageHandlingMs(): Promise<number | undefined> {
    const value = await this.run('handoff.stats', () => this.client.hget(this.keys.stats, 'handlingMs'));
    return value === null ? undefined : Number(value);
  }
}

function assemble(record: string, claim: string | null, draft: string | null): Handoff {
  const base = JSON.parse(record) as Omit<Handoff, 'state' | 'draft'>;
  const c = claim ? (JSON.parse(claim) as Claim) : undefined;
  const d = draft ? (JSON.parse(draft) as DraftView) : { facts: [] };
  return { ...base, draft: { ...d, facts: Array.isArray(d.facts) ? d.facts : [] }, state: c?.state ?? 'waiting', ...(c ? { agent: c.agent, takenAt: c.takenAt } : {}) };
}
