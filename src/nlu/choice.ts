import { LOCALES, type Texts } from '../content/texts.js';
import { NONE, type LabelledExample, type TrainedClassifier } from './classifier.js';
import { cachedClassifier, type ModelCache } from './model-cache.js';
import { judgeDuration, readDuration } from './duration.js';
import type { LocaleExamples } from './examples.js';
import { toReading } from './reading.js';
import { compact, type ReplyClause, type TextAnalyser } from './text.js';
import { EMERGENCY_VALUES, type ChoiceHints, type NluLocale, type Reading } from './understanding.js';

/**
 * Which value of a choice question a sentence means, in layers:
 *  1. exact: the whole answer is the choice's number, its value, its button label or a listed synonym in
 *     either language, or one of the question's own training sentences — instant and certain (button taps);
 *  2. for the long-term question, a duration judged against the profile's threshold;
 *  3. the question's trained classifier (its own examples, the shared yes/no examples where the question
 *     is a yes/no one, and "none of these"), read with explicit confidence;
 *  4. guards: a guarded value (consent, submit, clear everything) is never taken from a negated sentence, nor
 *     an emergency from a sentence that names a hospital and nothing urgent ("在医院": or a stay on a ward?),
 *     nor a stay on a ward (or a filing) from one that names a hospital and a sudden event ("突然晕倒了，现在在
 *     医院": or an emergency?) — both asked.
 * Before 2–4, at a question whose answers a question cannot be (askingIsNoAnswer: the yes/no ones), a reply
 * that puts a question back is no answer (see askedBack).
 * A label is never looked for inside a longer sentence.
 */
/** The other way round: the emergency value each alternative (a stay on a ward, a filing) stands beside. */
const EMERGENCY_OF: ReadonlyMap<string, string> = new Map([...EMERGENCY_VALUES].map(([emergency, alternative]) => [alternative, emergency]));

export class ChoiceRecogniser {
  private readonly classifiers = new Map<string, TrainedClassifier>();
  private readonly exact = new Map<string, Map<string, string[]>>();

  constructor(
    private readonly locale: NluLocale,
    private readonly examples: LocaleExamples,
    private readonly analyser: TextAnalyser,
    private readonly texts: Texts | undefined,
    private readonly cache: ModelCache = { dir: false },
  ) {}

  read(questionId: string, values: readonly string[], text: string, hints: ChoiceHints = {}): Reading<string> {
    const said = compact(this.analyser.folded(text));
    if (!said) return { status: 'none' };
    const exact = this.exactValue(questionId, values, said);
    if (exact !== undefined) return { status: 'confident', value: exact, score: 1 };
    if (this.examples.questions.get(questionId)?.askingIsNoAnswer) {
      const clauses = this.analyser.replyClauses(text);
      if (clauses.some((c) => c.asks)) return this.askedBack(questionId, values, clauses, hints);
    }
    return this.readWords(questionId, values, text, hints);
  }

  /**
   * A reply that puts a question back, at a question whose answers it cannot be (questions/<id>.json
   * askingIsNoAnswer: the yes/no ones): "要不要转诊证明", "is a referral required?", "退休了才能办吗" ask about the
   * question and answer nothing. Decided by wording, clause by clause:
   *  - a clause that asks to go on with one of the choices (a request word — 能不能, 可以, "can I" — and,
   *    without it and its fillers, exactly that choice's words: "能不能先同意", "can I agree?") is that choice;
   *  - the clauses that ask nothing are the answer ("有啊，怎么了": 有啊), read as any answer;
   *  - nothing else: none, marked asked (the conversation says what the question means and asks it again).
   */
  private askedBack(questionId: string, values: readonly string[], clauses: ReadonlyArray<ReplyClause>, hints: ChoiceHints): Reading<string> {
    const requested = new Set(clauses.filter((c) => c.asks).map((c) => this.analyser.requested(c.text)).map((left) => (left === undefined ? undefined : this.exactValue(questionId, values, left))));
    const request = [...requested][0];
    if (requested.size === 1 && request !== undefined) return { status: 'confident', value: request, score: 1 };
    const answer = clauses.filter((c) => !c.asks).map((c) => c.text).join(' ');
    if (!compact(answer)) return { status: 'none', asked: true };
    const exact = this.exactValue(questionId, values, compact(answer));
    if (exact !== undefined) return { status: 'confident', value: exact, score: 1 };
    const reading = this.readWords(questionId, values, answer, hints);
    return reading.status === 'none' ? { status: 'none', asked: true } : reading;
  }

  /** Free words read: a duration at the long-term question, the question's classifier, the guards. */
  private readWords(questionId: string, values: readonly string[], text: string, hints: ChoiceHints): Reading<string> {

    if (questionId === 'situation.longTerm' && hints.longTermMinDays !== undefined && values.includes('yes') && values.includes('no')) {
      const duration = readDuration(text, this.locale);
      if (duration) return judgeDuration(duration, hints.longTermMinDays);
    }

    const analysed = this.analyser.analyse(text);
    const { ranked } = this.classifier(questionId, values).classify(analysed);
    const inValues = ranked.filter((c) => c.value === NONE || values.includes(c.value));
    const reading = toReading(inValues);
    if (reading.status !== 'confident') return this.hospitalNamed(reading, values, text, inValues) ?? reading;
    const guarded = this.examples.questions.get(questionId)?.guarded ?? [];
    if (guarded.includes(reading.value) && analysed.negated) {
      // "不太同意，我不想在网上填身份证号" is not consent: ask again rather than guess.
      const others = inValues.filter((c) => c.value !== NONE && c.value !== reading.value);
      return others.length ? { status: 'close', candidates: [{ value: reading.value, score: reading.score / 2 }, ...others.slice(0, 1)] } : { status: 'none' };
    }
    return this.hospitalNamed(reading, values, text, inValues) ?? reading;
  }

  /**
   * Words that name a hospital, where an emergency and what a hospital may as well mean instead (a stay on a
   * ward, a filing) are choices: asked which, the emergency first (care comes first), rather than ending the
   * questions on a guess or going on without the emergency.
   *  - A hospital and nothing urgent ("我在医院"): read as an emergency, or unsure — both offered (an emergency
   *    read where its alternative is no choice: none).
   *  - A hospital and a sudden event ("妈妈突然晕过去了，现在在医院"), which the intent and the intake read as an
   *    emergency: read as an emergency with no emergency care named, or as a stay on a ward — both offered; two
   *    close readings, one an emergency — the emergency first, whichever scored a little higher.
   * Undefined where no hospital is named or the reading stands. A confident reading doubted is offered at half its score.
   */
  private hospitalNamed(reading: Reading<string>, values: readonly string[], text: string, scored: ReadonlyArray<{ value: string; score: number }>): Reading<string> | undefined {
    const calm = this.analyser.hospitalWithoutUrgency(text);
    if (!calm && !this.analyser.hospitalWithUrgency(text)) return undefined;
    const score = (value: string): number => (reading.status === 'confident' && reading.value === value ? reading.score / 2 : (scored.find((c) => c.value === value)?.score ?? 0));
    const both = (emergency: string, alternative: string): Reading<string> => ({ status: 'close', candidates: [emergency, alternative].map((value) => ({ value, score: score(value) })) });
    if (reading.status !== 'confident') {
      if (calm) {
        const pair = [...EMERGENCY_VALUES].find(([emergency, alternative]) => values.includes(emergency) && values.includes(alternative));
        return pair && both(...pair);
      }
      if (reading.status !== 'close' || !reading.candidates.some((c) => EMERGENCY_VALUES.has(c.value))) return undefined;
      return { status: 'close', candidates: [...reading.candidates].sort((a, b) => Number(EMERGENCY_VALUES.has(b.value)) - Number(EMERGENCY_VALUES.has(a.value))) };
    }
    const alternative = EMERGENCY_VALUES.get(reading.value);
    if (alternative !== undefined) {
      if (!values.includes(alternative)) return calm ? { status: 'none' } : undefined;
      return calm || !this.analyser.namesEmergencyCare(text) ? both(reading.value, alternative) : undefined;
    }
    const emergency = EMERGENCY_OF.get(reading.value);
    return emergency !== undefined && !calm && values.includes(emergency) ? both(emergency, reading.value) : undefined;
  }

  /** The exact layer alone: the value a button tap, number, label or synonym names, else undefined. */
  exactChoice(questionId: string, values: readonly string[], text: string): string | undefined {
    const said = compact(this.analyser.folded(text));
    return said ? this.exactValue(questionId, values, said) : undefined;
  }

  /** The value whose number, id, label, synonym or own example the whole answer is; undefined when none or several. */
  private exactValue(questionId: string, values: readonly string[], said: string): string | undefined {
    const index = Number.parseInt(said, 10);
    if (String(index) === said) return index >= 1 && index <= values.length ? values[index - 1] : undefined;
    const words = this.exactWords(questionId, values);
    const hits = values.filter((v) => words.get(v)?.includes(said));
    return hits.length === 1 ? hits[0] : undefined;
  }

  private exactWords(questionId: string, values: readonly string[]): Map<string, string[]> {
    const key = `${questionId}|${values.join(',')}`;
    let words = this.exact.get(key);
    if (words) return words;
    words = new Map();
    const q = this.examples.questions.get(questionId);
    for (const value of values) {
      const list: string[] = [value];
      if (this.texts) {
        for (const l of [this.locale, ...LOCALES.filter((x) => x !== this.locale)]) {
          const own = `prompts.${questionId}.choices.${value}`;
          if (this.texts.has(l, own)) list.push(this.texts.t(l, own));
          list.push(...this.texts.list(l, `prompts.${questionId}.synonyms.${value}`));
        }
        const yesNo = value === 'yes' || value === 'no' ? value : q?.yesNo?.[value];
        if (yesNo) for (const l of LOCALES) list.push(...this.texts.list(l, `common.${yesNo}`));
      }
      list.push(...(q?.examples[value] ?? []));
      words.set(value, [...new Set(list.map((w) => compact(this.analyser.folded(w))).filter(Boolean))]);
    }
    this.exact.set(key, words);
    return words;
  }

  /** The question's classifier, trained on first use and kept. */
  private classifier(questionId: string, values: readonly string[]): TrainedClassifier {
    const key = `${questionId}|${values.join(',')}`;
    let c = this.classifiers.get(key);
    if (!c) {
      c = cachedClassifier(this.trainingSet(questionId, values), this.analyser, this.locale, this.cache);
      this.classifiers.set(key, c);
    }
    return c;
  }

  /** Every question's classifier trained now (the app calls this at start; tests train on first use). */
  warmUp(questions: Iterable<[string, readonly string[]]>): void {
    for (const [id, values] of questions) this.classifier(id, values);
  }

  private trainingSet(questionId: string, values: readonly string[]): LabelledExample[] {
    const q = this.examples.questions.get(questionId);
    const out: LabelledExample[] = [];
    for (const value of values) {
      for (const text of q?.examples[value] ?? []) out.push({ text, label: value });
      const yesNo = value === 'yes' || value === 'no' ? value : q?.yesNo?.[value];
      if (yesNo) for (const text of this.examples.yesNo[yesNo]) out.push({ text, label: value });
    }
    for (const text of this.examples.none) out.push({ text, label: NONE });
    for (const [intent, texts] of Object.entries(this.examples.intents)) {
      if (intent === 'emergency' || intent === 'keep') continue; // an answer at some questions
      for (const text of texts) out.push({ text, label: NONE });
    }
    return out;
  }
}
