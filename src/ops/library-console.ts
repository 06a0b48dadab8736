import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { Logger } from './logger.js';

/**
 * Libraries that write to the console (botbuilder prints a multi-line stack trace for every refused or
 * expired token; MSAL and botbuilder-dialogs print warnings) would put lines on stdout outside pino and
 * its redaction. After this, each console call becomes one log line, cleaned like any other
 * (`source: "console"`); the bot's own code never uses the console. Returns a function that puts the
 * console back.
 */
const LEVELS = { error: 'warn', warn: 'warn', info: 'info', log: 'info', debug: 'debug', trace: 'debug' } as const;
type Method = keyof typeof LEVELS;
type ConsoleMethods = Record<Method, (...args: unknown[]) => void>;

export function routeConsoleToLogger(logger: Logger): () => void {
  const log = logger.child({ source: 'console' });
  const saved = Object.fromEntries(Object.keys(LEVELS).map((method) => [method, console[method as Method]]));
  for (const [method, level] of Object.entries(LEVELS)) {
    const routed = (...args: unknown[]) => {
      if (quiet.getStore()) return;
      const err = args.find((arg): arg is Error => arg instanceof Error);
      const rest = args.filter((arg) => arg !== err);
      // A library's words, formatted as the console would; ID numbers and phones in them are masked by the logger.
      const text = rest.length > 0 ? format(...rest) : (err?.message ?? '');
      if (err) log[level]({ err }, text);
      else log[level](text);
    };
    heedingQuiet.add(routed);
    (console as unknown as ConsoleMethods)[method as Method] = routed;
  }
  return () => Object.assign(console, saved);
}

/** Set while a library's console output is not wanted (see withoutLibraryConsole). */
const quiet = new AsyncLocalStorage<true>();
/** The console's methods that drop what is said in a quiet context: this module's (the route to the logger, the gate). */
const heedingQuiet = new WeakSet<(...args: unknown[]) => void>();

/**
 * Runs `run` with whatever a library prints to the console during it (and what it awaits) dropped, whether
 * or not the console goes to the logger: for a library call whose outcome the caller logs itself, as one
 * structured line (botbuilder prints every refused Bot Framework token, with the signing key, and anyone
 * can send one). Other calls at the same time print as ever: the silence follows `run`'s async context,
 * and ends with it however it ends (resolved, rejected, thrown) — nothing is put back afterwards. A
 * method of the console that does not heed the silence (the console itself, or one put back since) is
 * wrapped, once, in one that does.
 */
export function withoutLibraryConsole<T>(run: () => Promise<T>): Promise<T> {
  for (const method of Object.keys(LEVELS) as Method[]) {
    const through = (console as unknown as ConsoleMethods)[method];
    if (heedingQuiet.has(through)) continue;
    const gate = (...args: unknown[]) => {
      if (!quiet.getStore()) through.apply(console, args);
    };
    heedingQuiet.add(gate);
    (console as unknown as ConsoleMethods)[method] = gate;
  }
  // async: a `run` that throws at once rejects, as one that fails later does.
  return quiet.run(true, async () => run());
}
