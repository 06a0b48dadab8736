import type { PlaceMention } from '../domain/places.js';
import type { IsoDate } from '../domain/calendar.js';
import type { Now, Scheme } from '../domain/situation.js';

/**
 * The contract between the conversation and the understanding of people's own words (issue 10).
 * Everything here is pure (no botbuilder, no I/O per call): trained once at start from the examples in
 * content/nlu/<locale>/, then asked on every message by the dialogs of every channel, the hotline's
 * guided call and the evaluation (npm run eval:nlu) alike.
 */

export type NluLocale = 'zh-CN' | 'en-US';

/** One possible reading of what was said, with a score in [0, 1]. */
export interface Candidate<T = string> {
  value: T;
  score: number;
}

/**
 * How sure the reading is. A confident reading is taken (and said back in a few words, so a misreading
 * is visible and undone with "back"); when two readings are close the person is asked which one they
 * mean; otherwise the question is asked again. A low-confidence guess is never taken silently. `asked`: the
 * words put a question back (要不要转诊证明？) and answer nothing — the question's meaning is said before it is asked again.
 */
export type Reading<T = string> =
  | { status: 'confident'; value: T; score: number }
  | { status: 'close'; candidates: Array<Candidate<T>> }
  | { status: 'none'; asked?: true };

/** What a choice question tells the recogniser beyond its id and values. */
export interface ChoiceHints {
  /** The long-term threshold of the person's region profile, in days (a duration is judged against it). */
  longTermMinDays?: number;
  today?: IsoDate;
}

/** Things a person may want at any point, in their own words (not only the command words). */
export const INTENTS = [
  'emergency',
  'human',
  'help',
  'back',
  'restart',
  'language',
  'keep',
  'faq',
  'checkFiling',
  'cancelFiling',
  'changeFiling',
  // Small talk: a hello ("你好", "在吗", "hi") or thanks ("谢谢", "thanks") at any question is answered kindly, the question asked again.
  'greeting',
  'thanks',
] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * The choice values that mean an emergency ("what is happening now", the menu) — answers that are also the
 * emergency intent — each with what a hospital named with nothing urgent ("在医院") may as well mean instead:
 * a stay on a ward, a filing to make.
 */
export const EMERGENCY_VALUES: ReadonlyMap<string, string> = new Map([
  ['EMERGENCY_NOW', 'IN_HOSPITAL'],
  ['EMERGENCY', 'FILE'],
]);

export interface IntentReading {
  intent: Intent;
  score: number;
  /** For `faq`: the topic id (content/locales/<locale>/faq.json faq.topics). */
  topic?: string;
  /** For `language`: the language asked for. */
  locale?: NluLocale;
}

/**
 * The facts a free description of the situation states ("我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口"),
 * each only when the text states it. Places are 6-digit codes of pooling areas.
 */
export interface IntakeFacts {
  filerMode?: 'SELF' | 'AGENT';
  /** The words say outright that the filing is one's own ("本人", "给自己办", "for myself"): more than "我想", which is all filerMode SELF needs. */
  ownFiling?: true;
  /** The words say outright that the filing is made for someone else ("给我妈", "替老伴", "for my dad"): more than a clause about another person ("她说…"), which is all filerMode AGENT needs. */
  forSomeoneElse?: true;
  /**
   * The words are about another person ("我爸在日照参保，要去上海做手术", "my father is insured in Rizhao…"), and no
   * clause starts with one's own doings ("我要去…", "I will…"): the person whose situation it is is someone else.
   */
  aboutSomeoneElse?: true;
  insuredPlace?: string;
  treatmentPlace?: string;
  scheme?: Scheme;
  insuranceActive?: boolean;
  now?: Now;
  admissionDate?: IsoDate;
  /** How long the stay is, in days, when a duration was said. */
  stayDays?: number;
  longTerm?: boolean;
  retired?: boolean;
  hukouMoved?: boolean;
  dispatchedByEmployer?: boolean;
  hasReferral?: boolean;
  student?: boolean;
  /**
   * (Added by the implementation.) A place named for a role that several pooling areas share (朝阳: 朝阳市 or
   * 北京市): their codes, to offer as a choice. The role itself then stays undefined.
   */
  placeChoices?: { insuredPlace?: string[]; treatmentPlace?: string[] };
}

/** Which place a place question asks for: the insured place (参保地) or the place of treatment (就医地). */
export type PlaceRole = 'insured' | 'treatment';

/**
 * The place a sentence gives for a role (src/nlu/places.ts): picked (said to be it, or the only one named),
 * otherRole (the only place named is said to be the other one: "在北京看病" asked for the insured place),
 * unclear (several, none clearly it: to choose from) or none named.
 */
export type PlaceInSentence =
  | { status: 'picked'; mention: PlaceMention }
  | { status: 'otherRole'; mention: PlaceMention }
  | { status: 'unclear'; mentions: PlaceMention[] }
  | { status: 'none' };

export interface Understanding {
  /** Which of a choice question's values the text means (its number, words, a paraphrase, a negation...). */
  choice(questionId: string, values: readonly string[], text: string, locale: NluLocale, hints?: ChoiceHints): Reading<string>;
  /** An intent said in free words, or undefined when the text states none with confidence. */
  intent(text: string, locale: NluLocale): IntentReading | undefined;
  /** A duration in days ("两年", "八个月", "一个礼拜", "for a couple of years"), or undefined. */
  duration(text: string, locale: NluLocale): number | undefined;
  /** The facts a free description states (see IntakeFacts). */
  intake(text: string, locale: NluLocale, today: IsoDate): IntakeFacts;
  /**
   * Whether the text is one Chinese word of the segmenter's dictionary (同意, 明白), not characters strung
   * together (日招, 义鸟): then it is no place one character off. Text that is not all Chinese characters is no
   * such word (there is no English dictionary). Optional: without it, no such check.
   */
  isChineseWord?(text: string): boolean;
  /** The place a sentence names for a role ("I'm insured in Rizhao", "我是日照的退休职工，…住在海口"). */
  placeIn(text: string, locale: NluLocale, role: PlaceRole): PlaceInSentence;
}
