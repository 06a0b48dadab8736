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
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { OutboundLimits, type OutboundLimitOptions } from './outbound-limits.js';
import { withRequestIdOn } from '../../ops/request-context.js';

export interface BotFrameworkCredentials {
  MicrosoftAppId?: string | undefined;
  MicrosoftAppPassword?: string | undefined;
  MicrosoftAppType?: string | undefined;
  MicrosoftAppTenantId?: string | undefined;
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
  private readonly kept = new Map<string, Promise<T>>();

  get(key: string, create: () => Promise<T>): Promise<T> {
    let client = this.kept.get(key);
    if (!client) {
      client = create();
      this.kept.set(key, client);
      client.catch(() => this.kept.delete(key));
      if (this.kept.size > MAX_KEPT_CLIENTS) this.kept.delete(this.kept.keys().next().value!);
    }
    return client;
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
  }

  private readonly connectorClients = new KeptClients<ConnectorClient>();
  private readonly userTokenClients = new KeptClients<UserTokenClient>();

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
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
    private readonly authentication: ConfigurationBotFrameworkAuthentication,
    readonly outbound: OutboundLimits,
  ) {
    super(authentication);
  }

  /**
   * Checks the Authorization header on its own (signature, issuer, audience, expiry), before a byte of
   * the body is read: a request without a valid token costs no body. The serviceUrl claim and the key's
   * endorsement of the channel need the activity; run() checks the whole request again with it.
   * Throws botbuilder's AuthenticationError when the header does not pass. In local mode every header passes.
   */
  async checkAuthorization(authHeader: string): Promise<void> {
    await this.authentication.authenticateRequest({ channelId: '', serviceUrl: '' } as Activity, authHeader);
  }

  /** The request id of each activity being run (CloudAdapter makes the turn's context from the activity itself). */
  private readonly requestIds = new WeakMap<Partial<Activity>, string>();

  /**
   * Authenticates the request with its activity and runs the turn, with the HTTP request's id on it
   * (REQUEST_ID_KEY); the response for expectReplies and invokes.
   */
  async run(authHeader: string, activity: Activity, logic: Logic, requestId?: string): Promise<InvokeResponse | undefined> {
    if (requestId !== undefined) this.requestIds.set(activity, requestId);
    try {
      return await this.processActivity(authHeader, activity, logic);
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
  for (const [key, value] of Object.entries(credentials)) if (value) (options as Record<string, string>)[key] = value;
  const limits = new OutboundLimits(outbound);
  return new BotFrameworkAdapter(new BoundedBotFrameworkAuthentication(options, limits), limits);
}
