import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { readJsonBody } from '../channels/http.js';
import { StaticAssets } from '../channels/web/assets.js';
import { WEB_CHANNEL_ID } from '../channels/web/web-adapter.js';
import { WECHAT_CHANNEL_ID } from '../channels/wechat/wechat-channel.js';
import { LOCALES, resolveLocale, type Locale, type Texts } from '../content/texts.js';
import { AGENT_RELATIONSHIPS } from '../domain/filing.js';
import { cookieValue, sendAgencyJson, SESSION_COOKIE, type AgencyApiDeps, type AgencyGuard } from './agency-api.js';

/**
 * The review page for agency staff at /agency/ (README "Review page"): self-hosted (its script and style
 * from public/agency/, no other origin), under a strict CSP. Staff sign in with their API key: the key
 * is checked once, and the page then holds a session (HttpOnly, SameSite=Strict cookie limited to
 * /agency; kept in the state store) and a CSRF token it sends with every change. The page works through
 * the same /agency/v1/ API: a queue of SUBMITTED filings, one filing's details, approve or reject.
 *
 *   GET    /agency/          the page (?lang=en for English)
 *   POST   /agency/session   { key } → sets the cookie; { name, csrf, expiresAt }
 *   GET    /agency/session   the signed-in session's { name, csrf, expiresAt } (after a reload), or 401
 *   DELETE /agency/session   signs out (X-CSRF-Token)
 */
export interface ReviewPageDeps extends AgencyApiDeps {
  texts: Texts;
  /** The categories' names by locale (the default region profile's), shown beside their ids. */
  categoryNames?: Record<Locale, Record<string, string>>;
  sessionTtlSeconds: number;
  publicDir?: string;
}

const DEFAULT_PUBLIC_DIR = new URL('../../public/', import.meta.url).pathname;

export const REVIEW_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const signIn = z.object({ key: z.string().min(1).max(200) }).strict();

/**
 * The words for a field's coded values (the filing keeps codes and booleans), by field path and value:
 * the labels the bot offers for those choices (content/…/prompts.json), or the page's own
 * (agency.json "page") where the bot asks no such choice.
 */
const VALUE_WORDS: Record<string, Record<string, string>> = {
  filerMode: { SELF: 'prompts.situation.filerMode.choices.SELF', AGENT: 'prompts.situation.filerMode.choices.AGENT' },
  scheme: Object.fromEntries(['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'].map((v) => [v, `prompts.details.scheme.choices.${v}`])),
  'agent.relationship': Object.fromEntries(AGENT_RELATIONSHIPS.map((v) => [v, `prompts.details.agentRelationship.choices.${v}`])),
  commitment: { true: 'prompts.details.commitment.choices.COMMITMENT', false: 'prompts.details.commitment.choices.DOCUMENTS' },
  scope: { INTRA_PROVINCE: 'agency.page.scopeIntraProvince', CROSS_PROVINCE: 'agency.page.scopeCrossProvince' },
  retroactive: { true: 'agency.page.retroactiveYes', false: 'agency.page.retroactiveNo' },
  // The channel a filing came from (its Bot Framework channel id); other channels (msteams, emulator, …) by their id.
  channel: { [WEB_CHANNEL_ID]: 'agency.page.channelWebchat', [WECHAT_CHANNEL_ID]: 'agency.page.channelWechat', hotline: 'agency.page.channelHotline' },
};

/**
 * The page's words (content/locales/<locale>/agency.json "page"), as the page's JSON data block, with
 * the coded values' words as `value:<field path>:<value>`.
 */
export function pageWords(texts: Texts, locale: Locale): Record<string, string> {
  const words: Record<string, string> = {};
  for (const key of texts.keys(locale)) {
    if (key.startsWith('agency.page.')) words[key.slice('agency.page.'.length)] = texts.t(locale, key);
  }
  for (const [path, values] of Object.entries(VALUE_WORDS)) {
    for (const [value, key] of Object.entries(values)) words[`value:${path}:${value}`] = texts.t(locale, key);
  }
  return words;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script type="application/json">: no "</script" can close it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function registerReviewPage(server: Server, deps: ReviewPageDeps, guard: AgencyGuard): void {
  const dir = deps.publicDir ?? DEFAULT_PUBLIC_DIR;
  const assets = new StaticAssets([
    { path: '/agency/review.js', file: join(dir, 'agency', 'review.js'), type: 'text/javascript; charset=utf-8', maxAge: 300 },
    { path: '/agency/review.css', file: join(dir, 'agency', 'review.css'), type: 'text/css; charset=utf-8', maxAge: 300 },
    // The page's own icon (img-src 'self'): without one, browsers ask for /favicon.ico, which is not served.
    { path: '/agency/icon.svg', file: join(dir, 'agency', 'icon.svg'), type: 'image/svg+xml', maxAge: 86_400 },
  ]);
  assets.register(server);
  const template = readFileSync(join(dir, 'agency', 'index.html'), 'utf8');
  const pages = Object.fromEntries(
    LOCALES.map((locale) => {
      const words = pageWords(deps.texts, locale);
      for (const [id, name] of Object.entries(deps.categoryNames?.[locale] ?? {})) words[`category_${id}`] = name;
      const html = template
        .replaceAll('{{lang}}', locale)
        .replaceAll('{{title}}', escapeHtml(words['title'] ?? ''))
        .replaceAll('{{script}}', assets.url('/agency/review.js'))
        .replaceAll('{{style}}', assets.url('/agency/review.css'))
        .replaceAll('{{icon}}', assets.url('/agency/icon.svg'))
        .replaceAll('{{words}}', scriptJson(words));
      return [locale, html];
    }),
  ) as Record<Locale, string>;
  const htmlHeaders = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': REVIEW_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };

  server.get('/agency', async (_req: Request, res: Response) => {
    res.sendRaw(301, '', { Location: '/agency/' });
  });
  server.get('/agency/', async (req: Request, res: Response) => {
    const lang = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang') ?? undefined;
    res.sendRaw(200, pages[resolveLocale(lang)], htmlHeaders);
  });

  const secure = (req: Request) => (req as Request & { isSecure?: () => boolean }).isSecure?.() === true || (deps.trustProxy > 0 && req.headers['x-forwarded-proto'] === 'https');
  const cookie = (req: Request, value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; Path=/agency; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure(req) ? '; Secure' : ''}`;

  server.post(
    '/agency/session',
    guard.route(async (req, res) => {
      const parsed = signIn.safeParse((await readJsonBody(req, 2_048)) ?? {});
      const name = parsed.success ? deps.keyring.nameOf(parsed.data.key) : undefined;
      if (deps.keyring.size === 0) {
        sendAgencyJson(res, 503, { error: { code: 'ServiceUnavailable', message: 'the review page is off: AGENCY_API_KEYS is not set' } });
        return;
      }
      if (!name) {
        guard.failed(req);
        deps.logger.info({ event: 'agency_sign_in', ok: false }, 'agency sign-in refused');
        sendAgencyJson(res, 401, { error: { code: 'Unauthorized', message: 'the key is not one of AGENCY_API_KEYS' } });
        return;
      }
      const { id, session } = await deps.sessions.create(name);
      deps.logger.info({ event: 'agency_sign_in', ok: true, agency: name }, 'agency sign-in');
      sendAgencyJson(res, 200, { name, csrf: session.csrf, expiresAt: new Date(session.expiresAt).toISOString() }, { 'Set-Cookie': cookie(req, id, deps.sessionTtlSeconds) });
    }),
  );

  server.get(
    '/agency/session',
    guard.route(async (req, res) => {
      const session = await deps.sessions.get(cookieValue(req, SESSION_COOKIE));
      if (!session || !deps.keyring.has(session.name)) {
        sendAgencyJson(res, 401, { error: { code: 'Unauthorized', message: 'not signed in' } });
        return;
      }
      sendAgencyJson(res, 200, { name: session.name, csrf: session.csrf, expiresAt: new Date(session.expiresAt).toISOString() });
    }),
  );

  server.del(
    '/agency/session',
    guard.route(async (req, res) => {
      const caller = await guard.caller(req, true);
      await deps.sessions.end(cookieValue(req, SESSION_COOKIE));
      deps.logger.info({ event: 'agency_sign_out', agency: caller.name }, 'agency sign-out');
      sendAgencyJson(res, 200, { signedOut: true }, { 'Set-Cookie': cookie(req, '', 0) });
    }),
  );
}
