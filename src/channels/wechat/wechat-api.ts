import type { WeChatStore } from './wechat-store.js';

/**
 * The WeChat API calls this bot makes, against a configurable base (WECHAT_API_BASE_URL; tests run a fake
 * WeChat server on loopback): the access token, customer-service messages and the custom menu. Nothing
 * about a person is ever fetched (no user info, no unionid). Every call has a deadline.
 */

export const DEFAULT_WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

/** WeChat's answer to a call that failed: its errcode (40001 invalid token, 45015 outside the 48-hour window, …). */
export class WeChatApiError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message);
  }
}

/** errcodes that mean the token is not (or no longer) valid: fetch a new one and try once more. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

export interface WeChatApiOptions {
  appId: string;
  appSecret: string;
  baseUrl?: string;
  /** Where the token is shared (Redis across instances, or this process). */
  store: WeChatStore;
  /** Each call's deadline; default 5000 ms. */
  timeoutMs?: number;
  /** A token is refreshed once less than this is left of it; default 5 minutes. */
  refreshBeforeMs?: number;
  now?: () => number;
}

/**
 * The API client and the access token it uses. The token is shared by every instance in the store and
 * refreshed before it expires by one instance at a time (a lock in the store): the others keep using the
 * one they have while it is valid, or wait briefly for the new one. WeChat issues a new token with each
 * fetch and invalidates the old one within minutes, so fetching it everywhere at once would be a fault.
 */
export class WeChatApi {
  private readonly baseUrl: string;
  private refreshing: Promise<string> | undefined;

  constructor(private readonly options: WeChatApiOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_WECHAT_API_BASE_URL).replace(/\/+$/, '');
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** A valid access token: the shared one, or a fresh one when it is missing or about to expire. */
  async accessToken(): Promise<string> {
    const stored = await this.options.store.readToken();
    if (stored && stored.expiresAt - this.now > (this.options.refreshBeforeMs ?? 5 * 60_000)) return stored.token;
    return this.refresh(stored?.token, false);
  }

  /**
   * Refreshes the token unless another call (here or on another instance) already replaced `stale`;
   * `refused`: WeChat refused `stale`, so it cannot be used while another instance refreshes.
   */
  private refresh(stale: string | undefined, refused: boolean): Promise<string> {
    // One refresh per process at a time; the store's lock makes it one per deployment.
    this.refreshing ??= this.refreshShared(stale, refused).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshShared(stale: string | undefined, refused: boolean): Promise<string> {
    const store = this.options.store;
    for (let attempt = 0; attempt < 30; attempt++) {
      const release = await store.lockRefresh(10_000);
      if (release) {
        try {
          // Someone may have refreshed between our read and our lock.
          const current = await store.readToken();
          if (current && current.token !== stale && current.expiresAt - this.now > 60_000) return current.token;
          const fetched = await this.fetchToken();
          await store.writeToken(fetched);
          return fetched.token;
        } finally {
          await release();
        }
      }
      // Another instance is refreshing: use what is valid meanwhile, or wait for the new token.
      const current = await store.readToken();
      if (current && current.expiresAt > this.now && (current.token !== stale || !refused)) return current.token;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new WeChatApiError(-1, 'the access token could not be refreshed (its lock stayed taken)');
  }

  private async fetchToken(): Promise<{ token: string; expiresAt: number }> {
    const url = new URL(`${this.baseUrl}/cgi-bin/token`);
    url.searchParams.set('grant_type', 'client_credential');
    url.searchParams.set('appid', this.options.appId);
    url.searchParams.set('secret', this.options.appSecret);
    const body = await this.call(url, { method: 'GET' });
    const token = body['access_token'];
    const expiresIn = Number(body['expires_in']);
    if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) throw new WeChatApiError(-1, 'the token answer has no access_token');
    return { token, expiresAt: this.now + expiresIn * 1000 };
  }

  /** POST with the access token; a token WeChat refuses is refreshed and the call made once more. */
  async post(path: string, payload: unknown): Promise<Record<string, unknown>> {
    let token = await this.accessToken();
    for (let attempt = 0; ; attempt++) {
      const url = new URL(`${this.baseUrl}${path}`);
      url.searchParams.set('access_token', token);
      try {
        return await this.call(url, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload) });
      } catch (error) {
        if (attempt > 0 || !(error instanceof WeChatApiError) || !TOKEN_ERRORS.has(error.errcode)) throw error;
        token = await this.refresh(token, true);
      }
    }
  }

  /** A customer-service text message to the person (within 48 hours of their last message). */
  async sendText(openid: string, content: string): Promise<void> {
    await this.post('/cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content } });
  }

  /** Publishes the custom menu (npm run wechat:menu); `conditional` adds a menu for a language. */
  async createMenu(menu: unknown, conditional = false): Promise<void> {
    await this.post(conditional ? '/cgi-bin/menu/addconditional' : '/cgi-bin/menu/create', menu);
  }

  private async call(url: URL, init: RequestInit): Promise<Record<string, unknown>> {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000) });
    if (!response.ok) throw new WeChatApiError(-1, `WeChat answered HTTP ${response.status}`);
    const body = (await response.json()) as Record<string, unknown>;
    const errcode = Number(body['errcode'] ?? 0);
    // The message names the path and code only: the URL carries the secret or the token.
    if (errcode !== 0) throw new WeChatApiError(errcode, `WeChat ${url.pathname} failed with errcode ${errcode}`);
    return body;
  }
}
