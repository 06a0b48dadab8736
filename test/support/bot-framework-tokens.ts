import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * The Bot Framework's token service as a channel's token is checked against it, on a real loopback port:
 * OpenID metadata and a JWKS whose key carries endorsements (the channels it may sign for, as
 * login.botframework.com's keys do), and RS256 tokens signed with that key. `endpoints` are botbuilder's
 * settings that point an adapter at it (see BotFrameworkCredentials.endpoints).
 */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

export class BotFrameworkTokenService {
  base = '';
  readonly kid = 'bf-test-key';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server: Server | undefined;

  constructor(readonly endorsements: readonly string[]) {}

  /** The public key's modulus as its JWK carries it (base64url): what must never reach a log. */
  get publicKeyModulus(): string {
    return String(this.keys.publicKey.export({ format: 'jwk' }).n);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const json = (body: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/.well-known/openidconfiguration') return json({ issuer: CHANNEL_ISSUER, jwks_uri: `${this.base}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      if (req.url === '/keys') {
        return json({ keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, kty: 'RSA', use: 'sig', endorsements: this.endorsements }] });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** botbuilder's endpoint settings with the channel's metadata here (the Emulator's stays Azure's, never fetched by these tests). */
  get endpoints(): Record<string, string> {
    return {
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromChannelTokenIssuer: CHANNEL_ISSUER,
      OAuthUrl: 'https://api.botframework.com',
      ToBotFromChannelOpenIdMetadataUrl: `${this.base}/.well-known/openidconfiguration`,
      ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/botframework.com/v2.0/.well-known/openid-configuration',
      CallerId: 'urn:botframework:azure',
    };
  }

  /** A channel's token: issuer api.botframework.com, for `appId`, carrying `serviceUrl`, valid ten minutes; `claims` override. */
  token(appId: string, serviceUrl: string, claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 5, iat: now - 5, exp: now + 600, ...claims })).toString('base64url');
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.keys.privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }
}
