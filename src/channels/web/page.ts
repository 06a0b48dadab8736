import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Request, Response, Server } from 'restify';
import { queryValue } from '../http.js';

export const PAGE_LOCALES = ['zh-CN', 'en-US'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

export interface WebPageOptions {
  /** The folder with index.html, web/ and vendor/webchat/ (default: the repository's public/). */
  publicDir?: string;
  /** Who may frame the page (CSP frame-ancestors), e.g. ["'self'", "https://ybj.rizhao.gov.cn"]. */
  frameAncestors?: string[];
}

export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));

const gzipAsync = promisify(gzip);
/** The page uses none of these (the upload button and speech are off). */
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), display-capture=()';

/** ?lang=en (or en-US, en-GB…) gives English; anything else the default, Chinese. */
export function pageLocale(lang: string | undefined): PageLocale {
  return lang && /^en\b/i.test(lang) ? 'en-US' : 'zh-CN';
}

/**
 * The citizens' page: GET / renders public/index.html in the chosen language (its words come from
 * public/web/strings/<locale>.json), GET /web/* serves the page's script and style, GET /webchat.js the
 * vendored Web Chat bundle (no CDN).
 */
export function registerWebPage(server: Server, options: WebPageOptions = {}): void {
  const dir = options.publicDir ?? DEFAULT_PUBLIC_DIR;
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const strings = Object.fromEntries(
    PAGE_LOCALES.map((locale) => [locale, JSON.parse(readFileSync(join(dir, 'web', 'strings', `${locale}.json`), 'utf8')) as Record<string, string>]),
  ) as Record<PageLocale, Record<string, string>>;
  const pages = Object.fromEntries(PAGE_LOCALES.map((locale) => [locale, renderPage(template, locale, strings[locale])])) as Record<PageLocale, string>;
  const frameAncestors = options.frameAncestors ?? ["'self'"];
  const csp = contentSecurityPolicy(frameAncestors);
  // For browsers without CSP frame-ancestors: only when no other site may frame the page.
  const frameOptions: Record<string, string> = frameAncestors.every((a) => a === "'self'") ? { 'X-Frame-Options': 'SAMEORIGIN' } : {};

  server.get('/', async (req: Request, res: Response) => {
    res.sendRaw(200, pages[pageLocale(queryValue(req, 'lang'))], {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Permissions-Policy': PERMISSIONS_POLICY,
      ...frameOptions,
    });
  });

  const assets: Record<string, { file: string; type: string; maxAge: number }> = {
    '/webchat.js': { file: join(dir, 'vendor', 'webchat', 'webchat.js'), type: 'text/javascript; charset=utf-8', maxAge: 86400 },
    '/webchat.js.LICENSE.txt': { file: join(dir, 'vendor', 'webchat', 'webchat.js.LICENSE.txt'), type: 'text/plain; charset=utf-8', maxAge: 86400 },
    '/web/conversation.js': { file: join(dir, 'web', 'conversation.js'), type: 'text/javascript; charset=utf-8', maxAge: 300 },
    '/web/page.js': { file: join(dir, 'web', 'page.js'), type: 'text/javascript; charset=utf-8', maxAge: 300 },
    '/web/page.css': { file: join(dir, 'web', 'page.css'), type: 'text/css; charset=utf-8', maxAge: 300 },
  };
  // The one-line embed for a portal's own page (docs/embedding.md): public/embed/embed.js with the page's
  // words for both locales filled in. A classic script, so it loads cross-origin without CORS.
  const embedFile = join(dir, 'embed', 'embed.js');
  if (existsSync(embedFile)) {
    const embed = renderEmbed(readFileSync(embedFile, 'utf8'), strings, readFileSync(join(dir, 'web', 'conversation.js'), 'utf8'));
    server.get('/embed.js', async (_req: Request, res: Response) => {
      res.sendRaw(200, embed, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'public, max-age=300',
        'X-Content-Type-Options': 'nosniff',
      });
    });
  }

  const cache = new Map<string, Promise<{ plain: Buffer; gzipped: Buffer }>>();
  const load = (path: string, file: string) => {
    let entry = cache.get(path);
    if (!entry) {
      entry = readFile(file).then(async (plain) => ({ plain, gzipped: await gzipAsync(plain) }));
      entry.catch(() => cache.delete(path));
      cache.set(path, entry);
    }
    return entry;
  };
  for (const [path, asset] of Object.entries(assets)) {
    server.get(path, async (req: Request, res: Response) => {
      const { plain, gzipped } = await load(path, asset.file);
      const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      res.sendRaw(200, acceptsGzip ? gzipped : plain, {
        'Content-Type': asset.type,
        'Cache-Control': `public, max-age=${asset.maxAge}`,
        'X-Content-Type-Options': 'nosniff',
        Vary: 'Accept-Encoding',
        ...(acceptsGzip ? { 'Content-Encoding': 'gzip' } : {}),
      });
    });
  }
}

/**
 * Fills the template: {{lang}}, {{t:key}} (escaped text) and {{strings}} (the locale's strings as JSON
 * for the page's script, safe inside a <script type="application/json">).
 */
export function renderPage(template: string, locale: PageLocale, strings: Record<string, string>): string {
  return template
    .replaceAll('{{lang}}', locale)
    .replaceAll('{{strings}}', JSON.stringify(strings).replace(/</g, '\\u003c'))
    .replace(/\{\{t:([\w.]+)\}\}/g, (_, key: string) => {
      const value = strings[key];
      if (value === undefined) throw new Error(`public/web/strings/${locale}.json has no "${key}"`);
      return escapeHtml(value);
    });
}

/** Fills the embed script's placeholder with every locale's page words (safe inside a script). */
export function renderEmbed(script: string, strings: Record<PageLocale, Record<string, string>>, conversation: string): string {
  const json = JSON.stringify(strings).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return script.replace('/*{{strings}}*/ null', () => json).replace('/*{{conversation}}*/', () => conversation);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function contentSecurityPolicy(frameAncestors: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Web Chat puts its styles in <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  ].join('; ');
}
