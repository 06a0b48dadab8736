import { ConversationState, MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { expect } from 'chai';
import { Texts } from '../../src/content/texts.js';
import { loadProfiles } from '../../src/domain/profile.js';
import { MemoryFilingStore } from '../../src/filings/index.js';
import type { FilingStore, StoredFiling, SubmitInput } from '../../src/filings/filing-store.js';
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

/** One line of a script: what the person says (text or an activity), and the question expected next. */
export type Step = [say: string | Partial<Activity>, next: string | RegExp];

/** A `{name}` placeholder that content left unfilled. */
export const UNFILLED_PLACEHOLDER = /\{[A-Za-z]\w*\}/;

/** A filing store that remembers every submit call, so a test can count the filings actually created. */
class RecordingStore implements FilingStore {
  readonly submits: Array<{ input: SubmitInput; stored: StoredFiling; created: boolean }> = [];
  constructor(private readonly inner: FilingStore) {}
  async submit(input: SubmitInput) {
    const result = await this.inner.submit(input);
    this.submits.push({ input, ...result });
    return result;
  }
  get(reference: string) {
    return this.inner.get(reference);
  }
  setStatus(reference: string, status: Parameters<FilingStore['setStatus']>[1]) {
    return this.inner.setStatus(reference, status);
  }
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

/**
 * A person chatting with the whole bot (FilingBot with its dialogs, state and filing store) through
 * botbuilder's TestAdapter: say() sends one message and returns every reply of that turn. Every reply
 * is checked for an unfilled {placeholder}, and kept in `transcript`.
 */
export class Chat {
  readonly adapter: TestAdapter;
  readonly bot: FilingBot;
  readonly filings: FilingStore;
  readonly texts = texts;
  readonly profiles = profiles;
  /** Every reply of the conversation so far, in order. */
  readonly transcript: Partial<Activity>[] = [];
  private readonly recorder: RecordingStore;
  private readonly locale: string;

  constructor(options: ChatOptions = {}) {
    this.locale = options.locale ?? 'zh-CN';
    this.recorder = new RecordingStore(options.filings ?? new MemoryFilingStore());
    this.filings = this.recorder;
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
    const activity = typeof input === 'string' ? { type: 'message', text: input, locale: this.locale } : { type: 'message', locale: this.locale, ...input };
    await this.adapter.receiveActivity(activity);
    const replies = this.adapter.activeQueue.splice(0);
    this.transcript.push(...replies);
    for (const reply of replies) {
      const shown = `${reply.text ?? ''}\n${JSON.stringify(reply.attachments ?? [])}\n${JSON.stringify(reply.suggestedActions ?? {})}`;
      expect(shown, `a reply to "${describe(input)}" leaves a placeholder unfilled`).not.to.match(UNFILLED_PLACEHOLDER);
    }
    return replies;
  }

  /**
   * Follows a script: after each line, the question asked next must be the expected one.
   * Returns the replies to the last line.
   */
  async follow(steps: Step[]): Promise<Partial<Activity>[]> {
    let replies: Partial<Activity>[] = [];
    for (const [say, next] of steps) {
      replies = await this.say(say);
      const asked = Chat.promptOf(replies);
      const where = `after "${describe(say)}": ${Chat.textOf(replies)}`;
      if (typeof next === 'string') expect(asked, where).to.equal(next);
      else expect(asked, where).to.match(next);
    }
    return replies;
  }

  /** The filings the store actually created (a repeated submit returns the first one and is not counted). */
  get created(): StoredFiling[] {
    return this.recorder.submits.filter((s) => s.created).map((s) => s.stored);
  }

  /** How many times the dialogs called submit on the store. */
  get submitCalls(): number {
    return this.recorder.submits.length;
  }

  /** The promptId of the last question asked in these replies. */
  static promptOf(replies: Partial<Activity>[]): string | undefined {
    const asked = replies.filter((r) => (r.channelData as { promptId?: string } | undefined)?.promptId);
    return (asked.at(-1)?.channelData as { promptId?: string } | undefined)?.promptId;
  }

  /** Every promptId these replies carry, in order (questions and re-prompts, error notes included). */
  static promptsOf(replies: Partial<Activity>[]): string[] {
    return replies.map((r) => (r.channelData as { promptId?: string } | undefined)?.promptId).filter((p): p is string => p !== undefined);
  }

  static textOf(replies: Partial<Activity>[]): string {
    return replies.map((r) => r.text ?? '').join('\n');
  }

  static channelData<T = Record<string, unknown>>(replies: Partial<Activity>[], key: string): T | undefined {
    const found = replies.find((r) => (r.channelData as Record<string, unknown> | undefined)?.[key] !== undefined);
    return (found?.channelData as Record<string, unknown> | undefined)?.[key] as T | undefined;
  }

  /** The reply that carries channelData[key]. */
  static replyWith(replies: Partial<Activity>[], key: string): Partial<Activity> | undefined {
    return replies.find((r) => (r.channelData as Record<string, unknown> | undefined)?.[key] !== undefined);
  }
}

function describe(input: string | Partial<Activity>): string {
  return typeof input === 'string' ? input : JSON.stringify(input.value ?? input.text ?? input);
}

/* ---------- shared scripts: the opening of a filing, and the details of one person ---------- */

/** From the greeting to the first question after consent (zh-CN). */
export const openingZh = (filer = '本人', insured = '日照', treatment = '上海'): Step[] => [
  ['你好', 'menu.main'],
  ['1', 'situation.filerMode'],
  [filer, 'situation.insuredPlace'],
  [insured, 'situation.treatmentPlace'],
  [treatment, 'consent.personalInfo'],
  ['同意', 'situation.insuranceActive'],
  ['是', 'situation.now'],
];

/** A self-referred short stay under the Rizhao profile, up to the summary (zh-CN). */
export const TMP_OTHER_TO_SUMMARY: Step[] = [
  ...openingZh(),
  ['计划去外地看病或居住', 'situation.longTerm'],
  ['否', 'situation.hasReferral'],
  ['没有', 'outcome.understood'],
  ['我已了解，继续', 'details.scheme'],
  ['职工医保', 'details.personName'],
  ['张三', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['明天', 'details.institutions'],
  ['上海市第六人民医院', 'review.confirm'],
];

/** A long-term resident (retired, hukou not moved) under the Rizhao profile, up to the summary (zh-CN). */
export const LT_RESIDENT_TO_SUMMARY: Step[] = [
  ...openingZh(),
  ['计划去外地看病或居住', 'situation.longTerm'],
  ['是', 'situation.retired'],
  ['是', 'situation.hukouMoved'],
  ['否', 'outcome.understood'],
  ['我已了解，继续', 'details.scheme'],
  ['城乡居民医保', 'details.personName'],
  ['李秀英', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['2026-12-01', 'details.address'],
  ['浦东新区世纪大道100号3号楼201室', 'details.institutions'],
  ['复旦大学附属中山医院', 'details.commitment'],
  ['签署个人承诺书', 'review.confirm'],
];
