import { isCategory } from '../../domain/categories.js';
import { guarded } from '../../state/errors.js';
import { whenReady, type RedisClient } from '../../state/redis-client.js';

/**
 * Where guided calls are kept between the console's requests, shared by every instance (Redis when the
 * state is in Redis): who runs the call, whether it is paused, what outcome was read to the caller. Nothing
 * a caller said is here — their answers live in the conversation state (sealed), read in each turn.
 */
export interface CallRecord {
  id: string;
  /** The agent who started it: the only one who may continue, pause or resume it. */
  agentId: string;
  locale: 'zh-CN' | 'en-US';
  status: 'active' | 'paused' | 'ended';
  startedAt: string;
  updatedAt: string;
  /** The outcome script told in the call (category or non-category outcome, and its sentences: no personal data). */
  script?: { outcome: string; lines: string[]; read?: { agent: string; at: string } };
  /** The consent, as given orally: to which agent, when. */
  consent?: { given: boolean; agent: string; at: string };
  /** The question the call waits at (a promptId), for the audit of the next answer and the list of calls. */
  waiting?: string;
  /** The filing submitted in the call. */
  filing?: { reference: string; category: string; status: string };
  /** What was done in the call with filings submitted before (after the identity check), each once. */
  handled?: ExistingFilingAction[];
  /** How the call ended, for the metrics (counted once). */
  outcome?: GuidedCallOutcome;
}

/** What a call may do with a filing submitted before (channelData.lifecycle of the dialogs that do it). */
export const EXISTING_FILING_ACTIONS = ['check', 'cancel', 'change'] as const;
export type ExistingFilingAction = (typeof EXISTING_FILING_ACTIONS)[number];

/**
 * How a guided call ended: a filing submitted, a filing submitted before checked, cancelled or changed, an
 * outcome that needs no filing (or cannot be filed), consent declined, or given up.
 */
export const GUIDED_CALL_OUTCOMES = ['submitted', 'existing_filing', 'no_filing', 'declined', 'abandoned'] as const;
export type GuidedCallOutcome = (typeof GUIDED_CALL_OUTCOMES)[number];

/** How a call that is ending ended, by what it did (the first that applies); given up when it did none of it. */
export function outcomeOfCall(record: CallRecord): GuidedCallOutcome {
  if (record.filing) return 'submitted';
  if (record.handled?.length) return 'existing_filing';
  if (record.consent?.given === false) return 'declined';
  // An outcome told that is no category (no filing needed, reimbursed by hand, cannot be filed).
  if (record.script && !isCategory(record.script.outcome)) return 'no_filing';
  return 'abandoned';
}

export interface CallStore {
  get(id: string): Promise<CallRecord | undefined>;
  put(record: CallRecord): Promise<void>;
  /** The calls of one agent, newest first (within the store's lifetime). */
  ofAgent(agentId: string): Promise<CallRecord[]>;
}

/** One process. */
export class MemoryCallStore implements CallStore {
  private readonly calls = new Map<string, { record: CallRecord; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<CallRecord | undefined> {
    const entry = this.calls.get(id);
    if (!entry || entry.until <= this.now()) return undefined;
    return structuredClone(entry.record);
  }

  async put(record: CallRecord): Promise<void> {
    if (this.calls.size > 1000) for (const [k, v] of this.calls) if (v.until <= this.now()) this.calls.delete(k);
    this.calls.set(record.id, { record: structuredClone(record), until: this.now() + this.ttlMs });
  }

  async ofAgent(agentId: string): Promise<CallRecord[]> {
    const now = this.now();
    return [...this.calls.values()]
      .filter((e) => e.until > now && e.record.agentId === agentId)
      .map((e) => structuredClone(e.record))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}

/** Every instance, through Redis: `<prefix>call:<id>` (JSON, expiring with the conversation) and `<prefix>agent:<id>` (the agent's call ids). */
export class RedisCallStore implements CallStore {
  constructor(
    private readonly client: RedisClient,
    private readonly options: { prefix: string; ttlMs: number; readyWaitMs?: number },
  ) {}

  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return guarded(operation, async () => {
      await whenReady(this.client, this.options.readyWaitMs ?? 1000, operation);
      return fn();
    });
  }

  async get(id: string): Promise<CallRecord | undefined> {
    return this.run('hotline call', async () => {
      const raw = await this.client.get(`${this.options.prefix}call:${id}`);
      return raw === null ? undefined : (JSON.parse(raw) as CallRecord);
    });
  }

  async put(record: CallRecord): Promise<void> {
    await this.run('hotline call', async () => {
      await this.client.set(`${this.options.prefix}call:${record.id}`, JSON.stringify(record), 'PX', this.options.ttlMs);
      const index = `${this.options.prefix}agent:${record.agentId}`;
      await this.client.zadd(index, Date.parse(record.startedAt), record.id);
      await this.client.pexpire(index, this.options.ttlMs);
    });
  }

  async ofAgent(agentId: string): Promise<CallRecord[]> {
    return this.run('hotline calls of an agent', async () => {
      const index = `${this.options.prefix}agent:${agentId}`;
      const ids = await this.client.zrevrange(index, 0, 49);
      const records = await Promise.all(ids.map((id) => this.get(id)));
      const gone = ids.filter((_, i) => records[i] === undefined);
      if (gone.length > 0) await this.client.zrem(index, ...gone);
      return records.filter((r): r is CallRecord => r !== undefined);
    });
  }
}
