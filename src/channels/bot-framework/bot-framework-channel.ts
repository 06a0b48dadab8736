import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import restify, { type Server } from 'restify';
import { requestIdFrom, withRequestId } from '../../ops/request-context.js';

export interface BotFrameworkCredentials {
  MicrosoftAppId?: string | undefined;
  MicrosoftAppPassword?: string | undefined;
  MicrosoftAppType?: string | undefined;
  MicrosoftAppTenantId?: string | undefined;
}

/**
 * The Bot Framework channel (Azure Bot Service channels, the Emulator, plain HTTP with
 * deliveryMode "expectReplies"): a CloudAdapter at POST /api/messages. Without an app id it runs in
 * local mode, which the Emulator and the tests use.
 */
export function createBotFrameworkAdapter(credentials: BotFrameworkCredentials): CloudAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {};
  for (const [key, value] of Object.entries(credentials)) if (value) (options as Record<string, string>)[key] = value;
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options as ConfigurationBotFrameworkAuthenticationOptions));
}

/** The largest activity /api/messages takes. */
const MAX_BODY_BYTES = 256 * 1024;

export function registerBotFrameworkChannel(server: Server, adapter: CloudAdapter, logic: (context: TurnContext) => Promise<void>): void {
  // The body parser runs for this route only: the web channel reads its own bodies (its errors in its own shape).
  server.post('/api/messages', restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }), async (req, res) => {
    await withRequestId(requestIdFrom(req.headers), () => adapter.process(req, res, logic));
  });
}
