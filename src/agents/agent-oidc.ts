import * as oidc from 'openid-client';
import type { Request, Response, Server } from 'restify';
import type { AgentAccount } from './agent-accounts.js';
import type { AgentAudit } from './agent-audit.js';
import { cookiesOf } from '../channels/http.js';
import type { AgentAuth } from './agent-auth.js';
import type { AgentSessionStore } from './agent-sessions.js';

/**
 * Signing in through the organisation's OpenID Connect provider (AGENT_OIDC_*), with openid-client: the
 * authorization code flow with PKCE, a state bound to the browser by a short-lived cookie and kept (with the
 * nonce and the code verifier) in the state store, so any instance can take the callback; the ID token's
 * issuer, audience, expiry, nonce and signature are checked. The claim AGENT_OIDC_ACCOUNT_CLAIM (default
 * preferred_username) must name an account of AGENT_ACCOUNTS (its hash may be `oidc`: no password here);
 * anyone else the provider knows is refused. Then the session is the same as after a password.
 *
 *   GET /agent/oidc/start      → the provider's sign-in page
 *   GET /agent/oidc/callback   → the session cookie, back to /agent/ (or /agent/?signIn=failed)
 */
export interface AgentOidcOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** The callback URL registered with the provider (https://<host>/agent/oidc/callback). */
  redirectUri: string;
  accountClaim: string;
}

export interface AgentOidcDeps {
  auth: AgentAuth;
  accounts: ReadonlyMap<string, AgentAccount>;
  store: AgentSessionStore;
  audit: AgentAudit;
  onError: (err: unknown) => void;
}

const STATE_COOKIE = 'agent_oidc';
const PENDING_MS = 10 * 60 * 1000;

/** http is accepted for a provider on this machine only (tests, a local provider); anything else needs https. */
const isLoopback = (url: URL) => url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

export function registerAgentOidc(server: Server, options: AgentOidcOptions, deps: AgentOidcDeps): void {
  const issuer = new URL(options.issuer);
  let configuration: Promise<oidc.Configuration> | undefined;
  const config = () => {
    configuration ??= oidc
      .discovery(issuer, options.clientId, options.clientSecret, options.clientSecret ? oidc.ClientSecretPost(options.clientSecret) : oidc.None(), {
        execute: [...(isLoopback(issuer) ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
      })
      .catch((err: unknown) => {
        configuration = undefined; // asked again on the next sign-in
        throw err;
      });
    return configuration;
  };
  const stateCookie = (req: Request, value: string, maxAge: number) =>
    // Lax, not Strict: the provider sends the browser back with a cross-site navigation, which must carry it.
    [`${STATE_COOKIE}=${value}`, 'Path=/agent/oidc', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`, ...(deps.auth.isSecure(req) ? ['Secure'] : [])].join('; ');
  // Returns nothing: restify logs (in full, with the request's cookies) any value an async handler returns.
  const back = (res: Response, to: string, cookies: string[]): void => void res.sendRaw(303, '', { Location: to, 'Set-Cookie': cookies as unknown as string, 'Cache-Control': 'no-store' });

  server.get('/agent/oidc/start', async (req: Request, res: Response) => {
    try {
      const configured = await config();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const verifier = oidc.randomPKCECodeVerifier();
      await deps.store.putPending(state, JSON.stringify({ nonce, verifier }), PENDING_MS);
      const url = oidc.buildAuthorizationUrl(configured, {
        redirect_uri: options.redirectUri,
        scope: 'openid profile',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      res.sendRaw(302, '', { Location: url.href, 'Set-Cookie': stateCookie(req, state, PENDING_MS / 1000), 'Cache-Control': 'no-store' });
    } catch (err) {
      deps.onError(err);
      back(res, '/agent/?signIn=failed', []);
    }
  });

  server.get('/agent/oidc/callback', async (req: Request, res: Response) => {
    const clear = stateCookie(req, '', 0);
    try {
      const current = new URL(options.redirectUri);
      current.search = new URL(req.url ?? '/', 'http://localhost').search;
      const state = current.searchParams.get('state') ?? '';
      // The state must be the one this browser was sent off with (no sign-in slipped into someone's browser).
      const pendingRaw = state !== '' && cookiesOf(req).get(STATE_COOKIE) === state ? await deps.store.takePending(state) : undefined;
      if (!pendingRaw) {
        deps.audit('sign_in', { outcome: 'oidc_state', method: 'oidc' });
        back(res, '/agent/?signIn=failed', [clear]);
        return;
      }
      const pending = JSON.parse(pendingRaw) as { nonce: string; verifier: string };
      let claims;
      try {
        const tokens = await oidc.authorizationCodeGrant(await config(), current, { pkceCodeVerifier: pending.verifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true });
        claims = tokens.claims();
      } catch (err) {
        deps.audit('sign_in', { outcome: 'oidc_refused', method: 'oidc' });
        deps.onError(err);
        back(res, '/agent/?signIn=failed', [clear]);
        return;
      }
      const claimed = claims?.[options.accountClaim];
      const account = typeof claimed === 'string' ? deps.accounts.get(claimed.trim().toLowerCase()) : undefined;
      if (!account) {
        // Someone the provider knows, but not an agent here: never logged as named (it may be anyone's).
        deps.audit('sign_in', { outcome: 'unknown_account', method: 'oidc' });
        back(res, '/agent/?signIn=failed', [clear]);
        return;
      }
      const { cookie } = await deps.auth.openSession(req, account, 'oidc');
      back(res, '/agent/', [clear, cookie]);
    } catch (err) {
      deps.onError(err);
      back(res, '/agent/?signIn=failed', [clear]);
    }
  });
}
