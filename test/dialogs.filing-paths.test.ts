import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { CATEGORY_PATHS } from './support/paths.js';

/**
 * Complete conversations from the first message to a stored filing, one per category, read as the
 * script a hotline agent would follow: each line is what the person says and the question that follows
 * (the table is test/support/paths.ts CATEGORY_PATHS; test/channels.wechat.filing.test.ts follows it over WeChat).
 */

describe('the filing conversation: a complete path for every category (zh-CN, Rizhao profile)', () => {
  for (const path of CATEGORY_PATHS) {
    it(path.name, async () => {
      const chat = new Chat({ locale: path.locale ?? 'zh-CN' });
      await chat.follow(path.steps);
      const done = await chat.say('确认提交');
      const filing = Chat.channelData<{ reference: string; category: string; status: string }>(done, 'filing');
      expect(filing, Chat.textOf(done)).to.include({ category: path.category, status: 'SUBMITTED' });
      expect(Chat.textOf(done)).to.include(filing!.reference);
      const stored = await chat.filings.get(filing!.reference);
      expect(stored?.category).to.equal(path.category);
      expect(stored?.profileId).to.equal('rizhao');
      path.filing?.(stored!.filing as Record<string, unknown>);
      // The conversation goes back to the menu and a new filing starts clean.
      expect(Chat.promptOf(done)).to.equal('menu.main');
    });
  }
});
