import type { Request, Response } from 'restify';

/** Direct Line's error codes, as its ErrorResponse carries them: { error: { code, message } }. */
export type ErrorCode =
  | 'BadArgument'
  | 'Unauthorized'
  | 'TokenExpired'
  | 'Forbidden'
  | 'NotFound'
  | 'NotImplemented'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'ServiceError';

/** An error that becomes a JSON error response. Messages are for developers, never shown to citizens. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.sendRaw(status, JSON.stringify(body), {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
}

export function sendError(res: Response, error: HttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

/** The request body as JSON, at most maxBytes, read from the stream: undefined when empty, 413 when too large, 400 when not JSON. */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'BadArgument', 'the body is not valid JSON');
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'PayloadTooLarge', `the body is larger than ${maxBytes} bytes`, { Connection: 'close' });
}

/**
 * The caller's address, for rate limits. With `trustedHops` proxies in front (each appends the address it
 * got the request from to X-Forwarded-For), it is the `trustedHops`-th entry from the right: the one the
 * outermost trusted proxy wrote. Entries further left came from the client and are never believed. With
 * fewer entries than hops the left-most is taken; with none, or 0 hops, the connection's own address.
 */
export function clientAddress(req: Request, trustedHops: number): string {
  const hops = Math.max(0, Math.floor(trustedHops));
  const socket = req.socket.remoteAddress ?? 'unknown';
  if (hops === 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return socket;
  return entries[Math.max(0, entries.length - hops)]!.slice(0, 64);
}

/** The query string's value for one name (restify's queryParser is not assumed). */
export function queryValue(req: Request, name: string): string | undefined {
  return new URL(req.url ?? '/', 'http://localhost').searchParams.get(name) ?? undefined;
}
