import { format } from 'node:util';
import type { Logger } from './logger.js';

/**
 * Libraries that write to the console (MSAL and botbuilder-dialogs print warnings; botbuilder's token check
 * prints a signing key or a stack for a refused token) would put lines on stdout outside pino and its
 * redaction. After this, each console call becomes one log line, cleaned like any other
 * (`source: "console"`), except what a registered drop rule matches (dropFromConsole), which is neither
 * printed nor logged; the bot's own code never uses the console. Returns a function that puts the console
 * back (still dropping what the rules match).
 */
const LEVELS = { error: 'warn', warn: 'warn', info: 'info', log: 'info', debug: 'debug', trace: 'debug' } as const;
type Method = keyof typeof LEVELS;
type ConsoleMethods = Record<Method, (...args: unknown[]) => void>;

export function routeConsoleToLogger(logger: Logger): () => void {
  const log = logger.child({ source: 'console' });
  const saved = Object.fromEntries(Object.keys(LEVELS).map((method) => [method, console[method as Method]]));
  for (const [method, level] of Object.entries(LEVELS)) {
    const routed = (...args: unknown[]) => {
      if (isDropped(args)) return;
      const err = args.find((arg): arg is Error => arg instanceof Error);
      const rest = args.filter((arg) => arg !== err);
      // A library's words, formatted as the console would; ID numbers and phones in them are masked by the logger.
      const text = rest.length > 0 ? format(...rest) : (err?.message ?? '');
      if (err) log[level]({ err }, text);
      else log[level](text);
    };
    dropping.add(routed);
    (console as unknown as ConsoleMethods)[method as Method] = routed;
  }
  return () => {
    Object.assign(console, saved);
    // What was there before may have been the console itself, from before a rule was registered.
    if (rules.size > 0) gateConsole();
  };
}

/**
 * Something a library prints that must never be printed nor logged (a secret it prints for anyone who sends
 * a bad request), recognised by the console call's arguments.
 */
export type ConsoleDropRule = (args: readonly unknown[]) => boolean;

const rules = new Set<ConsoleDropRule>();

function isDropped(args: readonly unknown[]): boolean {
  for (const rule of rules) if (rule(args)) return true;
  return false;
}

/** The console's methods that drop what the rules match: this module's (the route to the logger, the gate). */
const dropping = new WeakSet<(...args: unknown[]) => void>();

/**
 * Registers a rule, for as long as the process runs (the same rule registered again is kept once): from now
 * on what it matches is dropped, whether or not the console goes to the logger. The console's methods that
 * do not drop (the console itself) are wrapped once, here, in ones that do; everything else prints as ever.
 * Who registers a rule does it before the library can print (where the library is set up), so nothing on the
 * way of a request walks the console. Returns a function that takes the rule back.
 */
export function dropFromConsole(rule: ConsoleDropRule): () => void {
  rules.add(rule);
  gateConsole();
  return () => void rules.delete(rule);
}

/**
 * Wraps each method of the console that does not drop what the rules match in one that does. Also for who
 * registered a rule, just before the library may print what it drops: a method put back since the rule was
 * registered (a test's or a library's restore of what it saved before) would print it. Six lookups when
 * nothing was put back.
 */
export function gateConsole(): void {
  for (const method of Object.keys(LEVELS) as Method[]) {
    const through = (console as unknown as ConsoleMethods)[method];
    if (dropping.has(through)) continue;
    const gate = (...args: unknown[]) => {
      if (!isDropped(args)) through.apply(console, args);
    };
    dropping.add(gate);
    (console as unknown as ConsoleMethods)[method] = gate;
  }
}
