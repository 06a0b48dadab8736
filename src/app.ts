import { createHmac } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Middleware, TurnContext } from 'botbuilder';
import restify, { type Server } from 'restify';
import { todayInShanghai, type IsoDate } from './domain/calendar.js';
import { loadProfiles, type RegionProfile } from './domain/profile.js';
import { warmUpDateRecognizer } from './domain/dates.js';
import { createUnderstanding } from './nlu/index.js';
import { Texts } from './content/texts.js';
import { durationText } from './content/natural.js';
import { createFilingStore, type FilingStore } from './filings/index.js';
import { createStateStorage, type StateStorage } from './state/state-storage.js';
import { SealedStorage } from './state/sealed-storage.js';
import { JsonCheckedConversationState } from './state/json-checked-state.js';
import { MemoryTurnLock } from './state/memory-turn-lock.js';
import { RedisTurnLock } from './state/redis-turn-lock.js';
import { dataKeyRingFor, LOCAL_KEY_FILE, type DataKeyRing } from './privacy/data-keys.js';
import { FieldCipher } from './privacy/field-cipher.js';
import { FilingBot } from './bot/filing-bot.js';
import { createTurnErrorHandler } from './bot/turn-error.js';
import { TurnLogMiddleware } from './bot/turn-log-middleware.js';
import { TurnOrderMiddleware } from './bot/turn-order-middleware.js';
import { attachChannels, channelClosers, type AttachedChannel, type Channel } from './channels/channel.js';
import { botFrameworkChannel } from './channels/bot-framework/bot-framework-channel.js';
import { MemoryActivityLog, MemoryWebAccess, PAGE_LOCALES, RedisActivityLog, RedisWebAccess, SealedActivityLog, WEB_CHANNEL_ID, webChannel, type ActivityLog, type WebChannel } from './channels/web/index.js';
import { MemoryWeChatStore, RedisWeChatStore, weChatChannel } from './channels/wechat/index.js';
import { MemoryCallStore, RedisCallStore, hotlineChannel } from './channels/hotline/index.js';
import { normalizeReference } from './filings/index.js';
import { privacyNotice } from './pages/privacy.js';
import { receiptOf, receiptProblem } from './pages/receipt.js';
import { ConfigError, type Config } from './config.js';
import { createLogger, type Logger } from './ops/logger.js';
import { limitHttpServer } from './ops/http-server-limits.js';
import { createMetrics, registerOpsRoutes, type Metrics } from './ops/metrics.js';
import { InFlightTracker } from './ops/shutdown.js';
import { AbandonmentWatch } from './ops/abandonment.js';
import { timedFilingStore, timedStorage } from './ops/timed-stores.js';
import { throttledWarning } from './ops/throttled-warning.js';
import { whenIdle } from './ops/when-idle.js';
import { AgencyKeyring } from './agency/keys.js';
import { AgencySessions } from './agency/sessions.js';
import { agencyGuard, registerAgencyApi } from './agency/agency-api.js';
import { registerReviewPage } from './agency/review-page.js';
import { NoticeWorker } from './notices/notice-worker.js';
import { botFrameworkDelivery, webDelivery, weChatDelivery } from './notices/channel-deliveries.js';
import type { NoticeDelivery } from './notices/delivery.js';
import { smsDelivery } from './notices/sms-delivery.js';
import { createTypingMiddleware } from './ops/typing.js';
import { shownToAgent } from '../dialogs/handoff-summary.js';
import { HandoffDesk, HandoffTranscript, MemoryAgentPresence, MemoryHandoffQueue, MemoryTranscriptStore, RedisAgentPresence, RedisHandoffQueue, RedisTranscriptStore, handoffMetrics, registerHandoffRoutes } from './handoff/index.js';
import { loadAccounts, MemoryAgentSessionStore, RedisAgentSessionStore, registerAgentConsole, type AgentConsole } from './agents/index.js';
import { createIdentityCheck, createSmsSender, type IdentityCheck, type SmsSender } from './identity/index.js';

export interface AppOverrides {
  logger?: Logger;
  filings?: FilingStore;
  /** The data keys, instead of DATA_ENCRYPTION_KEY (or the local key file). */
  dataKeys?: DataKeyRing;
  /** Today's date in Asia/Shanghai; injectable for tests. */
  today?: () => IsoDate;
  /** The SMS sender, instead of the one SMS_* configures. */
  sms?: SmsSender;
  /** The WeChat passive reply's deadline (default 4.5 s); tests shorten it to take the customer-service path. */
  wechatReplyDeadlineMs?: number;
  /** The handoff desk's clock (the hours in the profile, waiting times); tests put it within the hours. */
  handoffNow?: () => number;
}

export interface App {
  server: Server;
  bot: FilingBot;
  web: WebChannel;
  logger: Logger;
  metrics: Metrics;
  /** Sends notices from the filing store's outbox; started by listen(), stopped by the closers. */
  notices: NoticeWorker;
  /** Counts filings abandoned by silence; started by listen(), stopped by the closers. */
  abandonment: AbandonmentWatch;
  filings: FilingStore;
  state: StateStorage;
  /** The keys personal data at rest is sealed with (filings, the half-filled form in the state store). */
  dataKeys: DataKeyRing;
  inFlight: InFlightTracker;
  profiles: Map<string, RegionProfile>;
  /** The live handoff to a person: the shared queue, the person's side and the console's (src/handoff/). */
  handoff: HandoffDesk;
  /** The hotline agents' console (/agent/): its sign-in guard and the registration of routes under /agent/api/. */
  agents: AgentConsole;
  /** The identity check before a filing is shown or changed (one-time codes by SMS, attempts, lockouts). */
  identity: IdentityCheck;
  /** The channels attached (each with the adapter its turns run through). */
  channels: AttachedChannel[];
  /** The middleware every channel adapter runs, in order (after the channel's capabilities). */
  middleware: Middleware[];
  /** The turn handler every channel adapter calls. */
  logic: (context: TurnContext) => Promise<void>;
  /** Listens on the port; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Resolves once what a start leaves until the server is first idle after listen() (the classifiers, the
   * date recognizers) is built: a benchmark waits for it so that its measured turns do not include it.
   */
  warmedUp(): Promise<void>;
  /** Closes what the app opened (after the server stopped and the turns finished). */
  closers: Array<{ name: string; close: () => Promise<void> }>;
}

/**
 * DATA_ENCRYPTION_KEY (with DATA_ENCRYPTION_KEYS), or for a local run without one the key file next to the
 * filings file, made on the first start; one line says so, since that key must be kept with the data.
 */
function localOrConfiguredKeys(config: Config, logger: Logger): DataKeyRing {
  const { ring, keyFile } = dataKeyRingFor(config.dataEncryption, join(dirname(resolve(config.filings.path)), LOCAL_KEY_FILE));
  if (keyFile) {
    logger.warn(
      { keyFile: keyFile.path, keyId: ring.current.id },
      `DATA_ENCRYPTION_KEY is not set: personal data is sealed with the local key in ${keyFile.path} (${keyFile.created ? 'made now' : 'from an earlier start'}); keep it with the data, and set DATA_ENCRYPTION_KEY in production`,
    );
  }
  return ring;
}

/**
 * Wires channels, bot, stores and routes: the only place that knows them all. Builds everything from
 * the configuration; starts nothing until listen().
 */
export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const logger = overrides.logger ?? createLogger({ level: config.log.level, pretty: config.log.pretty });
  for (const warning of config.warnings) logger.warn(warning);
  const texts = new Texts();
  const profiles = loadProfiles();
  if (!profiles.has(config.defaultRegion)) {
    throw new ConfigError(`Invalid configuration: DEFAULT_REGION must name a profile in content/regions/ (have: ${[...profiles.keys()].join(', ')})`);
  }
  const defaultProfile = profiles.get(config.defaultRegion)!;
  // People's own words: trained once from content/nlu/ (shared by every bot in the process) or read from the
  // models a build or an earlier start kept (src/nlu/model-cache.ts): each classifier on its first use, and
  // the rest once the server is idle after listen() (below).
  const understanding = createUnderstanding();
  const metrics = createMetrics();
  const dataKeys = overrides.dataKeys ?? localOrConfiguredKeys(config, logger);
  const filings =
    overrides.filings ??
    createFilingStore({
      keys: dataKeys,
      path: config.filings.path,
      url: config.filings.url, // FILINGS_URL: PostgreSQL shared by every instance; never logged (it holds a password)
      onError: throttledWarning<Error>(30_000, (err, heldBack) => logger.warn({ err, heldBack }, 'filing store connection problem')),
    });
  // Every user of the store (the bot, the agency API, the notice worker) goes through one timed wrapper.
  const timedFilings = timedFilingStore(filings, metrics);
  const { redis } = config.state;
  const state = createStateStorage({
    ...(config.state.redisUrl ? { redisUrl: config.state.redisUrl } : {}),
    keyPrefix: config.state.keyPrefix,
    conversationTtlSeconds: config.state.conversationTtlSeconds,
    userTtlSeconds: config.state.userTtlSeconds,
    ...(redis.sentinels ? { sentinels: redis.sentinels, sentinelName: redis.sentinelName, sentinelPassword: redis.sentinelPassword } : {}),
    ...(redis.clusterNodes ? { cluster: true, clusterNodes: redis.clusterNodes } : {}),
    commandTimeoutMs: redis.commandTimeoutMs,
    lockTtlMs: config.turns.lockTtlMs,
    dedupeWindowMs: config.turns.dedupeWindowSeconds * 1000,
    // ioredis reports every reconnect attempt while Redis is away: one line per 30 s is enough.
    onError: throttledWarning<Error>(30_000, (err, heldBack) => logger.warn({ err, heldBack }, 'redis connection problem')),
  });
  logger.info(
    { state: state.kind, filings: config.filings.url ? 'postgres' : config.filings.path, defaultRegion: config.defaultRegion, localMode: config.localMode },
    state.kind === 'memory' ? 'state kept in process memory (no REDIS_URL): one instance only' : 'state kept in Redis',
  );

  // Filings given up by silence: counted at their last question once they outlive their state.
  const abandonment = new AbandonmentWatch({
    waiting: state.waiting,
    abandoned: (step) => metrics.abandoned(step, 'expired'),
    idleMs: config.state.conversationTtlSeconds * 1000,
    logger,
  });

  // The half-filled form's personal fields are sealed on their way to the store (timed without the cipher).
  const stateCipher = new FieldCipher(dataKeys);
  const sealedState = new SealedStorage(timedStorage(state.storage, metrics), {
    cipher: stateCipher,
    fields: FilingBot.sealedStateFields,
    onUnreadable: throttledWarning<Error>(30_000, (err, heldBack) => logger.warn({ err, heldBack }, 'a sealed answer in the conversation state could not be opened; it is asked again')),
  });
  const conversationState = new JsonCheckedConversationState(sealedState);
  // Text messages (one-time codes, references) and the identity check, sharing Redis with the state when it is there.
  const sms = overrides.sms ?? createSmsSender(config.sms);
  const identity = createIdentityCheck({
    sms,
    ...(state.client ? { redis: state.client } : {}),
    keyPrefix: config.state.keyPrefix,
    key: dataKeys.current.lookupKey,
    limits: config.identity,
    registry: metrics.registry,
    logger,
  });

  // The live handoff to a person (src/handoff/): the queue and the agents present beside the conversation
  // state (Redis when configured), so every instance shares one queue. The desk reaches a conversation
  // through the adapter of the channel it came on (known once the channels are attached, below).
  const handoffPrefix = `${config.state.keyPrefix}handoff:`;
  const handoffQueue = state.client
    ? new RedisHandoffQueue(state.client, { prefix: handoffPrefix, chatTtlSeconds: config.state.conversationTtlSeconds, cipher: stateCipher })
    : new MemoryHandoffQueue();
  const agentPresence = state.client ? new RedisAgentPresence(state.client, { prefix: handoffPrefix }) : new MemoryAgentPresence();
  const handoffNow = overrides.handoffNow ?? Date.now;
  let attachedChannels: AttachedChannel[] = [];
  let webTranscript: ActivityLog | undefined;
  // The other channels' transcript for the handoff (the web channel's is its log), sealed beside the state.
  const handoffTranscript = new HandoffTranscript(
    state.client
      ? new RedisTranscriptStore(state.client, { prefix: `${config.state.keyPrefix}transcript:`, ttlSeconds: config.state.conversationTtlSeconds, cipher: stateCipher, onUnreadable: throttledWarning<Error>(30_000, (err, heldBack) => logger.warn({ err, heldBack }, 'a sealed turn of a handoff transcript could not be opened; it is left out')) })
      : new MemoryTranscriptStore({ ttlSeconds: config.state.conversationTtlSeconds }),
    { mask: (context) => bot.incomingTextMask(context), shown: shownToAgent, onError: (err) => logger.warn({ err }, 'handoff transcript: a turn could not be kept') },
  );
  const handoff = new HandoffDesk({
    queue: handoffQueue,
    presence: agentPresence,
    signedIn: () => agents.auth.signedIn(),
    metrics: handoffMetrics(metrics.registry, {
      queueLength: () => handoffQueue.length(),
      agentsPresent: () => handoff.agentsPresent(),
    }),
    texts,
    ...(defaultProfile.hotlineSchedule ? { hours: defaultProfile.hotlineSchedule.value } : {}),
    channelOf: (context) => attachedChannels.find((a) => a.adapter === context.adapter)?.channel.id ?? 'unknown',
    reach: async (via, reference, logic) => {
      const entry = attachedChannels.find((a) => a.channel.id === via);
      if (!entry) throw new Error(`no attached channel "${via}" reaches this conversation`);
      const adapter = entry.adapter as unknown as { continueConversation?: (r: typeof reference, l: typeof logic) => Promise<void> };
      if (via !== 'bot-framework' && adapter.continueConversation) await adapter.continueConversation(reference, logic);
      else await entry.adapter.continueConversationAsync(config.botFramework?.MicrosoftAppId ?? '', reference, logic);
    },
    transcript: {
      read: async (via, reference, turn) =>
        via === 'web' ? (webTranscript ? (await webTranscript.since(reference.conversation?.id ?? '', '', 1000)).activities : []) : handoffTranscript.read(reference, turn),
      handedOff: (turn, from) => handoffTranscript.handedOff(turn, from),
    },
    // What an agent reads of the assistant's messages: the person's summary with its names and address masked.
    shown: shownToAgent,
    maxWaitMs: config.state.conversationTtlSeconds * 1000,
    now: handoffNow,
    onError: (err, what) =>
      logger.warn({ err, what }, what === 'handoff.transcript' ? 'handoff: the transcript could not be read' : 'handoff: an event to the conversation could not be sent'),
  });
  const bot = new FilingBot(conversationState, {
    handoff,
    texts,
    profiles,
    defaultRegion: config.defaultRegion,
    filings: timedFilings,
    today: overrides.today ?? (() => todayInShanghai()),
    understanding,
    conversationTtlSeconds: config.state.conversationTtlSeconds,
    identity,
    sms,
    funnel: metrics,
    waitingWatch: abandonment,
  });
  const inFlight = new InFlightTracker({ texts, localeOf: (context) => bot.localeOf(context) });
  const middleware: Middleware[] = [
    // Conversation tags in logs are salted with a key derived from the token secret: a list of known
    // WeChat openids cannot be hashed to find a person's lines.
    new TurnLogMiddleware({ logger, metrics, hashSalt: createHmac('sha256', config.webToken.secret).update('conversation-tag').digest('hex') }),
    inFlight,
    new TurnOrderMiddleware({ lock: state.turnLock, deduper: state.deduper, texts, logger, maxWaitMs: config.turns.maxWaitMs }),
    createTypingMiddleware(),
  ];
  // bot_errors_total is counted once per failed turn, by the turn log middleware (errorKind).
  const onTurnError = createTurnErrorHandler({ texts, logger, hotline: defaultProfile.hotline.value });
  const logic = (context: TurnContext) => bot.run(context);

  // restify's own lines (e.g. a value an async handler returned, logged in full) go through the app's logger, not to stdout.
  /** What whenIdle builds after listen() (see App.warmedUp). */
  let warm: Promise<void> | undefined;
  const server = restify.createServer({ name: 'yidi-beian', handleUncaughtExceptions: false, log: logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'] });
  limitHttpServer(server.server, config.http); // HTTP_*: timeouts and connection caps for every route
  // No query parser on every request: nothing reads req.query (routes read what they need: queryValue, URL).

  // Every channel on one contract (src/channels/channel.ts): its routes, its adapter, what its turns can show.
  const channels: Channel[] = [];
  // POST /api/messages, unless the web page is deployed alone (BOT_FRAMEWORK_CHANNEL=off).
  if (config.botFrameworkChannel.enabled) {
    channels.push(
      botFrameworkChannel({
        credentials: config.botFramework ?? {},
        replyTimeoutMs: config.botFrameworkChannel.replyTimeoutMs,
        maxConnections: config.botFrameworkChannel.maxConnections,
        localMode: config.localMode,
        allowRemoteInLocalMode: config.botFrameworkChannel.allowRemoteInLocalMode,
        trustProxy: config.web.trustProxyHops,
        logger,
        registry: metrics.registry,
      }),
    );
  }

  // The page names whose service it is and how to reach a person (the default region's profile), the
  // start-over command (content/) and how long a conversation is kept (configuration). A receipt link
  // lives as long as the conversation that filed.
  const receiptLinkTtl = config.state.conversationTtlSeconds;
  const pageWords = Object.fromEntries(
    PAGE_LOCALES.map((locale): [string, Record<string, string>] => [
      locale,
      {
        agency: defaultProfile.agency.value[locale],
        hotline: defaultProfile.hotline.value,
        hours: defaultProfile.hotlineHours.value[locale],
        startOverCommand: texts.t(locale, 'commands.cancel.label'),
        conversationTtl: durationText(texts, locale, config.state.conversationTtlSeconds),
      },
    ]),
  ) as Record<(typeof PAGE_LOCALES)[number], Record<string, string>>;

  // The citizens' web page and its Direct Line-compatible channel, with its own adapter. Its activities,
  // stream tickets and revoked tokens live beside the conversation state (Redis when configured), so any
  // instance can answer a poll or take a stream.
  const webPrefix = `${config.state.keyPrefix}webchat:`;
  // In Redis the transcript's personal fields (the summary and receipt cards, read-backs) are sealed like the form's.
  webTranscript = state.client
      ? new SealedActivityLog(new RedisActivityLog(state.client, { keyPrefix: webPrefix, ttlSeconds: config.state.conversationTtlSeconds }), {
          cipher: stateCipher,
          onUnreadable: throttledWarning<Error>(30_000, (err, heldBack) => logger.warn({ err, heldBack }, 'a sealed activity of a web transcript could not be opened; it is shown without its text')),
        })
      : new MemoryActivityLog({ ttlSeconds: config.state.conversationTtlSeconds });
  const webEntry = webChannel({
    tokenSecret: config.webToken.secret,
    activityLog: webTranscript,
    access: state.client ? new RedisWebAccess(state.client, { keyPrefix: webPrefix }) : new MemoryWebAccess(),
    accessSharesLog: state.client !== undefined, // one round trip for "revoked? conversation there?"
    // The person's messages are kept in the transcript as the bot shows them back (personal data masked).
    incomingTextMask: (context) => bot.incomingTextMask(context),
    logger,
    allowedOrigins: config.web.allowedOrigins, // WEB_ALLOWED_ORIGINS: portals using the API from their own pages (CORS)
    page: { frameAncestors: ["'self'", ...config.web.frameAncestors], words: pageWords }, // WEB_FRAME_ANCESTORS: portals framing the page
    documents: {
      privacy: (locale) => privacyNotice(locale, { profile: defaultProfile, texts, conversationTtlSeconds: config.state.conversationTtlSeconds, receiptLinkTtlSeconds: receiptLinkTtl }),
      receipts: {
        canonical: normalizeReference,
        view: async (reference, locale) => {
          const stored = await filings.get(reference);
          return stored ? receiptOf(stored, locale, { profiles, defaultRegion: config.defaultRegion, texts }) : undefined;
        },
        problem: (kind, locale) => receiptProblem(kind, locale, texts),
        linkTtlSeconds: receiptLinkTtl,
      },
    },
    trustProxy: config.web.trustProxyHops, // WEB_TRUST_PROXY: proxies in front that append to X-Forwarded-For
    // An expired token may resume its conversation for DEFAULT_EXPIRED_TOKEN_GRACE_SECONDS (2 h: a laptop that slept).
  });
  channels.push(webEntry);
  // The WeChat Official Account at /wechat, when WECHAT_TOKEN is set. What its instances share (retries
  // claimed, the 48-hour window, the access token) lives beside the conversation state.
  if (config.wechat) {
    const { token, appId, appSecret, encodingAesKey, apiBaseUrl } = config.wechat;
    channels.push(
      weChatChannel({
        token,
        ...(appId && appSecret ? { appId, appSecret } : {}),
        ...(encodingAesKey ? { encodingAesKey } : {}),
        apiBaseUrl,
        store: state.client ? new RedisWeChatStore(state.client, { prefix: `${config.state.keyPrefix}wechat:` }) : new MemoryWeChatStore(),
        // Hashes of openids (store keys, log tags) are salted with the account's token: the same on every instance, secret.
        hashSalt: createHmac('sha256', token).update('wechat-person').digest('hex'),
        dedupeWindowMs: config.turns.dedupeWindowSeconds * 1000,
        languageTtlMs: config.state.conversationTtlSeconds * 1000,
        ...(overrides.wechatReplyDeadlineMs !== undefined ? { replyDeadlineMs: overrides.wechatReplyDeadlineMs } : {}),
        texts,
        logger,
        registry: metrics.registry,
        trustProxy: config.web.trustProxyHops,
      }),
    );
  }
  // The hotline agents' console at /agent/ (AGENT_ACCOUNTS, AGENT_ACCOUNTS_FILE): sessions, lockouts and
  // presence beside the conversation state (Redis when configured), so every instance knows every agent.
  let accounts;
  try {
    accounts = loadAccounts(config.agents);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}. See .env.example.`);
  }
  const agents = registerAgentConsole(server, {
    accounts,
    store: state.client ? new RedisAgentSessionStore(state.client, { prefix: `${config.state.keyPrefix}agent:` }) : new MemoryAgentSessionStore(),
    texts,
    logger,
    registry: metrics.registry,
    idleSeconds: config.agents.idleTimeoutSeconds,
    sessionMaxSeconds: config.agents.sessionMaxSeconds,
    lockout: { attempts: config.agents.lockoutAttempts, seconds: config.agents.lockoutSeconds },
    trustProxy: config.web.trustProxyHops,
    oidc: config.agents.oidc,
  });
  if (accounts.size === 0) logger.info('no agent accounts (AGENT_ACCOUNTS, AGENT_ACCOUNTS_FILE): nobody can sign in to the console at /agent/');
  // The hotline's guided call: the same dialogs, driven by a signed-in agent from the console (/agent/api/calls).
  const callTtlMs = config.state.conversationTtlSeconds * 1000;
  channels.push(
    hotlineChannel({
      api: agents.api,
      audit: agents.audit,
      calls: state.client ? new RedisCallStore(state.client, { prefix: `${config.state.keyPrefix}hotline:`, ttlMs: callTtlMs }) : new MemoryCallStore(callTtlMs),
      // A call's requests one at a time (its own lock, apart from the conversation's turn lock each turn takes inside).
      callLock: state.client ? new RedisTurnLock(state.client, { prefix: `${config.state.keyPrefix}hotline:lock:`, lockTtlMs: config.turns.lockTtlMs }) : new MemoryTurnLock(),
      callLockWaitMs: config.turns.maxWaitMs,
      texts,
      answersOf: (context) => bot.answersOf(context),
      filingUnderWay: (context) => bot.filingUnderWay(context),
      registry: metrics.registry,
    }),
  );

  // The one place the bot and the turn middleware meet every channel.
  const words = async (context: TurnContext, key: string) => texts.t(await bot.localeOf(context), key);
  const attached = attachChannels(server, channels, { bot: { logic, onTurnError, words }, middleware });
  const web = webEntry.web!;
  attachedChannels = attached;
  // The handoff transcript where the channel keeps no log (after the turn order: a turn's write rides on its end),
  // when agents can sign in: without one nobody is ever queued, and no transcript is asked for.
  const transcribed = accounts.size > 0 ? attached.filter(({ channel }) => channel.id === 'bot-framework' || channel.id === 'wechat') : [];
  for (const { adapter } of transcribed) adapter.use(handoffTranscript);
  // The assistant the desk hands conversations back to, and the console's queue and chat routes.
  handoff.useAssistant({
    resume: (context, at) => bot.resume(context, at),
    ask: (context) => bot.resume(context, undefined, { keepHandoff: true }),
    answer: (context) => bot.run(context),
    draft: (context) => bot.draftOf(context),
    mask: (context) => bot.incomingTextMask(context),
  });
  registerHandoffRoutes(agents.api, { desk: handoff, texts, audit: agents.audit, now: handoffNow });

  // The agency's side: the back-office API at /agency/v1/ and the review page at /agency/ over it.
  const agencyDeps = {
    filings: timedFilings,
    keyring: new AgencyKeyring(config.agency.keys),
    sessions: new AgencySessions(state.storage, config.agency.sessionTtlSeconds),
    logger,
    trustProxy: config.web.trustProxyHops,
  };
  const guard = agencyGuard(agencyDeps);
  registerAgencyApi(server, agencyDeps, guard);
  const categoryNames = Object.fromEntries(
    PAGE_LOCALES.map((locale) => [locale, Object.fromEntries(Object.entries(defaultProfile.categories).map(([id, c]) => [id, c.name[locale]]))]),
  ) as Record<(typeof PAGE_LOCALES)[number], Record<string, string>>;
  registerReviewPage(server, { ...agencyDeps, texts, categoryNames, sessionTtlSeconds: config.agency.sessionTtlSeconds }, guard);

  // Notices to persons (src/notices/): every instance works the filing store's outbox, each notice once,
  // on the channel the person filed from.
  // A filing taken on the hotline has no chat: its notices go by text message to the phone on file.
  const deliveries: NoticeDelivery[] = [webDelivery(web.adapter, webTranscript), smsDelivery(sms)];
  for (const { channel, adapter } of attached) {
    if (channel.id === 'wechat') deliveries.push(weChatDelivery(adapter));
    if (channel.id === 'bot-framework') deliveries.push(botFrameworkDelivery(adapter, config.botFramework?.MicrosoftAppId ?? ''));
  }
  const notices = new NoticeWorker({
    filings: timedFilings,
    deliveries,
    texts,
    profiles,
    defaultRegion: config.defaultRegion,
    logger,
    registry: metrics.registry,
    pollMs: config.notices.pollMs,
    expiryDays: config.notices.expiryDays,
  });

  registerOpsRoutes(server, {
    metrics,
    draining: () => inFlight.stopping,
    readiness: async () => {
      const [stateOk, filingsOk] = await Promise.all([state.ping(), filings.ping()]);
      return { ok: stateOk && filingsOk, checks: { state: stateOk, filings: filingsOk } };
    },
  });

  return {
    server,
    bot,
    web,
    logger,
    metrics,
    abandonment,
    notices,
    filings,
    state,
    dataKeys,
    inFlight,
    profiles,
    agents,
    identity,
    handoff,
    channels: attached,
    middleware,
    logic,
    warmedUp: () => warm ?? Promise.reject(new Error('warmedUp() before listen()')),
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          abandonment.start();
          notices.start();
          // What a later turn would otherwise build on its first use (the classifiers, ~0.1 s; the date
          // recognizers, ~0.7 s), once no request is in flight: the first answers do not wait for it.
          warm = whenIdle(server.server, [() => understanding.warmUp(), () => warmUpDateRecognizer('zh-CN'), () => warmUpDateRecognizer('en-US')], { quietMs: 100, maxWaitMs: 10_000 });
          resolve((server.address() as { port: number }).port);
        });
      }),
    closers: [
      { name: 'abandonment', close: () => abandonment.stop() },
      { name: 'notices', close: () => notices.stop() },
      ...channelClosers(attached),
      { name: 'filings', close: () => filings.close() },
      { name: 'state', close: () => state.close() },
    ],
  };
}
