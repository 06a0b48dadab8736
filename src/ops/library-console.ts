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
    (console as unknown as ConsoleMethods)[method as Method] = (...args: unknown[]) => {
      if (quiet.getStore()) return;
      const err = args.find((arg): arg is Error => arg instanceof Error);
      const rest = args.filter((arg) => arg !== err);
      // A library's words, formatted as the console would; ID numbers and phones in them are masked by the logger.
      const text = rest.length > 0 ? format(...rest) : (err?.message ?? '');
      if (err) log[level]({ err }, text);
      else log[level](text);
    };
  }
  return () => Object.assign(console, saved);
}

/** Set while a library's console output is not wanted (see withoutLibraryConsole). */
const quiet = new AsyncLocalStorage<true>();
let gated = false;

/**
 * Runs `run` with whatever a library prints to the console during it (and what it awaits) dropped, whether
 * or not the console goes to the logger: for a library call whose outcome the caller logs itself, as one
 * structured line (botbuilder prints every refused Bot Framework token, with the signing key, and anyone
 * can send one). Other calls at the same time print as ever: the silence follows `run`'s async context.
 */
export function withoutLibraryConsole<T>(run: () => Promise<T>): Promise<T> {
  if (!gated) {
    gated = true;
    // Once, around whatever the console is now (the console itself, or the route to the logger, which checks too).
    for (const method of Object.keys(LEVELS) as Method[]) {
      const through = (console as unknown as ConsoleMethods)[method];
      (console as unknown as ConsoleMethods)[method] = (...args: unknown[]) => {
        if (!quiet.getStore()) through.apply(console, args);
      };
    }
  }
  return quiet.run(true, run);
}
