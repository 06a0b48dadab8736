import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { maskFreeText, redactDeep, REDACT_PATHS, REDACTED } from './redact.js';
import { unwrapDialogError } from './dialog-error.js';

export type Logger = PinoLogger;

export interface LoggerOpts {
  /** pino level; default LOG_LEVEL, then "info". */
  level?: string;
  /** Human-readable lines (pino-pretty); default LOG_PRETTY=true or NODE_ENV=development. */
  pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream to read every line. */
  destination?: DestinationStream;
}

/**
 * The process logger: JSON lines (pino 9), with personal data removed before a line is written.
 * Fields are redacted by name at any depth, free text (messages, error messages and stacks) has ID
 * numbers and mobile numbers masked; see src/ops/redact.ts. Child loggers inherit all of it.
 */
export function createLogger(opts: LoggerOpts = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? (process.env.LOG_PRETTY === 'true' || process.env.NODE_ENV === 'development');

  const cleanError = (e: unknown): unknown => redactDeep(withoutDialogStack(e));

  const options: LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      err: cleanError,
      error: cleanError,
      // The message after printf-style formatting.
      msg: (m: unknown) => (typeof m === 'string' ? maskFreeText(m) : redactDeep(m)),
    },
    formatters: {
      log: (object) => redactDeep(Object.fromEntries(Object.entries(object).map(([key, value]) => [key, withoutDialogStack(value)]))) as Record<string, unknown>,
      bindings: (bindings) => redactDeep(bindings) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        // Format arguments (logger.info('x %s', value)) are cleaned before pino formats them; the
        // first argument, when an object or Error, is cleaned by the formatters and serializers.
        const cleaned = args.map((a, i) => (i === 0 && typeof a === 'object' ? a : redactDeep(a)));
        return method.apply(this, cleaned as Parameters<typeof method>);
      },
    },
  };

  const destination = pretty ? prettyStream(opts.destination) ?? opts.destination : opts.destination;
  return cleanChildren(destination ? pino(options, destination) : pino(options));
}

/**
 * An error out of a dialog is logged as the original error plus the dialog's id: the DialogContextError
 * around it carries the whole dialog stack with its state (prompt texts quoting what the person said).
 */
function withoutDialogStack(value: unknown): unknown {
  const { error, dialog } = unwrapDialogError(value);
  if (dialog === undefined && error === value) return value;
  // Cleaned as an Error first (its message and stack are free text), then marked with the dialog id.
  const cleaned = redactDeep(error);
  return dialog !== undefined && cleaned && typeof cleaned === 'object' ? { ...cleaned, dialog } : cleaned;
}

/**
 * pino writes a child logger's bindings once, when the child is made, without the `bindings` formatter
 * or the redact paths: so bindings are cleaned on the way in. Children inherit from their parent
 * (pino makes them with Object.create), so the one replaced method serves every descendant.
 */
function cleanChildren(logger: Logger): Logger {
  const pinoChild = logger.child;
  logger.child = function (this: Logger, bindings: Record<string, unknown>, options?: Parameters<Logger['child']>[1]) {
    return pinoChild.call(this, redactDeep(bindings) as Record<string, unknown>, options);
  } as Logger['child'];
  return logger;
}

/** pino-pretty is a dev dependency: without it (npm ci --omit=dev) the logger stays JSON. */
function prettyStream(destination?: DestinationStream): DestinationStream | undefined {
  const require = createRequire(import.meta.url);
  let build: (o: Record<string, unknown>) => DestinationStream;
  try {
    build = require('pino-pretty') as typeof build;
  } catch {
    return undefined;
  }
  return build({ sync: true, colorize: !destination && process.stdout.isTTY, destination: destination ? asStream(destination) : 1 });
}

/** pino-pretty wants a real stream; a test's `{ write }` object is wrapped in one. */
function asStream(destination: DestinationStream): Writable {
  if (destination instanceof Writable) return destination;
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      destination.write(chunk.toString());
      callback();
    },
  });
}
