import type { Candidate, NluLocale } from './understanding.js';
import { featuresOf, type Analysed, type TextAnalyser } from './text.js';

/** The label of "none of these": off-topic sentences, questions back, other things people say. */
export const NONE = '_none';

export interface LabelledExample {
  text: string;
  label: string;
}

interface Sparse {
  idx: Int32Array;
  val: Float64Array;
}

/** A trained classifier as data (src/nlu/model-cache.ts keeps it in a file): what training produced, exactly. */
export interface ClassifierModel {
  labels: string[];
  /** Feature names in index order. */
  features: string[];
  /** The weights (one row per label) and biases, as the bytes of their Float64Arrays in base64. */
  weights: string;
  bias: string;
}

export interface Classification {
  /** Every label with a probability, best first; they add up to 1. */
  ranked: Array<Candidate<string>>;
  /** Share of the sentence's words the classifier has seen in training (0 when it knows none). */
  known: number;
}

/** Features of training sentences, kept per analyser: the shared "none" sentences train every question. */
const featureCache = new WeakMap<TextAnalyser, Map<string, Record<string, number>>>();
function trainingFeatures(analyser: TextAnalyser, locale: NluLocale, text: string): Record<string, number> {
  let cache = featureCache.get(analyser);
  if (!cache) featureCache.set(analyser, (cache = new Map()));
  let f = cache.get(text);
  if (!f) cache.set(text, (f = featuresOf(analyser.analyse(text), locale)));
  return f;
}

/** Training settings, chosen on the dev set (npm run eval:nlu): more passes change no figure there. */
const EPOCHS = 10;
const LEARNING_RATE = 0.4;
const L2 = 1e-4;
/** The epochs whose weights are averaged into the model (the later half). */
const AVERAGED_FROM = 5;

/**
 * A multinomial logistic regression (softmax) over the features of src/nlu/text.ts, trained by
 * stochastic gradient descent with class-balanced weights (the "none of these" class is large) and an
 * order per epoch fixed by each example's own words, so the same examples always give the same model and
 * one example more does not reorder the rest. Its outputs are probabilities, which
 * is what the confidence rules of reading.ts need. About 10 ms for a question, 0.2 s for the intents.
 */
export class TrainedClassifier {
  readonly labels: string[];
  private readonly index = new Map<string, number>();
  /** One row of weights per label, side by side. */
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;
  private width = 0;

  /** Trains on `examples`, or takes a model trained earlier as it is (`toModel()`). */
  constructor(
    examples: readonly LabelledExample[] | ClassifierModel,
    private readonly analyser: TextAnalyser,
    private readonly locale: NluLocale,
  ) {
    if (!Array.isArray(examples)) {
      const model = examples as ClassifierModel;
      this.labels = [...model.labels];
      for (const name of model.features) this.index.set(name, this.index.size);
      this.width = this.index.size;
      this.weights = floats(model.weights);
      this.bias = floats(model.bias);
      if (this.weights.length !== this.labels.length * this.width || this.bias.length !== this.labels.length) throw new Error('classifier model: its weights do not fit its labels and features');
      return;
    }
    this.labels = [...new Set(examples.map((e) => e.label))];
    const labelIndex = new Map(this.labels.map((l, i) => [l, i]));
    const rows = examples.map((e) => ({ x: this.sparse(trainingFeatures(analyser, locale, e.text), true), y: labelIndex.get(e.label)! }));
    const k = this.labels.length;
    const counts = new Array<number>(k).fill(0);
    for (const r of rows) counts[r.y]!++;
    const classWeight = counts.map((c) => rows.length / (k * Math.max(1, c)));
    const width = this.index.size;
    this.width = width;
    this.weights = new Float64Array(k * width);
    this.bias = new Float64Array(k);
    // Each epoch visits the examples in an order drawn from each example's own words (a hash of its label,
    // text and the epoch), not from a shuffle of the whole list: an example added or removed takes its own
    // place and leaves the others' order as it was, so it does not reorder training and tip unrelated readings.
    const keys = examples.map((e) => `${e.label}\u0000${e.text}`);
    const order = rows.map((_, i) => i);
    const rank = new Uint32Array(rows.length);
    const p = new Float64Array(k);
    const sumW = new Float64Array(this.weights.length);
    const sumB = new Float64Array(k);
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      for (let i = 0; i < keys.length; i++) rank[i] = fnv1a(`${epoch}\u0000${keys[i]}`);
      order.sort((a, b) => rank[a]! - rank[b]! || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
      const rate = LEARNING_RATE / (1 + epoch * 0.1);
      const decay = 1 - rate * L2;
      for (const i of order) {
        const { x, y } = rows[i]!;
        this.probabilities(x, p);
        const w = classWeight[y]!;
        for (let c = 0; c < k; c++) {
          const g = (p[c]! - (c === y ? 1 : 0)) * w * rate;
          // A label the example already rules out moves nothing worth the work (most labels, most of the time).
          if (Math.abs(g) < 1e-4) continue;
          const base = c * width;
          for (let n = 0; n < x.idx.length; n++) {
            const at = base + x.idx[n]!;
            this.weights[at] = this.weights[at]! * decay - g * x.val[n]!;
          }
          this.bias[c] = this.bias[c]! - g;
        }
      }
      if (epoch >= AVERAGED_FROM) {
        for (let i = 0; i < sumW.length; i++) sumW[i]! += this.weights[i]!;
        for (let c = 0; c < k; c++) sumB[c]! += this.bias[c]!;
      }
    }
    // The model is the mean of the later epochs' weights: where one pass ends depends on the last examples
    // it saw; the mean does not lean on them (a reading near a threshold does not tip with the order).
    const n = EPOCHS - AVERAGED_FROM;
    for (let i = 0; i < sumW.length; i++) this.weights[i] = sumW[i]! / n;
    for (let c = 0; c < k; c++) this.bias[c] = sumB[c]! / n;
  }

  /** What training produced, to be given to the constructor again. */
  toModel(): ClassifierModel {
    return {
      labels: [...this.labels],
      features: [...this.index.keys()],
      weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'),
      bias: Buffer.from(this.bias.buffer, this.bias.byteOffset, this.bias.byteLength).toString('base64'),
    };
  }

  /** Features as parallel index and value arrays; while training, new features get an index. */
  private sparse(features: Record<string, number>, grow: boolean): Sparse {
    const idx: number[] = [];
    const val: number[] = [];
    for (const name in features) {
      let i = this.index.get(name);
      if (i === undefined && grow) this.index.set(name, (i = this.index.size));
      if (i !== undefined) {
        idx.push(i);
        val.push(features[name]!);
      }
    }
    return { idx: Int32Array.from(idx), val: Float64Array.from(val) };
  }

  private probabilities(x: Sparse, into: Float64Array): void {
    const k = this.labels.length;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = this.bias[c]!;
      const base = c * this.width;
      for (let n = 0; n < x.idx.length; n++) s += this.weights[base + x.idx[n]!]! * x.val[n]!;
      into[c] = s;
      if (s > max) max = s;
    }
    let total = 0;
    for (let c = 0; c < k; c++) total += into[c] = Math.exp(into[c]! - max);
    for (let c = 0; c < k; c++) into[c] = into[c]! / total;
  }

  classify(text: string | Analysed): Classification {
    const analysed = typeof text === 'string' ? this.analyser.analyse(text) : text;
    const features = featuresOf(analysed, this.locale);
    const words = Object.keys(features).filter((k) => k.startsWith('w:'));
    const known = words.length === 0 ? 0 : words.filter((w) => this.index.has(w)).length / words.length;
    const p = new Float64Array(this.labels.length);
    this.probabilities(this.sparse(features, false), p);
    const ranked = this.labels.map((value, i) => ({ value, score: p[i]! }));
    // Unseen words make the reading less certain: part of the probability moves to NONE.
    const doubt = Math.max(0, 0.5 - known) * 0.8;
    if (doubt > 0) {
      for (const c of ranked) c.score *= 1 - doubt;
      const none = ranked.find((c) => c.value === NONE);
      if (none) none.score += doubt;
      else ranked.push({ value: NONE, score: doubt });
    }
    return { ranked: ranked.sort((a, b) => b.score - a.score), known };
  }
}

/** The 32-bit FNV-1a hash of a string's UTF-16 code units: a fixed, platform-independent order key. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A Float64Array from base64 bytes (copied: a Buffer's bytes need not be 8-aligned). */
function floats(base64: string): Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % 8 !== 0) throw new Error('classifier model: weights are not whole numbers of 8 bytes');
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
