import { LOCALES, type Texts } from '../content/texts.js';
import { NONE, type LabelledExample, type TrainedClassifier } from './classifier.js';
import { cachedClassifier, type ModelCache } from './model-cache.js';
import { judgeDuration, readDuration } from './duration.js';
import type { LocaleExamples } from './examples.js';
import { toReading } from './reading.js';
import { compact, type TextAnalyser } from './text.js';
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

    if (questionId === 'situation.longTerm' && hints.longTermMinDays !== undefined && values.includes('yes') && values.includes('no')) {
      const duration = readDuration(text, this.locale);
      if (duration) return judgeDuration(duration, hints.longTermMinDays);
    }

    const analysed = this.analyser.analyse(text);
    const { ranked } = this.classifier(questionId, values).classify(analysed);
    const inValues = ranked.filter((c) => c.value === NONE || values.includes(c.value));
    const reading = toReading(inValues);
    if (reading.status !== 'confident') return this.hospitalAlone(values, text, inValues) ?? this.emergencyFirst(reading, text);
    const guarded = this.examples.questions.get(questionId)?.guarded ?? [];
    if (guarded.includes(reading.value) && analysed.negated) {
      // "不太同意，我不想在网上填身份证号" is not consent: ask again rather than guess.
      const others = inValues.filter((c) => c.value !== NONE && c.value !== reading.value);
      return others.length ? { status: 'close', candidates: [{ value: reading.value, score: reading.score / 2 }, ...others.slice(0, 1)] } : { status: 'none' };
    }
    const instead = EMERGENCY_VALUES.get(reading.value);
    if (instead !== undefined && values.includes(instead) && this.analyser.hospitalWithUrgency(text) && !this.analyser.namesEmergencyCare(text)) {
      // "妈妈突然晕过去了，现在在医院": something sudden and a hospital, but no emergency care named — an emergency,
      // or a stay on a ward since? Asked, the emergency first, rather than ending the questions on a guess.
      const other = { value: instead, score: inValues.find((c) => c.value === instead)?.score ?? 0 };
      return { status: 'close', candidates: [{ value: reading.value, score: reading.score }, other] };
    }
    if (instead !== undefined && this.analyser.hospitalWithoutUrgency(text)) {
      // "在医院": an emergency, or a stay on a ward? Asked, both offered, rather than ending the questions as an emergency.
      const other = { value: instead, score: inValues.find((c) => c.value === instead)?.score ?? 0 };
      return values.includes(instead) ? { status: 'close', candidates: [{ value: reading.value, score: reading.score / 2 }, other] } : { status: 'none' };
    }
    const emergency = EMERGENCY_OF.get(reading.value);
    if (emergency !== undefined && values.includes(emergency) && this.analyser.hospitalWithUrgency(text)) {
      // "他突然晕倒了，现在在医院": a sudden event and a hospital, which the intent and the intake read as an
      // emergency; here a stay on a ward was read. Asked, the emergency first, rather than going on without it.
      const urgent = { value: emergency, score: inValues.find((c) => c.value === emergency)?.score ?? 0 };
      return { status: 'close', candidates: [urgent, { value: reading.value, score: reading.score / 2 }] };
    }
    return reading;
  }

  /**
   * Two close readings, one an emergency, of words with a hospital and a sudden event ("他突然晕倒了，现在在医院"):
   * the emergency offered first, whichever the classifier scored a little higher (care comes first).
   */
  private emergencyFirst(reading: Exclude<Reading<string>, { status: 'confident' }>, text: string): Reading<string> {
    if (reading.status !== 'close' || !reading.candidates.some((c) => EMERGENCY_VALUES.has(c.value)) || !this.analyser.hospitalWithUrgency(text)) return reading;
    return { status: 'close', candidates: [...reading.candidates].sort((a, b) => Number(EMERGENCY_VALUES.has(b.value)) - Number(EMERGENCY_VALUES.has(a.value))) };
  }

  /**
   * A hospital named with nothing urgent ("我在医院") where the classifier is unsure: an emergency, or a stay on a
   * ward? Asked, both offered, the emergency first — whatever the classifier's scores.
   */
  private hospitalAlone(values: readonly string[], text: string, scored: ReadonlyArray<{ value: string; score: number }>): Reading<string> | undefined {
    for (const [emergency, alternative] of EMERGENCY_VALUES) {
      if (!values.includes(emergency) || !values.includes(alternative) || !this.analyser.hospitalWithoutUrgency(text)) continue;
      const score = (v: string) => scored.find((c) => c.value === v)?.score ?? 0;
      return { status: 'close', candidates: [{ value: emergency, score: score(emergency) }, { value: alternative, score: score(alternative) }] };
    }
    return undefined;
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
