import { format } from 'node:util';
import type { Logger } from './logger.js';

/**
 * Libraries that write to the console (MSAL and botbuilder-dialogs print warnings; botbuilder's token check
 * prints a signing key or a stack for a refused token) would put lines on stdout outside pino and its
 * redaction. After this, each console call becomes one log line, cleaned like any other
 * (`source: "console"`), except the token check's lines, which are dropped (isTokenCheckNoise: the channel
 * logs each refusal itself); the bot's own code never uses the console. Returns a function that puts the
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
      if (isTokenCheckNoise(args)) return;
      const err = args.find((arg): arg is Error => arg instanceof Error);
      const rest = args.filter((arg) => arg !== err);
      // A library's words, formatted as the console would; ID numbers and phones in them are masked by the logger.
      const text = rest.length > 0 ? format(...rest) : (err?.message ?? '');
      if (err) log[level]({ err }, text);
      else log[level](text);
    };
    droppingNoise.add(routed);
    (console as unknown as ConsoleMethods)[method as Method] = routed;
  }
  return () => Object.assign(console, saved);
}

/**
 * The names of jsonwebtoken's errors for a token that does not verify (its classes are not re-exported by
 * botbuilder): what the token check prints, and what the Bot Framework channel answers as a refusal.
 */
export const JWT_ERROR_NAMES = ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'] as const;
export type JwtErrorName = (typeof JWT_ERROR_NAMES)[number];

/**
 * What botbuilder's token check prints (botframework-connector's JwtTokenExtractor, in the catch around
 * `jsonwebtoken.verify`): the signing key after "Error finding key for token.", and a jsonwebtoken error with
 * its stack. Anyone can make it print them by sending a bad token, so they are dropped wherever they come
 * from; the channel logs each refusal itself as one line. Recognised by their shape rather than by the call
 * they happen in: following a call's async context needs an AsyncLocalStorage, and once one is in use Node
 * 20 runs a hook on every promise of the process (see request-context.ts). The HTTP tests of refused tokens
 * (test/channels.bot-framework.auth.test.ts) fail if an upgrade prints them differently.
 */
const JWT_ERRORS = new Set<string>(JWT_ERROR_NAMES);
const KEY_NOT_FOUND = 'Error finding key for token.';

function isTokenCheckNoise(args: readonly unknown[]): boolean {
  const [first] = args;
  if (typeof first === 'string') return first.startsWith(KEY_NOT_FOUND);
  return first instanceof Error && JWT_ERRORS.has(first.name);
}

/** The console's methods that drop the token check's lines: this module's (the route to the logger, the gate). */
const droppingNoise = new WeakSet<(...args: unknown[]) => void>();

/**
 * Makes sure the console drops what botbuilder's token check prints (see isTokenCheckNoise), whether or not
 * the console goes to the logger, before a check runs: a method of the console that does not drop it (the
 * console itself, or one a restore put back since) is wrapped in one that does. Everything else prints as
 * ever.
 */
export function dropTokenCheckNoise(): void {
  for (const method of Object.keys(LEVELS) as Method[]) {
    const through = (console as unknown as ConsoleMethods)[method];
    if (droppingNoise.has(through)) continue;
    const gate = (...args: unknown[]) => {
      if (!isTokenCheckNoise(args)) through.apply(console, args);
    };
    droppingNoise.add(gate);
    (console as unknown as ConsoleMethods)[method] = gate;
  }
}
