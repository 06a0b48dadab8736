import { createHmac } from 'node:crypto';
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { Counter, type Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import type { ChannelCapabilities } from '../../../dialogs/channel-capabilities.js';
import { LOCALES, type Texts } from '../../content/texts.js';
import { requestIdFrom } from '../../ops/request-context.js';
import type { Channel, ChannelBot, TurnLogic } from '../channel.js';
import { clientAddress } from '../http.js';
import { RateLimiter, type BucketSpec } from '../rate-limiter.js';
import { WeChatAdapter, WECHAT_MAX_CUSTOMER_MESSAGES, WECHAT_MAX_TEXT_BYTES, type CustomerMessages } from './wechat-adapter.js';
import { WeChatApi, WeChatApiError } from './wechat-api.js';
import { signatureMatches, WeChatCipher, WeChatCryptoError, wechatSignature } from './wechat-crypto.js';
import { loadMenu, menuCommands } from './wechat-menu.js';
import type { WeChatStore } from './wechat-store.js';
import { languageOfText } from './wechat-language.js';
import { encryptedReplyXml, parseWeChatXml, textReplyXml, weChatMessageSchema, WeChatXmlError, type WeChatMessage } from './wechat-xml.js';

export const WECHAT_PATH = '/wechat';
export const WECHAT_CHANNEL_ID = 'wechat';
/** Put on activities' serviceUrl so a conversation reference names this channel; nothing calls it. */
export const WECHAT_SERVICE_URL = 'urn:yidi:wechat';

/**
 * What an Official Account shows: text only — no buttons (choices are numbered lines, "回复数字选择"), no
 * cards (the summary is text with numbered "修改" choices), no markdown, no typing indicator; one passive
 * reply per message (more are merged) of at most 2048 bytes (682 characters of Chinese); writing first is
 * only possible within 48 hours of the person's last message, so not relied on.
 */
export const WECHAT_CAPABILITIES: ChannelCapabilities = {
  buttons: false,
  cards: false,
  markdown: false,
  typing: false,
  proactive: false,
  maxMessageLength: Math.floor(WECHAT_MAX_TEXT_BYTES / 3),
  maxMessagesPerReply: 1,
};

/** WeChat waits 5 s for the passive reply; 4.5 s leaves room for the way back. */
export const DEFAULT_WECHAT_REPLY_DEADLINE_MS = 4_500;
/** How long after a person's last message customer-service messages may reach them. */
export const CUSTOMER_SERVICE_WINDOW_MS = 48 * 60 * 60 * 1000;
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_RATE_LIMITS = {
  /** WeChat's servers send every person's messages from a few addresses: a generous bound against floods. */
  perAddress: { burst: 2_000, perSecond: 200 },
  /** One person: WeChat itself limits how fast someone can type. */
  perPerson: { burst: 30, perSecond: 3 },
} satisfies Record<string, BucketSpec>;

/** The message types that carry something other than text: answered with a polite "please type". */
const NOT_TEXT = new Set(['image', 'video', 'shortvideo', 'file', 'location', 'link', 'music']);

/** Logging without personal data: codes and hashed tags only. */
export interface WeChatChannelLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface WeChatChannelOptions {
  /** WECHAT_TOKEN: the token configured for the account's server URL; signs every request. */
  token: string;
  /** WECHAT_APP_ID and WECHAT_APP_SECRET: the customer-service API (without them a late answer is lost, and logged). */
  appId?: string;
  appSecret?: string;
  /** WECHAT_ENCODING_AES_KEY: compatible and secure modes (without it an encrypted message is refused). */
  encodingAesKey?: string;
  /** WECHAT_API_BASE_URL. */
  apiBaseUrl?: string;
  /** Shared claims of messages, the 48-hour window and the access token. */
  store: WeChatStore;
  /** Salts the hash of openids in the store and the logs. */
  hashSalt: string;
  /** A retried message (same MsgId) is answered once within this window; a request older than it is refused. */
  dedupeWindowMs: number;
  /**
   * How long a person's language (their first message's) is kept after their last message: the
   * conversation's TTL (STATE_TTL_CONVERSATION_SECONDS), as long as what they entered is kept.
   */
  languageTtlMs: number;
  /** The passive reply's deadline (default 4.5 s); tests shorten it. */
  replyDeadlineMs?: number;
  /** Words for the menu's clicks (the command a click means is said in these words). */
  texts: Texts;
  logger: WeChatChannelLogger;
  /** Counters of replies and customer-service messages go here (the app's registry). */
  registry?: Registry;
  /** WEB_TRUST_PROXY: proxies in front that append to X-Forwarded-For. */
  trustProxy?: number;
  maxBodyBytes?: number;
  now?: () => number;
}

/** Why a request was refused: for the 4xx and the counter. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * The WeChat Official Account channel at /wechat: GET is the server check (signature over token, timestamp
 * and nonce; echostr back), POST a message or event in plain, compatible or secure mode. Every POST is
 * checked before anything runs — its signature (401), its age (403), its body (415, 413, 400), in secure
 * mode its msg_signature (401) and its cipher text (400) — then claimed by MsgId (events: sender and time)
 * so WeChat's retries are answered once, across instances, and turned into an activity for the bot whose
 * conversation is the person's openid. The answer is the passive reply (encrypted when the request was) or,
 * when the turn is late, "success" now and the customer-service API later.
 */
export function weChatChannel(options: WeChatChannelOptions): Channel<WeChatAdapter> {
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const cipher = options.encodingAesKey ? new WeChatCipher(options.encodingAesKey, options.appId ?? '') : undefined;
  const api =
    options.appId && options.appSecret
      ? new WeChatApi({ appId: options.appId, appSecret: options.appSecret, store: options.store, now, ...(options.apiBaseUrl ? { baseUrl: options.apiBaseUrl } : {}) })
      : undefined;
  const hash = (openid: string) => createHmac('sha256', options.hashSalt).update(`wechat:${openid}`).digest('hex').slice(0, 32);
  const metrics = counters(options.registry);

  const customer: CustomerMessages = {
    inWindow: async (openid) => {
      const at = await options.store.lastInbound(hash(openid));
      return at !== undefined && now() - at < CUSTOMER_SERVICE_WINDOW_MS;
    },
    send: async (openid, texts) => {
      const person = hash(openid).slice(0, 16);
      if (texts.length > WECHAT_MAX_CUSTOMER_MESSAGES) {
        logger.warn({ person, messages: texts.length, sent: WECHAT_MAX_CUSTOMER_MESSAGES }, 'wechat: an answer longer than five customer-service messages was cut');
        metrics.customer.inc({ outcome: 'dropped' }, texts.length - WECHAT_MAX_CUSTOMER_MESSAGES);
      }
      for (const text of texts.slice(0, WECHAT_MAX_CUSTOMER_MESSAGES)) {
        if (!api) {
          logger.warn({ person }, 'wechat: an answer could not be sent (no WECHAT_APP_ID / WECHAT_APP_SECRET for the customer-service API)');
          metrics.customer.inc({ outcome: 'failed' });
          return;
        }
        try {
          await api.sendText(openid, text);
          metrics.customer.inc({ outcome: 'sent' });
        } catch (err) {
          const errcode = err instanceof WeChatApiError ? err.errcode : undefined;
          // 45015: the person has not written within 48 hours; 45047: the quota of messages is used up.
          const outcome = errcode === 45015 ? 'window_closed' : 'failed';
          metrics.customer.inc({ outcome });
          logger.warn({ person, errcode, err: err instanceof WeChatApiError ? undefined : err }, 'wechat: a customer-service message could not be sent');
          return;
        }
      }
    },
  };
  const adapter = new WeChatAdapter(customer);
  const clicks = menuCommands(loadMenu());
  const byAddress = new RateLimiter(DEFAULT_RATE_LIMITS.perAddress, now);
  const byPerson = new RateLimiter(DEFAULT_RATE_LIMITS.perPerson, now);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deadlineMs = options.replyDeadlineMs ?? DEFAULT_WECHAT_REPLY_DEADLINE_MS;

  /** signature over token, timestamp and nonce: 401 when it is missing or wrong, 403 when the timestamp is stale. */
  const checkSignature = (req: Request): { timestamp: string; nonce: string } => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const timestamp = query.get('timestamp') ?? '';
    const nonce = query.get('nonce') ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || nonce === '' || nonce.length > 64) throw new Refusal(401, 'signature');
    if (!signatureMatches(query.get('signature') ?? undefined, wechatSignature(options.token, timestamp, nonce))) throw new Refusal(401, 'signature');
    return { timestamp, nonce };
  };

  const readBody = async (req: Request): Promise<string> => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'text/xml' && type !== 'application/xml') throw new Refusal(415, 'media_type');
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity') throw new Refusal(415, 'media_type');
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) throw new Refusal(413, 'too_large');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer | string>) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBodyBytes) throw new Refusal(413, 'too_large');
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  };

  /** The message, decrypted when the request is (then `encrypted` says to encrypt the reply). */
  const readMessage = (req: Request, body: string, timestamp: string, nonce: string): { message: WeChatMessage; encrypted: boolean } => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    let fields: Record<string, string>;
    try {
      fields = parseWeChatXml(body);
    } catch (err) {
      if (err instanceof WeChatXmlError) throw new Refusal(400, 'body');
      throw err;
    }
    const encrypted = query.get('encrypt_type') === 'aes';
    if (encrypted) {
      if (!cipher) {
        logger.warn({}, 'wechat: an encrypted message arrived but WECHAT_ENCODING_AES_KEY is not set (the account is in compatible or secure mode)');
        throw new Refusal(400, 'not_configured');
      }
      const encrypt = fields['Encrypt'];
      if (!encrypt) throw new Refusal(400, 'body');
      if (!signatureMatches(query.get('msg_signature') ?? undefined, wechatSignature(options.token, timestamp, nonce, encrypt))) throw new Refusal(401, 'msg_signature');
      try {
        fields = parseWeChatXml(cipher.decrypt(encrypt));
      } catch (err) {
        if (err instanceof WeChatCryptoError || err instanceof WeChatXmlError) throw new Refusal(400, 'cipher');
        throw err;
      }
    }
    const checked = weChatMessageSchema.safeParse(fields);
    if (!checked.success) throw new Refusal(400, 'message');
    return { message: checked.data, encrypted };
  };

  const reply = (res: Response, xml: string | undefined, encrypted: boolean, nonce: string): void => {
    if (xml === undefined) {
      // "success": no passive reply; WeChat shows nothing and does not retry.
      res.sendRaw(200, 'success', { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      return;
    }
    let body = xml;
    if (encrypted && cipher) {
      const timestamp = String(Math.floor(now() / 1000));
      const encrypt = cipher.encrypt(xml);
      body = encryptedReplyXml(encrypt, wechatSignature(options.token, timestamp, nonce, encrypt), timestamp, nonce);
    }
    res.sendRaw(200, body, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'no-store' });
  };

  return {
    id: 'wechat',
    capabilitiesOf: () => WECHAT_CAPABILITIES,
    register(server: Server, bot: ChannelBot): WeChatAdapter {
      adapter.onTurnError = bot.onTurnError;
      const refuse = (res: Response, error: unknown): void => {
        if (!(error instanceof Refusal)) {
          logger.warn({ err: error }, 'wechat request failed');
          res.sendRaw(500, '', { 'Cache-Control': 'no-store' });
          return;
        }
        metrics.refused.inc({ reason: error.reason });
        logger.debug({ reason: error.reason, status: error.status }, 'wechat request refused');
        res.sendRaw(error.status, '', { 'Cache-Control': 'no-store', ...(error.status === 429 ? { 'Retry-After': '1' } : {}) });
      };

      // The server check when the URL is saved in the account's settings: echostr back when the signature holds.
      server.get(WECHAT_PATH, async (req: Request, res: Response) => {
        try {
          if (!byAddress.take(clientAddress(req, options.trustProxy ?? 0)).allowed) throw new Refusal(429, 'rate');
          checkSignature(req);
          const echostr = new URL(req.url ?? '/', 'http://localhost').searchParams.get('echostr') ?? '';
          if (echostr === '' || echostr.length > 128) throw new Refusal(400, 'echostr');
          res.sendRaw(200, echostr, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        } catch (error) {
          refuse(res, error);
        }
      });

      server.post(WECHAT_PATH, async (req: Request, res: Response) => {
        try {
          if (!byAddress.take(clientAddress(req, options.trustProxy ?? 0)).allowed) throw new Refusal(429, 'rate');
          const { timestamp, nonce } = checkSignature(req);
          // A signed request is good for as long as its retries are remembered: replayed later, it is refused.
          if (Math.abs(now() / 1000 - Number(timestamp)) > Math.max(300, options.dedupeWindowMs / 1000)) throw new Refusal(403, 'stale');
          const body = await readBody(req);
          const { message, encrypted } = readMessage(req, body, timestamp, nonce);
          const turn = plan(message);
          const person = hash(message.FromUserName);
          if (!turn || !byPerson.take(person).allowed) return reply(res, undefined, encrypted, nonce);
          // Retries of a message WeChat got no answer to in time reach any instance: the first claim runs it.
          const key = message.MsgId ?? `${person}:${message.CreateTime}:${message.Event ?? message.MsgType}`;
          const first = await options.store.claim(`${person}:${key}`, options.dedupeWindowMs).catch((err: unknown) => {
            // Redis away: the turn itself will meet it and apologise; better twice than never.
            logger.warn({ err }, 'wechat: a message could not be claimed');
            return true;
          });
          if (!first) {
            logger.info({ person: person.slice(0, 16) }, 'wechat: a retried message answered once');
            metrics.replies.inc({ how: 'retry' });
            return reply(res, undefined, encrypted, nonce);
          }
          if (turn.activity.type !== ActivityTypes.ConversationUpdate || turn.activity.membersAdded) {
            await options.store.noteInbound(person, now(), CUSTOMER_SERVICE_WINDOW_MS).catch(() => undefined);
          }
          // WeChat says no language: the person's first message's is theirs (a typed switch, 中文 / English, is the bot's).
          const said = message.MsgType === 'text' || message.MsgType === 'voice' ? languageOfText(turn.activity.text ?? '') : undefined;
          const locale = await options.store.language(person, said, options.languageTtlMs).catch(() => said);
          const activity = activityFor(message, { ...turn.activity, ...(locale ? { locale } : {}) });
          const logic: TurnLogic = turn.say ? async (context: TurnContext) => void (await context.sendActivity(await bot.words(context, turn.say!))) : bot.logic;
          const answer = await adapter.respond(activity, logic, deadlineMs, requestIdFrom(req.headers));
          if (answer.kind === 'late') {
            metrics.replies.inc({ how: 'customer_service' });
            return reply(res, undefined, encrypted, nonce);
          }
          metrics.replies.inc({ how: answer.text ? 'passive' : 'none' });
          reply(res, answer.text === undefined ? undefined : textReplyXml(message, answer.text, Math.floor(now() / 1000)), encrypted, nonce);
        } catch (error) {
          refuse(res, error);
        }
      });
      return adapter;
    },
  };

  /** What a message or event becomes: an activity for the bot, or words the channel says itself; undefined: nothing to do. */
  function plan(message: WeChatMessage): { activity: Partial<Activity>; say?: string } | undefined {
    switch (message.MsgType) {
      case 'text':
        return { activity: { type: ActivityTypes.Message, text: message.Content ?? '' } };
      case 'voice': {
        const said = message.Recognition?.trim();
        return said ? { activity: { type: ActivityTypes.Message, text: said } } : { activity: { type: ActivityTypes.Message, text: '' }, say: 'wechat.voiceUnclear' };
      }
      case 'event':
        switch ((message.Event ?? '').toLowerCase()) {
          case 'subscribe':
            return { activity: { type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: message.FromUserName, name: '' }] } };
          case 'unsubscribe':
            // The person left: their conversation state is forgotten (FilingBot, on membersRemoved).
            return { activity: { type: ActivityTypes.ConversationUpdate, membersRemoved: [{ id: message.FromUserName, name: '' }] } };
          case 'click': {
            const command = clicks.get(message.EventKey ?? '');
            return command ? { activity: { type: ActivityTypes.Message, text: options.texts.t(LOCALES[0], `commands.${command}.label`) } } : undefined;
          }
          default:
            return undefined; // VIEW, SCAN, LOCATION reports, template results: nothing to answer
        }
      default:
        return NOT_TEXT.has(message.MsgType) ? { activity: { type: ActivityTypes.Message, text: '' }, say: 'wechat.pleaseType' } : undefined;
    }
  }
}

/** The activity for the bot: the conversation and the sender are the person's openid, the recipient the account. */
function activityFor(message: WeChatMessage, partial: Partial<Activity>): Partial<Activity> {
  const openid = message.FromUserName;
  return {
    ...partial,
    id: message.MsgId ?? `${message.CreateTime}-${(message.Event ?? message.MsgType).toLowerCase()}`,
    channelId: WECHAT_CHANNEL_ID,
    serviceUrl: WECHAT_SERVICE_URL,
    timestamp: new Date(Number(message.CreateTime) * 1000),
    conversation: { id: openid, isGroup: false, name: '', conversationType: 'personal' },
    from: { id: openid, name: '', role: 'user' },
    recipient: { id: message.ToUserName, name: '', role: 'bot' },
  } as Partial<Activity>;
}

interface WeChatCounters {
  replies: Counter<'how'>;
  customer: Counter<'outcome'>;
  refused: Counter<'reason'>;
}

function counters(registry: Registry | undefined): WeChatCounters {
  const registers = registry ? [registry] : [];
  return {
    replies: new Counter({ name: 'wechat_replies_total', help: 'WeChat messages answered, by how: passive (in the response), customer_service (late: through the API), none (nothing to say), retry (a retried message, answered once)', labelNames: ['how'], registers }),
    customer: new Counter({ name: 'wechat_customer_messages_total', help: 'Customer-service messages, by outcome: sent, failed, window_closed (48 hours passed), dropped (over five for one message)', labelNames: ['outcome'], registers }),
    refused: new Counter({ name: 'wechat_requests_refused_total', help: 'Requests to /wechat refused before anything ran, by reason (signature, msg_signature, stale, body, cipher, message, media_type, too_large, rate, echostr, not_configured)', labelNames: ['reason'], registers }),
  };
}
