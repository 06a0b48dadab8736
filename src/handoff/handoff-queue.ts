import type { Handoff, HandoffAgent, HandoffState, RelayMessage } from './handoff.js';

/**
 * The handoff queue shared by every instance: who waits for a person (in order), who is with an agent,
 * and the chat between them. Taking is atomic: of any number of agents on any number of instances who
 * take one handoff, exactly one gets it. Ending is atomic too: a handoff ends once (its outcome counted once).
 */
export interface HandoffQueue {
  /**
   * Puts a handoff in the queue, unless its conversation already has one; resolves with the handoff
   * that now stands for the conversation (the new one or the earlier).
   */
  enqueue(handoff: Handoff): Promise<Handoff>;
  get(id: string): Promise<Handoff | undefined>;
  /** The conversation's handoff, waiting or with an agent. */
  ofConversation(conversationKey: string): Promise<Handoff | undefined>;
  /** 1-based place in the queue of a waiting handoff. */
  position(id: string): Promise<number | undefined>;
  /** Those waiting, first come first. */
  waiting(): Promise<Handoff[]>;
  /** Those with an agent, longest first. */
  taken(): Promise<Handoff[]>;
  /** How many wait. */
  length(): Promise<number>;
  /** Takes a waiting handoff for the agent: the handoff now 'talking', or undefined when it was not waiting (taken by another, left, ended). */
  take(id: string, agent: HandoffAgent, at: number): Promise<Handoff | undefined>;
  /** Changes a taken handoff's state and draft, only for the agent who holds it: the handoff, or undefined. */
  update(id: string, agentId: string, change: { state?: Exclude<HandoffState, 'waiting'>; draft?: Handoff['draft'] }): Promise<Handoff | undefined>;
  /** Ends a handoff (out of the queue or the agent's hands): resolves with it to exactly one caller. */
  end(id: string): Promise<Handoff | undefined>;
  /** Adds a line to the handoff's chat; resolves with how many lines it has. */
  say(id: string, message: RelayMessage): Promise<number>;
  /** The chat's lines after the first `after`. */
  messages(id: string, after?: number): Promise<RelayMessage[]>;
  /** Records how long an agent spent with a handoff (for the expected wait). */
  handled(ms: number): Promise<void>;
  /** The average time an agent spends with a handoff, from the recent ones; undefined before the first. */
  averageHandlingMs(): Promise<number | undefined>;
}

/** How much of a handled time counts in the running average (an exponentially weighted mean). */
export const HANDLING_WEIGHT = 0.2;

function nextAverage(previous: number | undefined, ms: number): number {
  return previous === undefined ? ms : previous + HANDLING_WEIGHT * (ms - previous);
}

/** The queue in this process's memory: one instance (the embedded default without Redis). */
export class MemoryHandoffQueue implements HandoffQueue {
  private readonly handoffs = new Map<string, Handoff>();
  private readonly chats = new Map<string, RelayMessage[]>();
  private average: number | undefined;

  async enqueue(handoff: Handoff): Promise<Handoff> {
    const existing = await this.ofConversation(handoff.conversationKey);
    if (existing) return structuredClone(existing);
    this.handoffs.set(handoff.id, structuredClone({ ...handoff, state: 'waiting' }));
    return structuredClone(this.handoffs.get(handoff.id)!);
  }

  async get(id: string): Promise<Handoff | undefined> {
    const h = this.handoffs.get(id);
    return h ? structuredClone(h) : undefined;
  }

  async ofConversation(conversationKey: string): Promise<Handoff | undefined> {
    for (const h of this.handoffs.values()) if (h.conversationKey === conversationKey) return structuredClone(h);
    return undefined;
  }

  async position(id: string): Promise<number | undefined> {
    const index = (await this.waiting()).findIndex((h) => h.id === id);
    return index < 0 ? undefined : index + 1;
  }

  async waiting(): Promise<Handoff[]> {
    return [...this.handoffs.values()].filter((h) => h.state === 'waiting').sort((a, b) => a.queuedAt - b.queuedAt).map((h) => structuredClone(h));
  }

  async taken(): Promise<Handoff[]> {
    return [...this.handoffs.values()].filter((h) => h.state !== 'waiting').sort((a, b) => (a.takenAt ?? 0) - (b.takenAt ?? 0)).map((h) => structuredClone(h));
  }

  async length(): Promise<number> {
    return (await this.waiting()).length;
  }

  async take(id: string, agent: HandoffAgent, at: number): Promise<Handoff | undefined> {
    const h = this.handoffs.get(id);
    if (!h || h.state !== 'waiting') return undefined;
    Object.assign(h, { state: 'talking', agent: { ...agent }, takenAt: at });
    return structuredClone(h);
  }

  async update(id: string, agentId: string, change: { state?: Exclude<HandoffState, 'waiting'>; draft?: Handoff['draft'] }): Promise<Handoff | undefined> {
    const h = this.handoffs.get(id);
    if (!h || h.state === 'waiting' || h.agent?.id !== agentId) return undefined;
    if (change.state) h.state = change.state;
    if (change.draft) h.draft = structuredClone(change.draft);
    return structuredClone(h);
  }

  async end(id: string): Promise<Handoff | undefined> {
    const h = this.handoffs.get(id);
    if (!h) return undefined;
    this.handoffs.delete(id);
    this.chats.delete(id);
    return h;
  }

  async say(id: string, message: RelayMessage): Promise<number> {
    const lines = this.chats.get(id) ?? [];
    lines.push({ ...message });
    this.chats.set(id, lines);
    return lines.length;
  }

  async messages(id: string, after = 0): Promise<RelayMessage[]> {
    return (this.chats.get(id) ?? []).slice(after).map((m) => ({ ...m }));
  }

  async handled(ms: number): Promise<void> {
    this.average = nextAverage(this.average, ms);
  }

  async averageHandlingMs(): Promise<number | undefined> {
    return this.average;
  }
}
