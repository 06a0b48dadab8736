import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { REQUEST_ID_KEY } from './turn-state-keys.js';

/**
 * The request id of the HTTP request a turn came with. A channel's adapter puts it on the turn before the
 * middleware runs (`withRequestIdOn(context, requestIdFrom(req.headers))`); the turn log middleware reads
 * it from there (REQUEST_ID_KEY). Passed on the turn, not through an AsyncLocalStorage: once one is in
 * use, Node 20 runs a hook on every promise of the process (a turn makes well over a thousand).
 */

/** Headers that may carry a caller's request id, first match wins. */
export const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-correlation-id'] as const;

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is a short safe token, otherwise a new one. */
export function requestIdFrom(headers: Record<string, string | string[] | undefined> | undefined): string {
  for (const name of REQUEST_ID_HEADERS) {
    const raw = headers?.[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value && SAFE_REQUEST_ID.test(value)) return value;
  }
  return randomUUID();
}

/** Puts the request id on a turn about to run (before its middleware). */
export function withRequestIdOn(context: TurnContext, requestId: string | undefined): TurnContext {
  if (requestId !== undefined) context.turnState.set(REQUEST_ID_KEY, requestId);
  return context;
}
