import { Texts } from '../src/content/texts.js';
import { loadConfig } from '../src/config.js';
import { MemoryWeChatStore, publishMenu, WeChatApi } from '../src/channels/wechat/index.js';

/**
 * npm run wechat:menu — publishes content/wechat/menu.json as the Official Account's custom menu, against
 * WECHAT_API_BASE_URL with WECHAT_APP_ID and WECHAT_APP_SECRET (from the environment, as the bot reads it).
 * It fetches an access token of its own: run it where the bot's instances are not refreshing theirs at the
 * same moment (WeChat keeps the previous token valid for a few minutes after a new one is issued).
 */
const config = loadConfig();
if (!config.wechat?.appId || !config.wechat.appSecret) {
  console.error('wechat:menu needs WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET (see .env.example)');
  process.exit(1);
}
const api = new WeChatApi({ appId: config.wechat.appId, appSecret: config.wechat.appSecret, baseUrl: config.wechat.apiBaseUrl, store: new MemoryWeChatStore() });
try {
  const published = await publishMenu(api, new Texts());
  console.log(`published the menu: ${published.join(', ')}`);
} catch (error) {
  console.error(`the menu could not be published: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
