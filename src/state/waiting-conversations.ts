/**
 * Where each open conversation is waiting for the person, so that the filing funnel can count the people
 * who simply stop answering (most who give up never type "cancel"): a conversation left waiting longer
 * than its state lives is counted as abandoned at the question it stopped at.
 *
 * Only a hashed conversation key and a prompt id are kept: nothing a person said.
 */
export interface WaitingConversations {
  /** The conversation now waits at `step` (a prompt id), as of `atMs`; replaces what it waited at before. */
  waiting(conversation: string, step: string, atMs: number): Promise<void>;
  /** The conversation no longer waits (submitted, cancelled, or ended without a filing). */
  done(conversation: string): Promise<void>;
  /**
   * Takes out every conversation that has waited since before `beforeMs` and returns the step each
   * stopped at, each conversation once even when several instances sweep at the same time.
   */
  sweep(beforeMs: number, limit?: number): Promise<string[]>;
}

/** At most this many conversations are taken out per sweep call (the sweeper calls again when full). */
export const SWEEP_LIMIT = 500;

/** WaitingConversations in this process (memory mode, one instance). */
export class MemoryWaitingConversations implements WaitingConversations {
  private readonly open = new Map<string, { step: string; atMs: number }>();

  async waiting(conversation: string, step: string, atMs: number): Promise<void> {
    // Re-inserted so the map stays in order of last activity, oldest first.
    this.open.delete(conversation);
    this.open.set(conversation, { step, atMs });
  }

  async done(conversation: string): Promise<void> {
    this.open.delete(conversation);
  }

  async sweep(beforeMs: number, limit = SWEEP_LIMIT): Promise<string[]> {
    const steps: string[] = [];
    for (const [conversation, { step, atMs }] of this.open) {
      if (atMs >= beforeMs || steps.length >= limit) break;
      this.open.delete(conversation);
      steps.push(step);
    }
    return steps;
  }

  /** How many conversations are watched (for tests). */
  get size(): number {
    return this.open.size;
  }
}
