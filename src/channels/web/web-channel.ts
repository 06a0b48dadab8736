import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import type { ActivityLog, Admission, AdmittedLog } from './activity-log.js';
import { CorsPolicy } from './cors.js';
import { clientAddress, HttpError, queryValue, readJsonBody, sendError, sendJson, sendJsonText } from '../http.js';
import { CLIENT_ADDRESS_KEY } from '../../identity/client-address.js';
import { registerWebDocuments, type WebDocumentsOptions } from './documents.js';
import { registerWebPage, type WebPageOptions } from './page.js';
import { RateLimiter, type BucketSpec } from '../rate-limiter.js';
import { WEB_CHANNEL_ID, WEB_SERVICE_URL, WebChannelAdapter } from './web-adapter.js';
import { activityId, isWatermark, jsonPageText, type Replacement } from './activity-log.js';
import { storedJson } from './activity-json.js';
import { RecentPages } from './recent-pages.js';
import { TurnEchoes } from './turn-echoes.js';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { DirectLineStreams, refuse, streamUrl, type StreamLimits } from './stream.js';
import { startLocale, toIncomingActivity } from './incoming-activity.js';
import { MemoryWebAccess, STREAM_TICKET_TTL_SECONDS, type WebAccessStore } from './web-access.js';
import { isConversationId, newConversationId, newUserId, WebTokens, type WebTokenClaims } from './web-tokens.js';
import { throttledWarning } from '../../ops/throttled-warning.js';

export interface WebRateLimits {
  /** Every Direct Line request from one address (many citizens may share an office's address). */
  perAddress?: BucketSpec;
  /** Every request made with one conversation's tokens (polling is one a second). */
  perConversation?: BucketSpec;
  /** New conversations (token generation) from one address. */
  newConversationsPerAddress?: BucketSpec;
}

/** Logging without personal data: only codes, ids of conversations and error objects. */
export interface WebChannelLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WebChannelOptions {
  /** The bot's turn handler (bot.run). */
  logic: (context: TurnContext) => Promise<void>;
  /** HMAC secret for conversation tokens (from configuration; at least 16 characters). */
  tokenSecret: string;
  /** Where each conversation's activities are kept. */
  activityLog: ActivityLog;
  /**
   * Stream tickets and revoked tokens, shared by every instance (RedisWebAccess beside a Redis activity
   * log). Default: this process's memory (one instance).
   */
  access?: WebAccessStore;
  /**
   * True when `access` keeps its keys beside `activityLog`'s (RedisWebAccess and RedisActivityLog under one
   * prefix): a request then asks the revocation and whether the conversation exists in one round trip
   * (WebAccessStore.admission), and a post or a poll does its append or read in that same round trip
   * (ActivityLog.admitted).
   */
  accessSharesLog?: boolean;
  tokenTtlSeconds?: number;
  /**
   * How long after its expiry a token may still reconnect to (GET /conversations/:id) and refresh
   * (POST /tokens/refresh) its own conversation, while that conversation is still in the activity log:
   * a laptop that slept past the token's 30 minutes resumes the filing. Default 2 hours
   * (DEFAULT_EXPIRED_TOKEN_GRACE_SECONDS); 0 turns it off. Every other route refuses expired tokens.
   */
  expiredTokenGraceSeconds?: number;
  /**
   * How the person's message of a turn is kept in the transcript once the turn has run (the page replays
   * it on every reload): the bot's mask for it (FilingBot.incomingTextMask: personal answers and ID and
   * phone numbers masked). Without it, messages are kept as sent.
   */
  incomingTextMask?: (context: TurnContext) => ((text: string) => string) | undefined;
  rateLimit?: WebRateLimits;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /**
   * How many proxies in front of the bot append to X-Forwarded-For (WEB_TRUST_PROXY): the client address
   * for rate limits is then the one the outermost of them saw. 0 or false: the connection's address; true: 1.
   */
  trustProxy?: number;
  /** Called when a turn fails (e.g. the bot's apology handler); otherwise the failure is logged. */
  onTurnError?: (context: TurnContext, error: Error) => Promise<void>;
  logger?: WebChannelLogger;
  botId?: string;
  /**
   * Origins whose pages may call the Direct Line routes (CORS), exactly as browsers send them, e.g.
   * "https://www.rizhao.gov.cn". Empty or absent: only the bot's own page. Never a wildcard.
   */
  allowedOrigins?: readonly string[];
  /** The citizens' page (GET /, its scripts, /webchat.js); false to serve only the Direct Line API. */
  page?: WebPageOptions | false;
  /** The pages beside it (with the page only): the privacy notice and filing receipts (documents.ts). */
  documents?: WebDocumentsOptions;
  /**
   * The Direct Line WebSocket stream (start and reconnect return a streamUrl), on by default; false for
   * polling only. Limits count open sockets per conversation and per address; scanMs is how often open
   * sockets look for activities another instance appended without being told (this instance's own reach them
   * at once; on a log that tells of appends, others' too, and the scan is a slow safety net: see stream.ts).
   */
  webSocket?: boolean | { limits?: Partial<StreamLimits>; scanMs?: number; pingMs?: number };
  /** Clock for tokens and rate limits (tests). */
  now?: () => number;
}

export interface WebChannel {
  /** The channel's own adapter: use it for middleware and proactive messages (continueConversation). */
  adapter: WebChannelAdapter;
  tokens: WebTokens;
  /** The open WebSocket streams (undefined when webSocket is false). */
  streams: DirectLineStreams | undefined;
}

export const DIRECT_LINE_BASE = '/v3/directline';
/** Every Direct Line route, below DIRECT_LINE_BASE. */
export const DIRECT_LINE_PATHS = [
  '/tokens/generate',
  '/tokens/refresh',
  '/conversations',
  '/conversations/:conversationId',
  '/conversations/:conversationId/activities',
] as const;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
/** How long the page is asked to wait before trying again while the conversation log is away. */
const RETRY_AFTER_SECONDS = 5;

/**
 * How long an expired token may still resume its own conversation: a laptop closed over lunch or a
 * meeting, a phone that suspended the browser. Longer pauses start a new conversation (the page says so).
 */
export const DEFAULT_EXPIRED_TOKEN_GRACE_SECONDS = 2 * 60 * 60;
export const DEFAULT_RATE_LIMITS: Required<WebRateLimits> = {
  perAddress: { burst: 600, perSecond: 20 },
  perConversation: { burst: 60, perSecond: 3 },
  newConversationsPerAddress: { burst: 20, perSecond: 0.2 },
};


type Handler = (req: Request, res: Response) => Promise<void>;

/**
 * The web channel: the subset of the Direct Line 3.0 REST API that Web Chat's stock DirectLine client
 * uses when polling, served by the bot itself (no Azure), plus the citizens' page. Turns run through the
 * channel's own adapter; replies are kept in the ActivityLog and reach the page on its next poll.
 */
export function registerWebChannel(server: Server, options: WebChannelOptions): WebChannel {
  const now = options.now ?? Date.now;
  const shared = options.activityLog;
  let streams: DirectLineStreams | undefined;
  // While the log cannot be read or written (Redis away), every request fails the same way: one warning per 30 s.
  const warnUnavailable = throttledWarning<{ err: unknown }>(30_000, ({ err }, heldBack) =>
    options.logger?.warn({ err, heldBack }, 'web channel: the conversation log cannot be reached'),
  );
  /** A log call; its failure is 503 with Retry-After (the page says so and tries again), never a 500. */
  const reach = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      warnUnavailable({ err });
      throw new HttpError(503, 'ServiceUnavailable', 'the conversation store cannot be reached; retry in a few seconds', { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
  };
  // The log as this instance uses it: what it appends reaches this instance's open sockets at once, as it is
  // (with its id: the activities are the channel's own — the adapter's copies of what the bot sent, the message
  // the page posted — and written already).
  const sent = (conversationId: string, ids: string[], activities: Partial<Activity>[]): void => {
    if (!streams || ids.length === 0 || !streams.follows(conversationId)) return;
    for (const [i, activity] of activities.entries()) activity.id = ids[i]!;
    streams.publish(conversationId, activities as Activity[]);
  };
  const echoes = new TurnEchoes(sent, (conversationId) => streams?.follows(conversationId) === true);
  const recentPages = new RecentPages(now);
  const appendedAtTurnEnd = (conversationId: string, ids: string[], activities: Partial<Activity>[], replaced?: Replacement): void => {
    echoes.published(conversationId, ids, activities);
    const turn = echoes.running(conversationId);
    // A page whose stream is open here gets its activities from it, and does not poll.
    if (turn && !streams?.follows(conversationId)) recentPages.keep(conversationId, turn, ids, activities, replaced);
  };
  const log: ActivityLog = {
    append: async (conversationId, activity) => {
      const id = await reach(() => shared.append(conversationId, activity));
      echoes.published(conversationId, [id], [activity]);
      return id;
    },
    appendAll: async (conversationId, activities, replacing) => {
      const ids = await reach(() => shared.appendAll(conversationId, activities, replacing));
      echoes.published(conversationId, ids, activities);
      return ids;
    },
    replace: (conversationId, id, activity) => reach(() => shared.replace(conversationId, id, activity)),
    since: (conversationId, watermark, limit) => reach(() => shared.since(conversationId, watermark, limit)),
    exists: (conversationId) => reach(() => shared.exists(conversationId)),
    create: (conversationId) => reach(() => shared.create(conversationId)),
    ...(shared.forTurnEnd ? { forTurnEnd: shared.forTurnEnd.bind(shared) } : {}),
    ...(shared.watch ? { watch: shared.watch.bind(shared) } : {}),
  };
  // Only a log that shares the access store's keys can answer for a token: the one the app gives with the Redis store.
  const admittedLog = options.accessSharesLog ? shared.admitted : undefined;
  const admitted: AdmittedLog | undefined = admittedLog && {
    append: async (conversationId, tokenId, activity) => {
      const admission = await reach(() => admittedLog.append(conversationId, tokenId, activity));
      if (admission.value !== undefined) echoes.published(conversationId, [admission.value], [activity]);
      return admission;
    },
    since: (conversationId, tokenId, watermark, limit) => reach(() => admittedLog.since(conversationId, tokenId, watermark, limit)),
    ...(admittedLog.sinceJson ? { sinceJson: (conversationId, tokenId, watermark, limit) => reach(() => admittedLog.sinceJson!(conversationId, tokenId, watermark, limit)) } : {}),
    ...(admittedLog.forTurnStart ? { forTurnStart: admittedLog.forTurnStart.bind(admittedLog) } : {}),
  };
  const tokens = new WebTokens(options.tokenSecret, options.tokenTtlSeconds, now);
  // Stream tickets and revoked tokens live beside the log (Redis): a failure is the same 503.
  const accessStore: WebAccessStore = options.access ?? new MemoryWebAccess({ now });
  const access: WebAccessStore = {
    issueTicket: (claims, ttlSeconds) => reach(() => accessStore.issueTicket(claims, ttlSeconds)),
    takeTicket: (conversationId, ticket) => reach(() => accessStore.takeTicket(conversationId, ticket)),
    revoke: (conversationId, tokenId, untilSeconds) => reach(() => accessStore.revoke(conversationId, tokenId, untilSeconds)),
    isRevoked: (conversationId, tokenId) => reach(() => accessStore.isRevoked(conversationId, tokenId)),
  };
  // Only a store that shares the log's keys can answer for it: the one the app gives with the Redis log.
  const admission =
    accessStore.admission && options.accessSharesLog ? (conversationId: string, tokenId: string) => reach(() => accessStore.admission!(conversationId, tokenId)) : undefined;
  const adapter = new WebChannelAdapter(log, { ...(options.botId ? { botId: options.botId } : {}), onAppended: appendedAtTurnEnd });
  adapter.onTurnError =
    options.onTurnError ??
    (async (context, error) => {
      options.logger?.error({ err: error, conversation: context.activity.conversation?.id, channel: WEB_CHANNEL_ID }, 'web turn failed');
    });
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimit };
  const byAddress = new RateLimiter(limits.perAddress, now);
  const byConversation = new RateLimiter(limits.perConversation, now);
  const newByAddress = new RateLimiter(limits.newConversationsPerAddress, now);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const starting = new Set<string>();
  const trustProxy = options.trustProxy ?? 0;
  const cors = new CorsPolicy({ allowedOrigins: options.allowedOrigins ?? [] });
  if (options.webSocket !== false) {
    const settings = typeof options.webSocket === 'object' ? options.webSocket : {};
    streams = new DirectLineStreams({
      http: server.server,
      log,
      access,
      cors,
      byAddress,
      trustProxy,
      now,
      ...(settings.limits ? { limits: settings.limits } : {}),
      ...(settings.scanMs ? { scanMs: settings.scanMs } : {}),
      ...(settings.pingMs ? { pingMs: settings.pingMs } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  } else {
    // No stream: refuse every upgrade at once (without a listener Node would leave such sockets open).
    server.server.on('upgrade', (_req: unknown, socket: Duplex) => refuse(socket, 404, 'Not Found'));
  }

  const limit = (limiter: RateLimiter, key: string, what: string): void => {
    const decision = limiter.take(key);
    if (!decision.allowed) {
      throw new HttpError(429, 'TooManyRequests', `too many requests ${what}; retry after ${decision.retryAfterSeconds} s`, {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
  };

  const expiredGrace = options.expiredTokenGraceSeconds ?? DEFAULT_EXPIRED_TOKEN_GRACE_SECONDS;

  /**
   * The token, then the conversation's own limit (the address limit came first, in route): the conversation
   * must be the token's. With `renewing`, an expired but correctly signed token is accepted (within the
   * grace; `expired` says so) for its own conversation: reconnect and refresh then hand out a fresh token.
   * Nothing is asked of the store yet: see admit.
   */
  const checkToken = (req: Request, conversationId?: string, renewing = false): { claims: WebTokenClaims; tokenId: string; expired: boolean } => {
    const check = tokens.verifyHeader(req.headers.authorization, renewing ? { expiredUpToSeconds: expiredGrace } : {});
    if (!check.ok) {
      if (check.error === 'token_expired') throw new HttpError(403, 'TokenExpired', 'the token has expired');
      throw new HttpError(401, 'Unauthorized', check.error === 'token_missing' ? 'a Bearer token is required' : 'the token is not valid');
    }
    const { claims, tokenId } = check;
    if (conversationId !== undefined && conversationId !== claims.conversationId) {
      throw new HttpError(403, 'Forbidden', 'the token does not reach this conversation');
    }
    limit(byConversation, claims.conversationId, 'for this conversation');
    return { claims, tokenId, expired: check.expired === true };
  };

  /**
   * What the store said of a checked token: refused when it was revoked (refreshed), and — when asked —
   * when its conversation does not exist (an expired token's: as expired, the page starts anew).
   */
  const admit = <T>({ revoked, exists }: Admission<T>, expired: boolean): void => {
    if (revoked) throw new HttpError(403, 'TokenExpired', 'the token was replaced by a newer one');
    if (!exists) {
      if (expired) throw new HttpError(403, 'TokenExpired', 'the token has expired');
      throw new HttpError(404, 'NotFound', 'the conversation does not exist or has expired');
    }
  };

  /**
   * checkToken, then the store: the token must not have been revoked (refreshed), and with `mustExist` (or
   * an expired token) the conversation must exist (404 otherwise); both are asked in one round trip.
   */
  const authorize = async (
    req: Request,
    conversationId?: string,
    { renewing = false, mustExist = false }: { renewing?: boolean; mustExist?: boolean } = {},
  ): Promise<{ claims: WebTokenClaims; tokenId: string }> => {
    const { claims, tokenId, expired } = checkToken(req, conversationId, renewing);
    admit(await stored(claims.conversationId, tokenId, expired || mustExist), expired);
    return { claims, tokenId };
  };

  /** Whether the token was revoked and (with `needsLog`; else true) whether the conversation exists: in one round trip where the store can. */
  const stored = async (conversationId: string, tokenId: string, needsLog: boolean): Promise<Admission<never>> => {
    if (needsLog && admission) return admission(conversationId, tokenId);
    const [revoked, exists] = await Promise.all([access.isRevoked(conversationId, tokenId), needsLog ? log.exists(conversationId) : Promise.resolve(true)]);
    return { revoked, exists };
  };

  const conversationParam = (req: Request): string => {
    const id = String((req.params as Record<string, unknown> | undefined)?.['conversationId'] ?? '');
    if (!isConversationId(id)) throw new HttpError(404, 'NotFound', 'no such conversation');
    return id;
  };

  /**
   * A fresh token; with `stream`, also the streamUrl from that watermark (start and reconnect), which
   * carries a single-use stream ticket for the new token's claims, never a token.
   */
  const conversationReply = async (claims: WebTokenClaims, stream?: { req: Request; watermark: string }) => {
    const { token, expiresIn } = tokens.issue(claims.conversationId, claims.userId);
    let url: string | undefined;
    if (stream && streams) {
      const ticket = await access.issueTicket({ ...claims, expiresAt: Math.floor(now() / 1000) + expiresIn }, STREAM_TICKET_TTL_SECONDS);
      url = streamUrl(stream.req, trustProxy, claims.conversationId, ticket, stream.watermark);
    }
    return { conversationId: claims.conversationId, token, expires_in: expiresIn, ...(url ? { streamUrl: url } : {}) };
  };

  /**
   * Logs the person's message (`activity`, posted with the token `tokenId`) at the head of the conversation's
   * turns (WebChannelAdapter.processActivity's begin): admitted for the token (403 when it was revoked, 404
   * when the conversation is gone), appended, and its id put on the turn's activity. Where the log and the
   * turn order share a Redis, that is the step that takes the turn and reads its state (one round trip for
   * both); otherwise the append comes first, in a round trip of its own.
   */
  const logMessage = async (context: TurnContext, activity: Partial<Activity>, tokenId: string): Promise<string> => {
    const conversationId = activity.conversation!.id;
    const start = admitted?.forTurnStart?.(conversationId, tokenId, activity);
    // The text the log was given for it (the activity itself goes on into the turn, which may change it).
    const json = start && storedJson(activity);
    let id: string;
    if (start && (await reach(() => adapter.takeTurn(context, start))) && start.taken) {
      admit({ revoked: start.refused === 'revoked', exists: start.refused !== 'missing' }, false);
      id = activityId(conversationId, start.length!);
      echoes.begun(conversationId, id, tokenId, activity, json!);
    } else if (admitted) {
      // The token's revocation, the conversation, and the message logged: one round trip.
      const admission = await admitted.append(conversationId, tokenId, activity);
      admit(admission, false);
      id = admission.value!;
    } else {
      admit(await stored(conversationId, tokenId, true), false);
      id = await log.append(conversationId, activity);
    }
    activity.id = id;
    context.activity.id = id;
    return id;
  };

  /**
   * Runs a turn. With `tokenId`, the activity is the person's message, logged first (logMessage: a refusal or a
   * store away is thrown, and the turn is not run); its id is returned. It is kept in the transcript as the bot
   * wants it shown back (incomingTextMask: personal answers masked), written with the turn's replies. The
   * person's address, when the request came from their browser, goes on the turn (CLIENT_ADDRESS_KEY): the
   * identity check counts failed attempts per address.
   */
  const runTurn = async (activity: Partial<Activity>, address?: string, tokenId?: string): Promise<string | undefined> => {
    let logged: string | undefined;
    let refused: unknown;
    const begin =
      tokenId === undefined
        ? undefined
        : async (context: TurnContext): Promise<void> => {
            try {
              logged = await logMessage(context, activity, tokenId);
            } catch (error) {
              refused = error;
              throw error;
            }
          };
    try {
      await adapter.processActivity(
        activity,
        async (context) => {
          if (address) context.turnState.set(CLIENT_ADDRESS_KEY, address);
          try {
            await options.logic(context);
          } finally {
            const mask = logged ? options.incomingTextMask?.(context) : undefined;
            // A reload replays 1101**********002X, not the number.
            if (mask && typeof activity.text === 'string' && activity.type === ActivityTypes.Message) {
              const masked = mask(activity.text);
              if (masked !== activity.text) adapter.keepAs(context, { id: logged!, activity: { ...activity, id: logged!, text: masked } });
            }
          }
          // Inside the turn: replies that cannot be written fail it (its state is not kept as answered). They
          // ride on the step that ends the turn where the log and the turn order share a Redis.
          await adapter.flushWithTurn(context);
        },
        begin,
      );
    } catch (error) {
      if (refused !== undefined && error === refused) throw error;
      options.logger?.error({ err: error, conversation: activity.conversation?.id }, 'web turn failed');
    } finally {
      if (logged !== undefined) echoes.over(activity.conversation!.id, logged);
    }
    return logged;
  };

  const route =
    (handler: Handler, kind: 'poll' | 'other' = 'other'): Handler =>
    async (req, res) => {
      cors.apply(req, res); // first, so that errors (401, 429…) reach a listed portal's page too
      try {
        limit(byAddress, clientAddress(req, trustProxy), 'from this address');
        await handler(req, res);
      } catch (error) {
        if (kind === 'poll' && error instanceof HttpError && error.status === 429) {
          // botframework-directlinejs stops polling for good on any error but 403/404: an over-limit poll
          // is answered as "nothing new yet", with the watermark it asked from, and the page polls again.
          sendJson(res, 200, { activities: [], watermark: sameWatermark(queryValue(req, 'watermark')) });
          return;
        }
        if (error instanceof HttpError) {
          // 503: the log is away, already warned about (throttled) where it failed.
          if (error.status >= 500 && error.status !== 503) options.logger?.error({ err: error }, 'web channel error');
          sendError(res, error);
        } else {
          options.logger?.error({ err: error }, 'web channel failure');
          sendError(res, new HttpError(500, 'ServiceError', 'the request could not be handled'));
        }
      }
    };

  // The page gets a token for a new conversation from the server: no secret in the page.
  server.post(
    `${DIRECT_LINE_BASE}/tokens/generate`,
    route(async (req, res) => {
      limit(newByAddress, clientAddress(req, trustProxy), 'for new conversations from this address');
      await readJsonBody(req, maxBodyBytes); // accepted and ignored: the user id is always chosen here
      const conversationId = newConversationId();
      const { token, expiresIn } = tokens.issue(conversationId, newUserId());
      sendJson(res, 200, { conversationId, token, expires_in: expiresIn });
    }),
  );

  // Refresh: a new token for the same conversation, and the one presented is revoked (until it would have
  // expired for good), so a copy of it left anywhere can no longer be used or refreshed. Of two refreshes
  // of one token, one wins.
  server.post(
    `${DIRECT_LINE_BASE}/tokens/refresh`,
    route(async (req, res) => {
      const { claims, tokenId } = await authorize(req, undefined, { renewing: true });
      recentPages.revoked(claims.conversationId, tokenId);
      if (!(await access.revoke(claims.conversationId, tokenId, claims.expiresAt + expiredGrace))) {
        throw new HttpError(403, 'TokenExpired', 'the token was replaced by a newer one');
      }
      sendJson(res, 200, await conversationReply(claims));
    }),
  );

  /** Opens the conversation in the log and runs the greeting turn: a conversationUpdate adding bot and user. */
  const openConversation = async (claims: WebTokenClaims, locale: string | undefined): Promise<void> => {
    await log.create(claims.conversationId);
    await runTurn({
      type: ActivityTypes.ConversationUpdate,
      id: `${claims.conversationId}|start`,
      channelId: WEB_CHANNEL_ID,
      serviceUrl: WEB_SERVICE_URL,
      conversation: { id: claims.conversationId } as Activity['conversation'],
      from: { id: claims.userId, name: '', role: 'user' },
      recipient: adapter.bot,
      membersAdded: [adapter.bot, { id: claims.userId, name: '', role: 'user' }],
      timestamp: new Date(now()),
      ...(locale ? { locale } : {}),
    });
  };

  // Start: 201 and the bot's greeting turn for a new conversation, 200 when the token's conversation exists
  // (or is being opened by a start still in progress on this instance).
  server.post(
    `${DIRECT_LINE_BASE}/conversations`,
    route(async (req, res) => {
      const { claims, tokenId } = checkToken(req);
      const body = await readJsonBody(req, maxBodyBytes);
      const id = claims.conversationId;
      if (starting.has(id)) {
        admit(await stored(id, tokenId, false), false);
        sendJson(res, 200, await conversationReply(claims, { req, watermark: '' }));
        return;
      }
      starting.add(id);
      let created = false;
      try {
        // The token's revocation and whether the conversation exists: one round trip.
        const { revoked, exists } = await stored(id, tokenId, true);
        admit({ revoked, exists: true }, false);
        if (!exists) {
          await openConversation(claims, startLocale(body));
          created = true;
        }
      } finally {
        starting.delete(id);
      }
      sendJson(res, created ? 201 : 200, await conversationReply(claims, { req, watermark: '' }));
    }),
  );

  // Reconnect: the page resumes a conversation it knows (after a reload) and replays from a watermark.
  server.get(
    `${DIRECT_LINE_BASE}/conversations/:conversationId`,
    route(async (req, res) => {
      const conversationId = conversationParam(req);
      const { claims } = await authorize(req, conversationId, { renewing: true, mustExist: true });
      sendJson(res, 200, await conversationReply(claims, { req, watermark: queryValue(req, 'watermark') ?? '' }));
    }),
  );

  server.get(
    `${DIRECT_LINE_BASE}/conversations/:conversationId/activities`,
    route(async (req, res) => {
      const conversationId = conversationParam(req);
      const watermark = queryValue(req, 'watermark');
      if (admitted) {
        // The token's revocation, the conversation, and the page: one round trip.
        const { tokenId } = checkToken(req, conversationId);
        const recent = recentPages.take(conversationId, tokenId, watermark);
        if (recent) {
          sendJsonText(res, 200, jsonPageText(recent));
          return;
        }
        if (admitted.sinceJson) {
          // Sent as the log gives it, as JSON text: the activities are not built as objects to be written again.
          const admission = await admitted.sinceJson(conversationId, tokenId, watermark);
          admit(admission, false);
          sendJsonText(res, 200, jsonPageText(admission.value!));
          return;
        }
        const admission = await admitted.since(conversationId, tokenId, watermark);
        admit(admission, false);
        sendJson(res, 200, admission.value);
        return;
      }
      await authorize(req, conversationId, { mustExist: true });
      sendJson(res, 200, await log.since(conversationId, watermark));
    }, 'poll'),
  );

  server.post(
    `${DIRECT_LINE_BASE}/conversations/:conversationId/activities`,
    route(async (req, res) => {
      const conversationId = conversationParam(req);
      const { claims, tokenId } = checkToken(req, conversationId);
      const body = await readJsonBody(req, maxBodyBytes);
      const incoming = toIncomingActivity(body, claims, adapter.bot, new Date(now()));
      // Echo first: Web Chat marks the message sent when it comes back with its clientActivityID and an id.
      // Typing indicators are not kept: the log is replayed to the page, which needs only what was said.
      if (incoming.type === ActivityTypes.Typing) {
        admit(await stored(conversationId, tokenId, true), false);
        const id = typingId(conversationId);
        await runTurn({ ...incoming, id }, clientAddress(req, trustProxy));
        sendJson(res, 200, { id });
        return;
      }
      // The message is logged at the head of the conversation's turns, by the step that takes its turn where it can.
      const id = await runTurn(incoming, clientAddress(req, trustProxy), tokenId);
      sendJson(res, 200, { id });
    }),
  );

  // CORS preflights: cheap constant answers, not counted against the rate limits (a preflight is cached
  // per URL, and a poll's URL changes with its watermark).
  for (const path of DIRECT_LINE_PATHS) server.opts(`${DIRECT_LINE_BASE}${path}`, async (req: Request, res: Response) => cors.preflight(req, res));

  // Anything else below the base answers in the same shape, with CORS headers, instead of restify's own
  // errors: attachments (POST /upload) are not taken on this channel — a client's request, so a 4xx (415,
  // as for any body the channel does not read; the page hides its upload button) —, the rest does not exist.
  const unknown = route(async (req) => {
    if (req.method === 'POST' && /\/conversations\/[^/]+\/upload(?:\?|$)/.test(req.url ?? '')) {
      throw new HttpError(415, 'UnsupportedMediaType', 'attachments cannot be uploaded on this channel');
    }
    throw new HttpError(404, 'NotFound', 'no such Direct Line route');
  });
  const everything = `${DIRECT_LINE_BASE}/*`;
  for (const method of ['get', 'head', 'post', 'put', 'patch', 'del'] as const) server[method](everything, unknown);
  server.opts(everything, async (req: Request, res: Response) => cors.preflight(req, res));

  if (options.page !== false) {
    const page = registerWebPage(server, options.page ?? {});
    registerWebDocuments(server, options.documents ?? {}, { page, tokens, log, cors, byAddress, trustProxy, secret: options.tokenSecret, now });
  }
  return { adapter, tokens, streams };
}

/** The id a typing indicator from the page gets: it is not logged. */
function typingId(conversationId: string): string {
  return `${conversationId}|typing-${randomBytes(6).toString('base64url')}`;
}

/** The watermark a poll asked from, given back unchanged when there is nothing to send ('' when it was none). */
function sameWatermark(watermark: string | undefined): string {
  return isWatermark(watermark) ? watermark : '';
}
