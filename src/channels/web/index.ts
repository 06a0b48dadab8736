export { activityId, parseWatermark, MemoryActivityLog, type ActivityLog, type ActivityPage, type MemoryActivityLogOptions } from './activity-log.js';
export { RedisActivityLog, type RedisActivityLogOptions } from './redis-activity-log.js';
export { SealedActivityLog, type SealedActivityLogOptions } from './sealed-activity-log.js';
export { WebChannelAdapter, WEB_CHANNEL_ID, WEB_SERVICE_URL } from './web-adapter.js';
export { WebTokens, type WebTokenClaims, type TokenCheck } from './web-tokens.js';
export { RateLimiter, type BucketSpec } from '../rate-limiter.js';
export { registerWebPage, pageLocale, fillWords, PAGE_LOCALES, type PageLocale, type WebPageOptions } from './page.js';
export { ReceiptLinks, type ReceiptSource, type WebDocumentsOptions } from './documents.js';
export {
  registerWebChannel,
  DIRECT_LINE_BASE,
  DEFAULT_RATE_LIMITS,
  DEFAULT_EXPIRED_TOKEN_GRACE_SECONDS,
  type WebChannel,
  type WebChannelOptions,
  type WebChannelLogger,
  type WebRateLimits,
} from './web-channel.js';
export { MemoryWebAccess, STREAM_TICKET_TTL_SECONDS, type WebAccessStore } from './web-access.js';
export { RedisWebAccess, type RedisWebAccessOptions } from './redis-web-access.js';
export { webChannel, WEB_CAPABILITIES, type WebChannelEntry } from './as-channel.js';
