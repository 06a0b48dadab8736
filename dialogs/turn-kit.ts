import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { CategoryId } from '../src/domain/categories.js';
import { exampleDates, startDateRulesFor } from '../src/domain/dates.js';
import { documentsFor } from '../src/domain/documents.js';
import { resolveProfile, speakingProfile, type RegionProfile } from '../src/domain/profile.js';
import { durationText, naturalParams } from '../src/content/natural.js';
import { fill, resolveLocale, type Locale, type TextParams, type Texts } from '../src/content/texts.js';
import { newFilingState, type FilingState } from './filing-state.js';
import { capabilitiesOf, type ChannelCapabilities } from './channel-capabilities.js';
import type { DialogDeps } from './dialog-deps.js';
import type { FilingContext } from './filing-context.js';
import { filingProgress } from './filing-steps.js';
import type { FormHost, FormTurn, Voice } from './form/question-prompt.js';

/** A `{name}` placeholder left in a sentence. */
const UNFILLED = /\{\w+\}/;

/**
 * turnState key: a function giving the hotline for the person in this conversation (their profile's, or
 * the fallback contact's when their insured place has no profile), read by the turn error handler.
 */
export const TURN_HOTLINE_KEY = 'turnHotline';

/** A state property that can tell, without a promise, the value this turn loaded (JsonCheckedConversationState's: `loaded`). */
interface SyncLoaded<T> {
  loaded(context: TurnContext): { value: T | undefined } | undefined;
}

/** The {choice_<value>} labels of each question, by content, then language and question (see TurnKit.choiceParams; read only, spread into each sentence's params). */
const choiceLabels = new WeakMap<Texts, Map<string, TextParams>>();

/** turnState key: the turn's latest kit (see TurnKit.load). */
const LATEST_KIT_KEY = Symbol('turn-kit.latest');

/**
 * One turn's view of the conversation for a dialog: the person's state, language and region profile,
 * and the few ways a dialog speaks (say, ask) — all words from content/.
 */
export class TurnKit implements Voice {
  private constructor(
    readonly context: TurnContext,
    readonly deps: DialogDeps,
    readonly state: FilingState,
  ) {}

  /** The turn's kit, on the filing state as it is now (loaded about seven times a turn: by each dialog and prompt that speaks; one kit while the state is the same object). */
  static load(context: TurnContext, deps: DialogDeps): Promise<TurnKit> {
    // The state already loaded this turn (every load but the first): no await, no async step.
    const loaded = (deps.filingState as Partial<SyncLoaded<FilingState>>).loaded?.(context);
    if (loaded?.value !== undefined) return Promise.resolve(TurnKit.on(context, deps, loaded.value));
    return TurnKit.loadState(context, deps).then((state) => TurnKit.on(context, deps, state));
  }

  /** The filing state; a new one (and its idempotency key) only when there is none. */
  private static async loadState(context: TurnContext, deps: DialogDeps): Promise<FilingState> {
    let state = await deps.filingState.get(context);
    if (state === undefined) {
      state = newFilingState();
      await deps.filingState.set(context, state);
    }
    return state;
  }

  /**
   * The turn's kit on `state`: the latest one when it is on the same state (and dependencies), so that what a
   * kit works out (the profile, the activity's language, the derived placeholders: each keyed on what it is
   * made of) is worked out once a turn rather than once a load; a new one when the state was replaced.
   */
  private static on(context: TurnContext, deps: DialogDeps, state: FilingState): TurnKit {
    const latest = context.turnState.get(LATEST_KIT_KEY) as TurnKit | undefined;
    if (latest !== undefined && latest.state === state && latest.deps === deps) return latest;
    const kit = new TurnKit(context, deps, state);
    // The error handler's hotline is the last kit's (its state is the turn's latest).
    context.turnState.set(LATEST_KIT_KEY, kit);
    if (!context.turnState.has(TURN_HOTLINE_KEY)) context.turnState.set(TURN_HOTLINE_KEY, () => (context.turnState.get(LATEST_KIT_KEY) as TurnKit).hotline);
    return kit;
  }

  get locale(): Locale {
    return this.state.locale ?? (this.#activityLocale ??= resolveLocale(this.context.activity.locale));
  }

  /** The incoming activity's language, as the replies speak it when the person chose none (asked ~27 times a turn). */
  #activityLocale: Locale | undefined;

  /**
   * The region profile for the person's insured place. When their insured place has no profile of its
   * own (a fallback), its rules are the default profile's but its agency and hotline are the fallback
   * contact (their own insured place's agency, the national hotline): see speakingProfile.
   */
  get profile(): RegionProfile {
    return this.resolved().speaking;
  }

  /** The profile speaks for an insured place that has no profile of its own. */
  get profileIsFallback(): boolean {
    return this.resolved().fallback;
  }

  #resolved: { place: string | undefined; speaking: RegionProfile; fallback: boolean } | undefined;

  /** The profile for the insured place as the state has it now, resolved again only when that place changed (asked ~15 times a turn). */
  private resolved(): { speaking: RegionProfile; fallback: boolean } {
    const place = this.state.situation.insuredPlace;
    const known = this.#resolved;
    if (known !== undefined && known.place === place) return known;
    const { profile, fallback } = resolveProfile(this.deps.profiles, place, this.deps.defaultRegion);
    this.#resolved = { place, speaking: speakingProfile(profile, fallback), fallback };
    return this.#resolved;
  }

  /**
   * The filing form's view of this turn (the state is also the form's progress): one object while the
   * profile, the language and the day are the same (asked at every load of the form's host: ~5 times a turn).
   */
  get q(): FilingContext {
    const profile = this.profile;
    const locale = this.locale;
    const today = this.deps.today();
    const known = this.#q;
    if (known && known.profile === profile && known.locale === locale && known.today === today) return known;
    return (this.#q = { state: this.state, progress: this.state, profile, locale, today, texts: this.deps.texts });
  }

  #q: FilingContext | undefined;

  /** The hotline offered to someone stuck: their profile's. */
  get hotline(): string {
    return this.profile.hotline.value;
  }

  /** When that hotline answers, in words (their profile's hours; a fallback's are its own line's). */
  get hotlineHours(): string {
    return this.profile.hotlineHours.value[this.locale];
  }

  /** What this turn's channel can show (buttons, cards, ...). */
  get capabilities(): ChannelCapabilities {
    return capabilitiesOf(this.context);
  }

  get showsCards(): boolean {
    return this.capabilities.cards;
  }

  /**
   * A sentence in the person's language. Filing for someone else (代办), a sentence about the insured
   * person has its own words under agent.<key> (参保人 / "the insured person" instead of 您 / "you"): the
   * filer mode picks the variant; sentences that address the filer themselves have none. A date among the
   * placeholders (2026-12-06, as the domain keeps it) reads as people write it: 2026年12月6日, 6 December 2026.
   */
  t(key: string, params: TextParams = {}): string {
    const variant = this.variantOf(key);
    const given = naturalParams({ hotline: this.profile.hotline.value, ...params }, this.locale);
    const text = this.deps.texts.t(this.locale, variant, given);
    // Most sentences need nothing more; the derived placeholders (dates, documents, button labels) cost
    // date arithmetic and look-ups, so they are worked out only for a sentence that still has a gap.
    if (!UNFILLED.test(text)) return text;
    const derived = { ...this.derivedParams(), ...given };
    const filled = this.deps.texts.t(this.locale, variant, derived);
    // A question's words name its buttons by their labels ({choice_<value>}), so help never says "修改" for a button reading "修改信息".
    return filled.includes('{choice_') ? this.deps.texts.t(this.locale, variant, { ...this.choiceParams(key), ...derived }) : filled;
  }

  /** The derived placeholders last worked out, and what they were worked out from. */
  #derived: { locale: Locale; profile: RegionProfile; category: CategoryId | undefined; admission: string | undefined; today: string; params: TextParams } | undefined;

  /**
   * The example, document and service placeholders (dates as people read them), worked out again only when
   * what they are made of changed: the language, the profile (the insured place: {agency}, {hours}, the
   * date rules), the accepted category ({documents}, the start-date rules), the admission date, today.
   */
  private derivedParams(): TextParams {
    const locale = this.locale;
    const profile = this.profile;
    const category = this.state.acceptedCategory;
    const admission = this.state.situation.admissionDate;
    const today = this.deps.today();
    const known = this.#derived;
    if (known && known.locale === locale && known.profile === profile && known.category === category && known.admission === admission && known.today === today) return known.params;
    const params = naturalParams({ ...this.exampleParams(), ...this.documentParams(), ...this.serviceParams() }, locale);
    this.#derived = { locale, profile, category, admission, today, params };
    return params;
  }

  /** {hours}: when the hotline answers; {conversationTtl}: how long what the person entered is kept after their last message. */
  private serviceParams(): TextParams {
    return { hours: this.hotlineHours, conversationTtl: durationText(this.deps.texts, this.locale, this.deps.conversationTtlSeconds) };
  }

  /**
   * {choice_<value>}: the labels of the choices of the question a prompts.<id>.<part> key belongs to, found
   * once per content, language and question (looking means going through every key of the language).
   */
  private choiceParams(key: string): TextParams {
    const match = /^prompts\.(.+)\.[^.]+$/.exec(key);
    if (!match) return {};
    const texts = this.deps.texts;
    let known = choiceLabels.get(texts);
    if (!known) choiceLabels.set(texts, (known = new Map()));
    const memo = `${this.locale}\u0000${match[1]}`;
    let params = known.get(memo);
    if (!params) {
      const prefix = `prompts.${match[1]}.choices.`;
      params = {};
      for (const k of texts.keys(this.locale)) if (k.startsWith(prefix)) params[`choice_${k.slice(prefix.length)}`] = texts.t(this.locale, k);
      known.set(memo, params);
    }
    return params;
  }

  /** The content key said for `key` in the current filer mode (see t). */
  variantOf(key: string): string {
    if (this.state.situation.filerMode !== 'AGENT') return key;
    const agent = `agent.${key}`;
    return this.deps.texts.has(this.locale, agent) ? agent : key;
  }

  /** The documents a filing of `category` needs, as one phrase in the person's language (labels.documents.<code>). */
  documentsText(category: CategoryId): string {
    const separator = this.deps.texts.t(this.locale, 'common.listSeparator');
    return documentsFor(category, this.profile).documents.map((code) => this.deps.texts.t(this.locale, `labels.documents.${code}`)).join(separator);
  }

  /** {documents} for the accepted category, {commitmentText}, and {agency} — for the commitment question and the confirmation. */
  private documentParams(): TextParams {
    const category = this.state.acceptedCategory;
    return {
      documents: category ? this.documentsText(category) : '',
      commitmentText: this.deps.texts.t(this.locale, 'labels.commitment.text'),
      agency: this.profile.agency.value[this.locale],
    };
  }

  /**
   * The dates the examples of the date questions show, computed from today, the profile and the
   * person's answers so each example satisfies the rule it illustrates ({tomorrow}, {startDate},
   * {admission}, {dayBeforeAdmission}, {recentDate}), and {startExample}: the start-date example for
   * a planned or a retroactive filing, its words from prompts.details.startDate.examples.
   */
  private exampleParams(): TextParams {
    const admission = this.state.situation.admissionDate;
    const rules = startDateRulesFor(this.profile, this.state.acceptedCategory, this.deps.today(), admission);
    const dates = naturalParams(exampleDates(rules), this.locale);
    const variant = admission ? 'retroactive' : rules.maxDaysAhead >= 1 ? 'planned' : 'today';
    const startExample = this.deps.texts.t(this.locale, `prompts.details.startDate.examples.${variant}`, dates);
    return { ...dates, startExample };
  }

  has(key: string): boolean {
    return this.deps.texts.has(this.locale, key);
  }

  /** A region profile's own words in the person's language (afterSubmit, documentsHandIn), naming {agency}, {hotline} and {hours} as it speaks to them. */
  profileWords(words: Record<Locale, string>): string {
    return fill(words[this.locale], { agency: this.profile.agency.value[this.locale], hotline: this.hotline, hours: this.hotlineHours });
  }

  /**
   * Sends a message in the person's language: its `locale` says which (botbuilder would otherwise copy the
   * incoming message's, the page's language, also after the person switched); channelData carries the
   * machine-readable contract.
   */
  async say(text: string, channelData?: Record<string, unknown>): Promise<void> {
    const activity = MessageFactory.text(text);
    activity.locale = this.locale;
    if (channelData) activity.channelData = channelData;
    await this.context.sendActivity(activity);
  }

  /**
   * Sends a card alone: `text` (what the card shows, as plain words) is what is spoken, not a second
   * copy beside the card; channelData carries the machine-readable contract.
   */
  async sayCard(card: object, text: string, channelData?: Record<string, unknown>): Promise<void> {
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    activity.speak = text;
    activity.locale = this.locale;
    if (channelData) activity.channelData = channelData;
    await this.context.sendActivity(activity);
  }
}

/** The filing dialogs' host for their question prompts: the understanding, and each turn's form context and voice. */
export function filingHost(deps: DialogDeps): FormHost<FilingContext> {
  return {
    understanding: deps.understanding,
    progress: filingProgress,
    load: (context) => TurnKit.load(context, deps).then(formTurnOf),
  };
}

/** A kit as a form turn: the form's view of the turn, and the kit as its voice. */
const formTurnOf = (kit: TurnKit): FormTurn<FilingContext> => ({ c: kit.q, voice: kit });
