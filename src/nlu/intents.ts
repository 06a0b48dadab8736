import { NONE, type LabelledExample, type TrainedClassifier } from './classifier.js';
import { cachedClassifier, type ModelCache } from './model-cache.js';
import type { AskCues, LocaleExamples } from './examples.js';
import { toReading } from './reading.js';
import { SmallTalkReader } from './small-talk.js';
import { compact, cuePattern, type TextAnalyser } from './text.js';
import { EMERGENCY_VALUES, INTENTS, type Intent, type IntentReading, type NluLocale } from './understanding.js';

/** The share of the scores from which a possible emergency is taken as one. */
const EMERGENCY_FLOOR = 0.2;

/**
 * Whether words ask a question (intents.json `asks`): a mark anywhere (?, 吗), a word anywhere (怎么, 能不能; in
 * English whole words: "how", "can i"), the first word ("is", "do") or the last (吧).
 */
function asksOf(asks: AskCues, locale: NluLocale): (folded: string) => boolean {
  const word = locale === 'en-US' ? [String.raw`\b`, String.raw`\b`] : ['', ''];
  const patterns = [
    cuePattern(asks.marks, '{cues}'),
    cuePattern(asks.anywhere, `${word[0]}{cues}${word[1]}`),
    cuePattern(asks.first, `^{cues}${word[1]}`),
    cuePattern(asks.last, `${word[0]}{cues}$`),
  ];
  return (folded) => patterns.some((p) => p.test(folded));
}

/** The label of a FAQ topic in the intent classifier. */
const FAQ_PREFIX = 'faq:';
const LANGUAGE_PREFIX = 'language:';

/**
 * Intents said in free words: one classifier over every intent and every FAQ topic, with the answers to
 * the questions (all choice examples) and other sentences as "none of these" — so an answer is not taken
 * for an intent. The command words of content/locales/<locale>/commands.json are exact.
 */
export class IntentRecogniser {
  private classifier: TrainedClassifier | undefined;
  private readonly exact = new Map<string, string>();
  private readonly smallTalk: SmallTalkReader;
  /** Per intent with a stricter bar (intents.json `saidWith`), its words folded once. */
  private readonly saidWith = new Map<string, string[]>();
  private readonly asks: (folded: string) => boolean;

  constructor(
    private readonly locale: NluLocale,
    private readonly examples: LocaleExamples,
    private readonly analyser: TextAnalyser,
    commandWords: Record<string, string[]>,
    private readonly cache: ModelCache = { dir: false },
  ) {
    for (const [label, words] of Object.entries(commandWords)) for (const w of words) this.exact.set(compact(this.analyser.folded(w)), label);
    this.smallTalk = new SmallTalkReader(locale, analyser, examples.smallTalk);
    for (const [intent, words] of Object.entries(examples.intentWords)) this.saidWith.set(intent, words.map((w) => this.analyser.folded(w)));
    this.asks = asksOf(examples.asks, locale);
  }

  read(text: string): IntentReading | undefined {
    const all = this.readAll(text);
    return all.status === 'confident' ? all.value : undefined;
  }

  /** The reading with its scores, for a caller that weighs an intent against an answer. */
  readAll(text: string): { status: 'confident'; value: IntentReading } | { status: 'close'; candidates: IntentReading[] } | { status: 'none' } {
    const folded = this.analyser.folded(text);
    const said = compact(folded);
    if (!said) return { status: 'none' };
    const exact = this.exact.get(said);
    if (exact) return { status: 'confident', value: toIntent(exact, 1) };
    const smallTalk = this.smallTalk.read(text);
    if (smallTalk) return { status: 'confident', value: toIntent(smallTalk, 1) };
    this.classifier ??= cachedClassifier(this.trainingSet(), this.analyser, this.locale, this.cache);
    // A hospital named with nothing urgent ("人在医院") may as well be a stay on a ward: not an emergency.
    const calm = this.analyser.hospitalWithoutUrgency(text);
    const { ranked: all } = this.classifier.classify(text);
    const ranked = this.withoutUnsaid(text, calm ? all.filter((c) => c.value !== 'emergency') : all);
    // Care comes first: a sentence that may well describe an emergency is read as one (emergency advice is
    // never harmful; a question about a child studying away, taken for an emergency, costs one message).
    const emergency = ranked.find((c) => c.value === 'emergency');
    if (emergency && emergency.score >= EMERGENCY_FLOOR && ranked[0]!.value !== NONE) return { status: 'confident', value: toIntent('emergency', emergency.score) };
    const reading = toReading(ranked);
    // A FAQ topic is a question: "户口没迁走" answers a question, "户口没迁怎么办" asks one (a problem told, faq.json toldAsProblem, asks too).
    const asks = (topic: string) => this.asks(folded) || this.examples.faqToldAsProblem.includes(topic.slice(FAQ_PREFIX.length));
    if (reading.status === 'confident' && reading.value.startsWith(FAQ_PREFIX) && !asks(reading.value)) {
      // Words about an emergency that ask nothing describe one: emergency advice, not the FAQ answer.
      if (reading.value === `${FAQ_PREFIX}EMERGENCY` && !calm) return { status: 'confident', value: toIntent('emergency', reading.score) };
      return { status: 'close', candidates: [toIntent(reading.value, reading.score)] };
    }
    if (reading.status === 'confident') return { status: 'confident', value: toIntent(reading.value, reading.score) };
    if (reading.status === 'close') return { status: 'close', candidates: reading.candidates.map((c) => toIntent(c.value, c.score)) };
    return { status: 'none' };
  }

  /**
   * A stricter bar for an intent that undoes something: cancelFiling is read only from words that say so
   * (取消, 撤销, 不要了, cancel, withdraw… — intents.json `saidWith`), whatever its score. Without them its
   * share goes to "none of these": "办理异地就医备案" wants a filing, and must never open the cancel.
   */
  private withoutUnsaid(text: string, ranked: Array<{ value: string; score: number }>): Array<{ value: string; score: number }> {
    let moved = 0;
    const kept = ranked.filter((c) => {
      const words = this.saidWith.get(c.value);
      if (!words || this.saysAny(text, words)) return true;
      moved += c.score;
      return false;
    });
    if (moved === 0) return ranked;
    const none = kept.find((c) => c.value === NONE);
    if (none) none.score += moved;
    else kept.push({ value: NONE, score: moved });
    return kept.sort((a, b) => b.score - a.score);
  }

  /**
   * Whether the words say one of `words` (folded), not asked both ways before it in its clause: "会不会被取消备案",
   * "要不要取消备案" ask whether, and say no cancel; "我要取消备案", "怎么取消备案" do.
   */
  private saysAny(text: string, words: readonly string[]): boolean {
    return this.analyser.clauses(text).some((clause) => {
      const asked = this.analyser.askedBothWaysAt(clause);
      const said = asked < 0 ? clause : clause.slice(0, asked);
      return words.some((w) => said.includes(w));
    });
  }

  private trainingSet(): LabelledExample[] {
    const out: LabelledExample[] = [];
    for (const [label, texts] of Object.entries(this.examples.intents)) for (const text of texts) out.push({ text, label });
    for (const [topic, texts] of Object.entries(this.examples.faq)) for (const text of texts) out.push({ text, label: `${FAQ_PREFIX}${topic}` });
    for (const text of this.examples.none) out.push({ text, label: NONE });
    for (const q of this.examples.questions.values()) {
      for (const [value, texts] of Object.entries(q.examples)) {
        // "正在急诊" answers "what is happening now" and is also the emergency intent: not a counter-example.
        if (EMERGENCY_VALUES.has(value) || value === 'HUMAN' || value === 'FAQ') continue;
        for (const text of texts) out.push({ text, label: NONE });
      }
    }
    for (const text of [...this.examples.yesNo.yes, ...this.examples.yesNo.no]) out.push({ text, label: NONE });
    return out;
  }
}

function toIntent(label: string, score: number): IntentReading {
  if (label.startsWith(FAQ_PREFIX)) return { intent: 'faq', topic: label.slice(FAQ_PREFIX.length), score };
  if (label.startsWith(LANGUAGE_PREFIX)) return { intent: 'language', locale: label.slice(LANGUAGE_PREFIX.length) as NluLocale, score };
  if (!(INTENTS as readonly string[]).includes(label)) throw new Error(`content/nlu intents: unknown intent "${label}"`);
  return { intent: label as Intent, score };
}
