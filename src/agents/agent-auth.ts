import { sameSecret } from '../privacy/same-secret.js';
import type { Request, Response, Server } from 'restify';
import { clientAddress, cookiesOf, HttpError, readJsonBody, sendError, sendJson } from '../channels/http.js';
import { isStoreUnavailable } from '../state/errors.js';
import type { AgentAccount } from './agent-accounts.js';
import type { AgentAudit } from './agent-audit.js';
import { newToken, type AgentSessionStore, type StoredSession } from './agent-sessions.js';
import { isPasswordHash, UNMATCHABLE_HASH, verifyPassword } from './password-hash.js';

/**
 * Agents' sign-in and sessions, and the guard of every route under /agent/api/. For other modules
 * (the handoff queue, the guided call) this file is the whole interface:
 *
 * - `auth.agentOf(req)` → the signed-in agent `{ id, displayName }`, or undefined;
 * - `api.get('queue', (req, res, agent) => …)` (and post, put, del) registers `GET /agent/api/queue`
 *   behind the guard: 401 JSON without a live session, 403 JSON for a state-changing request without the
 *   session's CSRF token (header X-CSRF-Token) or from another origin; the handler gets the agent;
 * - `auth.signedIn()` → the ids of the agents signed in now (on any instance);
 * - `audit(event, fields)` (agent-audit.ts) for an action worth an audit line.
 *
 * The session is a random token in an HttpOnly, SameSite=Strict cookie (Path=/agent, Secure over HTTPS),
 * stored hashed in the state store; it ends after `idleMs` without a request, at the latest `maxMs` after
 * sign-in, or at sign-out. `lockout.attempts` wrong passwords for one account within `lockout.windowMs`
 * lock that account for `lockout.lockMs` (also for the right password).
 */
export interface SignedInAgent {
  /** The account id (audit, assignment); never shown to citizens. */
  id: string;
  /** The name a citizen may see (人工客服 + displayName). */
  displayName: string;
}

export type AgentHandler = (req: Request, res: Response, agent: SignedInAgent) => Promise<void>;

export interface AgentAuthOptions {
  accounts: ReadonlyMap<string, AgentAccount>;
  store: AgentSessionStore;
  audit: AgentAudit;
  /** A session ends after this long without a request. */
  idleMs: number;
  /** …and at the latest this long after sign-in. */
  maxMs: number;
  lockout: { attempts: number; windowMs: number; lockMs: number };
  /** Proxies in front that set X-Forwarded-Proto (0: the connection says whether it is HTTPS). */
  trustProxy: number;
  /** A sign-in's outcome, for the metrics. */
  onSignIn?: (outcome: SignInOutcome) => void;
  /** A request failed for a reason other than the caller's (logged). */
  onError?: (err: unknown) => void;
  now?: () => number;
}

export type SignInOutcome = 'ok' | 'wrong' | 'locked' | 'limited';

export const SESSION_COOKIE = 'agent_session';
export const CSRF_HEADER = 'x-csrf-token';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_BODY = 16 * 1024;


/** A session as the guard found it. */
interface LiveSession {
  token: string;
  session: StoredSession;
}

/** Sign-in attempts per address (counted in the session store: shared by every instance on Redis): 20 at once, then one every 3 seconds. */
export const SIGN_IN_RATE = { burst: 20, perSecond: 1 / 3 };

export class AgentAuth {
  private readonly now: () => number;
  /** Until when this instance last marked each agent present: a request marks again only past half the idle time (not on every poll). */
  private readonly presentUntil = new Map<string, number>();

  constructor(private readonly options: AgentAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The signed-in agent of this request (its session cookie), or undefined. Restarts the session's idle time. */
  async agentOf(req: Request): Promise<SignedInAgent | undefined> {
    const live = await this.sessionOf(req);
    return live ? { id: live.session.agentId, displayName: live.session.displayName } : undefined;
  }

  /** The agents with a live session now, on any instance. */
  signedIn(): Promise<string[]> {
    return this.options.store.signedIn();
  }

  private async sessionOf(req: Request): Promise<LiveSession | undefined> {
    const cached = (req as Request & { agentSession?: LiveSession | null }).agentSession;
    if (cached !== undefined) return cached ?? undefined;
    const token = cookiesOf(req).get(SESSION_COOKIE);
    let live: LiveSession | undefined;
    if (token && /^[A-Za-z0-9_-]{43}$/.test(token)) {
      const session = await this.options.store.use(token, this.options.idleMs);
      // An account removed from the configuration ends its sessions; so does the longest lifetime.
      if (session && this.options.accounts.has(session.agentId) && session.createdAt + this.options.maxMs > this.now()) {
        live = { token, session };
        await this.markPresent(session.agentId);
      } else if (session) {
        await this.options.store.remove(token);
        this.options.audit('session_end', { agent: session.agentId, outcome: 'expired' });
      }
    }
    (req as Request & { agentSession?: LiveSession | null }).agentSession = live ?? null;
    return live;
  }

  /** Marks the agent present for the idle time; skipped while this instance's last mark has more than half of it left. */
  private async markPresent(agentId: string, always = false): Promise<void> {
    const now = this.now();
    if (!always && (this.presentUntil.get(agentId) ?? 0) - now > this.options.idleMs / 2) return;
    this.presentUntil.set(agentId, now + this.options.idleMs);
    await this.options.store.present(agentId, now + this.options.idleMs);
  }

  private secure(req: Request): boolean {
    const encrypted = Boolean((req.socket as { encrypted?: boolean }).encrypted);
    if (encrypted) return true;
    if (this.options.trustProxy === 0) return false;
    const proto = req.headers['x-forwarded-proto'];
    return (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase() === 'https';
  }

  private cookie(req: Request, value: string, maxAgeSeconds: number): string {
    return [`${SESSION_COOKIE}=${value}`, 'Path=/agent', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(this.secure(req) ? ['Secure'] : [])].join('; ');
  }

  /**
   * A state-changing request must come from the console itself: no foreign Origin (or Sec-Fetch-Site
   * other than same-origin), and — once signed in — the session's CSRF token in X-CSRF-Token.
   */
  private checkOrigin(req: Request): void {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'Forbidden', 'cross-site request refused');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== req.headers.host) throw new HttpError(403, 'Forbidden', 'cross-origin request refused');
    } else if (origin === 'null') {
      throw new HttpError(403, 'Forbidden', 'cross-origin request refused');
    }
  }

  /** Wraps a handler: 401 without a session, 403 for a state-changing request without the CSRF token; else the handler with the agent. */
  guard(handler: AgentHandler): (req: Request, res: Response) => Promise<void> {
    return async (req, res) => {
      try {
        const live = await this.sessionOf(req);
        if (!live) throw new HttpError(401, 'Unauthorized', 'sign in first (POST /agent/api/sign-in)');
        if (STATE_CHANGING.has(req.method ?? 'GET')) {
          this.checkOrigin(req);
          const sent = req.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !sameSecret(sent, live.session.csrf)) throw new HttpError(403, 'Forbidden', 'missing or wrong X-CSRF-Token');
        }
        await handler(req, res, { id: live.session.agentId, displayName: live.session.displayName });
      } catch (err) {
        answerError(res, err, this.options.onError);
      }
    };
  }

  /** POST /agent/api/sign-in { account, password }. */
  async signIn(req: Request, res: Response): Promise<void> {
    try {
      this.checkOrigin(req);
      // Guessing across many account names from one address is slowed here; one account's guesses lock it (lockout).
      const rate = await this.options.store.signInAttempt(clientAddress(req, this.options.trustProxy), SIGN_IN_RATE);
      if (!rate.allowed) {
        this.options.onSignIn?.('limited');
        throw new HttpError(429, 'TooManyRequests', 'too many sign-in attempts from this address; wait a moment', { 'Retry-After': String(rate.retryAfterSeconds) });
      }
      const body = (await readJsonBody(req, MAX_BODY)) as { account?: unknown; password?: unknown } | undefined;
      const accountName = typeof body?.account === 'string' ? body.account.trim().toLowerCase() : '';
      const password = typeof body?.password === 'string' ? body.password : '';
      if (accountName === '' || password === '' || accountName.length > 64 || password.length > 1024) throw new HttpError(400, 'BadArgument', 'account and password are required');
      const { store, lockout, audit } = this.options;
      const account = this.options.accounts.get(accountName);
      const who = account ? { agent: account.id } : { outcome: 'unknown_account' };
      const lockedMs = await store.lockedFor(accountName);
      if (lockedMs > 0) {
        audit('sign_in', { ...who, outcome: 'locked', seconds: Math.ceil(lockedMs / 1000) });
        this.options.onSignIn?.('locked');
        throw locked(lockedMs);
      }
      // The attempt is taken (one atomic increment) before the slow password check, so that of many
      // attempts at once no more than the limit are ever checked; the rest find the count full.
      const count = await store.failed(accountName, lockout.windowMs);
      if (count > lockout.attempts) {
        // Over the limit: another attempt at the same moment took the last one (and locks the account when wrong).
        const lockedNow = (await store.lockedFor(accountName)) || lockout.lockMs;
        audit('sign_in', { ...who, outcome: 'locked', seconds: Math.ceil(lockedNow / 1000) });
        this.options.onSignIn?.('locked');
        throw locked(lockedNow);
      }
      // Unknown accounts take as long as known ones, and count towards a lockout the same way.
      // An account that signs in through the organisation's provider (oidc) has no password here.
      const matches = await verifyPassword(password, account && isPasswordHash(account.passwordHash) ? account.passwordHash : UNMATCHABLE_HASH);
      if (!account || !matches) {
        this.options.onSignIn?.('wrong');
        if (count >= lockout.attempts) {
          // The full count stays for the lock's time, so that attempts at the same moment are refused too.
          await store.lock(accountName, lockout.lockMs);
          audit('sign_in', { ...who, outcome: account ? 'wrong_password' : 'unknown_account' });
          audit('lockout', { ...who, seconds: Math.ceil(lockout.lockMs / 1000) });
          throw locked(lockout.lockMs);
        }
        audit('sign_in', { ...who, outcome: account ? 'wrong_password' : 'unknown_account' });
        throw new HttpError(401, 'Unauthorized', 'wrong account or password');
      }
      await store.clearFailures(accountName);
      const { session, cookie } = await this.openSession(req, account, 'password');
      sendJson(res, 200, this.describe(session), { 'Set-Cookie': cookie });
    } catch (err) {
      answerError(res, err, this.options.onError);
    }
  }

  /**
   * Opens a session for an agent who proved who they are (a password here, or the organisation's OIDC
   * provider): stored, present, audited; returns the session and its Set-Cookie header.
   */
  async openSession(req: Request, account: AgentAccount, method: 'password' | 'oidc'): Promise<{ session: StoredSession; cookie: string }> {
    const token = newToken();
    const session: StoredSession = { agentId: account.id, displayName: account.displayName, csrf: newToken(), createdAt: this.now() };
    await this.options.store.create(token, session, this.options.idleMs);
    await this.markPresent(account.id, true);
    this.options.audit('sign_in', { agent: account.id, outcome: 'ok', method });
    this.options.onSignIn?.('ok');
    return { session, cookie: this.cookie(req, token, Math.floor(this.options.maxMs / 1000)) };
  }

  /** Whether the request came over HTTPS (directly, or through WEB_TRUST_PROXY proxies saying so): cookies are then Secure. */
  isSecure(req: Request): boolean {
    return this.secure(req);
  }

  /** POST /agent/api/sign-out (CSRF-checked): ends the session, clears the cookie. */
  async signOut(req: Request, res: Response): Promise<void> {
    await this.guard(async (_req, _res, agent) => {
      const live = await this.sessionOf(req);
      if (live) await this.options.store.remove(live.token);
      this.presentUntil.delete(agent.id);
      await this.options.store.present(agent.id, undefined);
      this.options.audit('sign_out', { agent: agent.id });
      sendJson(res, 200, { signedOut: true }, { 'Set-Cookie': this.cookie(req, '', 0) });
    })(req, res);
  }

  /** GET /agent/api/me: who is signed in, with the CSRF token for the page's state-changing requests. */
  async me(req: Request, res: Response): Promise<void> {
    await this.guard(async () => {
      const live = await this.sessionOf(req);
      sendJson(res, 200, this.describe(live!.session));
    })(req, res);
  }

  private describe(session: StoredSession) {
    return {
      agent: { id: session.agentId, displayName: session.displayName },
      csrfToken: session.csrf,
      idleTimeoutSeconds: Math.floor(this.options.idleMs / 1000),
    };
  }
}

function locked(ms: number): HttpError {
  const seconds = Math.ceil(ms / 1000);
  return new HttpError(429, 'TooManyRequests', `too many wrong passwords: this account is locked for ${seconds} s`, { 'Retry-After': String(seconds) });
}

/** An HttpError as JSON; the state store being away as 503; anything else as 500 (and rethrown nowhere: the route answers). */
export function answerError(res: Response, err: unknown, onError?: (err: unknown) => void): void {
  if (res.headersSent) return;
  if (err instanceof HttpError) sendError(res, err);
  else if (isStoreUnavailable(err)) sendError(res, new HttpError(503, 'ServiceUnavailable', 'the store is not answering; try again in a moment', { 'Retry-After': '2' }));
  else {
    onError?.(err);
    sendError(res, new HttpError(500, 'ServiceError', 'something went wrong'));
  }
}

/** Registers routes under /agent/api/ behind the guard; what other modules use to add theirs. */
export interface AgentApi {
  get(path: string, handler: AgentHandler): void;
  post(path: string, handler: AgentHandler): void;
  put(path: string, handler: AgentHandler): void;
  del(path: string, handler: AgentHandler): void;
}

/** `path` is relative to /agent/api/ (e.g. 'queue', 'calls/:call/answer'). */
export function agentApi(server: Server, auth: AgentAuth): AgentApi {
  const full = (path: string) => `/agent/api/${path.replace(/^\/+/, '')}`;
  return {
    get: (path, handler) => void server.get(full(path), auth.guard(handler)),
    post: (path, handler) => void server.post(full(path), auth.guard(handler)),
    put: (path, handler) => void server.put(full(path), auth.guard(handler)),
    del: (path, handler) => void server.del(full(path), auth.guard(handler)),
  };
}
