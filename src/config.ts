import { randomBytes } from 'node:crypto';
import { parseAgencyKeys } from './agency/keys.js';
import { z } from 'zod';
import { DEFAULT_FILINGS_PATH } from './filings/lowdb-store.js';
import { parseOrigin, splitOrigins } from './channels/web/cors.js';
import { parseDataKey } from './privacy/data-keys.js';
import { isEncodingAesKey } from './channels/wechat/wechat-crypto.js';
import { DEFAULT_WECHAT_API_BASE_URL } from './channels/wechat/wechat-api.js';
import { DEFAULT_SMS_FILE_PATH } from './identity/file-sms-sender.js';
import { parseAuthHeader } from './identity/http-sms-sender.js';
import { IDENTITY_DEFAULTS } from './identity/identity-check.js';

/**
 * The environment as one zod schema. Every variable is documented, with its default, in .env.example.
 * An empty value counts as unset (a copied .env has `MicrosoftAppId=`). A mistake throws a ConfigError
 * whose message is one line naming each wrong variable and what it expects; values are never echoed,
 * since a variable may hold a secret.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

/** The shortest WEB_TOKEN_SECRET accepted. */
export const WEB_TOKEN_SECRET_MIN_LENGTH = 32;

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);

/** One variable: unset gives the default, anything else must pass `accept` or fails with `expects`. */
function variable<T>(name: string, expects: string, accept: (raw: string) => T | undefined) {
  return z.preprocess(
    blankIsUnset,
    z
      .string({ error: `${name} ${expects}` })
      .optional()
      .transform((raw, ctx): T | undefined => {
        if (raw === undefined) return undefined;
        const value = accept(raw);
        if (value === undefined) {
          ctx.addIssue({ code: 'custom', message: `${name} ${expects}` });
          return z.NEVER;
        }
        return value;
      }),
  );
}

const wholeNumber = (min: number, max: number) => (raw: string) => {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
};
const oneOf = <const V extends readonly string[]>(values: V) => (raw: string) =>
  values.find((v) => v.toLowerCase() === raw.toLowerCase());
const matching = (re: RegExp) => (raw: string) => (re.test(raw) ? raw : undefined);
const onOff = (raw: string) => ({ on: true, off: false })[raw.toLowerCase()] as boolean | undefined;
const flag = (raw: string) => ({ true: true, '1': true, yes: true, false: false, '0': false, no: false })[raw.toLowerCase()] as boolean | undefined;
const postgresUrl = (raw: string) => {
  try {
    const url = new URL(raw);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:' ? raw : undefined;
  } catch {
    return undefined;
  }
};
const httpUrl = (raw: string) => {
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.search === '' && url.hash === '' ? raw.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
};
const redisUrl = (raw: string) => {
  try {
    const url = new URL(raw);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '' ? raw : undefined;
  } catch {
    return undefined;
  }
};

/** An OpenID Connect URL: https, or http on this machine only (a local provider, tests). */
const oidcUrl = (raw: string) => {
  try {
    const url = new URL(raw);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? raw : undefined;
  } catch {
    return undefined;
  }
};

/** A list of exact origins (commas and/or spaces between them): one issue per wrong item, naming its position. */
function originList(name: string) {
  const expects = 'must be an origin such as https://www.rizhao.gov.cn (https://host[:port], or http://localhost[:port] for development; no path, no wildcard)';
  return z.preprocess(
    blankIsUnset,
    z
      .string({ error: `${name} must be a list of origins` })
      .optional()
      .transform((raw, ctx): string[] => {
        const origins: string[] = [];
        splitOrigins(raw ?? '').forEach((item, index, all) => {
          const origin = parseOrigin(item);
          if (origin === undefined) ctx.addIssue({ code: 'custom', message: `${name} item ${index + 1} of ${all.length} ${expects}` });
          else if (!origins.includes(origin)) origins.push(origin);
        });
        return origins;
      }),
  );
}

/** "h1:26379,h2:26379" → [{host, port}]; undefined when any entry is not host:port. */
const hostPorts = (raw: string) => {
  const nodes = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const parsed = nodes.map((node) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(node);
    const port = m ? Number(m[2]) : 0;
    return m && port >= 1 && port <= 65535 ? { host: m[1]!.replace(/^\[|\]$/g, ''), port } : undefined;
  });
  return parsed.length > 0 && parsed.every((n) => n !== undefined) ? (parsed as Array<{ host: string; port: number }>) : undefined;
};

/** "k1,k2" → the keys, each 32 bytes in base64 or base64url; undefined when any is not one. */
const dataKeys = (raw: string) => {
  const keys = raw.split(',').map((k) => k.trim()).filter((k) => k !== '');
  return keys.length > 0 && keys.every((k) => parseDataKey(k) !== undefined) ? keys : undefined;
};
const DATA_KEY_EXPECTS = '32 random bytes in base64, e.g. from npm run -s data:key';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SECONDS = 10 * 365 * 24 * 60 * 60;

export const envSchema = z
  .object({
    PORT: variable('PORT', 'must be a whole number from 0 to 65535 (default 3978)', wholeNumber(0, 65535)),
    MicrosoftAppId: variable('MicrosoftAppId', "must be the bot's app registration id, a GUID (leave it empty for local mode)", matching(GUID)),
    MicrosoftAppPassword: variable('MicrosoftAppPassword', 'must be the app registration secret', (raw) => raw),
    MicrosoftAppType: variable('MicrosoftAppType', `must be one of ${APP_TYPES.join(', ')} (default MultiTenant)`, oneOf(APP_TYPES)),
    MicrosoftAppTenantId: variable('MicrosoftAppTenantId', 'must be a tenant id (a GUID) or a tenant domain', matching(/^[\w.-]+$/)),
    DEFAULT_REGION: variable('DEFAULT_REGION', 'must be a region profile id such as rizhao (lower-case letters, digits, hyphens)', matching(/^[a-z][a-z0-9-]*$/)),
    FILINGS_PATH: variable('FILINGS_PATH', 'must be a file path', (raw) => raw),
    FILINGS_URL: variable('FILINGS_URL', 'must be a postgres:// or postgresql:// URL (leave it empty to keep filings in the FILINGS_PATH file)', postgresUrl),
    REDIS_URL: variable('REDIS_URL', 'must be a redis:// or rediss:// URL (leave it empty to keep state in memory)', redisUrl),
    REDIS_KEY_PREFIX: variable('REDIS_KEY_PREFIX', 'must be 1 to 64 characters without spaces (default beian:state:)', matching(/^\S{1,64}$/)),
    STATE_TTL_CONVERSATION_SECONDS: variable('STATE_TTL_CONVERSATION_SECONDS', 'must be a whole number of seconds, at least 60 (default 86400)', wholeNumber(60, MAX_SECONDS)),
    STATE_TTL_USER_SECONDS: variable('STATE_TTL_USER_SECONDS', 'must be a whole number of seconds, at least 60 (default 2592000)', wholeNumber(60, MAX_SECONDS)),
    REDIS_SENTINELS: variable('REDIS_SENTINELS', 'must be comma-separated Sentinel addresses host:port, e.g. s1:26379,s2:26379', hostPorts),
    REDIS_SENTINEL_NAME: variable('REDIS_SENTINEL_NAME', 'must be the Sentinel master group name (letters, digits, . _ -; default mymaster)', matching(/^[\w.-]{1,128}$/)),
    REDIS_SENTINEL_PASSWORD: variable('REDIS_SENTINEL_PASSWORD', "must be the Sentinels' own password", (raw) => raw),
    REDIS_CLUSTER_NODES: variable('REDIS_CLUSTER_NODES', 'must be comma-separated cluster seed nodes host:port, e.g. r1:6379,r2:6379', hostPorts),
    REDIS_COMMAND_TIMEOUT_MS: variable('REDIS_COMMAND_TIMEOUT_MS', 'must be a whole number of milliseconds from 50 to 60000 (default 1000)', wholeNumber(50, 60_000)),
    TURN_LOCK_TTL_MS: variable('TURN_LOCK_TTL_MS', 'must be a whole number of milliseconds from 1000 to 600000 (default 10000)', wholeNumber(1_000, 600_000)),
    TURN_MAX_WAIT_MS: variable('TURN_MAX_WAIT_MS', 'must be a whole number of milliseconds from 0 to 60000 (default 5000)', wholeNumber(0, 60_000)),
    TURN_DEDUPE_WINDOW_SECONDS: variable('TURN_DEDUPE_WINDOW_SECONDS', 'must be a whole number of seconds from 1 to 86400 (default 600)', wholeNumber(1, 86_400)),
    WEB_TOKEN_SECRET: variable('WEB_TOKEN_SECRET', `must be at least ${WEB_TOKEN_SECRET_MIN_LENGTH} characters (e.g. openssl rand -base64 48)`, (raw) =>
      raw.length >= WEB_TOKEN_SECRET_MIN_LENGTH ? raw : undefined,
    ),
    WEB_ALLOWED_ORIGINS: originList('WEB_ALLOWED_ORIGINS'),
    WEB_FRAME_ANCESTORS: originList('WEB_FRAME_ANCESTORS'),
    WEB_TRUST_PROXY: variable('WEB_TRUST_PROXY', 'must be the number of trusted proxies in front of the bot, a whole number from 0 to 10 (default 0)', wholeNumber(0, 10)),
    BOT_FRAMEWORK_CHANNEL: variable('BOT_FRAMEWORK_CHANNEL', 'must be on or off (default on; off: no /api/messages, the web page alone)', onOff),
    ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: variable('ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK', 'must be true or false (default false)', flag),
    BOT_FRAMEWORK_REPLY_TIMEOUT_MS: variable('BOT_FRAMEWORK_REPLY_TIMEOUT_MS', 'must be a whole number of milliseconds from 500 to 60000 (default 5000)', wholeNumber(500, 60_000)),
    BOT_FRAMEWORK_MAX_CONNECTIONS: variable('BOT_FRAMEWORK_MAX_CONNECTIONS', 'must be a whole number from 1 to 1000 (default 64)', wholeNumber(1, 1_000)),
    HTTP_HEADERS_TIMEOUT_MS: variable('HTTP_HEADERS_TIMEOUT_MS', 'must be a whole number of milliseconds from 1000 to 120000 (default 10000)', wholeNumber(1_000, 120_000)),
    HTTP_REQUEST_TIMEOUT_MS: variable('HTTP_REQUEST_TIMEOUT_MS', 'must be a whole number of milliseconds from 1000 to 300000 (default 20000)', wholeNumber(1_000, 300_000)),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: variable('HTTP_KEEP_ALIVE_TIMEOUT_MS', 'must be a whole number of milliseconds from 1000 to 600000 (default 5000)', wholeNumber(1_000, 600_000)),
    HTTP_MAX_CONNECTIONS: variable('HTTP_MAX_CONNECTIONS', 'must be a whole number from 10 to 1000000 (default 1000)', wholeNumber(10, 1_000_000)),
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: variable('HTTP_MAX_CONNECTIONS_PER_ADDRESS', 'must be a whole number from 0 to 1000000 (default 200; 0: no limit per address)', wholeNumber(0, 1_000_000)),
    DATA_ENCRYPTION_KEY: variable('DATA_ENCRYPTION_KEY', `must be ${DATA_KEY_EXPECTS}`, (raw) => (parseDataKey(raw) ? raw : undefined)),
    DATA_ENCRYPTION_KEYS: variable('DATA_ENCRYPTION_KEYS', `must be the older data keys, comma-separated, each ${DATA_KEY_EXPECTS}`, dataKeys),
    LOG_LEVEL: variable('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (default info)`, oneOf(LOG_LEVELS)),
    LOG_PRETTY: variable('LOG_PRETTY', 'must be true or false', flag),
    SHUTDOWN_TIMEOUT_MS: variable('SHUTDOWN_TIMEOUT_MS', 'must be a whole number of milliseconds from 100 to 600000 (default 10000)', wholeNumber(100, 600_000)),
    SHUTDOWN_DRAIN_DELAY_MS: variable('SHUTDOWN_DRAIN_DELAY_MS', 'must be a whole number of milliseconds from 0 to 120000 (default 0)', wholeNumber(0, 120_000)),
    WECHAT_TOKEN: variable('WECHAT_TOKEN', "must be the Official Account server's Token: 3 to 32 letters or digits", matching(/^[A-Za-z0-9]{3,32}$/)),
    WECHAT_APP_ID: variable('WECHAT_APP_ID', 'must be the AppID of the Official Account (wx followed by 16 letters or digits)', matching(/^wx[A-Za-z0-9]{16}$/)),
    WECHAT_APP_SECRET: variable('WECHAT_APP_SECRET', 'must be the AppSecret of the Official Account (16 to 64 letters or digits)', matching(/^[A-Za-z0-9]{16,64}$/)),
    WECHAT_ENCODING_AES_KEY: variable('WECHAT_ENCODING_AES_KEY', 'must be the EncodingAESKey of the Official Account: 43 letters, digits, + or /', (raw) => (isEncodingAesKey(raw) ? raw : undefined)),
    WECHAT_API_BASE_URL: variable('WECHAT_API_BASE_URL', `must be an http(s) URL without query, e.g. ${DEFAULT_WECHAT_API_BASE_URL}`, httpUrl),
    AGENT_ACCOUNTS: variable('AGENT_ACCOUNTS', 'must be agent accounts <id>:<password hash>:<display name>, separated by ";" (npm run -s agent:add prints one)', (raw) => raw),
    AGENT_ACCOUNTS_FILE: variable('AGENT_ACCOUNTS_FILE', 'must be the path of a file with one agent account per line', (raw) => raw),
    AGENT_IDLE_TIMEOUT_SECONDS: variable('AGENT_IDLE_TIMEOUT_SECONDS', 'must be a whole number of seconds from 60 to 86400 (default 1800)', wholeNumber(60, 86_400)),
    AGENT_SESSION_MAX_SECONDS: variable('AGENT_SESSION_MAX_SECONDS', 'must be a whole number of seconds from 300 to 604800 (default 43200)', wholeNumber(300, 604_800)),
    AGENT_LOCKOUT_ATTEMPTS: variable('AGENT_LOCKOUT_ATTEMPTS', 'must be a whole number from 1 to 100 (default 5)', wholeNumber(1, 100)),
    AGENT_LOCKOUT_SECONDS: variable('AGENT_LOCKOUT_SECONDS', 'must be a whole number of seconds from 1 to 86400 (default 900)', wholeNumber(1, 86_400)),
    AGENT_OIDC_ISSUER: variable('AGENT_OIDC_ISSUER', "must be the OpenID Connect provider's issuer URL, https:// (http:// only on this machine)", oidcUrl),
    AGENT_OIDC_CLIENT_ID: variable('AGENT_OIDC_CLIENT_ID', "must be the console's client id at the provider", matching(/^\S{1,256}$/)),
    AGENT_OIDC_CLIENT_SECRET: variable('AGENT_OIDC_CLIENT_SECRET', "must be the console's client secret at the provider", (raw) => raw),
    AGENT_OIDC_REDIRECT_URI: variable('AGENT_OIDC_REDIRECT_URI', 'must be the callback URL registered with the provider, ending in /agent/oidc/callback (https://, http:// only on this machine)', (raw) =>
      oidcUrl(raw) !== undefined && new URL(raw).pathname === '/agent/oidc/callback' ? raw : undefined,
    ),
    AGENT_OIDC_ACCOUNT_CLAIM: variable('AGENT_OIDC_ACCOUNT_CLAIM', 'must be the name of an ID token claim, e.g. preferred_username (default)', matching(/^[A-Za-z_][\w.:-]{0,63}$/)),
    SMS_PROVIDER: variable('SMS_PROVIDER', 'must be file or http (default file: codes are written to SMS_FILE_PATH for the operator)', oneOf(['file', 'http'] as const)),
    SMS_FILE_PATH: variable('SMS_FILE_PATH', 'must be a file path', (raw) => raw),
    SMS_HTTP_URL: variable('SMS_HTTP_URL', 'must be an http(s) URL without query (the SMS provider or gateway that takes the JSON POST)', httpUrl),
    SMS_HTTP_AUTH_HEADER: variable('SMS_HTTP_AUTH_HEADER', 'must be one header as "Name: value", e.g. "Authorization: Bearer <token>"', (raw) => parseAuthHeader(raw)),
    SMS_HTTP_TIMEOUT_MS: variable('SMS_HTTP_TIMEOUT_MS', 'must be a whole number of milliseconds from 500 to 60000 (default 5000)', wholeNumber(500, 60_000)),
    IDENTITY_MAX_ATTEMPTS: variable('IDENTITY_MAX_ATTEMPTS', 'must be a whole number from 1 to 100 (default 5)', wholeNumber(1, 100)),
    IDENTITY_MAX_ATTEMPTS_PER_ADDRESS: variable('IDENTITY_MAX_ATTEMPTS_PER_ADDRESS', 'must be a whole number from 1 to 10000 (default 20)', wholeNumber(1, 10_000)),
    IDENTITY_LOCKOUT_SECONDS: variable('IDENTITY_LOCKOUT_SECONDS', 'must be a whole number of seconds from 1 to 86400 (default 900)', wholeNumber(1, 86_400)),
    IDENTITY_MAX_CODES: variable('IDENTITY_MAX_CODES', 'must be a whole number from 1 to 100 (default 3)', wholeNumber(1, 100)),
    IDENTITY_MAX_CODES_PER_ADDRESS: variable('IDENTITY_MAX_CODES_PER_ADDRESS', 'must be a whole number from 1 to 10000 (default 10)', wholeNumber(1, 10_000)),
    IDENTITY_CODE_TTL_SECONDS: variable('IDENTITY_CODE_TTL_SECONDS', 'must be a whole number of seconds from 30 to 3600 (default 300)', wholeNumber(30, 3_600)),
    AGENCY_API_KEYS: variable('AGENCY_API_KEYS', 'must be comma-separated NAME:HASH entries, each from npm run -s agency:key -- NAME (names unique)', parseAgencyKeys),
    AGENCY_SESSION_TTL_SECONDS: variable('AGENCY_SESSION_TTL_SECONDS', 'must be a whole number of seconds from 300 to 86400 (default 28800)', wholeNumber(300, 86_400)),
    NOTICES_POLL_MS: variable('NOTICES_POLL_MS', 'must be a whole number of milliseconds from 100 to 600000 (default 5000)', wholeNumber(100, 600_000)),
    NOTICE_EXPIRY_DAYS: variable('NOTICE_EXPIRY_DAYS', 'must be a whole number of days from 1 to 60 (default 7)', wholeNumber(1, 60)),
    NODE_ENV: z.preprocess(blankIsUnset, z.string().optional()),
  })
  .superRefine((env, ctx) => {
    const need = (when: boolean, message: string) => when && ctx.addIssue({ code: 'custom', message });
    const appId = env.MicrosoftAppId !== undefined;
    const type = env.MicrosoftAppType ?? 'MultiTenant';
    need(!appId && env.MicrosoftAppPassword !== undefined, 'MicrosoftAppId is required when MicrosoftAppPassword is set (or leave both empty for local mode)');
    need(appId && type !== 'UserAssignedMSI' && env.MicrosoftAppPassword === undefined, `MicrosoftAppPassword is required when MicrosoftAppId is set and MicrosoftAppType is ${type}`);
    need(appId && type !== 'MultiTenant' && env.MicrosoftAppTenantId === undefined, `MicrosoftAppTenantId is required when MicrosoftAppType is ${type}`);
    need(env.REDIS_SENTINELS !== undefined && env.REDIS_CLUSTER_NODES !== undefined, 'REDIS_SENTINELS and REDIS_CLUSTER_NODES cannot both be set (Sentinel or Cluster, not both)');
    need(env.REDIS_SENTINELS !== undefined && env.REDIS_URL === undefined, 'REDIS_URL is required when REDIS_SENTINELS is set (it gives the password and db; its host is ignored)');
    need(env.REDIS_CLUSTER_NODES !== undefined && env.REDIS_URL === undefined, 'REDIS_URL is required when REDIS_CLUSTER_NODES is set (it gives the password and TLS)');
    need(env.REDIS_SENTINEL_PASSWORD !== undefined && env.REDIS_SENTINELS === undefined, 'REDIS_SENTINELS is required when REDIS_SENTINEL_PASSWORD is set');
    need(appId && env.WEB_TOKEN_SECRET === undefined, `WEB_TOKEN_SECRET is required when MicrosoftAppId is set (at least ${WEB_TOKEN_SECRET_MIN_LENGTH} characters)`);
    need(appId && env.ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK === true, 'ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK applies only without MicrosoftAppId (local mode): remove it');
    need(env.BOT_FRAMEWORK_CHANNEL === false && env.ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK === true, 'ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK has no effect with BOT_FRAMEWORK_CHANNEL=off: remove it');
    need(
      env.HTTP_HEADERS_TIMEOUT_MS !== undefined && env.HTTP_HEADERS_TIMEOUT_MS > (env.HTTP_REQUEST_TIMEOUT_MS ?? 20_000),
      'HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS (the whole request, headers and body)',
    );
    need(env.HTTP_MAX_CONNECTIONS_PER_ADDRESS !== undefined && env.HTTP_MAX_CONNECTIONS_PER_ADDRESS > (env.HTTP_MAX_CONNECTIONS ?? 1_000), 'HTTP_MAX_CONNECTIONS_PER_ADDRESS must not be more than HTTP_MAX_CONNECTIONS');
    need(appId && env.DATA_ENCRYPTION_KEY === undefined, `DATA_ENCRYPTION_KEY is required when MicrosoftAppId is set (${DATA_KEY_EXPECTS})`);
    need(env.FILINGS_URL !== undefined && env.DATA_ENCRYPTION_KEY === undefined, `DATA_ENCRYPTION_KEY is required when FILINGS_URL is set: every instance must seal filings with the same key (${DATA_KEY_EXPECTS})`);
    need(
      env.REDIS_URL !== undefined && env.FILINGS_URL === undefined && env.DATA_ENCRYPTION_KEY === undefined,
      `DATA_ENCRYPTION_KEY is required when REDIS_URL is set: every instance must seal the conversation state with the same key (${DATA_KEY_EXPECTS})`,
    );
    need(env.DATA_ENCRYPTION_KEYS !== undefined && env.DATA_ENCRYPTION_KEY === undefined, 'DATA_ENCRYPTION_KEY is required when DATA_ENCRYPTION_KEYS is set (the older keys are only read; new values are sealed with DATA_ENCRYPTION_KEY)');
    const wechatOn = env.WECHAT_TOKEN !== undefined;
    for (const name of ['WECHAT_APP_ID', 'WECHAT_APP_SECRET', 'WECHAT_ENCODING_AES_KEY', 'WECHAT_API_BASE_URL'] as const) {
      need(!wechatOn && env[name] !== undefined, `${name} has no effect without WECHAT_TOKEN (the WeChat channel is on only when WECHAT_TOKEN is set)`);
    }
    need(wechatOn && (env.WECHAT_APP_ID === undefined) !== (env.WECHAT_APP_SECRET === undefined), 'WECHAT_APP_ID and WECHAT_APP_SECRET go together (the customer-service API needs both)');
    need(wechatOn && env.WECHAT_ENCODING_AES_KEY !== undefined && env.WECHAT_APP_ID === undefined, 'WECHAT_APP_ID is required with WECHAT_ENCODING_AES_KEY (every encrypted message names the app id)');
    const oidcSet = ['AGENT_OIDC_ISSUER', 'AGENT_OIDC_CLIENT_ID', 'AGENT_OIDC_CLIENT_SECRET', 'AGENT_OIDC_REDIRECT_URI'].some((name) => env[name as keyof typeof env] !== undefined);
    for (const name of ['AGENT_OIDC_ISSUER', 'AGENT_OIDC_CLIENT_ID', 'AGENT_OIDC_REDIRECT_URI'] as const) {
      need(oidcSet && env[name] === undefined, `${name} is required for signing agents in through OpenID Connect (AGENT_OIDC_ISSUER, AGENT_OIDC_CLIENT_ID, AGENT_OIDC_REDIRECT_URI go together)`);
    }
    need(
      env.AGENT_SESSION_MAX_SECONDS !== undefined && env.AGENT_SESSION_MAX_SECONDS < (env.AGENT_IDLE_TIMEOUT_SECONDS ?? 1_800),
      'AGENT_SESSION_MAX_SECONDS must not be shorter than AGENT_IDLE_TIMEOUT_SECONDS',
    );
    const smsHttp = env.SMS_PROVIDER === 'http';
    need(smsHttp && env.SMS_HTTP_URL === undefined, 'SMS_HTTP_URL is required when SMS_PROVIDER is http');
    for (const name of ['SMS_HTTP_URL', 'SMS_HTTP_AUTH_HEADER', 'SMS_HTTP_TIMEOUT_MS'] as const) {
      need(!smsHttp && env[name] !== undefined, `${name} has no effect unless SMS_PROVIDER is http`);
    }
    need(smsHttp && env.SMS_FILE_PATH !== undefined, 'SMS_FILE_PATH has no effect when SMS_PROVIDER is http');
  })
  .transform((env) => {
    const warnings: string[] = [];
    let webTokenSecret = env.WEB_TOKEN_SECRET;
    if (webTokenSecret === undefined) {
      webTokenSecret = randomBytes(32).toString('base64url');
      warnings.push('WEB_TOKEN_SECRET is not set: using a random secret for this process, so web chat tokens end with it');
    }
    const botFrameworkOn = env.BOT_FRAMEWORK_CHANNEL ?? true;
    if (env.WECHAT_TOKEN !== undefined && env.WECHAT_APP_ID === undefined) {
      warnings.push(
        'WECHAT_TOKEN is set without WECHAT_APP_ID and WECHAT_APP_SECRET: an answer that misses the 4.5-second passive reply cannot be sent through the customer-service API (logged), and encrypted messages are refused',
      );
    }
    if (env.SMS_PROVIDER !== 'http' && (env.MicrosoftAppId !== undefined || env.REDIS_URL !== undefined)) {
      warnings.push('SMS_PROVIDER is not http: one-time codes and references are written to SMS_FILE_PATH on this machine, not sent to phones (set SMS_PROVIDER=http and SMS_HTTP_URL in production)');
    }
    const allowRemoteInLocalMode = env.ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK ?? false;
    if (botFrameworkOn && allowRemoteInLocalMode) {
      warnings.push(
        'ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK=true: /api/messages takes unauthenticated activities from any address, so anyone who reaches this port can hold conversations on it (replies still go back only in the response or to this machine)',
      );
    }
    const botFramework =
      env.MicrosoftAppId === undefined
        ? undefined
        : {
            MicrosoftAppId: env.MicrosoftAppId,
            MicrosoftAppPassword: env.MicrosoftAppPassword,
            MicrosoftAppType: env.MicrosoftAppType ?? 'MultiTenant',
            MicrosoftAppTenantId: env.MicrosoftAppTenantId,
          };
    return {
      port: env.PORT ?? 3978,
      /** Local mode: no app id, so no channel authentication (Emulator, tests, the built-in web channel). */
      localMode: botFramework === undefined,
      /** Ready for ConfigurationBotFrameworkAuthentication; undefined in local mode. */
      botFramework,
      /** POST /api/messages (BOT_FRAMEWORK_CHANNEL): who may call it and how its replies go out. */
      botFrameworkChannel: {
        enabled: botFrameworkOn,
        /** Local mode only: answer callers on other machines too (otherwise this machine only). */
        allowRemoteInLocalMode,
        /** The longest one reply to a channel may take, retries included. */
        replyTimeoutMs: env.BOT_FRAMEWORK_REPLY_TIMEOUT_MS ?? 5_000,
        /** Open connections to channels at most. */
        maxConnections: env.BOT_FRAMEWORK_MAX_CONNECTIONS ?? 64,
      },
      defaultRegion: env.DEFAULT_REGION ?? 'rizhao',
      /** With `url` (FILINGS_URL), filings go to PostgreSQL, shared by every instance; else to the `path` file. */
      filings: { path: env.FILINGS_PATH ?? DEFAULT_FILINGS_PATH, ...(env.FILINGS_URL === undefined ? {} : { url: env.FILINGS_URL }) },
      state: {
        /** Undefined: conversation and user state live in process memory. */
        redisUrl: env.REDIS_URL,
        keyPrefix: env.REDIS_KEY_PREFIX ?? 'beian:state:',
        conversationTtlSeconds: env.STATE_TTL_CONVERSATION_SECONDS ?? 86_400,
        userTtlSeconds: env.STATE_TTL_USER_SECONDS ?? 2_592_000,
        /** How the client reaches Redis (used only with a REDIS_URL). */
        redis: {
          /** Sentinel addresses; undefined = not Sentinel. */
          sentinels: env.REDIS_SENTINELS,
          sentinelName: env.REDIS_SENTINEL_NAME ?? 'mymaster',
          sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
          /** Cluster seed nodes; undefined = not a cluster. */
          clusterNodes: env.REDIS_CLUSTER_NODES,
          commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS ?? 1_000,
        },
      },
      /** Turns of one conversation run one at a time across instances; redeliveries are dropped. */
      turns: {
        lockTtlMs: env.TURN_LOCK_TTL_MS ?? 10_000,
        maxWaitMs: env.TURN_MAX_WAIT_MS ?? 5_000,
        dedupeWindowSeconds: env.TURN_DEDUPE_WINDOW_SECONDS ?? 600,
      },
      webToken: { secret: webTokenSecret, generated: env.WEB_TOKEN_SECRET === undefined },
      /**
       * Personal data at rest (filings, the half-filled form): sealed with `key`, older keys only read.
       * Without a key (local runs only), the app uses a key file next to the filings file.
       */
      dataEncryption: { key: env.DATA_ENCRYPTION_KEY, olderKeys: env.DATA_ENCRYPTION_KEYS ?? [] },
      web: {
        /** Portal origins whose pages may call the Direct Line routes (CORS); empty: the bot's own page only. */
        allowedOrigins: env.WEB_ALLOWED_ORIGINS,
        /** Origins that may show the page in an iframe (besides the bot's own); empty: none. */
        frameAncestors: env.WEB_FRAME_ANCESTORS,
        /** Proxies in front of the bot that append to X-Forwarded-For (rate limits by the client's address); 0: none. */
        trustProxyHops: env.WEB_TRUST_PROXY ?? 0,
      },
      /** The WeChat Official Account channel at /wechat; undefined (off) without WECHAT_TOKEN. */
      wechat:
        env.WECHAT_TOKEN === undefined
          ? undefined
          : {
              token: env.WECHAT_TOKEN,
              appId: env.WECHAT_APP_ID,
              appSecret: env.WECHAT_APP_SECRET,
              encodingAesKey: env.WECHAT_ENCODING_AES_KEY,
              apiBaseUrl: env.WECHAT_API_BASE_URL ?? DEFAULT_WECHAT_API_BASE_URL,
            },
      /** The hotline agents' console (/agent/): who may sign in (src/agents/agent-accounts.ts) and how sessions end. */
      agents: {
        /** AGENT_ACCOUNTS: account lines separated by ";" (read, with the file, when the app is made). */
        inline: env.AGENT_ACCOUNTS,
        /** AGENT_ACCOUNTS_FILE: one account per line. */
        file: env.AGENT_ACCOUNTS_FILE,
        idleTimeoutSeconds: env.AGENT_IDLE_TIMEOUT_SECONDS ?? 1_800,
        sessionMaxSeconds: env.AGENT_SESSION_MAX_SECONDS ?? 43_200,
        lockoutAttempts: env.AGENT_LOCKOUT_ATTEMPTS ?? 5,
        lockoutSeconds: env.AGENT_LOCKOUT_SECONDS ?? 900,
        /** Signing in through the organisation's OpenID Connect provider; undefined: passwords only. */
        oidc:
          env.AGENT_OIDC_ISSUER === undefined || env.AGENT_OIDC_CLIENT_ID === undefined || env.AGENT_OIDC_REDIRECT_URI === undefined
            ? undefined
            : {
                issuer: env.AGENT_OIDC_ISSUER,
                clientId: env.AGENT_OIDC_CLIENT_ID,
                clientSecret: env.AGENT_OIDC_CLIENT_SECRET,
                redirectUri: env.AGENT_OIDC_REDIRECT_URI,
                accountClaim: env.AGENT_OIDC_ACCOUNT_CLAIM ?? 'preferred_username',
              },
      },
      /** Text messages (one-time codes, references): written to a file for the operator, or POSTed to a provider (src/identity/). */
      sms:
        env.SMS_PROVIDER === 'http'
          ? { provider: 'http' as const, url: env.SMS_HTTP_URL!, ...(env.SMS_HTTP_AUTH_HEADER ? { authHeader: env.SMS_HTTP_AUTH_HEADER } : {}), timeoutMs: env.SMS_HTTP_TIMEOUT_MS ?? 5_000 }
          : { provider: 'file' as const, filePath: env.SMS_FILE_PATH ?? DEFAULT_SMS_FILE_PATH },
      /** The identity check before a filing is shown or changed: attempts, lockout and code lifetime. */
      identity: {
        maxAttempts: env.IDENTITY_MAX_ATTEMPTS ?? IDENTITY_DEFAULTS.maxAttempts,
        maxAttemptsPerAddress: env.IDENTITY_MAX_ATTEMPTS_PER_ADDRESS ?? IDENTITY_DEFAULTS.maxAttemptsPerAddress,
        lockoutMs: (env.IDENTITY_LOCKOUT_SECONDS ?? IDENTITY_DEFAULTS.lockoutMs / 1000) * 1000,
        codeTtlMs: (env.IDENTITY_CODE_TTL_SECONDS ?? IDENTITY_DEFAULTS.codeTtlMs / 1000) * 1000,
        provenMs: IDENTITY_DEFAULTS.provenMs,
        maxCodes: env.IDENTITY_MAX_CODES ?? IDENTITY_DEFAULTS.maxCodes,
        maxCodesPerAddress: env.IDENTITY_MAX_CODES_PER_ADDRESS ?? IDENTITY_DEFAULTS.maxCodesPerAddress,
      },
      /**
       * The agency's API at /agency/v1/ and review page at /agency/ (src/agency/): the keys' names and
       * hashes (AGENCY_API_KEYS; none: both answer 503), how long a review page sign-in lasts.
       */
      agency: { keys: env.AGENCY_API_KEYS ?? [], sessionTtlSeconds: env.AGENCY_SESSION_TTL_SECONDS ?? 28_800 },
      /** Notices to persons (src/notices/): how often each instance looks at the outbox, how early an expiry is told. */
      notices: { pollMs: env.NOTICES_POLL_MS ?? 5_000, expiryDays: env.NOTICE_EXPIRY_DAYS ?? 7 },
      /** Bounds of the HTTP server, for every route (src/ops/http-server-limits.ts). */
      http: httpLimits(env),
      log: { level: env.LOG_LEVEL ?? 'info', pretty: env.LOG_PRETTY ?? env.NODE_ENV === 'development' },
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ?? 10_000,
      shutdownDrainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS ?? 0,
      /** Things an operator should hear about at start-up (log them once the logger exists). */
      warnings,
    };
  });

export type Config = z.output<typeof envSchema>;

/** The HTTP server's bounds; an unset timeout or cap never exceeds the one that contains it. */
function httpLimits(env: {
  HTTP_HEADERS_TIMEOUT_MS?: number | undefined;
  HTTP_REQUEST_TIMEOUT_MS?: number | undefined;
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number | undefined;
  HTTP_MAX_CONNECTIONS?: number | undefined;
  HTTP_MAX_CONNECTIONS_PER_ADDRESS?: number | undefined;
  WEB_TRUST_PROXY?: number | undefined;
}) {
  const requestTimeoutMs = env.HTTP_REQUEST_TIMEOUT_MS ?? 20_000;
  const maxConnections = env.HTTP_MAX_CONNECTIONS ?? 1_000;
  return {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS ?? Math.min(10_000, requestTimeoutMs),
    requestTimeoutMs,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 5_000,
    maxConnections,
    /** 0: none. Not applied behind proxies (WEB_TRUST_PROXY > 0): every connection comes from them. */
    maxConnectionsPerAddress: (env.WEB_TRUST_PROXY ?? 0) > 0 ? 0 : (env.HTTP_MAX_CONNECTIONS_PER_ADDRESS ?? Math.min(200, maxConnections)),
  };
}

/** Reads the configuration from the environment; throws ConfigError naming every wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const messages = [...new Set(parsed.error.issues.map((i) => i.message))];
  throw new ConfigError(`Invalid configuration: ${messages.join('; ')}. See .env.example.`.replace(/[\r\n]+/g, ' '));
}
