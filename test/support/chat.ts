import { ConversationState, MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { Texts } from '../../src/content/texts.js';
import { loadProfiles } from '../../src/domain/profile.js';
import { MemoryFilingStore } from '../../src/filings/index.js';
import type { FilingStore } from '../../src/filings/filing-store.js';
import { FilingBot } from '../../src/bot/filing-bot.js';

export const TODAY = '2026-11-24';
const texts = new Texts();
const profiles = loadProfiles();

export interface ChatOptions {
  locale?: string;
  defaultRegion?: string;
  storage?: Storage;
  filings?: FilingStore;
  channelId?: string;
  now?: () => number;
}

/**
 * A person chatting with the whole bot (FilingBot with its dialogs, state and filing store) through
 * botbuilder's TestAdapter: say() sends one message and returns every reply of that turn.
 */
export class Chat {
  readonly adapter: TestAdapter;
  readonly bot: FilingBot;
  readonly filings: FilingStore;
  readonly texts = texts;
  readonly profiles = profiles;
  private readonly locale: string;

  constructor(options: ChatOptions = {}) {
    this.locale = options.locale ?? 'zh-CN';
    this.filings = options.filings ?? new MemoryFilingStore();
    const conversationState = new ConversationState(options.storage ?? new MemoryStorage());
    this.bot = new FilingBot(
      conversationState,
      { texts, profiles, defaultRegion: options.defaultRegion ?? 'rizhao', filings: this.filings, today: () => TODAY },
      options.now,
    );
    this.adapter = new TestAdapter(async (context) => this.bot.run(context), {
      channelId: options.channelId ?? 'test',
      locale: this.locale,
    } as Partial<Activity>);
    this.adapter.onTurnError = async (_context, error) => {
      throw error;
    };
  }

  /** Sends a message (or an activity) and returns all replies of the turn. */
  async say(input: string | Partial<Activity>): Promise<Partial<Activity>[]> {
    const activity = typeof input === 'string' ? { type: 'message', text: input, locale: this.locale } : { locale: this.locale, ...input };
    await this.adapter.receiveActivity(activity);
    return this.adapter.activeQueue.splice(0);
  }

  /** The promptId of the last question asked in these replies. */
  static promptOf(replies: Partial<Activity>[]): string | undefined {
    const asked = replies.filter((r) => (r.channelData as { promptId?: string } | undefined)?.promptId);
    return (asked.at(-1)?.channelData as { promptId?: string } | undefined)?.promptId;
  }

  static textOf(replies: Partial<Activity>[]): string {
    return replies.map((r) => r.text ?? '').join('\n');
  }

  static channelData<T = Record<string, unknown>>(replies: Partial<Activity>[], key: string): T | undefined {
    const found = replies.find((r) => (r.channelData as Record<string, unknown> | undefined)?.[key] !== undefined);
    return (found?.channelData as Record<string, unknown> | undefined)?.[key] as T | undefined;
  }
}
