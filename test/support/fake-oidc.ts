import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * An OpenID Connect provider on a real loopback port, as an organisation's would answer: discovery, an
 * authorization endpoint that "signs in" `user` at once and sends the browser back with a code, a token
 * endpoint that checks the code, the PKCE verifier and the client secret and answers an RS256 ID token, and
 * the JWKS. `tamper` changes the next ID token (a wrong nonce, audience or signature).
 */
export class FakeOidcProvider {
  base = '';
  user: Record<string, string> = { sub: 'u-1', preferred_username: 'a0101', name: '王坐席' };
  tamper: 'nonce' | 'audience' | 'signature' | undefined;
  readonly clientId = 'hotline-console';
  readonly clientSecret = 'fake-client-secret-0123456789';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly otherKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  private readonly codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; user: Record<string, string> }>();
  private server: Server | undefined;

  /** `host` names it in its URLs: `localhost` makes it another site than an app on 127.0.0.1 (as a real provider is). */
  async start(host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://${host}:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    if (url.pathname === '/.well-known/openid-configuration') {
      return this.json(res, 200, {
        issuer: this.base,
        authorization_endpoint: `${this.base}/authorize`,
        token_endpoint: `${this.base}/token`,
        jwks_uri: `${this.base}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return this.json(res, 200, { keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== this.clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') return this.json(res, 400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, { nonce: q.get('nonce') ?? '', challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '', user: { ...this.user } });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { Location: back.href });
      return void res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!grant || form.get('client_secret') !== this.clientSecret || form.get('client_id') !== this.clientId || challenge !== grant.challenge || form.get('redirect_uri') !== grant.redirectUri) {
        return this.json(res, 400, { error: 'invalid_grant' });
      }
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: this.base, aud: this.tamper === 'audience' ? 'someone-else' : this.clientId, iat: now, exp: now + 300, nonce: this.tamper === 'nonce' ? 'another-nonce' : grant.nonce, ...grant.user };
      const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.tamper === 'signature' ? this.otherKey : this.keys.privateKey).toString('base64url');
      this.tamper = undefined;
      return this.json(res, 200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: `${header}.${payload}.${signature}` });
    }
    this.json(res, 404, { error: 'not_found' });
  }
}
