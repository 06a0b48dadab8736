export { weChatChannel, WECHAT_CAPABILITIES, WECHAT_CHANNEL_ID, WECHAT_PATH, DEFAULT_WECHAT_REPLY_DEADLINE_MS, CUSTOMER_SERVICE_WINDOW_MS, type WeChatChannelOptions } from './wechat-channel.js';
export { WeChatAdapter, WeChatWindowClosedError, chunks, WECHAT_MAX_TEXT_BYTES, WECHAT_MAX_CUSTOMER_MESSAGES } from './wechat-adapter.js';
export { WeChatApi, WeChatApiError, DEFAULT_WECHAT_API_BASE_URL } from './wechat-api.js';
export { WeChatCipher, WeChatCryptoError, wechatSignature, signatureMatches, isEncodingAesKey } from './wechat-crypto.js';
export { MemoryWeChatStore, RedisWeChatStore, type WeChatStore, type StoredToken } from './wechat-store.js';
export { loadMenu, menuCommands, renderMenu, publishMenu, MENU_FILE, type MenuDefinition } from './wechat-menu.js';
export { parseWeChatXml, textReplyXml, encryptedReplyXml, weChatMessageSchema, type WeChatMessage } from './wechat-xml.js';
