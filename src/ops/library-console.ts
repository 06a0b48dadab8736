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

export function routeConsoleToLogger(logger: Logger): () => void {
  const log = logger.child({ source: 'console' });
  const saved = Object.fromEntries(Object.keys(LEVELS).map((method) => [method, console[method as keyof typeof LEVELS]]));
  for (const [method, level] of Object.entries(LEVELS)) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
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
