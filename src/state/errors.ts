/**
 * Why the state store could not answer. The bot tells these apart from bugs and answers with a
 * polite apology (content key `system.storeUnavailable`) instead of an error.
 *
 * - `not-connected`: the client was not (or no longer) connected and did not become ready in time;
 * - `timeout`: a command was sent but no reply came within the command timeout;
 * - `connection-lost`: the connection broke while a command was in flight;
 * - `server-unavailable`: the server answered but refused for an operational reason
 *   (LOADING, READONLY after a failover, CLUSTERDOWN, OOM, …).
 */
export type StoreFault = 'not-connected' | 'timeout' | 'connection-lost' | 'server-unavailable';

/**
 * The state store (Redis) could not answer. Its message names the operation and the fault, never
 * a key or a value (keys carry conversation and user ids; values carry personal data).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    readonly operation: string,
    readonly fault: StoreFault,
    options?: { cause?: unknown },
  ) {
    super(`state store unavailable during ${operation} (${fault})`, options);
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}

/** Replies from a live server that mean "not now" rather than "your command is wrong". */
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|OOM)\b/;

/** Client-side messages and socket codes that mean the connection is not usable. */
const CONNECTION_MESSAGES =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue|max retries per request|None of startup nodes|All sentinels are unreachable|Failed to refresh slots cache|Cluster isn't ready|connect ETIMEDOUT/i;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Maps an error thrown by the Redis client to StoreUnavailableError when it means the store cannot
 * answer. Anything else (a script bug, a WRONGTYPE reply, our own eTag conflict) is returned as is.
 */
export function toStoreError(operation: string, err: unknown): unknown {
  if (err instanceof StoreUnavailableError || !(err instanceof Error)) return err;
  if (err.name === 'ReplyError') {
    return UNAVAILABLE_REPLIES.test(err.message) ? new StoreUnavailableError(operation, 'server-unavailable', { cause: err }) : err;
  }
  if (err.message === 'Command timed out') return new StoreUnavailableError(operation, 'timeout', { cause: err });
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') {
    return new StoreUnavailableError(operation, 'connection-lost', { cause: err });
  }
  const code = (err as NodeJS.ErrnoException).code;
  if ((code && SOCKET_CODES.has(code)) || CONNECTION_MESSAGES.test(err.message)) {
    return new StoreUnavailableError(operation, 'connection-lost', { cause: err });
  }
  return err;
}

/** Runs one store operation, turning connection faults into StoreUnavailableError (its own promise only when it fails). */
export function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return run().then(undefined, (err: unknown) => Promise.reject(toStoreError(operation, err)));
  } catch (err) {
    return Promise.reject(toStoreError(operation, err));
  }
}
