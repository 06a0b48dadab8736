import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Server } from 'restify';
import { queryValue } from '../http.js';
import { StaticAssets, type AssetSpec } from './assets.js';

export const PAGE_LOCALES = ['zh-CN', 'en-US'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

export interface WebPageOptions {
  /** The folder with index.html, web/ and vendor/webchat/ (default: the repository's public/). */
  publicDir?: string;
  /** Who may frame the page (CSP frame-ancestors), e.g. ["'self'", "https://ybj.rizhao.gov.cn"]. */
  frameAncestors?: string[];
  /**
   * Words the page takes from outside public/, per locale, filled into its strings' {placeholders}: the
   * agency and hotline (with its hours) from the region profile, the start-over command from content/,
   * how long a conversation is kept from the configuration (app.ts gives them).
   */
  words?: Record<PageLocale, Record<string, string>>;
}

export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));

/** The page uses none of these (the upload button and speech are off). */
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), display-capture=()';

/** What registerWebPage gives back: its static files (for the pages beside it) and its words. */
export interface WebPage {
  assets: StaticAssets;
  /** The page's strings per locale, placeholders filled. */
  strings: Record<PageLocale, Record<string, string>>;
  /** The headers every HTML page of the bot sends (CSP, framing, no referrer). */
  htmlHeaders: Record<string, string>;
}

/** ?lang=en (or en-US, en-GB…) gives English; anything else the default, Chinese. */
export function pageLocale(lang: string | undefined): PageLocale {
  return lang && /^en\b/i.test(lang) ? 'en-US' : 'zh-CN';
}

/**
 * The citizens' page: GET / renders public/index.html in the chosen language (its words come from
 * public/web/strings/<locale>.json), and its scripts and styles are served at versioned URLs (see
 * StaticAssets): the Web Chat bundle the page uses is the vendored minimal one; /webchat.js stays the
 * full bundle for portals (docs/embedding.md). No CDN.
 */
export function registerWebPage(server: Server, options: WebPageOptions = {}): WebPage {
  const dir = options.publicDir ?? DEFAULT_PUBLIC_DIR;
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const strings = Object.fromEntries(
    PAGE_LOCALES.map((locale) => {
      const raw = JSON.parse(readFileSync(join(dir, 'web', 'strings', `${locale}.json`), 'utf8')) as Record<string, string>;
      return [locale, fillWords(raw, options.words?.[locale] ?? {})];
    }),
  ) as Record<PageLocale, Record<string, string>>;
  const assets = new StaticAssets(pageAssets(dir));
  assets.register(server);
  assets.warm(PAGE_SCRIPTS.concat(PAGE_STYLES));
  const pages = Object.fromEntries(PAGE_LOCALES.map((locale) => [locale, renderPage(template, locale, strings[locale], (path) => assets.url(path))])) as Record<PageLocale, string>;
  const etags = Object.fromEntries(PAGE_LOCALES.map((locale) => [locale, `"${createHash('sha256').update(pages[locale]).digest('hex').slice(0, 16)}"`])) as Record<PageLocale, string>;
  const frameAncestors = options.frameAncestors ?? ["'self'"];
  // For browsers without CSP frame-ancestors: only when no other site may frame the page.
  const frameOptions: Record<string, string> = frameAncestors.every((a) => a === "'self'") ? { 'X-Frame-Options': 'SAMEORIGIN' } : {};
  const htmlHeaders = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(frameAncestors),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': PERMISSIONS_POLICY,
    ...frameOptions,
  };

  server.get('/', async (req: Request, res: Response) => {
    const locale = pageLocale(queryValue(req, 'lang'));
    const headers = { ...htmlHeaders, 'Cache-Control': 'no-cache', ETag: etags[locale], Vary: 'Accept-Encoding' };
    if (req.headers['if-none-match'] === etags[locale]) {
      res.sendRaw(304, '', headers);
      return;
    }
    res.sendRaw(200, pages[locale], headers);
  });

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
  return { assets, strings, htmlHeaders };
}

/** The page's scripts, in the order the page runs them, and its styles. */
export const PAGE_SCRIPTS = ['/web/conversation.js', '/web/chat-ui.js', '/web/page.js', '/webchat-minimal.js'];
export const PAGE_STYLES = ['/web/page.css'];

function pageAssets(dir: string): AssetSpec[] {
  const js = 'text/javascript; charset=utf-8';
  const web = (name: string, type: string) => ({ path: `/web/${name}`, file: join(dir, 'web', name), type, maxAge: 300 });
  return [
    // The full bundle (Adaptive Cards, speech) for portals that load /webchat.js (docs/embedding.md).
    { path: '/webchat.js', file: join(dir, 'vendor', 'webchat', 'webchat.js'), type: js, maxAge: 86400 },
    { path: '/webchat.js.LICENSE.txt', file: join(dir, 'vendor', 'webchat', 'webchat.js.LICENSE.txt'), type: 'text/plain; charset=utf-8', maxAge: 86400 },
    // The page's own: no Adaptive Cards, no speech, no markdown; the page renders the bot's cards itself (chat-ui.js).
    { path: '/webchat-minimal.js', file: join(dir, 'vendor', 'webchat', 'webchat-minimal.js'), type: js, maxAge: 86400 },
    { path: '/webchat-minimal.js.LICENSE.txt', file: join(dir, 'vendor', 'webchat', 'webchat-minimal.js.LICENSE.txt'), type: 'text/plain; charset=utf-8', maxAge: 86400 },
    web('conversation.js', js),
    web('chat-ui.js', js),
    web('page.js', js),
    web('document.js', js),
    web('page.css', 'text/css; charset=utf-8'),
    web('document.css', 'text/css; charset=utf-8'),
  ];
}

/** Fills {name} placeholders of the page's strings with the given words (unknown ones stay). */
export function fillWords(strings: Record<string, string>, words: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(strings).map(([key, value]) => [key, value.replace(/\{(\w+)\}/g, (whole, name: string) => words[name] ?? whole)]));
}

/**
 * Fills the template: {{lang}}, {{asset:/path}} (the versioned URL), {{t:key}} (escaped text) and {{strings}} (the locale's strings as JSON
 * for the page's script, safe inside a <script type="application/json">).
 */
export function renderPage(template: string, locale: PageLocale, strings: Record<string, string>, assetUrl: (path: string) => string = (path) => path): string {
  return template
    .replaceAll('{{lang}}', locale)
    .replace(/\{\{asset:([\w./-]+)\}\}/g, (_, path: string) => assetUrl(path))
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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function contentSecurityPolicy(frameAncestors: string[]): string {
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
