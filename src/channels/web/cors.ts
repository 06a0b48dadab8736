import type { Request, Response } from 'restify';

/**
 * Cross-origin use of the Direct Line routes, for a government portal that puts Web Chat on its own page
 * (docs/embedding.md). Only origins listed exactly (WEB_ALLOWED_ORIGINS) get CORS headers; the answer
 * names the request's own origin, never `*`, and never allows credentials (the page sends a Bearer
 * token, no cookies). A request from any other origin gets no CORS headers, so the browser keeps its
 * answer from the page. CORS only binds browsers: the token and rate-limit checks still apply to all.
 */

export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'OPTIONS'] as const;
/**
 * What botframework-directlinejs sends: its Bearer token, JSON bodies, its agent header, and the
 * X-Requested-With that RxJS's ajax adds to every request (the browser test found it).
 */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'x-ms-bot-agent', 'X-Requested-With'] as const;
/** So a portal's script can read how long to wait after a 429. */
export const CORS_EXPOSED_HEADERS = ['Retry-After'] as const;
/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours). */
export const CORS_DEFAULT_MAX_AGE_SECONDS = 600;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An origin as a browser sends it in the Origin header, written the way the browser writes it
 * (lower-case, no default port, no trailing slash): `https://host[:port]`, or `http://` for localhost,
 * 127.0.0.1 and [::1] only (development). Undefined for anything else: a path, a query, user info, a
 * wildcard, another scheme, plain http to a real host.
 */
export function parseOrigin(raw: string): string | undefined {
  const text = raw.trim();
  if (!/^https?:\/\/[^/?#@*\s]+\/?$/i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.hostname === '') return undefined;
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.origin;
}

/** Splits a list of origins written with commas and/or spaces; empty entries are ignored. */
export function splitOrigins(raw: string): string[] {
  return raw.split(/[\s,]+/).filter((part) => part !== '');
}

export interface CorsOptions {
  /** Exact origins allowed to call the Direct Line routes from their pages; empty: the bot's own page only. */
  allowedOrigins?: readonly string[];
  maxAgeSeconds?: number;
}

export class CorsPolicy {
  private readonly allowed: ReadonlySet<string>;
  private readonly maxAgeSeconds: number;

  constructor(options: CorsOptions = {}) {
    const origins = options.allowedOrigins ?? [];
    const parsed = origins.map((origin) => {
      const value = parseOrigin(origin);
      if (value === undefined) throw new Error(`not an allowed origin form (https://host[:port] or http://localhost…): ${JSON.stringify(origin)}`);
      return value;
    });
    this.allowed = new Set(parsed);
    this.maxAgeSeconds = options.maxAgeSeconds ?? CORS_DEFAULT_MAX_AGE_SECONDS;
  }

  get origins(): string[] {
    return [...this.allowed];
  }

  /** True when the Origin header names a listed origin exactly (as the browser writes it). */
  allows(origin: string | undefined): origin is string {
    return typeof origin === 'string' && this.allowed.has(origin);
  }

  /** Headers for an ordinary request: the origin echoed when listed; Vary: Origin whenever any is listed. */
  responseHeaders(origin: string | undefined): Record<string, string> {
    if (this.allowed.size === 0) return {};
    if (!this.allows(origin)) return { Vary: 'Origin' };
    return {
      Vary: 'Origin',
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS.join(', '),
    };
  }

  /** Headers for a preflight (OPTIONS): what a listed origin may send, and for how long to remember it. */
  preflightHeaders(origin: string | undefined): Record<string, string> {
    if (!this.allows(origin)) return this.allowed.size === 0 ? {} : { Vary: 'Origin' };
    return {
      Vary: 'Origin',
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': CORS_ALLOWED_METHODS.join(', '),
      'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(', '),
      'Access-Control-Max-Age': String(this.maxAgeSeconds),
    };
  }

  /** Puts the ordinary CORS headers on a response before its handler answers (errors included). */
  apply(req: Request, res: Response): void {
    if (this.allowed.size === 0) return; // the bot's own page only: no header to add
    for (const [name, value] of Object.entries(this.responseHeaders(originOf(req)))) res.header(name, value);
  }

  /** Answers a preflight: 204, with CORS headers only for a listed origin. */
  preflight(req: Request, res: Response): void {
    res.sendRaw(204, '', this.preflightHeaders(originOf(req)));
  }
}

function originOf(req: Request): string | undefined {
  const origin = req.headers.origin;
  return Array.isArray(origin) ? origin[0] : origin;
}
