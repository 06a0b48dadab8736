import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { COMMANDS } from '../dialogs/main-dialog.js';
import { loadMenu, menuCommands, publishMenu } from '../src/channels/wechat/wechat-menu.js';
import { MemoryWeChatStore } from '../src/channels/wechat/wechat-store.js';
import { WeChatApi } from '../src/channels/wechat/wechat-api.js';
import { ACCOUNT, FakeWeChatApi } from './support/wechat.js';

/** The custom menu (content/wechat/menu.json) and npm run wechat:menu against the fake WeChat API. */

const texts = new Texts();

describe('WeChat custom menu', () => {
  it('every click button means a command the bot understands at any question, and fits WeChat\'s limits', () => {
    const menu = loadMenu();
    const commands = [...menuCommands(menu).values()];
    expect(commands.length).to.be.greaterThan(2);
    for (const command of commands) expect(COMMANDS as readonly string[]).to.include(command);
    for (const locale of ['zh-CN', 'en-US'] as const) {
      for (const button of menu.button) {
        // WeChat: a top-level name at most 16 bytes, a sub-button's at most 60.
        expect(Buffer.byteLength(texts.t(locale, button.name), 'utf8'), button.name).to.be.at.most(16);
        if ('sub_button' in button) for (const sub of button.sub_button) expect(Buffer.byteLength(texts.t(locale, sub.name), 'utf8')).to.be.at.most(60);
      }
    }
  });

  it('publishes the Chinese menu for everyone and the English one for WeChat in English', async () => {
    const api = await new FakeWeChatApi().start();
    try {
      const client = new WeChatApi({ appId: ACCOUNT.appId, appSecret: ACCOUNT.appSecret, baseUrl: api.base, store: new MemoryWeChatStore() });
      await publishMenu(client, texts);
      expect(api.menus.map((m) => m.path)).to.deep.equal(['/cgi-bin/menu/create', '/cgi-bin/menu/addconditional']);
      const [zh, en] = api.menus.map((m) => m.body as { button: Array<{ name: string; key?: string; sub_button?: Array<{ name: string; key: string; type: string }> }>; matchrule?: unknown });
      expect(zh!.button[0]).to.deep.equal({ type: 'click', name: texts.t('zh-CN', 'commands.cancel.label'), key: 'RESTART' });
      expect(zh!.button[2]!.name).to.equal(texts.t('zh-CN', 'wechat.menu.more'));
      expect(en!.button[1]!.name).to.equal(texts.t('en-US', 'commands.help.label'));
      expect(en!.matchrule).to.deep.equal({ language: 'en' });
      expect(api.tokensIssued).to.equal(1);
    } finally {
      await api.stop();
    }
  });
});
