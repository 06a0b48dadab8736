import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  ConnectorFactory,
  EmulatorValidation,
  EndorsementsValidator,
  SkillValidation,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
// Not re-exported by the package's index: its cache of each metadata URL's signing keys (see endorsementsOf).
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { OutboundLimits, type OutboundLimitOptions } from './outbound-limits.js';
import { isTokenCheckNoise } from './token-check-noise.js';
import { dropFromConsole, gateConsole } from '../../ops/library-console.js';
import { RecentMap } from '../../ops/recent-map.js';
import { withRequestIdOn } from '../../ops/request-context.js';

export interface BotFrameworkCredentials {
  MicrosoftAppId?: string | undefined;
  MicrosoftAppPassword?: string | undefined;
  MicrosoftAppType?: string | undefined;
  MicrosoftAppTenantId?: string | undefined;
  /**
   * botbuilder's endpoint settings (ToBotFromChannelOpenIdMetadataUrl, ToBotFromChannelTokenIssuer…), all
   * or none (botbuilder takes them as a set): another cloud, or the tests' own token issuer.
   */
  endpoints?: Partial<Record<EndpointSetting, string>> | undefined;
}

type EndpointSetting =
  | 'ToChannelFromBotLoginUrl'
  | 'ToChannelFromBotOAuthScope'
  | 'ToBotFromChannelTokenIssuer'
  | 'OAuthUrl'
  | 'ToBotFromChannelOpenIdMetadataUrl'
  | 'ToBotFromEmulatorOpenIdMetadataUrl'
  | 'CallerId';

/**
 * A request's Authorization header, checked once on its own (signature, issuer, audience, expiry, the
 * configured claims checks) before its body is read; what is left needs the activity: the serviceUrl
 * claim and the signing key's endorsement of the activity's channel (see BoundedBotFrameworkAuthentication.complete).
 */
export interface CheckedAuthorization {
  readonly authHeader: string;
  readonly result: AuthenticateRequestResult;
  /** A token from a Bot Framework channel (neither a skill's nor the Emulator's): its serviceUrl claim must match. */
  readonly channelToken: boolean;
  /** The signing key's endorsements (none: any channel), or undefined when they could not be looked up. */
  readonly endorsements: readonly string[] | undefined;
}

/** The slice of botframework-connector's OpenIdMetadata read here: the keys of its last refresh, as the JWKS has them. */
interface CachedSigningKeys {
  keys?: Array<{ kid?: string; endorsements?: unknown }>;
}

/** The slice of ConfigurationBotFrameworkAuthentication's inner (ParameterizedBotFrameworkAuthentication) read here. */
interface MetadataUrls {
  toBotFromChannelOpenIdMetadataUrl?: unknown;
  toBotFromEmulatorOpenIdMetadataUrl?: unknown;
}

type Logic = (context: TurnContext) => Promise<void>;

/** Clients kept at most (one per bot app id, serviceUrl and audience: a handful in practice). */
const MAX_KEPT_CLIENTS = 64;

/**
 * Clients made once and kept, as botbuilder's older BotFrameworkAdapter kept its connector clients:
 * CloudAdapter builds a ConnectorClient and a UserTokenClient (each an HTTP pipeline of @azure/*) on
 * every turn, about 0.6 ms of CPU, although they depend only on the app id, serviceUrl and audience
 * (their credentials fetch and renew tokens themselves). The oldest goes when more than MAX_KEPT_CLIENTS
 * are kept; a failed creation is not kept.
 */
class KeptClients<T> {
  private readonly kept = new RecentMap<string, Promise<T>>(MAX_KEPT_CLIENTS);

  get(key: string, create: () => Promise<T>): Promise<T> {
    const kept = this.kept.get(key);
    if (kept) return kept;
    const made = create();
    this.kept.set(key, made);
    // A client that could not be made is not kept (the next call tries again); a newer one for the key stays.
    made.catch(() => {
      if (this.kept.get(key) === made) this.kept.delete(key);
    });
    return made;
  }
}

/** The app id a claims identity's clients act for (as botframework-connector's own getAppId reads it). */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** Every ConnectorClient it makes (for replies and proactive messages) goes out within the outbound limits, and is kept. */
class BoundedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly limits: OutboundLimits,
    private readonly kept: KeptClients<ConnectorClient>,
    private readonly appId: string,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.kept.get(`${this.appId}\n${serviceUrl}\n${audience ?? ''}`, async () => {
      const client = await this.inner.create(serviceUrl, audience);
      this.limits.attachTo(client);
      return client;
    });
  }
}

/**
 * The credentials factory botbuilder makes from the configuration, asked once whether authentication is
 * disabled (no MicrosoftAppId): every request asked it twice (validating the request, then the caller id),
 * each time through two async functions, for an answer fixed when the factory is made.
 */
function credentialsFactoryFor(options: Partial<ConfigurationBotFrameworkAuthenticationOptions>): ConfigurationServiceClientCredentialFactory {
  const factory = new ConfigurationServiceClientCredentialFactory(options);
  const disabled = factory.isAuthenticationDisabled();
  factory.isAuthenticationDisabled = () => disabled;
  return factory;
}

/** botbuilder's authentication from configuration, whose connector factories bound every outbound call. */
class BoundedBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    options: Partial<ConfigurationBotFrameworkAuthenticationOptions>,
    private readonly limits: OutboundLimits,
  ) {
    super(options as ConfigurationBotFrameworkAuthenticationOptions, credentialsFactoryFor(options));
    // What botbuilder's token check prints (a refused signature prints the signing key, an expired token its
    // stack: anyone can send one) is dropped from the console before any check runs; the channel logs each
    // refusal as one line.
    dropFromConsole(isTokenCheckNoise);
  }

  private readonly connectorClients = new KeptClients<ConnectorClient>();
  private readonly userTokenClients = new KeptClients<UserTokenClient>();

  /**
   * Checks the header without the activity: botbuilder's own checks with an empty channel id and
   * serviceUrl (which skip the endorsement and the serviceUrl claim), plus what complete() needs to
   * finish them once the activity is read. Throws botbuilder's AuthenticationError when it does not pass.
   */
  async checkHeader(authHeader: string): Promise<CheckedAuthorization> {
    const result = await this.authenticateRequest({ channelId: '', serviceUrl: '' } as Activity, authHeader);
    const fromBotOrEmulator = SkillValidation.isSkillToken(authHeader) || EmulatorValidation.isTokenFromEmulator(authHeader);
    return { authHeader, result, channelToken: !fromBotOrEmulator, endorsements: this.endorsementsOf(authHeader, fromBotOrEmulator) };
  }

  /**
   * The rest of botbuilder's checks for the activity, on a header checkHeader passed, without verifying
   * the signature again (as ParameterizedBotFrameworkAuthentication and JwtTokenExtractor do them): the
   * key's endorsements, when it has any, must name the activity's channel (botbuilder's EndorsementsValidator), and a channel's token must
   * carry the activity's serviceUrl. Should the endorsements be unknown (a botframework-connector release
   * that keeps its keys elsewhere), the whole request is authenticated again as botbuilder does it.
   */
  async complete(checked: CheckedAuthorization, activity: Activity): Promise<AuthenticateRequestResult> {
    if (checked.endorsements === undefined) return this.authenticateRequest(activity, checked.authHeader);
    if (checked.endorsements.length > 0 && !EndorsementsValidator.validate(activity.channelId, [...checked.endorsements])) {
      throw new AuthenticationError('Could not validate endorsement for the signing key', 401);
    }
    if (checked.channelToken && activity.serviceUrl && checked.result.claimsIdentity.getClaimValue(AuthenticationConstants.ServiceUrlClaim) !== activity.serviceUrl) {
      throw new AuthenticationError('Unauthorized. ServiceUrl claim do not match.', 401);
    }
    return checked.result;
  }

  /**
   * The endorsements of the key that signed the token, from the signing keys botbuilder fetched to check
   * it (its cache per metadata URL, refreshed by botbuilder alone); undefined when not found there.
   * botframework-connector (4.23) has no public way to them: JwtTokenExtractor and OpenIdMetadata are not
   * exported from its index, a ClaimsIdentity does not carry them, and its public checks that take the
   * channel id (JwtTokenValidation.validateAuthHeader, ChannelValidation.authenticateChannelToken) verify
   * the signature again — the second verification a request this avoids, and it needs the body, which is
   * read only after the header passed. Fetching the keys ourselves would be a second copy of botbuilder's
   * fetching and refreshing. An upgrade that moves the cache falls back to complete()'s whole check
   * (correct, one verification more), which the auth test's count of verifications catches.
   */
  private endorsementsOf(authHeader: string, fromBotOrEmulator: boolean): readonly string[] | undefined {
    const urls = (this as unknown as { inner?: MetadataUrls }).inner;
    const url = fromBotOrEmulator ? urls?.toBotFromEmulatorOpenIdMetadataUrl : urls?.toBotFromChannelOpenIdMetadataUrl;
    const cache = (JwtTokenExtractor as unknown as { openIdMetadataCache?: Map<unknown, CachedSigningKeys> }).openIdMetadataCache;
    const keys = typeof url === 'string' ? cache?.get(url)?.keys : undefined;
    const kid = kidOf(authHeader);
    const key = kid === undefined ? undefined : keys?.find((candidate) => candidate.kid === kid);
    if (!key) return undefined;
    if (key.endorsements === undefined || key.endorsements === null) return [];
    return Array.isArray(key.endorsements) && key.endorsements.every((name) => typeof name === 'string') ? key.endorsements : undefined;
  }

  /** botbuilder's authentication of a request, its connector factory bounded (what it prints is dropped: see the constructor and gateConsole). */
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    // A console method put back since the constructor would print them again.
    gateConsole();
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory
      ? { ...result, connectorFactory: new BoundedConnectorFactory(result.connectorFactory, this.limits, this.connectorClients, appIdOf(result.claimsIdentity)) }
      : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new BoundedConnectorFactory(super.createConnectorFactory(claimsIdentity), this.limits, this.connectorClients, appIdOf(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }
}

/**
 * The Bot Framework adapter behind POST /api/messages: botbuilder's CloudAdapter, driven by the channel's
 * own route (src/channels/bot-framework/bot-framework-channel.ts) instead of CloudAdapter.process, which
 * expects a body some middleware already read without bounds, answers client mistakes with 500 and its
 * internal message, and prints every refused token to stdout.
 */
export class BotFrameworkAdapter extends CloudAdapter {
  constructor(
    private readonly authentication: BoundedBotFrameworkAuthentication,
    readonly outbound: OutboundLimits,
  ) {
    super(authentication);
  }

  /**
   * Checks the Authorization header on its own (signature, issuer, audience, expiry), before a byte of
   * the body is read: a request without a valid token costs no body. The serviceUrl claim and the key's
   * endorsement of the channel need the activity; run() checks them with it, without verifying the
   * token again. Throws botbuilder's AuthenticationError when the header does not pass.
   */
  checkAuthorization(authHeader: string): Promise<CheckedAuthorization> {
    return this.authentication.checkHeader(authHeader);
  }

  /** The request id of each activity being run (CloudAdapter makes the turn's context from the activity itself). */
  private readonly requestIds = new WeakMap<Partial<Activity>, string>();

  /**
   * Authenticates the request with its activity and runs the turn, with the HTTP request's id on it
   * (REQUEST_ID_KEY); the response for expectReplies and invokes. With the header checkAuthorization
   * passed, only the checks that need the activity are left; with a header alone (local mode), botbuilder
   * authenticates it.
   */
  async run(authorization: string | CheckedAuthorization, activity: Activity, logic: Logic, requestId?: string): Promise<InvokeResponse | undefined> {
    // A header alone is authenticated as CloudAdapter.processActivity would (botbuilder's whole check).
    const authenticated =
      typeof authorization === 'string' ? await this.authentication.authenticateRequest(activity, authorization) : await this.authentication.complete(authorization, activity);
    if (requestId !== undefined) this.requestIds.set(activity, requestId);
    try {
      return await this.processActivity(authenticated, activity, logic);
    } finally {
      this.requestIds.delete(activity);
    }
  }

  protected override runMiddleware(context: TurnContext, next: (revocableContext: TurnContext) => Promise<void>): Promise<void> {
    return super.runMiddleware(withRequestIdOn(context, this.requestIds.get(context.activity)), next);
  }
}

/** The adapter for the configured credentials (none: local mode), its replies within `outbound` limits. */
export function createBotFrameworkAdapter(credentials: BotFrameworkCredentials, outbound: OutboundLimitOptions): BotFrameworkAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {};
  const { endpoints, ...app } = credentials;
  for (const [key, value] of Object.entries({ ...app, ...endpoints })) if (value) (options as Record<string, string>)[key] = value;
  const limits = new OutboundLimits(outbound);
  return new BotFrameworkAdapter(new BoundedBotFrameworkAuthentication(options, limits), limits);
}

/** The key id in a bearer token's header, as botbuilder reads it to pick the signing key. */
function kidOf(authHeader: string): string | undefined {
  const token = authHeader.split(' ')[1] ?? '';
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
    const kid = (header as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
