import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import type { DocumentView } from '../../pages/document.js';
import type { ActivityLog } from './activity-log.js';
import type { CorsPolicy } from './cors.js';
import { clientAddress, HttpError, queryValue, sendError, sendJson } from '../http.js';
import { escapeHtml, pageLocale, PAGE_LOCALES, type PageLocale, type WebPage } from './page.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { WebTokens } from './web-tokens.js';

/** Where the receipts come from (app.ts: the filing store, the profiles and content/). */
export interface ReceiptSource {
  /** The canonical form of a reference as it came in the URL, or undefined when it is not one. */
  canonical(reference: string): string | undefined;
  /** The receipt of the filing with this (canonical) reference, or undefined when there is none. */
  view(reference: string, locale: PageLocale): Promise<DocumentView | undefined>;
  /** The page shown instead, without any data: the receipt cannot be shown, or its link expired. */
  problem(kind: 'notFound' | 'expired', locale: PageLocale): DocumentView;
  /** How long a receipt link given to the page stays valid. */
  linkTtlSeconds: number;
}

export interface WebDocumentsOptions {
  /** The privacy notice in each language (/privacy). */
  privacy?: (locale: PageLocale) => DocumentView;
  receipts?: ReceiptSource;
}

interface Deps {
  page: WebPage;
  tokens: WebTokens;
  log: ActivityLog;
  cors: CorsPolicy;
  byAddress: RateLimiter;
  trustProxy: number;
  /** The web token secret: receipt links are signed with a key derived from it. */
  secret: string;
  now: () => number;
}

/**
 * Receipt links: /receipt/<reference>?until=<unix seconds>&sig=<HMAC-SHA256 over reference and until>.
 * A link reaches one receipt until it expires; the key is derived from the web token secret, so every
 * instance accepts the links any other gave.
 */
export class ReceiptLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', secret).update('receipt-link').digest();
  }

  issue(reference: string, locale: PageLocale): { url: string; expiresAt: number } {
    const until = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const lang = locale === 'en-US' ? '&lang=en' : '';
    return { url: `/receipt/${encodeURIComponent(reference)}?until=${until}&sig=${this.sign(reference, until)}${lang}`, expiresAt: until };
  }

  check(reference: string, until: string | undefined, sig: string | undefined): 'ok' | 'expired' | 'invalid' {
    if (!until || !/^\d{1,12}$/.test(until) || !sig || !/^[\w-]{43}$/.test(sig)) return 'invalid';
    const expected = Buffer.from(this.sign(reference, Number(until)), 'base64url');
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(until) * 1000 > this.now() ? 'ok' : 'expired';
  }

  private sign(reference: string, until: number): string {
    return createHmac('sha256', this.key).update(`${reference}|${until}`).digest('base64url');
  }
}

/** True when the conversation was told this reference by the bot (its submission confirmation). */
export async function conversationFiled(log: ActivityLog, conversationId: string, reference: string): Promise<boolean> {
  let watermark: string | undefined;
  for (let page = 0; page < 100; page++) {
    const { activities, watermark: next } = await log.since(conversationId, watermark);
    if (activities.some((a) => isConfirmationOf(a, reference))) return true;
    if (activities.length === 0 || next === watermark) return false;
    watermark = next;
  }
  return false;
}

function isConfirmationOf(activity: Partial<Activity>, reference: string): boolean {
  if (activity.from?.role !== 'bot') return false; // what the page posts never carries channelData.filing
  const filing = (activity.channelData as { filing?: { reference?: unknown } } | undefined)?.filing;
  return filing?.reference === reference;
}

/**
 * The pages beside the chat: GET /privacy (the privacy notice) and the receipts. A receipt
 * (GET /receipt/<reference>) holds personal data (masked ID and mobile), so it is shown only with the
 * conversation's token (Authorization: Bearer, for the conversation whose bot confirmed that very
 * filing) or a receipt link that has not expired (POST /receipt/<reference>/link with that token gives
 * one). Anything else gets 404 (no credential, a wrong one, a filing this conversation did not submit)
 * or 403 (an expired link or token), with a page that holds no data. Nothing is cached.
 */
export function registerWebDocuments(server: Server, options: WebDocumentsOptions, deps: Deps): void {
  const { page } = deps;
  const css = page.assets.url('/web/page.css');
  const docCss = page.assets.url('/web/document.css');
  const docJs = page.assets.url('/web/document.js');
  const html = (view: DocumentView) => renderDocument(view, { css: [css, docCss], js: docJs, home: view.locale === 'en-US' ? '/?lang=en' : '/' });
  const headers = (extra: Record<string, string> = {}) => ({ ...page.htmlHeaders, ...extra });

  if (options.privacy) {
    const privacy = options.privacy;
    const pages = Object.fromEntries(PAGE_LOCALES.map((locale) => [locale, html(privacy(locale))])) as Record<PageLocale, string>;
    server.get('/privacy', async (req: Request, res: Response) => {
      res.sendRaw(200, pages[pageLocale(queryValue(req, 'lang'))], headers({ 'Cache-Control': 'no-cache' }));
    });
  }

  const receipts = options.receipts;
  if (!receipts) return;
  const links = new ReceiptLinks(deps.secret, receipts.linkTtlSeconds, deps.now);
  const noStore = { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' };
  // (restify logs whatever an async handler returns, the request's headers included: handlers return nothing.)
  const refuse = (res: Response, locale: PageLocale, status: 403 | 404): void => {
    res.sendRaw(status, html(receipts.problem(status === 403 ? 'expired' : 'notFound', locale)), headers(noStore));
  };
  const limited = (req: Request) => deps.byAddress.take(clientAddress(req, deps.trustProxy)).allowed;
  const referenceParam = (req: Request) => receipts.canonical(decodeURIComponent(String((req.params as Record<string, unknown>)['reference'] ?? '')));

  server.get('/receipt/:reference', async (req: Request, res: Response) => {
    const locale = pageLocale(queryValue(req, 'lang'));
    if (!limited(req)) {
      res.sendRaw(429, html(receipts.problem('notFound', locale)), headers({ ...noStore, 'Retry-After': '1' }));
      return;
    }
    const reference = referenceParam(req);
    if (!reference) {
      refuse(res, locale, 404);
      return;
    }
    let allowed: 'ok' | 'expired' | 'invalid';
    if (req.headers.authorization) {
      const check = deps.tokens.verifyHeader(req.headers.authorization);
      allowed = check.ok ? ((await conversationFiled(deps.log, check.claims.conversationId, reference)) ? 'ok' : 'invalid') : check.error === 'token_expired' ? 'expired' : 'invalid';
    } else {
      allowed = links.check(reference, queryValue(req, 'until'), queryValue(req, 'sig'));
    }
    if (allowed !== 'ok') {
      refuse(res, locale, allowed === 'expired' ? 403 : 404);
      return;
    }
    const view = await receipts.view(reference, locale);
    if (!view) {
      refuse(res, locale, 404);
      return;
    }
    res.sendRaw(200, html(view), headers(noStore));
  });

  // The page asks for a link with its conversation token once the bot confirmed a filing.
  const link = async (req: Request, res: Response) => {
    deps.cors.apply(req, res);
    try {
      if (!limited(req)) throw new HttpError(429, 'TooManyRequests', 'too many requests from this address', { 'Retry-After': '1' });
      const check = deps.tokens.verifyHeader(req.headers.authorization);
      if (!check.ok) {
        if (check.error === 'token_expired') throw new HttpError(403, 'TokenExpired', 'the token has expired');
        throw new HttpError(401, 'Unauthorized', 'a valid Bearer token is required');
      }
      const reference = referenceParam(req);
      if (!reference || !(await conversationFiled(deps.log, check.claims.conversationId, reference))) throw new HttpError(404, 'NotFound', 'no such receipt for this conversation');
      sendJson(res, 200, links.issue(reference, pageLocale(queryValue(req, 'lang'))));
    } catch (error) {
      sendError(res, error instanceof HttpError ? error : new HttpError(500, 'ServiceError', 'the request could not be handled'));
    }
  };
  server.post('/receipt/:reference/link', link);
  server.opts('/receipt/:reference/link', async (req: Request, res: Response) => deps.cors.preflight(req, res));
}

/**
 * A page beside the chat as HTML: every word comes from the view (escaped), the structure and styles
 * from here and /web/document.css (with its print styles).
 */
export function renderDocument(view: DocumentView, links: { css: string[]; js: string; home: string }): string {
  const e = escapeHtml;
  const highlight = view.highlight
    ? `<section class="doc-highlight" aria-labelledby="doc-reference-label">
      <p id="doc-reference-label" class="doc-highlight-label">${e(view.highlight.label)}</p>
      <p class="doc-highlight-value"><span id="doc-reference" class="reference" translate="no">${e(view.highlight.value)}</span></p>
      <p class="doc-actions no-print"><button type="button" data-copy="doc-reference" data-copied="${e(view.highlight.copied)}">${e(view.highlight.copy)}</button>${
        view.controls.print ? ` <button type="button" data-print>${e(view.controls.print)}</button>` : ''
      } <span class="doc-copied" role="status" aria-live="polite"></span></p>
    </section>`
    : '';
  const sections = view.sections
    .map((section) => {
      const rows = section.rows?.length
        ? `<dl class="doc-rows">${section.rows
            .map((row) => `<div class="doc-row"><dt>${e(row.label)}</dt><dd>${row.lines ? row.lines.map((line) => `<span class="doc-line">${e(line)}</span>`).join('') : e(row.value)}</dd></div>`)
            .join('')}</dl>`
        : '';
      const items = section.items?.length ? `<ul>${section.items.map((item) => `<li>${e(item).replace(/\n/g, '<br>')}</li>`).join('')}</ul>` : '';
      const paragraphs = (section.paragraphs ?? []).map((p) => `<p>${e(p)}</p>`).join('');
      return `<section class="doc-section"><h2>${e(section.heading)}</h2>${rows}${items}${paragraphs}</section>`;
    })
    .join('\n    ');
  const notes = (view.notes ?? []).map((n) => `<p class="doc-note">${e(n)}</p>`).join('');
  return `<!doctype html>
<html lang="${e(view.locale)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${e(view.title)}${view.highlight ? ` ${e(view.highlight.value)}` : ''}</title>
  <link rel="icon" href="data:,">
${links.css.map((href) => `  <link rel="stylesheet" href="${e(href)}">`).join('\n')}
  <script defer src="${e(links.js)}"></script>
</head>
<body class="document">
  <main class="doc">
    <header class="doc-header">
      ${view.lead ? `<p class="doc-lead">${e(view.lead)}</p>` : ''}
      <h1>${e(view.title)}</h1>
    </header>
    ${highlight}
    ${sections}
    ${notes}
    <p class="doc-back no-print"><a href="${e(links.home)}">${e(view.controls.back)}</a></p>
  </main>
</body>
</html>
`;
}
