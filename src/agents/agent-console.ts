import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../ops/logger.js';
import { redactDeep } from '../ops/redact.js';
import { queryValue } from '../channels/http.js';
import { StaticAssets, type AssetSpec } from '../channels/web/assets.js';
import { contentSecurityPolicy, escapeHtml, PERMISSIONS_POLICY } from '../channels/web/page.js';
import { LOCALES, type Locale, type Texts } from '../content/texts.js';
import type { AgentAccount } from './agent-accounts.js';
import { createAgentAudit, type AgentAudit } from './agent-audit.js';
import { AgentAuth, agentApi, type AgentApi } from './agent-auth.js';
import type { AgentSessionStore } from './agent-sessions.js';
import { registerAgentOidc, type AgentOidcOptions } from './agent-oidc.js';

/**
 * The hotline agents' console at /agent/: its page (public/agent/, words from content/locales/<locale>/console.json),
 * sign-in, sign-out and "who am I" under /agent/api/, and the guard other modules put their routes behind
 * (`api`, see agent-auth.ts). The page loads public/agent/handoff.js and handoff.css when they exist (the
 * live handoff's panel), after console.js, which gives them `window.agentConsole` (see console.js).
 */
export interface AgentConsoleOptions {
  accounts: ReadonlyMap<string, AgentAccount>;
  store: AgentSessionStore;
  texts: Texts;
  logger: Logger;
  registry: Registry;
  idleSeconds: number;
  sessionMaxSeconds: number;
  lockout: { attempts: number; seconds: number };
  trustProxy: number;
  /** Signing in through the organisation's OpenID Connect provider (AGENT_OIDC_*), besides passwords. */
  oidc?: AgentOidcOptions | undefined;
  /** The folder with agent/ (default: the repository's public/). */
  publicDir?: string;
  now?: () => number;
}

export interface AgentConsole {
  auth: AgentAuth;
  /** Registers routes under /agent/api/ behind the guard (401 without a session, CSRF on state changes). */
  api: AgentApi;
  audit: AgentAudit;
}

const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
/** The console's scripts and styles, in the order the page loads them; the handoff's only when present. */
const CONSOLE_FILES = ['console.css', 'console.js', 'guided-call.js', 'handoff.css', 'handoff.js'];

export function registerAgentConsole(server: Server, options: AgentConsoleOptions): AgentConsole {
  const audit = createAgentAudit(options.logger);
  const registers = [options.registry];
  const signIns = new Counter({ name: 'agent_sign_ins_total', help: 'Agent sign-in attempts, by outcome (ok, wrong, locked, limited)', labelNames: ['outcome'], registers });
  const auth = new AgentAuth({
    accounts: options.accounts,
    store: options.store,
    audit,
    idleMs: options.idleSeconds * 1000,
    maxMs: options.sessionMaxSeconds * 1000,
    lockout: { attempts: options.lockout.attempts, windowMs: options.lockout.seconds * 1000, lockMs: options.lockout.seconds * 1000 },
    trustProxy: options.trustProxy,
    onSignIn: (outcome) => signIns.inc({ outcome }),
    // Cleaned here too (the app's logger cleans again): an error out of a guided call's dialogs may carry what the caller said.
    onError: (err) => options.logger.error({ err: redactDeep(err) }, 'agent console request failed'),
    ...(options.now ? { now: options.now } : {}),
  });
  new Gauge({
    name: 'agents_signed_in',
    help: 'Agents with a live console session (on any instance)',
    registers,
    async collect() {
      try {
        this.set((await auth.signedIn()).length);
      } catch {
        // The store is away: the last value stays.
      }
    },
  });

  server.post('/agent/api/sign-in', async (req: Request, res: Response) => auth.signIn(req, res));
  server.post('/agent/api/sign-out', async (req: Request, res: Response) => auth.signOut(req, res));
  server.get('/agent/api/me', async (req: Request, res: Response) => auth.me(req, res));
  if (options.oidc) {
    registerAgentOidc(server, options.oidc, { auth, accounts: options.accounts, store: options.store, audit, onError: (err) => options.logger.warn({ err: redactDeep(err) }, 'agent sign-in through OpenID Connect failed') });
  }
  registerConsolePage(server, options);
  return { auth, api: agentApi(server, auth), audit };
}

function registerConsolePage(server: Server, options: AgentConsoleOptions): void {
  const dir = join(options.publicDir ?? DEFAULT_PUBLIC_DIR, 'agent');
  const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
  const files = CONSOLE_FILES.filter((name) => existsSync(join(dir, name)));
  const specs: AssetSpec[] = files.map((name) => ({ path: `/agent/${name}`, file: join(dir, name), type: types[name.split('.').pop()!]!, maxAge: 300 }));
  const assets = new StaticAssets(specs);
  assets.register(server);
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const pages = Object.fromEntries(
    LOCALES.map((locale) => {
      const words = consoleWords(options.texts, locale);
      const head = files
        .map((name) => (name.endsWith('.css') ? `<link rel="stylesheet" href="${assets.url(`/agent/${name}`)}">` : `<script defer src="${assets.url(`/agent/${name}`)}"></script>`))
        .join('\n  ');
      const html = template
        .replaceAll('{{lang}}', locale)
        .replace('{{assets}}', head)
        .replace('{{strings}}', JSON.stringify(words).replace(/</g, '\\u003c'))
        .replace('{{oidc}}', options.oidc ? `<p class="oidc"><a class="button" id="oidc-sign-in" href="/agent/oidc/start">${escapeHtml(words['signIn.oidc'] ?? '')}</a></p>` : '')
        .replace(/\{\{t:([\w.]+)\}\}/g, (_, key: string) => {
          if (words[key] === undefined) throw new Error(`content/locales/${locale}/console.json has no "${key}"`);
          return escapeHtml(words[key]);
        });
      return [locale, { html, etag: `"${createHash('sha256').update(html).digest('hex').slice(0, 16)}"` }];
    }),
  ) as Record<Locale, { html: string; etag: string }>;
  const headers = {
    'Content-Type': 'text/html; charset=utf-8',
    // The console is never framed (clickjacking an agent's buttons).
    'Content-Security-Policy': contentSecurityPolicy(["'none'"]),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': PERMISSIONS_POLICY,
    'Cache-Control': 'no-cache',
  };
  server.get('/agent', async (_req: Request, res: Response) => res.sendRaw(301, '', { Location: '/agent/', 'Cache-Control': 'no-cache' }));
  server.get('/agent/', async (req: Request, res: Response) => {
    const locale: Locale = /^en\b/i.test(queryValue(req, 'lang') ?? '') ? 'en-US' : 'zh-CN';
    const page = pages[locale];
    if (req.headers['if-none-match'] === page.etag) return res.sendRaw(304, '', { ...headers, ETag: page.etag });
    res.sendRaw(200, page.html, { ...headers, ETag: page.etag });
  });
}

/** The console's words (content/locales/<locale>/console.json), flat: "signIn.title" → the sentence. */
export function consoleWords(texts: Texts, locale: Locale): Record<string, string> {
  return Object.fromEntries(
    texts
      .keys(locale)
      .filter((key) => key.startsWith('console.'))
      .map((key) => [key.slice('console.'.length), texts.t(locale, key)]),
  );
}
