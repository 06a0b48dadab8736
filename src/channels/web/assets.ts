import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';

/** One file the page loads: where it is, what it is, and how long its plain (unversioned) URL may be cached. */
export interface AssetSpec {
  /** The plain URL, e.g. /web/page.js (kept for portals and old pages). */
  path: string;
  file: string;
  type: string;
  /** max-age of the plain URL, in seconds; the versioned URL is cached for a year. */
  maxAge: number;
}

interface Loaded {
  plain: Buffer;
  /** The first 10 hex digits of the content's sha256: the versioned URL and the ETag. */
  hash: string;
  lastModified: string;
  /** Compressed forms, made once per process (brotli precompressed beside the file when there: <file>.br). */
  gzip?: Promise<Buffer>;
  br?: Promise<Buffer>;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
/** Brotli quality for files compressed at run time (11 takes seconds for the Web Chat bundle; 9 about 0.2 s). */
const RUNTIME_BROTLI_QUALITY = 9;
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Files read once per process, whatever number of servers a test starts. */
const loadedFiles = new Map<string, Loaded>();

function load(file: string): Loaded {
  let entry = loadedFiles.get(file);
  const mtime = statSync(file).mtime;
  if (!entry || entry.lastModified !== mtime.toUTCString()) {
    const plain = readFileSync(file);
    entry = { plain, hash: createHash('sha256').update(plain).digest('hex').slice(0, 10), lastModified: mtime.toUTCString() };
    loadedFiles.set(file, entry);
  }
  return entry;
}

function gzipped(entry: Loaded): Promise<Buffer> {
  entry.gzip ??= gzipAsync(entry.plain, { level: 9 });
  return entry.gzip;
}

function brotli(file: string, entry: Loaded): Promise<Buffer> {
  if (!entry.br) {
    const prebuilt = `${file}.br`;
    entry.br = existsSync(prebuilt)
      ? Promise.resolve(readFileSync(prebuilt))
      : brotliAsync(entry.plain, { params: { [zlib.BROTLI_PARAM_QUALITY]: RUNTIME_BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: entry.plain.length } });
  }
  return entry.br;
}

/** The URL of a file's current content: /web/page.js → /web/page.3f2a1b9c0d.js. */
export function versionedPath(path: string, hash: string): string {
  const dot = path.lastIndexOf('.');
  return `${path.slice(0, dot)}.${hash}${path.slice(dot)}`;
}

/** The encoding to send: brotli, then gzip, by what the request accepts (q=0 refuses). */
export function chooseEncoding(acceptEncoding: string | string[] | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>();
  for (const part of String(acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return undefined;
}

/** True when an If-None-Match list names this content (any of its encodings) or is "*". */
function matches(ifNoneMatch: string, hash: string): boolean {
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t.replace(/^"|"$/g, '').replace(/-(br|gzip)$/, '') === hash;
  });
}

/**
 * The page's static files, each at two URLs: the plain one (/web/page.js, cached briefly, for portals
 * and pages that name it) and a versioned one carrying its content hash (/web/page.<hash>.js, cached for
 * a year: a new content is a new URL). Both carry validators (ETag, Last-Modified) and answer 304 to a
 * browser that has the content, and are sent brotli- or gzip-compressed when the browser accepts it.
 */
export class StaticAssets {
  private readonly specs = new Map<string, AssetSpec>();

  constructor(specs: AssetSpec[]) {
    for (const spec of specs) this.specs.set(spec.path, spec);
  }

  /** The versioned URL of the file served at `path` (what the page's HTML names). */
  url(path: string): string {
    const spec = this.specs.get(path);
    if (!spec) throw new Error(`no asset ${path}`);
    return versionedPath(path, load(spec.file).hash);
  }

  /** Compresses the files the page needs now, so the first visitor does not wait for it. */
  warm(paths: string[]): void {
    for (const path of paths) {
      const spec = this.specs.get(path);
      if (!spec) continue;
      const entry = load(spec.file);
      void gzipped(entry).catch(() => undefined);
      void brotli(spec.file, entry).catch(() => undefined);
    }
  }

  register(server: Server): void {
    for (const spec of this.specs.values()) {
      // The versioned URL answers for whichever content the file has now: a page rendered by another
      // instance during a deploy may ask for another hash, which then gets this file, briefly cached.
      const dot = spec.path.lastIndexOf('.');
      const versioned = `${spec.path.slice(0, dot)}.:hash(^[0-9a-f]{10}$)${spec.path.slice(dot)}`;
      const plain = async (req: Request, res: Response) => this.send(req, res, spec, undefined);
      const hashed = async (req: Request, res: Response) => this.send(req, res, spec, String((req.params as Record<string, unknown>)['hash']));
      server.get(spec.path, plain);
      server.head(spec.path, plain);
      server.get(versioned, hashed);
      server.head(versioned, hashed);
    }
  }

  private async send(req: Request, res: Response, spec: AssetSpec, askedHash: string | undefined): Promise<void> {
    const entry = load(spec.file);
    const current = askedHash === undefined || askedHash === entry.hash;
    const cacheControl = askedHash !== undefined && current ? IMMUTABLE : `public, max-age=${spec.maxAge}`;
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    const headers: Record<string, string> = {
      'Content-Type': spec.type,
      'Cache-Control': cacheControl,
      ETag: `"${entry.hash}${encoding ? `-${encoding}` : ''}"`,
      'Last-Modified': entry.lastModified,
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
    };
    const ifNoneMatch = req.headers['if-none-match'];
    const ifModifiedSince = req.headers['if-modified-since'];
    const fresh =
      typeof ifNoneMatch === 'string'
        ? matches(ifNoneMatch, entry.hash)
        : typeof ifModifiedSince === 'string' && Date.parse(ifModifiedSince) >= Date.parse(entry.lastModified);
    if (fresh) {
      res.sendRaw(304, '', headers);
      return;
    }
    const body = encoding === 'br' ? await brotli(spec.file, entry) : encoding === 'gzip' ? await gzipped(entry) : entry.plain;
    if (encoding) headers['Content-Encoding'] = encoding;
    res.sendRaw(200, req.method === 'HEAD' ? '' : body, { ...headers, 'Content-Length': String(body.length) });
  }
}
