import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, WEB_TOKEN_SECRET_MIN_LENGTH } from '../src/config.js';

const APP_ID = '6c5e9a1e-2b7f-4a43-9a0e-0c9b3c8f1d27';
const SECRET = 'k'.repeat(WEB_TOKEN_SECRET_MIN_LENGTH);
const DATA_KEY = 'dGVzdC1vbmx5LWRhdGEta2V5LTAwMDAwMDAwMDAwMDA';
const botFrameworkEnv = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'app-password-value', WEB_TOKEN_SECRET: SECRET, DATA_ENCRYPTION_KEY: DATA_KEY };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(', ')}`);
}

describe('configuration from the environment', () => {
  describe('an empty environment starts the bot in local mode with the documented defaults', () => {
    const config = loadConfig({});
    const defaults: Array<[string, unknown, unknown]> = [
      ['PORT', config.port, 3978],
      ['local mode (no MicrosoftAppId)', config.localMode, true],
      ['no Bot Framework credentials', config.botFramework, undefined],
      ['DEFAULT_REGION', config.defaultRegion, 'rizhao'],
      ['FILINGS_PATH', config.filings.path, './data/filings.json'],
      ['FILINGS_URL (absent: filings in the FILINGS_PATH file)', config.filings.url, undefined],
      ['REDIS_URL (absent: state in memory)', config.state.redisUrl, undefined],
      ['REDIS_KEY_PREFIX', config.state.keyPrefix, 'beian:state:'],
      ['STATE_TTL_CONVERSATION_SECONDS (one day)', config.state.conversationTtlSeconds, 86_400],
      ['STATE_TTL_USER_SECONDS (thirty days)', config.state.userTtlSeconds, 2_592_000],
      ['REDIS_SENTINELS (absent: not Sentinel)', config.state.redis.sentinels, undefined],
      ['REDIS_SENTINEL_NAME', config.state.redis.sentinelName, 'mymaster'],
      ['REDIS_SENTINEL_PASSWORD', config.state.redis.sentinelPassword, undefined],
      ['REDIS_CLUSTER_NODES (absent: not a cluster)', config.state.redis.clusterNodes, undefined],
      ['REDIS_COMMAND_TIMEOUT_MS', config.state.redis.commandTimeoutMs, 1_000],
      ['TURN_LOCK_TTL_MS', config.turns.lockTtlMs, 10_000],
      ['TURN_MAX_WAIT_MS', config.turns.maxWaitMs, 5_000],
      ['TURN_DEDUPE_WINDOW_SECONDS (ten minutes)', config.turns.dedupeWindowSeconds, 600],
      ['LOG_LEVEL', config.log.level, 'info'],
      ['LOG_PRETTY', config.log.pretty, false],
      ['SHUTDOWN_TIMEOUT_MS', config.shutdownTimeoutMs, 10_000],
      ['SHUTDOWN_DRAIN_DELAY_MS', config.shutdownDrainDelayMs, 0],
      ['WEB_ALLOWED_ORIGINS (none: the bot’s own page only)', config.web.allowedOrigins, []],
      ['WEB_FRAME_ANCESTORS (none: no other site may frame the page)', config.web.frameAncestors, []],
      ['WEB_TRUST_PROXY (no proxy: the connection’s own address)', config.web.trustProxyHops, 0],
      ['BOT_FRAMEWORK_CHANNEL (on)', config.botFrameworkChannel.enabled, true],
      ['ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK (false: local mode answers this machine only)', config.botFrameworkChannel.allowRemoteInLocalMode, false],
      ['BOT_FRAMEWORK_REPLY_TIMEOUT_MS', config.botFrameworkChannel.replyTimeoutMs, 5_000],
      ['BOT_FRAMEWORK_MAX_CONNECTIONS', config.botFrameworkChannel.maxConnections, 64],
      ['HTTP_HEADERS_TIMEOUT_MS', config.http.headersTimeoutMs, 10_000],
      ['HTTP_REQUEST_TIMEOUT_MS', config.http.requestTimeoutMs, 20_000],
      ['HTTP_KEEP_ALIVE_TIMEOUT_MS', config.http.keepAliveTimeoutMs, 5_000],
      ['HTTP_MAX_CONNECTIONS', config.http.maxConnections, 1_000],
      ['HTTP_MAX_CONNECTIONS_PER_ADDRESS', config.http.maxConnectionsPerAddress, 200],
    ];
    for (const [what, actual, expected] of defaults) {
      it(`${what} → ${String(expected)}`, () => expect(actual).to.deep.equal(expected));
    }

    it('generates a random web token secret, says so in a warning, and a new one each start', () => {
      expect(config.webToken.generated).to.equal(true);
      expect(config.webToken.secret.length).to.be.at.least(WEB_TOKEN_SECRET_MIN_LENGTH);
      expect(loadConfig({}).webToken.secret).to.not.equal(config.webToken.secret);
      expect(config.warnings.join(' ')).to.include('WEB_TOKEN_SECRET');
    });
  });

  it('reads every variable when set', () => {
    const config = loadConfig({
      PORT: '8080',
      ...botFrameworkEnv,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'contoso.onmicrosoft.com',
      DEFAULT_REGION: 'national',
      FILINGS_PATH: '/var/lib/beian/filings.json',
      REDIS_URL: 'redis://:pw@redis.internal:6380/2',
      REDIS_KEY_PREFIX: 'prod:beian:',
      STATE_TTL_CONVERSATION_SECONDS: '3600',
      STATE_TTL_USER_SECONDS: '604800',
      REDIS_COMMAND_TIMEOUT_MS: '250',
      TURN_LOCK_TTL_MS: '15000',
      TURN_MAX_WAIT_MS: '3000',
      TURN_DEDUPE_WINDOW_SECONDS: '120',
      LOG_LEVEL: 'debug',
      LOG_PRETTY: 'true',
      SHUTDOWN_TIMEOUT_MS: '5000',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://sms-gateway.internal/send/',
      SMS_HTTP_AUTH_HEADER: 'Authorization: Bearer sms-token-value',
      SMS_HTTP_TIMEOUT_MS: '2500',
      IDENTITY_MAX_ATTEMPTS: '3',
      IDENTITY_MAX_ATTEMPTS_PER_ADDRESS: '30',
      IDENTITY_LOCKOUT_SECONDS: '600',
      IDENTITY_CODE_TTL_SECONDS: '120',
      IDENTITY_MAX_CODES: '2',
      IDENTITY_MAX_CODES_PER_ADDRESS: '7',
    });
    expect(config).to.deep.include({ port: 8080, localMode: false, defaultRegion: 'national', shutdownTimeoutMs: 5000, warnings: [] });
    expect(config.botFramework).to.deep.equal({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'app-password-value',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'contoso.onmicrosoft.com',
    });
    expect(config.filings).to.deep.equal({ path: '/var/lib/beian/filings.json' });
    expect(config.state).to.deep.equal({
      redisUrl: 'redis://:pw@redis.internal:6380/2',
      keyPrefix: 'prod:beian:',
      conversationTtlSeconds: 3600,
      userTtlSeconds: 604_800,
      redis: { sentinels: undefined, sentinelName: 'mymaster', sentinelPassword: undefined, clusterNodes: undefined, commandTimeoutMs: 250 },
    });
    expect(config.turns).to.deep.equal({ lockTtlMs: 15_000, maxWaitMs: 3_000, dedupeWindowSeconds: 120 });
    expect(config.webToken).to.deep.equal({ secret: SECRET, generated: false });
    expect(config.log).to.deep.equal({ level: 'debug', pretty: true });
    expect(config.sms).to.deep.equal({ provider: 'http', url: 'https://sms-gateway.internal/send', authHeader: { name: 'Authorization', value: 'Bearer sms-token-value' }, timeoutMs: 2500 });
    expect(config.identity).to.deep.equal({ maxAttempts: 3, maxAttemptsPerAddress: 30, lockoutMs: 600_000, codeTtlMs: 120_000, provenMs: 600_000, maxCodes: 2, maxCodesPerAddress: 7 });
  });

  it('SMS: the embedded file sender by default; the HTTP sender needs its URL, and its variables mean nothing without it (values never echoed)', () => {
    expect(loadConfig({}).sms).to.deep.equal({ provider: 'file', filePath: './data/sms-outbox.jsonl' });
    expect(loadConfig({ SMS_FILE_PATH: '/var/lib/beian/sms.jsonl' }).sms).to.deep.equal({ provider: 'file', filePath: '/var/lib/beian/sms.jsonl' });
    expect(() => loadConfig({ SMS_PROVIDER: 'http' })).to.throw(ConfigError, /SMS_HTTP_URL is required/);
    expect(() => loadConfig({ SMS_HTTP_URL: 'https://sms.example/send' })).to.throw(ConfigError, /SMS_HTTP_URL has no effect unless SMS_PROVIDER is http/);
    expect(() => loadConfig({ SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms.example/send', SMS_HTTP_AUTH_HEADER: 'secret-without-a-name' })).to.throw(ConfigError, /SMS_HTTP_AUTH_HEADER must be one header/).and.not.match(/secret-without/);
    expect(loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', WEB_TOKEN_SECRET: SECRET, DATA_ENCRYPTION_KEY: DATA_KEY }).warnings.join(' ')).to.include('SMS_PROVIDER is not http');
    expect(loadConfig({}).identity).to.deep.equal({ maxAttempts: 5, maxAttemptsPerAddress: 20, lockoutMs: 900_000, codeTtlMs: 300_000, provenMs: 600_000, maxCodes: 3, maxCodesPerAddress: 10 });
  });

  it('reads the portal origins for CORS and iframes, separated by commas and/or spaces, as browsers write them', () => {
    const config = loadConfig({
      WEB_ALLOWED_ORIGINS: 'https://www.rizhao.gov.cn, https://YBJ.rizhao.gov.cn:8443/',
      WEB_FRAME_ANCESTORS: 'https://www.rizhao.gov.cn http://localhost:8080,https://www.rizhao.gov.cn',
    });
    expect(config.web).to.deep.equal({
      allowedOrigins: ['https://www.rizhao.gov.cn', 'https://ybj.rizhao.gov.cn:8443'],
      frameAncestors: ['https://www.rizhao.gov.cn', 'http://localhost:8080'],
      trustProxyHops: 0,
    });
  });

  it('reads WEB_TRUST_PROXY, the number of trusted proxy hops', () => {
    expect(loadConfig({ WEB_TRUST_PROXY: '2' }).web.trustProxyHops).to.equal(2);
    expect(loadConfig({ WEB_TRUST_PROXY: '0' }).web.trustProxyHops).to.equal(0);
  });

  it('reads FILINGS_URL (postgres:// or postgresql://) for filings in PostgreSQL, keeping FILINGS_PATH as it is', () => {
    for (const url of ['postgres://beian:pw@db.internal:5432/beian', 'postgresql://beian@db.internal/beian?sslmode=require']) {
      expect(loadConfig({ FILINGS_URL: url, DATA_ENCRYPTION_KEY: DATA_KEY }).filings).to.deep.equal({ path: './data/filings.json', url });
    }
  });

  describe('/api/messages and the HTTP server: safe by default, loosened only by name', () => {
    it('the safe default says nothing; ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK=true is read and warned about in one line', () => {
      expect(loadConfig({ WEB_TOKEN_SECRET: SECRET }).warnings).to.deep.equal([]);
      const loosened = loadConfig({ WEB_TOKEN_SECRET: SECRET, ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true' });
      expect(loosened.botFrameworkChannel.allowRemoteInLocalMode).to.equal(true);
      expect(loosened.warnings).to.have.length(1);
      expect(loosened.warnings[0]).to.match(/^ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK=true: .*any address/).and.not.include('\n');
    });

    it('ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK with credentials, or with the channel off, is a mistake', () => {
      expect(configError({ ...botFrameworkEnv, ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true' }).message).to.include('applies only without MicrosoftAppId');
      expect(configError({ BOT_FRAMEWORK_CHANNEL: 'off', ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true' }).message).to.include('BOT_FRAMEWORK_CHANNEL=off');
    });

    it('reads BOT_FRAMEWORK_CHANNEL=off (the web page alone) and the reply bounds', () => {
      const config = loadConfig({ BOT_FRAMEWORK_CHANNEL: 'OFF', BOT_FRAMEWORK_REPLY_TIMEOUT_MS: '2000', BOT_FRAMEWORK_MAX_CONNECTIONS: '8' });
      expect(config.botFrameworkChannel).to.deep.equal({ enabled: false, allowRemoteInLocalMode: false, replyTimeoutMs: 2_000, maxConnections: 8 });
      expect(configError({ BOT_FRAMEWORK_CHANNEL: 'maybe' }).message).to.include('BOT_FRAMEWORK_CHANNEL must be on or off');
    });

    it('reads the HTTP bounds; an unset one never exceeds the one that holds it', () => {
      const config = loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '3000', HTTP_REQUEST_TIMEOUT_MS: '8000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000', HTTP_MAX_CONNECTIONS: '500', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '50' });
      expect(config.http).to.deep.equal({ headersTimeoutMs: 3_000, requestTimeoutMs: 8_000, keepAliveTimeoutMs: 65_000, maxConnections: 500, maxConnectionsPerAddress: 50 });
      expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '4000' }).http.headersTimeoutMs).to.equal(4_000);
      expect(loadConfig({ HTTP_MAX_CONNECTIONS: '100' }).http.maxConnectionsPerAddress).to.equal(100);
      expect(loadConfig({ HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' }).http.maxConnectionsPerAddress, '0: no limit per address').to.equal(0);
    });

    it('behind trusted proxies no per-address connection cap applies (every connection is a proxy’s)', () => {
      expect(loadConfig({ WEB_TRUST_PROXY: '1', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '50' }).http.maxConnectionsPerAddress).to.equal(0);
    });

    it('headers may not take longer than the whole request, nor one address more connections than all', () => {
      expect(configError({ HTTP_HEADERS_TIMEOUT_MS: '30000', HTTP_REQUEST_TIMEOUT_MS: '20000' }).message).to.include('HTTP_HEADERS_TIMEOUT_MS must not be longer');
      expect(configError({ HTTP_MAX_CONNECTIONS: '100', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '200' }).message).to.include('HTTP_MAX_CONNECTIONS_PER_ADDRESS must not be more');
      expect(configError({ HTTP_MAX_CONNECTIONS: '5' }).message).to.include('HTTP_MAX_CONNECTIONS must be');
    });
  });

  describe('Redis behind Sentinel or as a Cluster', () => {
    it('reads Sentinel addresses, the master group name and the Sentinel password', () => {
      const config = loadConfig({
        REDIS_URL: 'redis://:master-pw@ignored:6379/1',
        REDIS_SENTINELS: 's1.internal:26379, s2.internal:26380,10.0.0.3:26379',
        REDIS_SENTINEL_NAME: 'beian-master',
        REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
        DATA_ENCRYPTION_KEY: DATA_KEY,
      });
      expect(config.state.redis).to.deep.include({
        sentinels: [
          { host: 's1.internal', port: 26379 },
          { host: 's2.internal', port: 26380 },
          { host: '10.0.0.3', port: 26379 },
        ],
        sentinelName: 'beian-master',
        sentinelPassword: 'sentinel-pw',
        clusterNodes: undefined,
      });
    });

    it('reads cluster seed nodes, IPv6 in brackets included', () => {
      const config = loadConfig({ REDIS_URL: 'rediss://:pw@r1:6379', REDIS_CLUSTER_NODES: 'r1:6379,r2:6380,[fd00::7]:6379', DATA_ENCRYPTION_KEY: DATA_KEY });
      expect(config.state.redis.clusterNodes).to.deep.equal([
        { host: 'r1', port: 6379 },
        { host: 'r2', port: 6380 },
        { host: 'fd00::7', port: 6379 },
      ]);
      expect(config.state.redis.sentinels).to.equal(undefined);
    });
  });

  it('treats an empty or blank value as unset, as a copied .env.example leaves them', () => {
    const config = loadConfig({ PORT: '', MicrosoftAppId: '', MicrosoftAppPassword: ' ', REDIS_URL: '', LOG_LEVEL: '' });
    expect(config).to.deep.include({ port: 3978, localMode: true });
    expect(config.state.redisUrl).to.equal(undefined);
  });

  it('accepts .env.example exactly as shipped', () => {
    const env = Object.fromEntries(
      readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(env)).to.include.members(['PORT', 'FILINGS_PATH']);
    expect(() => loadConfig(env)).to.not.throw();
  });

  describe('documents every variable it reads', () => {
    // The names src/config.ts reads (env.NAME), except NODE_ENV, which only picks the log format's default.
    const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    const names = [...new Set([...source.matchAll(/\benv\.([A-Z]\w*)/g)].map((m) => m[1]!))].filter((name) => name !== 'NODE_ENV');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.split('\n').filter((line) => line.startsWith('| `')).join('\n');

    it('reads at least the variables the issues name', () => {
      expect(names).to.include.members(['PORT', 'MicrosoftAppId', 'REDIS_URL', 'FILINGS_PATH', 'WEB_TOKEN_SECRET', 'TURN_MAX_WAIT_MS']);
    });
    it('in .env.example', () => {
      const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
      for (const name of names) expect(example, name).to.match(new RegExp(`^#?\\s*${name}=`, 'm'));
    });
    it('in the README configuration table', () => {
      for (const name of names) expect(table, name).to.include(`\`${name}\``);
    });
  });

  it('LOG_PRETTY defaults to true under NODE_ENV=development, as the logger does', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).log.pretty).to.equal(true);
    expect(loadConfig({ NODE_ENV: 'development', LOG_PRETTY: 'false' }).log.pretty).to.equal(false);
  });

  it('reads names of levels and app types whatever their case', () => {
    const config = loadConfig({ LOG_LEVEL: 'WARN', ...botFrameworkEnv, MicrosoftAppType: 'multitenant' });
    expect(config.log.level).to.equal('warn');
    expect(config.botFramework?.MicrosoftAppType).to.equal('MultiTenant');
  });

  describe('a mistake stops start-up with one line naming the variable and what it expects', () => {
    const mistakes: Array<[string, Record<string, string>, RegExp]> = [
      ['a port that is not a number', { PORT: 'eighty' }, /^Invalid configuration: PORT must be a whole number from 0 to 65535/],
      ['a port out of range', { PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
      ['a negative port', { PORT: '-1' }, /PORT must be/],
      ['an app id that is not a GUID', { ...botFrameworkEnv, MicrosoftAppId: 'my-bot' }, /MicrosoftAppId must be .*GUID/],
      ['an unknown app type', { ...botFrameworkEnv, MicrosoftAppType: 'Personal' }, /MicrosoftAppType must be one of MultiTenant, SingleTenant, UserAssignedMSI/],
      ['an app id without its password', { MicrosoftAppId: APP_ID, WEB_TOKEN_SECRET: SECRET }, /MicrosoftAppPassword is required when MicrosoftAppId is set/],
      ['a password without an app id', { MicrosoftAppPassword: 'x' }, /MicrosoftAppId is required when MicrosoftAppPassword is set/],
      ['a single-tenant bot without its tenant', { ...botFrameworkEnv, MicrosoftAppType: 'SingleTenant' }, /MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant/],
      ['a managed-identity bot without its tenant', { MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', WEB_TOKEN_SECRET: SECRET }, /MicrosoftAppTenantId is required/],
      ['Bot Framework mode without a web token secret', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p' }, /WEB_TOKEN_SECRET is required when MicrosoftAppId is set/],
      ['a web token secret that is too short', { WEB_TOKEN_SECRET: 'short' }, /WEB_TOKEN_SECRET must be at least 32 characters/],
      ['a region id with capitals', { DEFAULT_REGION: 'Rizhao' }, /DEFAULT_REGION must be a region profile id/],
      ['a Redis URL of another scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
      ['a Redis URL that is not a URL', { REDIS_URL: '127.0.0.1:6379' }, /REDIS_URL must be/],
      ['a filings URL of another database', { FILINGS_URL: 'mysql://beian:pw@db:3306/beian' }, /^Invalid configuration: FILINGS_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
      ['a filings URL that is not a URL', { FILINGS_URL: 'db.internal:5432/beian' }, /FILINGS_URL must be/],
      ['a key prefix with a space', { REDIS_KEY_PREFIX: 'my prefix' }, /REDIS_KEY_PREFIX must be 1 to 64 characters without spaces/],
      ['a conversation TTL in words', { STATE_TTL_CONVERSATION_SECONDS: '1d' }, /STATE_TTL_CONVERSATION_SECONDS must be a whole number of seconds/],
      ['a user TTL of zero', { STATE_TTL_USER_SECONDS: '0' }, /STATE_TTL_USER_SECONDS must be a whole number of seconds, at least 60/],
      ['a Sentinel list without ports', { REDIS_URL: 'redis://r', REDIS_SENTINELS: 's1,s2' }, /REDIS_SENTINELS must be comma-separated Sentinel addresses host:port/],
      ['a Sentinel port out of range', { REDIS_URL: 'redis://r', REDIS_SENTINELS: 's1:99999' }, /REDIS_SENTINELS must be/],
      ['Sentinels without a Redis URL', { REDIS_SENTINELS: 's1:26379' }, /REDIS_URL is required when REDIS_SENTINELS is set/],
      ['a Sentinel password without Sentinels', { REDIS_URL: 'redis://r', REDIS_SENTINEL_PASSWORD: 'p' }, /REDIS_SENTINELS is required when REDIS_SENTINEL_PASSWORD is set/],
      ['a master group name with a space', { REDIS_SENTINEL_NAME: 'my master' }, /REDIS_SENTINEL_NAME must be the Sentinel master group name/],
      ['cluster nodes given as URLs', { REDIS_URL: 'redis://r', REDIS_CLUSTER_NODES: 'redis://r1:6379' }, /REDIS_CLUSTER_NODES must be comma-separated cluster seed nodes host:port/],
      ['cluster nodes without a Redis URL', { REDIS_CLUSTER_NODES: 'r1:6379' }, /REDIS_URL is required when REDIS_CLUSTER_NODES is set/],
      ['both Sentinel and Cluster', { REDIS_URL: 'redis://r', REDIS_SENTINELS: 's1:26379', REDIS_CLUSTER_NODES: 'r1:6379' }, /REDIS_SENTINELS and REDIS_CLUSTER_NODES cannot both be set/],
      ['a command timeout with a unit', { REDIS_COMMAND_TIMEOUT_MS: '1s' }, /REDIS_COMMAND_TIMEOUT_MS must be a whole number of milliseconds from 50 to 60000/],
      ['a command timeout too short to answer', { REDIS_COMMAND_TIMEOUT_MS: '5' }, /REDIS_COMMAND_TIMEOUT_MS must be/],
      ['a turn lock shorter than a second', { TURN_LOCK_TTL_MS: '500' }, /TURN_LOCK_TTL_MS must be a whole number of milliseconds from 1000 to 600000/],
      ['a negative wait for a busy conversation', { TURN_MAX_WAIT_MS: '-1' }, /TURN_MAX_WAIT_MS must be a whole number of milliseconds from 0 to 60000/],
      ['a dedupe window of zero', { TURN_DEDUPE_WINDOW_SECONDS: '0' }, /TURN_DEDUPE_WINDOW_SECONDS must be a whole number of seconds from 1 to 86400/],
      ['an unknown log level', { LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
      ['LOG_PRETTY that is not a yes or no', { LOG_PRETTY: 'maybe' }, /LOG_PRETTY must be true or false/],
      ['a wildcard allowed origin', { WEB_ALLOWED_ORIGINS: '*' }, /WEB_ALLOWED_ORIGINS item 1 of 1 must be an origin such as https:\/\/www\.rizhao\.gov\.cn/],
      ['an allowed origin with a path', { WEB_ALLOWED_ORIGINS: 'https://www.rizhao.gov.cn, https://www.rizhao.gov.cn/chat' }, /WEB_ALLOWED_ORIGINS item 2 of 2 must be an origin/],
      ['an allowed origin over plain http to a real host', { WEB_ALLOWED_ORIGINS: 'http://www.rizhao.gov.cn' }, /WEB_ALLOWED_ORIGINS item 1 of 1 must be .*http:\/\/localhost/],
      ['a host name without its scheme', { WEB_ALLOWED_ORIGINS: 'www.rizhao.gov.cn' }, /WEB_ALLOWED_ORIGINS item 1 of 1 must be an origin/],
      ["a frame ancestor written as a CSP keyword ('self' is always included)", { WEB_FRAME_ANCESTORS: "'self' https://www.rizhao.gov.cn" }, /WEB_FRAME_ANCESTORS item 1 of 2 must be an origin/],
      ['a wildcard frame ancestor', { WEB_FRAME_ANCESTORS: 'https://*.gov.cn' }, /WEB_FRAME_ANCESTORS item 1 of 1 must be an origin/],
      ['a shutdown timeout with a unit', { SHUTDOWN_TIMEOUT_MS: '10s' }, /SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds/],
      ['trusting the proxy as a yes/no', { WEB_TRUST_PROXY: 'true' }, /WEB_TRUST_PROXY must be the number of trusted proxies in front of the bot, a whole number from 0 to 10/],
      ['a negative number of proxies', { WEB_TRUST_PROXY: '-1' }, /WEB_TRUST_PROXY must be the number of trusted proxies/],
      ['more proxies than any real deployment', { WEB_TRUST_PROXY: '11' }, /WEB_TRUST_PROXY must be the number of trusted proxies/],
    ];
    for (const [what, env, expected] of mistakes) {
      it(what, () => {
        const err = configError(env);
        expect(err.message).to.match(expected);
        expect(err.message).to.not.include('\n');
      });
    }

    it('names each wrong origin in a list separately, still on one line', () => {
      const err = configError({ WEB_ALLOWED_ORIGINS: '*, https://ok.gov.cn, ftp://x', WEB_FRAME_ANCESTORS: 'nope' });
      expect(err.message).to.include('WEB_ALLOWED_ORIGINS item 1 of 3').and.include('WEB_ALLOWED_ORIGINS item 3 of 3').and.include('WEB_FRAME_ANCESTORS item 1 of 1');
      expect(err.message).to.not.include('item 2 of 3');
      expect(err.message.split('\n')).to.have.length(1);
    });

    it('names every wrong variable at once, still on one line', () => {
      const err = configError({ PORT: 'x', LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT_MS: 'soon' });
      for (const name of ['PORT', 'LOG_LEVEL', 'SHUTDOWN_TIMEOUT_MS']) expect(err.message).to.include(name);
      expect(err.message.split('\n')).to.have.length(1);
    });

    it('never echoes a value, which may be a secret', () => {
      const err = configError({ WEB_TOKEN_SECRET: 'hunter2-secret', REDIS_URL: 'http://user:s3cr3t-pw@host', REDIS_SENTINELS: 'sentinel-secret-host' });
      expect(err.message).to.not.include('hunter2-secret').and.not.include('s3cr3t-pw').and.not.include('sentinel-secret-host');
      const pg = configError({ FILINGS_URL: 'mysql://beian:pg-s3cr3t@db/beian' });
      expect(pg.message).to.include('FILINGS_URL').and.not.include('pg-s3cr3t');
    });
  });
});
