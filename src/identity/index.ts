import type { KeyObject } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Logger } from '../ops/logger.js';
import type { RedisClient } from '../state/redis-client.js';
import { FileSmsSender } from './file-sms-sender.js';
import { HttpSmsSender } from './http-sms-sender.js';
import { IdentityCheck, type IdentityLimits } from './identity-check.js';
import { identityMetrics } from './identity-metrics.js';
import { MemoryIdentityStore, RedisIdentityStore } from './identity-store.js';
import type { SmsSender } from './sms-sender.js';

export { FileSmsSender, DEFAULT_SMS_FILE_PATH, type SmsOutboxLine } from './file-sms-sender.js';
export { HttpSmsSender, parseAuthHeader } from './http-sms-sender.js';
export { IdentityCheck, IDENTITY_DEFAULTS, IDENTITY_OUTCOMES, type IdentityOutcome, type IdentitySubject, type VerifyResult, type IdentityLimits } from './identity-check.js';
export { MemoryIdentityStore, RedisIdentityStore, type IdentityStore } from './identity-store.js';
export { SmsSendError, type SmsSender, type SmsMessage } from './sms-sender.js';
export { CLIENT_ADDRESS_KEY } from './client-address.js';

/** The SMS configuration (src/config.ts: SMS_*). */
export type SmsConfig = { provider: 'file'; filePath: string } | { provider: 'http'; url: string; authHeader?: { name: string; value: string }; timeoutMs: number };

export function createSmsSender(config: SmsConfig): SmsSender {
  return config.provider === 'http'
    ? new HttpSmsSender({ url: config.url, ...(config.authHeader ? { authHeader: config.authHeader } : {}), timeoutMs: config.timeoutMs })
    : new FileSmsSender(config.filePath);
}

/**
 * The identity check the app uses: codes and attempts in Redis when the state is there (so every instance
 * shares them), in process memory otherwise; each outcome counted in /metrics and logged without personal data.
 */
export function createIdentityCheck(deps: { sms: SmsSender; redis?: RedisClient; keyPrefix: string; key: KeyObject | Buffer; limits: IdentityLimits; registry: Registry; logger: Logger }): IdentityCheck {
  const count = identityMetrics(deps.registry);
  return new IdentityCheck({
    store: deps.redis ? new RedisIdentityStore(deps.redis, `${deps.keyPrefix}identity:`) : new MemoryIdentityStore(),
    sms: deps.sms,
    key: deps.key,
    limits: deps.limits,
    onOutcome: (outcome) => {
      count(outcome);
      deps.logger[outcome === 'locked_out' || outcome === 'send_failed' ? 'warn' : 'info']({ identityCheck: outcome, sms: deps.sms.kind }, 'identity check');
    },
  });
}
