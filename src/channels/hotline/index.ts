export { hotlineChannel, HOTLINE_CAPABILITIES, type HotlineChannelOptions } from './hotline-channel.js';
export { HotlineAdapter, callConversationId, type CallInput } from './hotline-adapter.js';
export { MemoryCallStore, RedisCallStore, type CallRecord, type CallStore, type GuidedCallOutcome } from './call-store.js';
export { callScreen, type CallScreen, type CallAnswer } from './call-screen.js';
