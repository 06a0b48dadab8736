import type { Server } from 'node:http';

export interface IdleOptions {
  /** How long no request may have been in flight before the server counts as idle. */
  quietMs: number;
  /** The tasks run by then at the latest, even while requests keep arriving (a stream or a busy start). */
  maxWaitMs: number;
}

/**
 * Runs `tasks` once the HTTP server is idle: no request in flight for `quietMs` (or, at the latest,
 * `maxWaitMs` from now), one task per turn of the event loop, so that a request arriving meanwhile is
 * answered between two of them. For work that a start can leave until after its first answers (building
 * caches a later turn would otherwise build on its first use). The timers do not keep the process alive.
 * Resolves once the last task ran (a task that throws is the caller's to catch: the rest still run).
 */
export function whenIdle(server: Server, tasks: Array<() => void>, options: IdleOptions): Promise<void> {
  let finished!: () => void;
  const allRan = new Promise<void>((resolve) => (finished = resolve));
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    clearTimeout(deadline);
    server.off('request', started);
    const next = (i: number): void => {
      if (i >= tasks.length) return finished();
      setImmediate(() => {
        try {
          tasks[i]!();
        } finally {
          next(i + 1);
        }
      });
    };
    next(0);
  };
  const wait = (): void => {
    if (done) return;
    clearTimeout(timer);
    timer = setTimeout(run, options.quietMs).unref();
  };
  const started = (_request: unknown, response: NodeJS.EventEmitter): void => {
    inFlight += 1;
    clearTimeout(timer);
    response.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) wait();
    });
  };
  server.on('request', started);
  const deadline = setTimeout(run, options.maxWaitMs).unref();
  wait();
  return allRan;
}
