import { randomBytes } from 'node:crypto';
import { IdentityCheck, type IdentityLimits } from '../../src/identity/identity-check.js';
import { MemoryIdentityStore } from '../../src/identity/identity-store.js';
import type { SmsMessage, SmsSender } from '../../src/identity/sms-sender.js';
import { MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { JsonCheckedConversationState } from '../../src/state/json-checked-state.js';
import { expect } from 'chai';
import { Texts } from '../../src/content/texts.js';
import { loadProfiles } from '../../src/domain/profile.js';
import { MemoryFilingStore } from '../../src/filings/index.js';
import type { FilingStore, StoredFiling, SubmitInput } from '../../src/filings/filing-store.js';
import { FilingBot } from '../../src/bot/filing-bot.js';
import { createUnderstanding } from '../../src/nlu/index.js';
import type { FunnelRecorder } from '../../dialogs/dialog-deps.js';
import type { Understanding } from '../../src/nlu/understanding.js';
import type { HandoffDesk } from '../../src/handoff/handoff-desk.js';
import type { Step } from './paths.js';
import { channelData, promptOf, promptsOf, replyWith, textOf } from './replies.js';

export const TODAY = '2026-11-24';
/** The conversation lifetime the bot tells people about (the configuration's default). */
export const CONVERSATION_TTL_SECONDS = 86_400;
const texts = new Texts();
const profiles = loadProfiles();
/** The understanding the app uses (trained once per process, now rather than in the middle of a test). */
const understanding = createUnderstanding();
understanding.warmUp();

export interface ChatOptions {
  locale?: string;
  defaultRegion?: string;
  storage?: Storage;
  filings?: FilingStore;
  channelId?: string;
  now?: () => number;
  /** Receives the funnel events the bot counts (after each saved turn). */
  funnel?: FunnelRecorder;
  /** Reads people's own words (default: the one the app uses). */
  understanding?: Understanding;
  /** The live handoff desk (default: none, so asking for a person gives the hotline). */
  handoff?: HandoffDesk;
  /** The identity check's limits (default: IDENTITY_DEFAULTS). */
  identityLimits?: Partial<IdentityLimits>;
}

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
  setStatus(...args: Parameters<FilingStore['setStatus']>) {
    return this.inner.setStatus(...args);
  }
  list(...args: Parameters<FilingStore['list']>) {
    return this.inner.list(...args);
  }
  enqueueExpiringNotices(...args: Parameters<FilingStore['enqueueExpiringNotices']>) {
    return this.inner.enqueueExpiringNotices(...args);
  }
  claimNotices(...args: Parameters<FilingStore['claimNotices']>) {
    return this.inner.claimNotices(...args);
  }
  renewNoticeLease(...args: Parameters<FilingStore['renewNoticeLease']>) {
    return this.inner.renewNoticeLease(...args);
  }
  markNoticeSent(...args: Parameters<FilingStore['markNoticeSent']>) {
    return this.inner.markNoticeSent(...args);
  }
  markNoticeFailed(...args: Parameters<FilingStore['markNoticeFailed']>) {
    return this.inner.markNoticeFailed(...args);
  }
  findByIdNumber(idNumber: string) {
    return this.inner.findByIdNumber(idNumber);
  }
  reseal() {
    return this.inner.reseal();
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
  /** Every text message the bot sent (one-time codes), in order: the phone a person holds. */
  readonly texted: SmsMessage[] = [];
  readonly identity: IdentityCheck;
  private readonly recorder: RecordingStore;
  private readonly locale: string;

  constructor(options: ChatOptions = {}) {
    this.locale = options.locale ?? 'zh-CN';
    this.recorder = new RecordingStore(options.filings ?? new MemoryFilingStore());
    this.filings = this.recorder;
    // The conversation state the app uses (its change check and properties), over the test's storage.
    const conversationState = new JsonCheckedConversationState(options.storage ?? new MemoryStorage());
    const sms: SmsSender = { kind: 'test', send: async (message) => void this.texted.push(message) };
    this.identity = new IdentityCheck({ store: new MemoryIdentityStore(), sms, key: randomBytes(32), ...(options.identityLimits ? { limits: options.identityLimits } : {}) });
    this.bot = new FilingBot(
      conversationState,
      {
        texts,
        profiles,
        defaultRegion: options.defaultRegion ?? 'rizhao',
        filings: this.filings,
        today: () => TODAY,
        understanding: options.understanding ?? understanding,
        conversationTtlSeconds: CONVERSATION_TTL_SECONDS,
        identity: this.identity,
        sms,
        ...(options.funnel ? { funnel: options.funnel } : {}),
        ...(options.handoff ? { handoff: options.handoff } : {}),
      },
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

  /** The reply helpers of ./replies.ts, at hand as Chat.promptOf(replies) and so on. */
  static promptOf = promptOf;
  static promptsOf = promptsOf;
  static textOf = textOf;
  static channelData = channelData;
  static replyWith = replyWith;
}

function describe(input: string | Partial<Activity>): string {
  return typeof input === 'string' ? input : JSON.stringify(input.value ?? input.text ?? input);
}
