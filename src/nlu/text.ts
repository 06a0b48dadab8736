import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { NluLocale } from './understanding.js';

/**
 * What a sentence is made of for the classifiers: the text folded to one form (lexicon), cut into
 * clauses and words (jieba for Chinese, words for English), and the words inside the scope of a negation
 * marked, so that "不同意" and "同意", "没迁" and "迁了", "not sent by my employer" and "sent by my employer"
 * are different features.
 */

export interface Lexicon {
  /** Colloquial, regional, traditional or misspelt forms → the form the examples use. */
  fold: Record<string, string>;
  /** Words that turn the rest of their clause around. */
  negations: string[];
  /** Words that start a new clause ("但是", "but"). */
  contrast: string[];
  /** Words that name a hospital (医院, "hospital")... */
  hospital: string[];
  /** ...and words of urgency (急, 抢救, "ambulance"): a hospital named without one is not an emergency. */
  emergency: string[];
  /** Words that name emergency care or a critical state itself (急诊, 抢救, 昏迷, "the ER"); a hospital and urgency without one may as well be a ward. */
  emergencyCare?: string[];
  /**
   * What makes a clause a question put back (at a yes/no question it answers nothing): a mark anywhere (?, 吗), a
   * word anywhere (Chinese: 怎么, 要不要), a first word (English: "is", "do"). Stricter than intents.json `asks`.
   */
  asking?: { marks: string[]; words: string[]; first: string[] };
  /** A question that asks to go on with something (能不能先同意, "can I agree"): one of `words`, the rest with the `fillers` dropped is what it asks for. */
  requesting?: { words: string[]; fillers: string[] };
}

/** One clause of a reply, and whether it asks (a question put back). */
export interface ReplyClause {
  text: string;
  asks: boolean;
}

let jieba: Jieba | undefined;
/** The segmenter, loaded once per process (about 0.2 s for the bundled dictionary). */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const PUNCTUATION_CHARS = String.raw`\s。，、,.!！?？;；:："'“”‘’()（）【】[\]<>《》~～…—\-/`;
const PUNCTUATION = new RegExp(`[${PUNCTUATION_CHARS}]+`, 'gu');
const ONLY_PUNCTUATION = new RegExp(`^[${PUNCTUATION_CHARS}]+$`, 'u');
const CLAUSE_BREAK = /[。，、,.!！?？;；:：\n]+/u;
/** A clause with its closing marks (？ stays with the clause it closes). */
const CLAUSE_WITH_MARK = /[^。，、,.!！?？;；:：\n]+[。，、,.!！?？;；:：\n]*/gu;
/** A Chinese word asked both ways (算不算, 开没开, 可以不可以), as joinAskedBothWays makes it. */
const ASKED_BOTH_WAYS = /^(\p{Script=Han}+)[不没]\1/u;
const QUESTION = /[?？]|[吗嘛么呢]\s*[?？。]?$|^(how|what|when|where|which|why|who|can|could|do|does|is|are|will|would|should)\b/iu;

/** A folder for one lexicon: Chinese forms are replaced anywhere (longest first), English ones as whole words. */
export function makeFolder(lexicon: Lexicon, locale: NluLocale): (text: string) => string {
  const entries = Object.entries(lexicon.fold).sort(([a], [b]) => b.length - a.length);
  if (locale === 'zh-CN') {
    const re = entries.length ? new RegExp(entries.map(([k]) => escape(k)).join('|'), 'gu') : undefined;
    const map = new Map(entries);
    return (text) => (re ? text.replace(re, (m) => map.get(m) ?? m) : text);
  }
  const suffixes = entries.filter(([k]) => k.startsWith("n'"));
  const words = new Map(entries.filter(([k]) => !k.startsWith("n'")));
  const re = words.size ? new RegExp(`(?<![\\p{L}'])(?:${[...words.keys()].map(escape).join('|')})(?![\\p{L}'])`, 'gu') : undefined;
  return (text) => {
    let t = text.replace(/[’‘`´]/g, "'");
    t = re ? t.replace(re, (m) => words.get(m) ?? m) : t;
    for (const [k, v] of suffixes) t = t.split(k).join(v);
    return t;
  };
}

/** A test for any of the words: anywhere in Chinese text, as whole words or phrases in English. */
function anyOf(words: readonly string[], locale: NluLocale): RegExp | undefined {
  if (words.length === 0) return undefined;
  const alternatives = words.map(escape).join('|');
  return new RegExp(locale === 'en-US' ? `(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])` : alternatives, 'u');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The cues' stand-in in a cuePattern shape. */
const CUES = '{cues}';
const cuePatterns = new WeakMap<readonly string[], Map<string, RegExp>>();

/**
 * A pattern made of a cue list of content/nlu (negation words, contrast words…): the shape with each `{cues}`
 * standing for the cues as one group of alternatives, escaped, longest first (没有 before 没, so a split or a
 * match takes the whole word); an empty list is a group nothing matches. Made once per list, shape and flags.
 */
export function cuePattern(cues: readonly string[], shape: string, flags = 'u'): RegExp {
  let byShape = cuePatterns.get(cues);
  if (!byShape) cuePatterns.set(cues, (byShape = new Map()));
  const key = `${flags}/${shape}`;
  let re = byShape.get(key);
  if (!re) {
    const alternatives = [...cues].sort((a, b) => b.length - a.length).map(escape).join('|');
    re = new RegExp(shape.split(CUES).join(alternatives === '' ? '(?!)' : `(?:${alternatives})`), flags);
    byShape.set(key, re);
  }
  return re;
}

/**
 * The language whose script a text is written in: any Chinese character makes it Chinese (mixed text, "hi
 * 我想办备案", "ok 同意", is a Chinese writer's, who mixes in a Latin word far more often than an English writer
 * types Chinese characters); two Latin letters in a row and no Chinese character make it English ("hello",
 * "I need to file"); digits, emoji and punctuation alone say nothing (undefined).
 */
export function languageOfScript(text: string): NluLocale | undefined {
  if (/\p{Script=Han}/u.test(text)) return 'zh-CN';
  return /\p{Script=Latin}{2}/u.test(text) ? 'en-US' : undefined;
}

/** Full-width to half-width, lower case, one kind of space. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The text as it is compared with exact answers: no spaces or punctuation at all. */
export function compact(text: string): string {
  return normalise(text).replace(PUNCTUATION, '');
}

export interface Analysed {
  /** The folded text. */
  text: string;
  /** Words per clause, negated words marked with a leading "!". */
  clauses: string[][];
  /** Asked as a question (吗, ?, "how …"). */
  question: boolean;
  /** A negation word appears somewhere. */
  negated: boolean;
}

export class TextAnalyser {
  private readonly fold: (text: string) => string;
  private readonly negations: Set<string>;
  private readonly contrast: RegExp | undefined;
  private readonly hospital: RegExp | undefined;
  private readonly urgency: RegExp | undefined;
  private readonly care: RegExp | undefined;

  constructor(
    private readonly locale: NluLocale,
    /** The lexicon it folds with (part of what a trained model follows from). */
    readonly lexicon: Lexicon,
  ) {
    this.fold = makeFolder(lexicon, locale);
    this.negations = new Set(lexicon.negations);
    this.contrast = lexicon.contrast.length ? new RegExp(lexicon.contrast.map((c) => (locale === 'en-US' ? `\\b${escape(c)}\\b` : escape(c))).join('|'), 'gu') : undefined;
    this.hospital = anyOf(lexicon.hospital, locale);
    this.urgency = anyOf(lexicon.emergency, locale);
    this.care = anyOf(lexicon.emergencyCare ?? [], locale);
  }

  /** The text names emergency care or a critical state itself (急诊, 抢救, 送到医院, 昏迷, "the ER", "ambulance"). */
  namesEmergencyCare(text: string): boolean {
    return this.care?.test(this.folded(text)) ?? false;
  }

  /**
   * The text names a hospital but says nothing urgent ("在医院", "人在医院", "at the hospital"): being in a
   * hospital may as well be a stay on a ward, so such a sentence is never read as an emergency.
   */
  hospitalWithoutUrgency(text: string): boolean {
    return this.hospitalNamed(text) === 'calm';
  }

  /**
   * The text names a hospital and a word of urgency ("他突然晕倒了，现在在医院", "he collapsed, now in hospital"):
   * an emergency may well be meant, whatever else the sentence says (as the intent and the intake read it).
   */
  hospitalWithUrgency(text: string): boolean {
    return this.hospitalNamed(text) === 'urgent';
  }

  private hospitalNamed(text: string): 'calm' | 'urgent' | undefined {
    const folded = this.folded(text);
    if (this.hospital === undefined || !this.hospital.test(folded)) return undefined;
    return this.urgency?.test(folded) ? 'urgent' : 'calm';
  }

  /**
   * The clauses of a reply, each marked when it asks (the lexicon's `asking`, or a Chinese word asked both ways):
   * "有啊，怎么了" is an answer and a question, "要不要转诊证明" a question only.
   */
  replyClauses(text: string): ReplyClause[] {
    const cues = this.lexicon.asking;
    return this.clauses(text).map((clause) => ({ text: clause, asks: cues !== undefined && this.asks(clause, cues) }));
  }

  /** The clauses of a text, folded, each with the mark that ends it. */
  clauses(text: string): string[] {
    return (this.folded(text).match(CLAUSE_WITH_MARK) ?? []).map((c) => c.trim()).filter((c) => compact(c) !== '');
  }

  private asks(clause: string, cues: NonNullable<Lexicon['asking']>): boolean {
    const [before, after] = this.locale === 'en-US' ? [String.raw`(?<![\p{L}'])`, String.raw`(?![\p{L}'])`] : ['', ''];
    if (cuePattern(cues.marks, '{cues}').test(clause)) return true;
    if (cuePattern(cues.words, `${before}{cues}${after}`).test(clause)) return true;
    if (cuePattern(cues.first, `^{cues}${after}`).test(clause)) return true;
    return this.locale === 'zh-CN' && this.words(clause.replace(PUNCTUATION, '')).some((w) => ASKED_BOTH_WAYS.test(w));
  }

  /**
   * The part of a clause that states rather than asks: the words before its first question word or word asked
   * both ways ("要不要转诊" states nothing, "户口要不要迁" only 户口, "is a referral required" nothing, "我退休了想问下
   * 怎么办" 我退休了想问下); a clause that asks only by a mark (退休了能办吗, "retired?") states all of it.
   */
  statedPart(clause: string): string {
    const cues = this.lexicon.asking;
    if (!cues) return clause;
    const [before, after] = this.locale === 'en-US' ? [String.raw`(?<![\p{L}'])`, String.raw`(?![\p{L}'])`] : ['', ''];
    const trimmed = clause.trim();
    if (cuePattern(cues.first, `^{cues}${after}`).test(trimmed)) return '';
    const at = [trimmed.search(cuePattern(cues.words, `${before}{cues}${after}`)), this.askedBothWaysAt(trimmed)];
    const first = Math.min(...at.filter((i) => i >= 0));
    return Number.isFinite(first) ? trimmed.slice(0, first) : trimmed;
  }

  /** Where the clause's first word asked both ways (要不要, 会不会, 用不用 …) starts, or -1 (none, or not Chinese). */
  askedBothWaysAt(clause: string): number {
    if (this.locale !== 'zh-CN') return -1;
    const both = this.words(clause).find((w) => ASKED_BOTH_WAYS.test(w));
    return both ? clause.indexOf(both.slice(0, 2)) : -1;
  }

  /**
   * What a clause asks to go on with (能不能先同意 → 同意, "can I agree?" → "agree"), compacted: the clause holds
   * one of the lexicon's request words, and this is what is left without them and its fillers; undefined when
   * it is no request.
   */
  requested(clause: string): string | undefined {
    const cues = this.lexicon.requesting;
    if (!cues) return undefined;
    const [before, after] = this.locale === 'en-US' ? [String.raw`(?<![\p{L}'])`, String.raw`(?![\p{L}'])`] : ['', ''];
    const shape = `${before}{cues}${after}`;
    const folded = this.folded(clause);
    if (!cuePattern(cues.words, shape).test(folded)) return undefined;
    const left = compact(folded.replace(cuePattern(cues.words, shape, 'gu'), ' ').replace(cuePattern(cues.fillers, shape, 'gu'), ' '));
    return left || undefined;
  }

  /** Whether the text is one Chinese word of the segmenter's dictionary (同意, 明白), not characters strung together (日招, 义鸟); other text is none. */
  isChineseWord(text: string): boolean {
    const t = text.normalize('NFKC').trim();
    if (!/^\p{Script=Han}{2,}$/u.test(t)) return false;
    const words = segmenter().cut(t, false);
    return words.length === 1 && words[0] === t;
  }

  folded(text: string): string {
    return this.fold(normalise(text));
  }

  analyse(text: string): Analysed {
    const folded = this.folded(text);
    const withBreaks = this.contrast ? folded.replace(this.contrast, (m) => `，${m} `) : folded;
    const clauses = withBreaks
      .split(CLAUSE_BREAK)
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => this.markNegation(this.words(c)));
    return { text: folded, clauses, question: QUESTION.test(folded), negated: clauses.some((c) => c.some((w) => w.startsWith('!') || this.isNegation(w))) };
  }

  /** Words of one clause. */
  words(clause: string): string[] {
    if (this.locale === 'zh-CN') {
      return joinAskedBothWays(
        segmenter()
          .cut(clause, false)
          .map((w) => w.trim())
          .filter((w) => w && !ONLY_PUNCTUATION.test(w)),
      );
    }
    return (clause.match(/[\p{L}\p{N}]+/gu) ?? []).map(stemEnglish);
  }

  private isNegation(word: string): boolean {
    if (this.negations.has(word)) return true;
    // 不想, 没迁, 没开, 不太: a Chinese word that starts with a negation character.
    return this.locale === 'zh-CN' && /^[不没未别甭莫勿]/u.test(word) && !NOT_NEGATIONS.has(word);
  }

  /** Everything after a negation word in its clause is marked "!word" (the negation word itself stays). */
  private markNegation(words: string[]): string[] {
    let negated = false;
    return words.map((w) => {
      if (this.isNegation(w)) {
        negated = !negated || this.locale === 'en-US' ? true : false; // 不是不…: a double negation in Chinese cancels
        return w;
      }
      return negated ? `!${w}` : w;
    });
  }
}

/**
 * A question asked both ways, A-not-A (能不能, 要不要, 会不会, 对不对, 可以不可以, 去没去, 报不报销), as one word, as the
 * segmenter already makes 是不是, 有没有, 可不可以: the 不/没 in it negates nothing ("能不能帮我办备案" asks for a
 * filing, "要不要转诊证明" asks and says no "no"). The segmenter cuts it as A + 不A… or A + 不 + A….
 */
function joinAskedBothWays(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!;
    const next = words[i + 1] ?? '';
    const bare = /^[不没]$/u.test(next);
    const rest = bare ? (words[i + 2] ?? '') : next.slice(1);
    if (/^\p{Script=Han}+$/u.test(a) && !/^[不没]/u.test(a) && /^[不没]/u.test(next) && rest.startsWith(a)) {
      // What the segmenter joined after it stays a word of its own where it is a negation (能不能不去: 能不能, 不).
      const after = rest.slice(a.length);
      const negation = /^[不没]/u.test(after);
      out.push(`${a}${next.charAt(0)}${a}${negation ? '' : after}`);
      if (negation) out.push(after);
      i += bare ? 2 : 1;
    } else out.push(a);
  }
  return out;
}

/** Words that start with 不/没 but negate nothing that follows. */
const NOT_NEGATIONS = new Set(['不错', '不久', '不少', '不同', '不过', '不管', '不仅', '不然', '不断', '不止', '别人', '别的', '没事', '没问题', '没关系', '没毛病', '没错', '不客气', '未来', '不好意思', '莫名']);

/** A light English stemmer: plural, past and -ing forms fold to one feature (retired/retire, referrals/referral). */
export function stemEnglish(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3).replace(/(.)\1$/, '$1');
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2).replace(/(.)\1$/, '$1').replace(/e$/, '');
  if (word.endsWith('es') && /(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word.replace(/e$/, '');
}

/**
 * The features of an analysed sentence: its words (negated ones marked), word pairs, and for Chinese
 * the character pairs of each clause (robust to segmentation and to a mistyped character), for English
 * the letter triples of longer words (robust to typos).
 */
export function featuresOf(a: Analysed, locale: NluLocale): Record<string, number> {
  const f: Record<string, number> = {};
  for (const clause of a.clauses) {
    for (let i = 0; i < clause.length; i++) {
      const w = clause[i]!;
      f[`w:${w}`] = 1;
      if (i > 0) f[`b:${clause[i - 1]}_${w}`] = 1;
      if (locale === 'en-US' && w.length >= 5) {
        const bare = w.replace(/^!/, '');
        const mark = w.startsWith('!') ? '!' : '';
        for (let j = 0; j + 3 <= bare.length; j++) f[`t:${mark}${bare.slice(j, j + 3)}`] = 0.3;
      }
    }
    if (locale === 'zh-CN') {
      const chars = [...clause.map((w) => w.replace(/^!/, '')).join('')];
      const negatedFrom = clause.findIndex((w) => w.startsWith('!'));
      const cut = negatedFrom < 0 ? chars.length : [...clause.slice(0, negatedFrom).join('')].length;
      for (let i = 0; i + 1 < chars.length; i++) f[`c:${i >= cut ? '!' : ''}${chars[i]}${chars[i + 1]}`] = 0.5;
      for (const ch of chars) f[`u:${ch}`] = 0.2;
    }
  }
  if (a.question) f['q:?'] = 1;
  return f;
}
