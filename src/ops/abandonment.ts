import type { WaitingConversations } from '../state/waiting-conversations.js';
import { SWEEP_LIMIT } from '../state/waiting-conversations.js';
import type { Logger } from './logger.js';

export interface AbandonmentOpts {
  waiting: WaitingConversations;
  /** Counts one conversation abandoned at a step (Metrics#abandoned with how "expired"). */
  abandoned(step: string): void;
  /** A conversation left waiting this long is abandoned: the conversation state's lifetime. */
  idleMs: number;
  /** How often to look for abandoned conversations. Default one minute. */
  sweepEveryMs?: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * Counts the people who stop answering: after each successful turn of an active filing it notes the
 * question the conversation now waits at; a sweep counts every conversation that has waited longer
 * than its state lives as abandoned at that question. A note that cannot be written costs only the
 * metric (the turn has already been answered and saved), so failures are logged, never thrown.
 */
export class AbandonmentWatch {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(private readonly opts: AbandonmentOpts) {
    this.now = opts.now ?? Date.now;
  }

  /** After a turn: `step` is the question the filing waits at, or undefined when no filing is under way. */
  async afterTurn(conversation: string, step: string | undefined): Promise<void> {
    try {
      if (step) await this.opts.waiting.waiting(conversation, step, this.now());
      else await this.opts.waiting.done(conversation);
    } catch (err) {
      this.opts.logger?.warn({ err }, 'could not note where the conversation waits (funnel abandonment metric only)');
    }
  }

  /** Counts the conversations idle for longer than idleMs; returns how many. Never throws. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepAll().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepAll(): Promise<number> {
    let counted = 0;
    try {
      for (;;) {
        const steps = await this.opts.waiting.sweep(this.now() - this.opts.idleMs, SWEEP_LIMIT);
        for (const step of steps) this.opts.abandoned(step);
        counted += steps.length;
        if (steps.length < SWEEP_LIMIT) return counted;
      }
    } catch (err) {
      this.opts.logger?.warn({ err }, 'could not sweep abandoned conversations (will try again)');
      return counted;
    }
  }

  /** Sweeps every sweepEveryMs until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.opts.sweepEveryMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }
}
