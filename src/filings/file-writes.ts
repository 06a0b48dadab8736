import { open } from 'node:fs/promises';

/**
 * One write at a time: a call while a write runs is answered by the next write, which starts when that one
 * ends and serves every call that arrived meanwhile. `write` reads what is to be written when it starts, so
 * a burst of changes costs one write, not one each.
 */
export class CoalescedWrites {
  #inFlight: Promise<void> | null = null;
  #next: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null = null;

  constructor(private readonly write: () => Promise<void>) {}

  /** Resolves once a write started at or after this call is done. */
  request(): Promise<void> {
    if (!this.#inFlight) return this.#start();
    if (!this.#next) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#next = { promise, resolve, reject };
    }
    return this.#next.promise;
  }

  /** Waits until no write is running or queued. */
  async drain(): Promise<void> {
    while (this.#inFlight) await this.#inFlight.catch(() => undefined);
  }

  #start(): Promise<void> {
    const run = this.write().finally(() => {
      this.#inFlight = null;
      const next = this.#next;
      this.#next = null;
      if (next) this.#start().then(next.resolve, next.reject);
    });
    this.#inFlight = run;
    return run;
  }
}

/** Makes a new or renamed file's name durable; skipped where directories cannot be opened for sync (the rename is still atomic). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // not supported on this platform
  } finally {
    await handle?.close();
  }
}
