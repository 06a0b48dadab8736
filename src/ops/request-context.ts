import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request id of the HTTP request being handled, carried through async calls. A channel route
 * wraps its work: `withRequestId(requestIdFrom(req.headers), () => adapter.process(req, res, logic))`;
 * the turn log middleware then reads it (currentRequestId) and puts it on the turn (REQUEST_ID_KEY).
 */
const storage = new AsyncLocalStorage<{ requestId: string }>();

/** Headers that may carry a caller's request id, first match wins. */
export const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-correlation-id'] as const;

/** The caller's request id when it is a short safe token, otherwise a new one. */
export function requestIdFrom(headers: Record<string, string | string[] | undefined> | undefined): string {
  for (const name of REQUEST_ID_HEADERS) {
    const raw = headers?.[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value && /^[A-Za-z0-9._:-]{1,128}$/.test(value)) return value;
  }
  return randomUUID();
}

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
