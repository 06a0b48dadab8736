import { expect } from 'chai';
import type { ChannelCapabilities } from '../dialogs/channel-capabilities.js';
import { Texts } from '../src/content/texts.js';
import { startAppServer, type AppServer } from './support/app-server.js';

/**
 * The channel contract suite: what every channel of the app does, whatever its protocol — run against the
 * whole app on a real port through a driver that speaks the channel's own protocol (as the Storage and
 * FilingStore contract suites are run against each store). A new channel adds its driver to
 * test/channels.contract.test.ts.
 *
 * - The app attaches it (src/channels/channel.ts attachChannels): a message gets the bot's answer, and the
 *   turn middleware runs for it (one turn log line naming the channel, the conversation hashed).
 * - Its turns carry its capabilities: choices as buttons where it shows them, numbered lines with
 *   "回复数字选择" elsewhere, and a number picks.
 * - A reply stays within its capabilities: at most maxMessagesPerReply messages, each at most
 *   maxMessageLength characters.
 * - A message the channel delivers twice (a retry) is answered once (channels whose clients send their own
 *   message ids: the web channel gives each message its id itself).
 */

/** One message of the bot as the person sees it. */
export interface ContractReply {
  text: string;
  /** The choices shown as buttons. */
  buttons: string[];
}

export interface ContractConversation {
  /** What the person sees after saying `text`. */
  say(text: string): Promise<ContractReply[]>;
  /** Delivers the last message again, as the channel's own retry would; what the person sees from the retry. */
  redeliverLast?(): Promise<ContractReply[]>;
}

export interface ChannelDriver {
  /** The channel's name in the turn log (its channelId). */
  channel: string;
  /** What the channel's turns can show. */
  capabilities: ChannelCapabilities;
  /** Its clients send their own message ids, so it can receive one message twice (ContractConversation.redeliverLast). */
  redelivers: boolean;
  /** Environment that turns the channel on, and anything it needs (a fake API) started. */
  setUp(): Promise<{ env: Record<string, string>; tearDown(): Promise<void> }>;
  /** A new person's conversation, opened as the channel opens one (a greeting may come first: not counted). */
  open(server: AppServer): Promise<ContractConversation>;
}

const texts = new Texts();
const zh = (key: string) => texts.t('zh-CN', key);
/** Everything the person sees of some replies: their texts and buttons. */
const shown = (replies: ContractReply[]) => replies.map((r) => [r.text, ...r.buttons].join('\n')).join('\n');

export function channelContract(name: string, driver: ChannelDriver): void {
  describe(`channel contract: ${name}`, () => {
    let server: AppServer;
    let tearDown: () => Promise<void>;
    before(async () => {
      const setUp = await driver.setUp();
      tearDown = setUp.tearDown;
      server = await startAppServer(setUp.env);
    });
    after(async () => {
      await server.stop();
      await tearDown();
    });

    const turnLines = () => server.lines.filter((l) => l['msg'] === 'turn' && l['channel'] === driver.channel);

    it('is attached to the bot and the turn middleware: a message is answered, and logged once with the channel and a hashed conversation', async () => {
      const person = await driver.open(server);
      const before = turnLines().length;
      const replies = await person.say('你好');
      expect(shown(replies)).to.include(zh('prompts.menu.main.choices.FILE'));
      const lines = turnLines().slice(before);
      expect(lines).to.have.length(1);
      expect(lines[0]!['conversation']).to.match(/^[0-9a-f]{16}$/);
      expect(lines[0]!['outcome']).to.equal('ok');
    });

    it(`shows choices as ${driver.capabilities.buttons ? 'buttons' : 'numbered lines with 回复数字选择'}, and a number picks one`, async () => {
      const person = await driver.open(server);
      const menu = (await person.say('你好')).at(-1)!;
      const file = zh('prompts.menu.main.choices.FILE');
      if (driver.capabilities.buttons) {
        expect(menu.buttons).to.include(file);
        expect(menu.text).not.to.match(/^\s*1\. /m);
      } else {
        expect(menu.buttons).to.deep.equal([]);
        expect(menu.text).to.match(new RegExp(`^\\s*1\\. ${file}$`, 'm')).and.to.include(zh('messages.replyWithNumber'));
      }
      expect(shown(await person.say('1'))).to.include(zh('prompts.situation.filerMode.choices.SELF'));
    });

    it('keeps every reply within the capabilities: messages per reply, characters per message', async () => {
      const person = await driver.open(server);
      for (const said of ['你好', '帮助', '1', '本人', '日照']) {
        const replies = await person.say(said);
        if (driver.capabilities.maxMessagesPerReply !== undefined) expect(replies.length, said).to.be.at.most(driver.capabilities.maxMessagesPerReply);
        if (driver.capabilities.maxMessageLength !== undefined) for (const r of replies) expect([...r.text].length, said).to.be.at.most(driver.capabilities.maxMessageLength);
      }
    });

    if (driver.redelivers) it('answers a message the channel delivers twice once', async () => {
      const person = await driver.open(server);
      if (!person.redeliverLast) throw new Error('a driver of a channel that redelivers must redeliver');
      await person.say('你好');
      expect(shown(await person.say('1'))).to.include(zh('prompts.situation.filerMode.choices.SELF'));
      expect(await person.redeliverLast(), 'the copy gets no second answer').to.deep.equal([]);
      // Had the copy been taken, "1" would have chosen the first answer to the next question.
      expect(shown(await person.say('帮助'))).to.include(zh('prompts.situation.filerMode.choices.SELF'));
    });
  });
}
