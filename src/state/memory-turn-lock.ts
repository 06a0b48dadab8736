import type { AcquireOptions, Deduper, TurnLease, TurnLock } from './turn-lock.js';
import { TURN_ORDER_DEFAULTS } from './turn-lock.js';

interface Line {
  /** Waiting turns, first come first served. */
  waiters: Array<(lease: TurnLease) => void>;
}

/**
 * The in-process TurnLock for memory mode (a single instance). A queue per conversation held
 * while any turn holds or waits for it; nothing is kept for idle conversations. A holder cannot
 * crash without the whole process going, so leases do not expire.
 */
export class MemoryTurnLock implements TurnLock {
  private readonly lines = new Map<string, Line>();

  async acquire(key: string, options: AcquireOptions): Promise<TurnLease | undefined> {
    const line = this.lines.get(key);
    if (!line) {
      this.lines.set(key, { waiters: [] });
      return this.lease(key);
    }
    return new Promise<TurnLease | undefined>((resolve) => {
      const waiter = (lease: TurnLease): void => {
        clearTimeout(timer);
        resolve(lease);
      };
      const timer = setTimeout(() => {
        const at = line.waiters.indexOf(waiter);
        if (at >= 0) line.waiters.splice(at, 1);
        resolve(undefined);
      }, options.maxWaitMs);
      line.waiters.push(waiter);
    });
  }

  async waiting(key: string): Promise<number> {
    return this.lines.get(key)?.waiters.length ?? 0;
  }

  private lease(key: string): TurnLease {
    let released = false;
    return {
      lost: false,
      release: async () => {
        if (released) return;
        released = true;
        const line = this.lines.get(key);
        const next = line?.waiters.shift();
        if (next) next(this.lease(key));
        else this.lines.delete(key);
      },
    };
  }
}

/** The in-process Deduper: handled ids with their expiry time, swept as new ids arrive. */
export class MemoryDeduper implements Deduper {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly windowMs: number = TURN_ORDER_DEFAULTS.dedupeWindowMs,
    private readonly now: () => number = Date.now,
  ) {}

  async handled(id: string): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    const until = this.seen.get(id);
    return until !== undefined && until > now;
  }

  async remember(id: string): Promise<void> {
    const now = this.now();
    this.sweep(now);
    this.seen.set(id, now + this.windowMs);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [id, until] of this.seen) if (until <= now) this.seen.delete(id);
  }
}
