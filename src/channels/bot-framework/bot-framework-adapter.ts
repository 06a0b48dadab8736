import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { ConnectorFactory, type AuthenticateRequestResult, type ClaimsIdentity, type ConnectorClient } from 'botframework-connector';
import { OutboundLimits, type OutboundLimitOptions } from './outbound-limits.js';

export interface BotFrameworkCredentials {
  MicrosoftAppId?: string | undefined;
  MicrosoftAppPassword?: string | undefined;
  MicrosoftAppType?: string | undefined;
  MicrosoftAppTenantId?: string | undefined;
}

type Logic = (context: TurnContext) => Promise<void>;

/** Every ConnectorClient it makes (for replies and proactive messages) goes out within the outbound limits. */
class BoundedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly limits: OutboundLimits,
  ) {
    super();
  }

  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const client = await this.inner.create(serviceUrl, audience);
    this.limits.attachTo(client);
    return client;
  }
}

/** botbuilder's authentication from configuration, whose connector factories bound every outbound call. */
class BoundedBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    options: Partial<ConfigurationBotFrameworkAuthenticationOptions>,
    private readonly limits: OutboundLimits,
  ) {
    super(options as ConfigurationBotFrameworkAuthenticationOptions);
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: new BoundedConnectorFactory(result.connectorFactory, this.limits) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new BoundedConnectorFactory(super.createConnectorFactory(claimsIdentity), this.limits);
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

  /** Authenticates the request with its activity and runs the turn; the response for expectReplies and invokes. */
  run(authHeader: string, activity: Activity, logic: Logic): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** The adapter for the configured credentials (none: local mode), its replies within `outbound` limits. */
export function createBotFrameworkAdapter(credentials: BotFrameworkCredentials, outbound: OutboundLimitOptions): BotFrameworkAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {};
  for (const [key, value] of Object.entries(credentials)) if (value) (options as Record<string, string>)[key] = value;
  const limits = new OutboundLimits(outbound);
  return new BotFrameworkAdapter(new BoundedBotFrameworkAuthentication(options, limits), limits);
}
