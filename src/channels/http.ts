import type { Request, Response } from 'restify';
import { jsonDepth } from './json-limits.js';

/**
 * What every channel route shares: reading a JSON body within bounds, answering errors in the Bot
 * Framework's and Direct Line's shape `{ error: { code, message } }`, the caller's address.
 */

/** The error codes of Direct Line's and the Bot Framework's ErrorResponse: { error: { code, message } }. */
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
  | 'ServiceError'
  | 'ServiceUnavailable';

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

/** The headers of every JSON answer. */
const JSON_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * A JSON answer, with its length: without one Node sends the body chunked, and the chunked answer's end
 * is a write (and a syscall) of its own after the body's.
 */
export function sendJson(res: Response, status: number, body: unknown, headers?: Record<string, string>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** sendJson for a body already written as JSON text. */
export function sendJsonText(res: Response, status: number, json: string, headers?: Record<string, string>): void {
  res.sendRaw(status, json, { ...JSON_HEADERS, 'Content-Length': String(Buffer.byteLength(json)), ...headers });
}

export function sendError(res: Response, error: HttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

export interface JsonBodyLimits {
  /** Largest body, in bytes as received (compressed bodies are refused, so also as decoded). */
  maxBytes: number;
  /** Deepest nesting accepted (default MAX_JSON_DEPTH). */
  maxDepth?: number;
}

/** Deeper than any activity a channel sends (Teams' channelData is about 4 levels); deeper is refused. */
export const MAX_JSON_DEPTH = 32;

/**
 * The request body as JSON, read from the stream: undefined when there is none. Refused before a byte is
 * read: a body that is not JSON (415: multipart, forms, text/csv, or no Content-Type at all), a compressed
 * body (415: its decoded size could not be bounded by what arrives), a declared length over the limit
 * (413). Then 413 once more than maxBytes arrived, 400 when it is not JSON or nested deeper than maxDepth.
 */
export async function readJsonBody(req: Request, limits: JsonBodyLimits | number): Promise<unknown> {
  const { maxBytes, maxDepth = MAX_JSON_DEPTH } = typeof limits === 'number' ? { maxBytes: limits } : limits;
  const declared = Number(req.headers['content-length']);
  const hasBody = (Number.isFinite(declared) && declared > 0) || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    throw new HttpError(415, 'UnsupportedMediaType', 'compressed bodies are not accepted: send the JSON without Content-Encoding', { Connection: 'close' });
  }
  if (!isJsonMediaType(req.headers['content-type'])) {
    throw new HttpError(415, 'UnsupportedMediaType', 'the body must be JSON (Content-Type: application/json)', { Connection: 'close' });
  }
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readText(req, maxBytes);
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'BadArgument', 'the body is not valid JSON');
  }
  if (jsonDepth(body, maxDepth) > maxDepth) throw new HttpError(400, 'BadArgument', `the body is nested more than ${maxDepth} levels deep`);
  return body;
}

/**
 * The whole body as UTF-8, at most maxBytes (413 once more arrived: the request is destroyed, as leaving a
 * `for await` over it would). Read with 'data' and 'end' listeners rather than an async iterator, which costs
 * a promise and a read() per chunk on every request.
 */
function readText(req: Request, maxBytes: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (req.readableEnded) return resolve('');
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        done();
        req.destroy();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      done();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    // Closed before its end (the client went away): as the async iterator reports it.
    const onClose = (): void => {
      if (req.readableEnded) return;
      done();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** application/json or any application/…+json, with or without parameters (charset). */
export function isJsonMediaType(header: string | string[] | undefined): boolean {
  const value = (Array.isArray(header) ? header[0] : header) ?? '';
  const type = value.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
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
  // The query as URL would find it (after the first '?', before any '#'), without parsing the whole URL.
  const url = req.url ?? '';
  const start = url.indexOf('?');
  if (start < 0) return undefined;
  const end = url.indexOf('#', start);
  return new URLSearchParams(url.slice(start + 1, end < 0 ? undefined : end)).get(name) ?? undefined;
}

/** The cookies of a request (no library: one header, name=value pairs). */
export function cookiesOf(req: Request): Map<string, string> {
  const header = req.headers.cookie;
  const cookies = new Map<string, string>();
  for (const part of (Array.isArray(header) ? header.join(';') : (header ?? '')).split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}
