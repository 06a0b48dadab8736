/**
 * Which agents have the console open, shared by every instance: the console's queue panel polls every
 * few seconds, and each poll says the agent is there. An agent not seen for the window is gone (closed
 * the console, lost the network). Only account ids are kept.
 */
export interface AgentPresence {
  /** The agent was seen at `at` (ms). */
  seen(agentId: string, at: number): Promise<void>;
  /** The agent signed out: gone at once. */
  gone(agentId: string): Promise<void>;
  /** How many agents were seen since `since` (ms). */
  count(since: number): Promise<number>;
  /** The agents seen since `since` (ms). */
  present(since: number): Promise<string[]>;
}

/** How long after their last poll an agent still counts as present. */
export const PRESENCE_WINDOW_MS = 60_000;

export class MemoryAgentPresence implements AgentPresence {
  private readonly lastSeen = new Map<string, number>();

  async seen(agentId: string, at: number): Promise<void> {
    this.lastSeen.set(agentId, at);
  }

  async gone(agentId: string): Promise<void> {
    this.lastSeen.delete(agentId);
  }

  async count(since: number): Promise<number> {
    return (await this.present(since)).length;
  }

  async present(since: number): Promise<string[]> {
    const ids: string[] = [];
    for (const [id, at] of this.lastSeen) {
      if (at >= since) ids.push(id);
      else this.lastSeen.delete(id);
    }
    return ids;
  }
}
