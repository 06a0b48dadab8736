import type { TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { Counter, type Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import { capabilitiesOfChannelId } from '../../../dialogs/channel-capabilities.js';
import type { Channel } from '../channel.js';
import { requestIdFrom } from '../../ops/request-context.js';
import { unwrapDialogError } from '../../ops/dialog-error.js';
import { clientAddress, HttpError, readJsonBody, sendError, sendJson } from '../http.js';
import { RateLimiter, type BucketSpec } from '../rate-limiter.js';
import { checkBotFrameworkActivity } from './activity-schema.js';
import { createBotFrameworkAdapter, type BotFrameworkAdapter, type BotFrameworkCredentials, type CheckedAuthorization } from './bot-framework-adapter.js';
import { isLocalRequest, isLoopbackUrl } from './loopback.js';
import type { JwtErrorName } from './token-check-noise.js';
import { ReplyDeliveryError } from './outbound-limits.js';

export { createBotFrameworkAdapter, BotFrameworkAdapter, type BotFrameworkCredentials } from './bot-framework-adapter.js';

type Logic = (context: TurnContext) => Promise<void>;

export interface BotFrameworkRateLimits {
  /** Every request from one address, before anything else is looked at. */
  perAddress?: BucketSpec;
  /** Every activity of one conversation (channel id and conversation id). */
  perConversation?: BucketSpec;
}

/** Logging without personal data: codes, hosts and error objects only. */
export interface BotFrameworkChannelLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface BotFrameworkChannelOptions {
  adapter: BotFrameworkAdapter;
  logic: Logic;
  /** The bot's answer to a failed turn (an apology in the person's language). */
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  /** No MicrosoftAppId: requests are not authenticated, so only this machine may call, and replies stay here. */
  localMode: boolean;
  /** ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: local mode answers callers on other machines as well. */
  allowRemoteInLocalMode?: boolean;
  /** WEB_TRUST_PROXY: proxies in front that append to X-Forwarded-For (the address for rate limits). */
  trustProxy?: number;
  rateLimit?: BotFrameworkRateLimits;
  /** Largest activity taken. */
  maxBodyBytes?: number;
  /** The longest the Authorization header's check may take (it may fetch the channel's signing keys). */
  authorizationTimeoutMs?: number;
  logger: BotFrameworkChannelLogger;
  /** The counter of refused tokens goes here (the app's registry). */
  registry?: Registry;
  /** Clock for the rate limits (tests). */
  now?: () => number;
}

/** What the app gives the Bot Framework channel: its adapter's credentials and bounds, and the route's options. */
export interface BotFrameworkChannelSettings extends Omit<BotFrameworkChannelOptions, 'adapter' | 'logic' | 'onTurnError'> {
  /** MicrosoftAppId and the rest; empty in local mode. */
  credentials: BotFrameworkCredentials;
  /** BOT_FRAMEWORK_REPLY_TIMEOUT_MS: the longest one reply to a channel may take. */
  replyTimeoutMs: number;
  /** BOT_FRAMEWORK_MAX_CONNECTIONS: open connections to channels at most. */
  maxConnections: number;
}

/**
 * The Bot Framework channel on the channel contract: POST /api/messages through botbuilder's CloudAdapter.
 * What a turn can show depends on the client behind the Bot Framework (the activity's channelId: Teams
 * draws cards and no buttons, the Emulator both); replies go to the channel's serviceUrl, within bounds.
 */
export function botFrameworkChannel(settings: BotFrameworkChannelSettings): Channel<BotFrameworkAdapter> {
  const { credentials, replyTimeoutMs, maxConnections, ...route } = settings;
  const adapter = createBotFrameworkAdapter(credentials, {
    timeoutMs: replyTimeoutMs,
    maxConnections,
    loopbackOnly: route.localMode, // local mode: replies never leave this machine
  });
  return {
    id: 'bot-framework',
    capabilitiesOf: (activity) => capabilitiesOfChannelId(activity.channelId),
    register(server, bot) {
      registerBotFrameworkChannel(server, { ...route, adapter, logic: bot.logic, onTurnError: bot.onTurnError });
      return adapter;
    },
    close: async () => adapter.outbound.close(),
  };
}

export const BOT_FRAMEWORK_PATH = '/api/messages';
export const DEFAULT_BOT_FRAMEWORK_MAX_BODY_BYTES = 256 * 1024;
export const DEFAULT_BOT_FRAMEWORK_RATE_LIMITS: Required<BotFrameworkRateLimits> = {
  perAddress: { burst: 600, perSecond: 20 },
  perConversation: { burst: 60, perSecond: 3 },
};

/**
 * POST /api/messages: the Bot Framework channels (Azure Bot Service, the Emulator, plain HTTP with
 * deliveryMode "expectReplies"). Each request goes through, in order, and is answered in the Bot
 * Framework's error shape `{ error: { code, message } }` when it stops:
 *
 * 1. the per-address rate limit (429);
 * 2. in local mode (no MicrosoftAppId), the caller must be this machine (403), unless
 *    ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK says otherwise;
 * 3. with credentials, the Authorization header, before a byte of the body is read (401);
 * 4. the body: JSON only, uncompressed, within the size and depth limits (415, 413, 400);
 * 5. the activity's shape (400): the fields the bot reads, each within bounds, a Bot Framework channel id;
 * 6. in local mode, replies go back in the response (expectReplies) or to a loopback serviceUrl (400);
 * 7. the per-conversation rate limit (429);
 * 8. what of the token needs the activity (401): the serviceUrl claim, the signing key's endorsement of
 *    the channel, checked on the token verified in 3, not by verifying it again;
 * 9. the turn.
 */
export function registerBotFrameworkChannel(server: Server, options: BotFrameworkChannelOptions): void {
  const { adapter, logic, localMode, logger } = options;
  const limits = { ...DEFAULT_BOT_FRAMEWORK_RATE_LIMITS, ...options.rateLimit };
  const byAddress = new RateLimiter(limits.perAddress, options.now);
  const byConversation = new RateLimiter(limits.perConversation, options.now);
  const maxBytes = options.maxBodyBytes ?? DEFAULT_BOT_FRAMEWORK_MAX_BODY_BYTES;
  const trustProxy = options.trustProxy ?? 0;
  const authorizationTimeoutMs = options.authorizationTimeoutMs ?? 5_000;
  const refused = refusedCounter(options.registry);

  adapter.onTurnError = async (context, error) => {
    const cause = unwrapDialogError(error).error;
    if (cause instanceof ReplyDeliveryError) {
      // The channel did not take the replies: an apology would go the same way and wait as long again.
      logger.warn({ err: cause, host: cause.host }, 'replies could not be delivered to the channel');
      return;
    }
    await options.onTurnError(context, error);
  };

  const limit = (limiter: RateLimiter, key: string, what: string): void => {
    const decision = limiter.take(key);
    if (!decision.allowed) {
      throw new HttpError(429, 'TooManyRequests', `too many requests ${what}; retry after ${decision.retryAfterSeconds} s`, {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
  };

  const checkAuthorization = async (authHeader: string): Promise<CheckedAuthorization> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), authorizationTimeoutMs);
    });
    try {
      const outcome = await Promise.race([adapter.checkAuthorization(authHeader), late]);
      if (outcome === 'late') {
        throw new HttpError(503, 'ServiceUnavailable', 'the token could not be checked in time; retry shortly', { 'Retry-After': '5' });
      }
      return outcome;
    } catch (error) {
      if (error instanceof HttpError || error instanceof AuthenticationError) throw error;
      // jsonwebtoken's refusals (a bad signature, not yet valid) come out of botbuilder as they are: the caller's token.
      if (isTokenRefusal(error)) throw new TokenRefusal(TOKEN_REFUSALS[error.name as keyof typeof TOKEN_REFUSALS]);
      // Anything else is on this side (the channel's signing keys could not be fetched): not the caller's fault.
      logger.warn({ err: error }, 'bot framework token could not be checked');
      throw new HttpError(503, 'ServiceUnavailable', 'the token could not be checked; retry shortly', { 'Retry-After': '5' });
    } finally {
      clearTimeout(timer);
    }
  };

  server.post(BOT_FRAMEWORK_PATH, async (req: Request, res: Response) => {
    try {
      limit(byAddress, clientAddress(req, trustProxy), 'from this address');
      if (localMode && !options.allowRemoteInLocalMode && !isLocalRequest(req)) {
        throw new HttpError(403, 'Forbidden', 'this bot has no Bot Framework credentials (local mode): /api/messages answers only this machine', { Connection: 'close' });
      }
      const authHeader = headerValue(req.headers.authorization);
      const authorization = localMode ? authHeader : await checkAuthorization(authHeader);
      const checked = checkBotFrameworkActivity(await readJsonBody(req, { maxBytes }));
      if (!checked.ok) throw new HttpError(400, 'BadArgument', checked.problem);
      const activity = checked.activity;
      if (localMode && activity.deliveryMode !== 'expectReplies' && !isLoopbackUrl(activity.serviceUrl)) {
        throw new HttpError(400, 'BadArgument', 'in local mode replies go back only in the response (deliveryMode "expectReplies") or to a loopback serviceUrl');
      }
      limit(byConversation, `${activity.channelId}/${activity.conversation.id}`, 'for this conversation');
      const response = await adapter.run(authorization, activity, logic, requestIdFrom(req.headers));
      const status = response?.status ?? 200;
      if (response?.body !== undefined) sendJson(res, status, response.body);
      else res.sendRaw(status, '', { 'Cache-Control': 'no-store' });
    } catch (error) {
      sendError(res, asHttpError(error, logger, refused));
    }
  });
}

/** What the client is told: its own mistakes as they are, anything else as a plain 500 without internals. */
function asHttpError(error: unknown, logger: BotFrameworkChannelLogger, refused: Counter<'reason'>): HttpError {
  if (error instanceof HttpError) {
    if (error.status >= 500) logger.warn({ err: error }, 'bot framework request refused');
    return error;
  }
  if (error instanceof AuthenticationError) {
    // One line a refusal, why in a word (never the token, its claims or the keys); scanners and expired tokens are not worth a warning each.
    const reason = error instanceof TokenRefusal ? error.reason : 'refused';
    refused.inc({ reason });
    logger.info({ statusCode: 401, reason }, 'bot framework request not authorized');
    return new HttpError(401, 'Unauthorized', 'the request is not authorized (a valid Bot Framework token is required)', { Connection: 'close' });
  }
  logger.error({ err: error }, 'bot framework request failed');
  return new HttpError(500, 'ServiceError', 'the request could not be handled');
}

/** jsonwebtoken's errors for a token that does not verify (its classes are not re-exported by botbuilder), and why in a word. */
const TOKEN_REFUSALS = { JsonWebTokenError: 'bad_token', TokenExpiredError: 'expired', NotBeforeError: 'not_yet_valid' } as const satisfies Record<JwtErrorName, string>;

function isTokenRefusal(error: unknown): error is Error {
  return error instanceof Error && Object.hasOwn(TOKEN_REFUSALS, error.name);
}

/**
 * A token jsonwebtoken refused (a bad signature or form, not yet valid), with why in a word; the other
 * refusals (no token, an expired one — botbuilder turns jsonwebtoken's own error into its message —, another
 * issuer or audience, a key not endorsed for the channel, another serviceUrl) are botbuilder's
 * AuthenticationError, logged as "refused".
 */
class TokenRefusal extends AuthenticationError {
  constructor(readonly reason: (typeof TOKEN_REFUSALS)[keyof typeof TOKEN_REFUSALS]) {
    super(`the token was refused (${reason})`, 401);
  }
}

/** Refused tokens, counted as WeChat counts its refused requests (wechat_requests_refused_total). */
function refusedCounter(registry: Registry | undefined): Counter<'reason'> {
  return new Counter({
    name: 'bot_framework_requests_refused_total',
    help: 'Requests to /api/messages refused for their token (401), by reason: bad_token (a bad signature or form), not_yet_valid, expired, refused (no token, an expired one as botbuilder reports it, another issuer or audience, a key not endorsed for the channel, another serviceUrl)',
    labelNames: ['reason'],
    registers: registry ? [registry] : [],
  });
}

function headerValue(header: string | string[] | undefined): string {
  return (Array.isArray(header) ? header[0] : header) ?? '';
}
