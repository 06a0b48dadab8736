import type { Middleware, TurnContext } from 'botbuilder';
import { resolveLocale, type Locale } from '../content/texts.js';
import type { Logger } from './logger.js';
import { TURN_OUTCOME_KEY } from './turn-state-keys.js';

/** The words a refused turn gets; content/locales/<locale>/system.json, key "shuttingDown". */
export const SHUTTING_DOWN_KEY = 'system.shuttingDown';

export interface InFlightOpts {
  /** Anything with Texts#t; the refusal is texts.t(locale, SHUTTING_DOWN_KEY). */
  texts: { t(locale: Locale, key: string): string };
  /** The person's locale; default from the activity. */
  localeOf?: (context: TurnContext) => Locale | Promise<Locale>;
}

/**
 * Counts turns in flight. Once drain() is called, new turns are not run: a message gets a polite
 * "we are restarting, send it again in a minute" and nothing else happens (no state is touched).
 * Put it right after the turn log middleware, before anything that loads state.
 */
export class InFlightTracker implements Middleware {
  private inFlight = 0;
  private isDraining = false;
  private isLeaving = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly opts: InFlightOpts) {}

  get count(): number {
    return this.inFlight;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /**
   * Shutdown began: readiness fails from now on (so a load balancer stops sending new work), while
   * turns are still taken until drain().
   */
  leave(): void {
    this.isLeaving = true;
  }

  /** True once shutdown began (leave() or drain()): /healthz and /readyz answer 503. */
  get stopping(): boolean {
    return this.isLeaving || this.isDraining;
  }

  /** Stop taking new turns; turns already running finish. */
  drain(): void {
    this.isDraining = true;
  }

  /** Resolves once no turn is running (at once when none is). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (this.isDraining) {
      context.turnState.set(TURN_OUTCOME_KEY, 'draining');
      if (context.activity.type === 'message') {
        const locale = this.opts.localeOf ? await this.opts.localeOf(context) : resolveLocale(context.activity.locale);
        await context.sendActivity({ type: 'message', text: this.opts.texts.t(locale, SHUTTING_DOWN_KEY), locale, channelData: { system: 'shuttingDown' } });
      }
      return;
    }
    this.inFlight += 1;
    try {
      await next();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      }
    }
  }
}

export interface Closer {
  name: string;
  close: () => Promise<void>;
}

export interface ShutdownOpts {
  /**
   * The HTTP server (a restify Server or a node http.Server): close() stops accepting connections;
   * its callback runs once open ones end. Keep-alive connections (browsers, the Bot Connector) would
   * hold it open, so once no turn is in flight their idle connections are closed
   * (closeIdleConnections on the server, or on restify's `server.server`).
   */
  server: {
    close(cb?: (err?: Error) => void): unknown;
    closeIdleConnections?: () => void;
    server?: { closeIdleConnections?: () => void };
  };
  inFlight: InFlightTracker;
  /** Run in order after the last turn finished: e.g. flush the filings store, then close Redis. */
  closers: Closer[];
  /** Everything after the drain delay must be done within this bound, or the process exits 1. */
  timeoutMs: number;
  /**
   * How long to keep serving after the signal while readiness already answers 503, so that load
   * balancers stop routing here before the listener closes (SHUTDOWN_DRAIN_DELAY_MS). Default 0.
   */
  drainDelayMs?: number;
  logger: Logger;
  /** Default process.exit. */
  exit?: (code: number) => void;
}

export interface Shutdown {
  /** Starts shutting down (idempotent); resolves with the exit code after exit() was called. */
  begin(reason: string): Promise<number>;
  /** Listens for the signals (default SIGTERM and SIGINT); a second signal exits 1 at once. Returns an uninstaller. */
  install(signals?: NodeJS.Signals[]): () => void;
  readonly started: boolean;
}

/**
 * A clean stop: fail readiness and keep serving for `drainDelayMs`, then refuse new turns, stop accepting connections, let running turns finish, run the
 * closers in order, exit 0. Past `timeoutMs`, or when a closer fails, exit 1.
 */
export function createShutdown(opts: ShutdownOpts): Shutdown {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const log = opts.logger;
  let running: Promise<number> | undefined;

  const serverClosed = (): Promise<void> =>
    new Promise((resolve) => {
      try {
        opts.server.close((err?: Error) => {
          if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') log.warn({ err }, 'shutdown: server close reported an error');
          resolve();
        });
      } catch (err) {
        log.warn({ err }, 'shutdown: server close threw');
        resolve();
      }
    });

  const closeIdle = (): void => {
    const target = opts.server.closeIdleConnections ? opts.server : opts.server.server;
    target?.closeIdleConnections?.();
  };

  const stop = async (reason: string): Promise<number> => {
    opts.inFlight.leave();
    if (opts.drainDelayMs) {
      log.info({ reason, drainDelayMs: opts.drainDelayMs }, 'shutdown: not ready; still serving until the load balancer lets go');
      await new Promise((resolve) => setTimeout(resolve, opts.drainDelayMs));
    }
    const started = Date.now();
    log.info({ reason, inFlight: opts.inFlight.count, timeoutMs: opts.timeoutMs }, 'shutdown: draining');
    opts.inFlight.drain();
    const closed = serverClosed();

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
    });

    let idleSweep: NodeJS.Timeout | undefined;
    const work = async (): Promise<number> => {
      await opts.inFlight.whenIdle();
      log.info({ elapsedMs: Date.now() - started }, 'shutdown: no turn in flight');
      // The last responses may still be on their way out: sweep idle connections until the server is closed.
      closeIdle();
      idleSweep = setInterval(closeIdle, 50);
      await closed;
      clearInterval(idleSweep);
      let code = 0;
      for (const closer of opts.closers) {
        try {
          await closer.close();
          log.info({ closer: closer.name }, 'shutdown: closed');
        } catch (err) {
          code = 1;
          log.error({ closer: closer.name, err }, 'shutdown: closer failed');
        }
      }
      return code;
    };

    const outcome = await Promise.race([work(), deadline]);
    clearTimeout(timer);
    clearInterval(idleSweep);
    const code = outcome === 'timeout' ? 1 : outcome;
    if (outcome === 'timeout') log.error({ inFlight: opts.inFlight.count, timeoutMs: opts.timeoutMs }, 'shutdown: timed out');
    log.info({ code, elapsedMs: Date.now() - started }, 'shutdown: exiting');
    log.flush?.();
    exit(code);
    return code;
  };

  const shutdown: Shutdown = {
    begin(reason) {
      running ??= stop(reason);
      return running;
    },
    install(signals = ['SIGTERM', 'SIGINT']) {
      const handler = (signal: NodeJS.Signals): void => {
        if (running) {
          log.warn({ signal }, 'shutdown: second signal, exiting now');
          exit(1);
          return;
        }
        void shutdown.begin(signal);
      };
      for (const s of signals) process.on(s, handler);
      return () => {
        for (const s of signals) process.off(s, handler);
      };
    },
    get started() {
      return running !== undefined;
    },
  };
  return shutdown;
}
