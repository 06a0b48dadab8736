import type { IsoDate } from '../domain/calendar.js';
import { checkAdmissionDate, parseDate } from '../domain/dates.js';
import type { PlaceMention, PlaceOptions } from '../domain/places.js';
import { judgeDuration, readDuration } from './duration.js';
import { mentionsIn, roleScores } from './places.js';
import type { IntakeCues, LocaleExamples } from './examples.js';
import { cuePattern, type TextAnalyser } from './text.js';
import type { IntakeFacts, NluLocale, Understanding } from './understanding.js';

export interface IntakeHints {
  /** The long-term threshold of the profile, in days: a stated duration then gives longTerm. */
  longTermMinDays?: number;
  /** How the profile pools places (see src/domain/places.ts). */
  places?: PlaceOptions;
}

export interface IntakeContext {
  analyser: TextAnalyser;
  examples: LocaleExamples;
  hints: IntakeHints;
  understanding: Understanding;
}

/**
 * Clauses as punctuation and the lexicon's contrast words make them ("and"/"so" too in English), and sentences:
 * clauses without "and"/"so" (who a clause is about).
 */
function splitsOf(contrast: readonly string[], locale: NluLocale): { clauses: RegExp; sentences: RegExp } {
  if (locale === 'zh-CN') {
    const clauses = cuePattern(contrast, '[，,。.!！?？;；\n]+|{cues}');
    return { clauses, sentences: clauses };
  }
  return {
    clauses: cuePattern(contrast, String.raw`[,.;!?\n]+|\b{cues}\b|\band(?: then)?\b|\bso\b`, 'iu'),
    sentences: cuePattern(contrast, String.raw`[,.;!?\n]+|\b{cues}\b|\band then\b`, 'iu'),
  };
}

/** A locale with its negation words (intake.json negationBefore) as the pattern that finds one right before a cue. */
interface Lang {
  locale: NluLocale;
  /** A negation word ending the text (Chinese), or with at most one word after it (English: "not really retired"). */
  negationBefore: RegExp;
}

function langOf(cues: IntakeCues, locale: NluLocale): Lang {
  const negationBefore =
    locale === 'zh-CN' ? cuePattern(cues.negationBefore, String.raw`{cues}\s*$`) : cuePattern(cues.negationBefore, String.raw`(?:^|[^a-z']){cues}\s+(?:\w+\s+)?$`, 'iu');
  return { locale, negationBefore };
}

/** Where a cue occurs in a clause, and whether a negation word stands right before it. */
function cueIn(clause: string, cues: readonly string[], { locale, negationBefore }: Lang): { at: number; negated: boolean } | undefined {
  for (const cue of cues) {
    const at = clause.indexOf(cue);
    if (at < 0) continue;
    if (locale === 'en-US' && at > 0 && /[a-z]/.test(clause[at - 1]!) && !cue.startsWith(' ')) continue; // inside a word
    return { at, negated: negationBefore.test(clause.slice(Math.max(0, at - 14), at)) };
  }
  return undefined;
}

/**
 * A yes/no fact said in the text: the negative cues are read first; a positive cue right after a negation
 * word is negative too. Said both ways in different clauses, or not at all: undefined.
 */
function fact(clauses: string[], yes: readonly string[], no: readonly string[], lang: Lang): boolean | undefined {
  let saidYes = false;
  let saidNo = false;
  for (const clause of clauses) {
    if (cueIn(clause, no, lang)) {
      saidNo = true;
      continue;
    }
    const hit = cueIn(clause, yes, lang);
    if (hit) {
      if (hit.negated) saidNo = true;
      else saidYes = true;
    }
  }
  return saidYes === saidNo ? undefined : saidYes;
}

/**
 * The facts a free description states ("我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口"): places by the
 * words around them (参保, 的退休职工 → insured; 去, 住在, 迁到 → treatment), who files, what is happening now
 * (with the admission date from src/domain/dates.ts), how long the stay is (judged against the profile's
 * threshold when given), and the yes/no facts of the decision procedure. Cue words: content/nlu/<locale>/intake.json.
 * Only what the text states: a fact without a cue stays undefined and is asked.
 */
export function readIntake(text: string, locale: NluLocale, today: IsoDate, ctx: IntakeContext): IntakeFacts {
  const cues = ctx.examples.intake;
  const lang = langOf(cues, locale);
  const folded = ctx.analyser.folded(text);
  const split = splitsOf(ctx.examples.lexicon.contrast, locale);
  const clauses = cut(folded, split.clauses);
  // "my husband and I live in Haikou" is about us: who a clause is about is read before "and" splits it.
  const sentences = cut(folded, split.sentences);
  const facts: IntakeFacts = {};
  const set = <K extends keyof IntakeFacts>(key: K, value: IntakeFacts[K] | undefined): void => {
    if (value !== undefined) facts[key] = value;
  };

  Object.assign(facts, placesOf(text.normalize('NFKC'), cues, locale, ctx.hints.places));

  // "我妈要去上海看病，帮她办备案": 帮她 / for her says someone else where the words name that person.
  const aboutSomeoneElse = sentences.some((c) => startsWithSomeoneElse(c, cues, locale));
  const forSomeoneElse = clauses.some((c) => saysForSomeoneElse(c, cues, locale) || (aboutSomeoneElse && forThatPerson(c, cues, locale)));
  if (forSomeoneElse) facts.forSomeoneElse = true;
  // "我爸在日照参保，要去上海做手术": about that person only, no clause of one's own (我要去…, "I will…").
  if (aboutSomeoneElse && !clauses.some((c) => cueIn(c, cues.self, lang)?.at === 0)) facts.aboutSomeoneElse = true;
  const agent = forSomeoneElse || aboutSomeoneElse;
  set('filerMode', agent ? 'AGENT' : clauses.some((c) => cueIn(c, cues.self, lang)) ? 'SELF' : undefined);
  // One's own filing said outright ("本人", "for myself"), or one's own situation told in the first person with nobody
  // else in the words ("我退休了，在日照参保…", "I'm retired, insured in Rizhao…": intake ownSituation).
  const ownSituation = !agent && clauses.some((c) => cueIn(c, cues.ownSituation, lang)?.negated === false);
  if (ownSituation || clauses.some((c) => cueIn(c, cues.ownFiling, lang))) facts.ownFiling = true;
  const now = nowOf(clauses, cues, lang);
  const yesNo = saidFacts(statedParts(clauses, ctx.analyser), cues, lang);
  for (const [key, value] of Object.entries(yesNo) as Array<[keyof typeof yesNo, boolean | undefined]>) set(key, value);
  for (const [scheme, words] of Object.entries(cues.schemes) as Array<[keyof IntakeCues['schemes'], string[]]>) {
    if (clauses.some((c) => cueIn(c, words, lang))) {
      facts.scheme = scheme;
      break;
    }
  }

  // What is happening now: an emergency first (care comes first), then in hospital, discharged, planning.
  if (now) facts.now = now.now;
  if (now?.now === 'IN_HOSPITAL') {
    for (const source of [now.clause, folded]) {
      const date = parseDate(source, { locale, today, prefer: 'past' });
      if (date.ok && checkAdmissionDate(date.value, today).ok) {
        facts.admissionDate = date.value;
        break;
      }
    }
  }

  // How long: a duration in a clause about the stay (not "退休好几年了", "住院好几天了"), else the stay words.
  const aboutCare = [...cues.retired, ...cues.inHospital, ...cues.emergency, ...cues.discharged];
  const stay = clauses.find((c) => !cueIn(c, aboutCare, lang) && readDuration(c, locale) !== undefined);
  const duration = stay ? readDuration(stay, locale) : undefined;
  if (duration) facts.stayDays = duration.days;
  if (duration && ctx.hints.longTermMinDays !== undefined) {
    const judged = judgeDuration(duration, ctx.hints.longTermMinDays);
    if (judged.status === 'confident') facts.longTerm = judged.value === 'yes';
  }
  if (facts.longTerm === undefined && !duration) set('longTerm', stayOf(clauses, cues, lang));

  return facts;
}

/** A fact asked about is not stated: "要不要转诊" says nothing of a referral; each clause up to its first question word (text.ts statedPart). */
const statedParts = (clauses: string[], analyser: IntakeContext['analyser']): string[] => clauses.map((c) => analyser.statedPart(c)).filter(Boolean);

/** The text cut into clauses (or sentences) by a splitsOf pattern. */
const cut = (folded: string, by: RegExp): string[] => folded.split(by).map((c) => c.trim()).filter(Boolean);

/**
 * The yes/no facts of the decision procedure said in cue words alone (no places, dates or durations; a student
 * only when said), read from the parts of clauses that state (what is happening now: nowOf, from whole clauses).
 */
function saidFacts(clauses: string[], cues: IntakeCues, lang: Lang) {
  return {
    retired: fact(clauses, cues.retired, cues.notRetired, lang),
    hukouMoved: fact(clauses, cues.hukouMoved, cues.hukouNotMoved, lang),
    dispatchedByEmployer: fact(clauses, cues.dispatched, cues.notDispatched, lang),
    hasReferral: fact(clauses, cues.referral, cues.noReferral, lang),
    insuranceActive: fact(clauses, cues.insuranceActive, cues.insuranceInactive, lang),
    student: fact(clauses, cues.student, [], lang) || undefined,
  };
}

/** A long or short stay said in stay words ("for good", "跟女儿住"), which may share a clause with retirement ("退休后跟女儿住在海口"), not with a hospital stay. */
function stayOf(clauses: string[], cues: IntakeCues, lang: Lang): boolean | undefined {
  const aboutHospital = [...cues.inHospital, ...cues.emergency, ...cues.discharged];
  return fact(clauses.filter((c) => !cueIn(c, aboutHospital, lang)), cues.longStay, cues.shortStay, lang);
}

/** The facts of the decision procedure that readIntake reads from cue words alone (no places, dates or durations). */
export const CUE_FACTS = ['retired', 'hukouMoved', 'dispatchedByEmployer', 'hasReferral', 'insuranceActive', 'student', 'now', 'longTerm'] as const;
export type CueFact = (typeof CUE_FACTS)[number];

/**
 * Only the cue-word facts of a text, as readIntake reads them, and cheaply (no places, no dates): for a
 * question's reading, whether the words state another question's fact rather than its own. longTerm here is
 * whether the stay is spoken of at all (a duration anywhere, or stay words), not what it is.
 */
export function cueFacts(text: string, locale: NluLocale, ctx: Pick<IntakeContext, 'analyser' | 'examples'>): Partial<Record<CueFact, unknown>> {
  const cues = ctx.examples.intake;
  const lang = langOf(cues, locale);
  const clauses = cut(ctx.analyser.folded(text), splitsOf(ctx.examples.lexicon.contrast, locale).clauses);
  const now = nowOf(clauses, cues, lang);
  const yesNo = saidFacts(statedParts(clauses, ctx.analyser), cues, lang);
  const out: Partial<Record<CueFact, unknown>> = {
    ...yesNo,
    now: now?.now,
    longTerm: clauses.some((c) => readDuration(c, locale) !== undefined) || stayOf(clauses, cues, lang) !== undefined ? true : undefined,
  };
  for (const key of Object.keys(out) as CueFact[]) if (out[key] === undefined) delete out[key];
  return out;
}

/**
 * A clause that says the filing is for someone else: an agent cue ("给我妈", "on behalf"); an open one
 * ("for my ", "for her ") only with a person right after it ("for my dad", not "for my treatment").
 */
function saysForSomeoneElse(clause: string, cues: IntakeCues, locale: NluLocale): boolean {
  const people = cues.agentSubjects.map((s) => s.replace(/^my /u, ''));
  return cues.agent.some((cue) => {
    const at = clause.indexOf(cue);
    if (at < 0 || (locale === 'en-US' && at > 0 && /[a-z]/.test(clause[at - 1]!))) return false;
    if (locale === 'zh-CN' || !cue.endsWith(' ')) return true;
    const after = clause.slice(at + cue.length);
    return people.some((p) => after.startsWith(p) && !/[a-z]/.test(after.charAt(p.length)));
  });
}

/** 帮她 / 给他 / "for her" (a whole word), not negated: a filing for the person the words named. */
function forThatPerson(clause: string, cues: IntakeCues, locale: NluLocale): boolean {
  return cues.agentPronouns.some((cue) => {
    const at = clause.indexOf(cue);
    if (at < 0) return false;
    if (locale === 'en-US' && ((at > 0 && /[a-z]/.test(clause[at - 1]!)) || /[a-z]/.test(clause.charAt(at + cue.length)))) return false;
    // Chinese binds a negation to the verb right after it (不用帮她办, 没帮她办); English puts it on a word
    // before, anywhere in the clause ("I don't really need to file for her"): the whole clause before it.
    if (locale === 'zh-CN') {
      const before = clause.slice(Math.max(0, at - 14), at);
      return !langOf(cues, locale).negationBefore.test(before) && !declinedBy(cues, locale).test(before);
    }
    return !declinedBy(cues, locale).test(clause.slice(0, at));
  });
}

/**
 * "不用帮她办", "don't need to file for her": a filing for that person declined — intake agentDeclined, right
 * before the pronoun in Chinese, a whole word anywhere in the words before it in English.
 */
function declinedBy(cues: IntakeCues, locale: NluLocale): RegExp {
  return locale === 'zh-CN' ? cuePattern(cues.agentDeclined, String.raw`{cues}\s*$`) : cuePattern(cues.agentDeclined, String.raw`\b{cues}\b`, 'iu');
}

/**
 * A clause about another person: 我爸上周住的院, 她是日照的, "my dad was admitted" — not that person's words or a
 * group (intake subjectNotAbout right after: 她说我要办, 他们说…, "she said I need to file").
 */
function startsWithSomeoneElse(clause: string, cues: IntakeCues, locale: NluLocale): boolean {
  const c = locale === 'zh-CN' ? clause.replace(/^(?:我|俺|我们|我家)(?:的)?/u, '') : clause.trimStart();
  return cues.agentSubjects.some((s) => {
    if (!c.startsWith(s) || (locale === 'en-US' && /[a-z]/.test(c.charAt(s.length)))) return false;
    const after = c.slice(s.length).trimStart();
    return !cues.subjectNotAbout.some((w) => after.startsWith(w) && (locale === 'zh-CN' || !/[a-z]/.test(after.charAt(w.length))));
  });
}

function nowOf(clauses: string[], cues: IntakeCues, lang: Lang): { now: NonNullable<IntakeFacts['now']>; clause: string } | undefined {
  const find = (words: readonly string[], not: readonly string[] = []): string | undefined =>
    clauses.find((c) => {
      if (not.length && cueIn(c, not, lang)) return false;
      const hit = cueIn(c, words, lang);
      return hit !== undefined && !hit.negated;
    });
  const emergency = find(cues.emergency);
  if (emergency) return { now: 'EMERGENCY_NOW', clause: emergency };
  const discharged = find(cues.discharged, cues.notDischarged);
  if (discharged) return { now: 'DISCHARGED_PAID', clause: discharged };
  const inHospital = find(cues.inHospital);
  if (inHospital) return { now: 'IN_HOSPITAL', clause: inHospital };
  const planning = find(cues.planning);
  return planning ? { now: 'PLANNING', clause: planning } : undefined;
}

/** Which place is the insured one and which the place of treatment, by the words right around each. */
function placesOf(text: string, cues: IntakeCues, locale: NluLocale, options: PlaceOptions | undefined): Pick<IntakeFacts, 'insuredPlace' | 'treatmentPlace' | 'placeChoices'> {
  const mentions = mentionsIn(text, cues, locale, options);
  const lower = text.toLowerCase();
  const scored = mentions.map((m) => ({ m, ...roleScores(lower, m, cues, locale) }));
  const out: Pick<IntakeFacts, 'insuredPlace' | 'treatmentPlace' | 'placeChoices'> = {};
  const codes = (m: PlaceMention): string[] =>
    m.reading.status === 'found' ? (m.reading.poolingArea ? [m.reading.poolingArea.code] : []) : [...new Set(m.reading.candidates.flatMap((c) => (c.poolingArea ? [c.poolingArea.code] : [])))];
  type Role = 'insuredPlace' | 'treatmentPlace';
  /** The mention best said to be the role, leaving out the place another role took; undefined when none is, or two places tie. */
  const bestFor = (role: Role, taken?: string): PlaceMention | undefined => {
    const score = (s: (typeof scored)[number]): number => (role === 'insuredPlace' ? s.insured - s.treatment : s.treatment - s.insured);
    const [best, next] = scored.filter((s) => score(s) > 0 && (taken === undefined || codes(s.m).join() !== taken)).sort((a, b) => score(b) - score(a));
    // Two different places as strongly said to be it: neither is taken (the question asks).
    return best && !(next && score(next) === score(best) && codes(next.m).join() !== codes(best.m).join()) ? best.m : undefined;
  };
  const roles = ['insuredPlace', 'treatmentPlace'] as const;
  const picked = new Map<Role, PlaceMention>();
  for (const role of roles) {
    const best = bestFor(role);
    if (best) picked.set(role, best);
  }
  // A place taken for one role and named again with a weak word of the other ("在日照参保…户口没迁，还在日照", "insured in
  // Rizhao … still in Rizhao") is not a candidate of that other role: it does not tie with the place really said to be it.
  for (const role of roles) {
    const other = picked.get(role === 'insuredPlace' ? 'treatmentPlace' : 'insuredPlace');
    if (picked.has(role) || !other) continue;
    const best = bestFor(role, codes(other).join());
    if (best) picked.set(role, best);
  }
  for (const [role, m] of picked) {
    const found = codes(m);
    if (found.length === 1) out[role] = found[0]!;
    else if (found.length > 1) out.placeChoices = { ...out.placeChoices, [role]: found };
  }
  return out;
}
