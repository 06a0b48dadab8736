import { namedPlaceByCode, placesMentionedIn, poolingAreaOf, type PlaceMention, type PlaceOptions } from '../domain/places.js';
import type { IntakeCues } from './examples.js';
import { cuePattern } from './text.js';
import type { NluLocale, PlaceInSentence, PlaceRole } from './understanding.js';

/**
 * Places named inside a sentence, weighed by the role the words around each give it: "参保地是日照", "I'm
 * insured in Rizhao", "我是日照的退休职工" name the insured place; "在北京看病", "Going to Beijing for treatment",
 * "户口迁到海口了" the place of treatment. The cue words are the intake's (content/nlu/<locale>/intake.json:
 * insuredCues, treatmentCues, notThisPlace); the places come from the divisions data (src/domain/places.ts).
 */

/** A place right after these words is said not to be the one ("不是北京，是日照", "not Beijing, Rizhao"): intake notThisPlace. */
function negatedBeforeOf(cues: IntakeCues, locale: NluLocale): RegExp {
  return locale === 'zh-CN' ? cuePattern(cues.notThisPlace, String.raw`{cues}\s*$`) : cuePattern(cues.notThisPlace, String.raw`\b{cues}\s*$`, 'iu');
}

/**
 * The places a sentence names, a hospital's name read as the hospital (intake hospitals.named): a place name
 * inside it is not that place (瑞金医院 is no 瑞金市, "Huashan Hospital" no 花山区); a well-known hospital stands
 * for its city where the content gives one (瑞金医院 → 上海), and names no place where several share the name
 * (协和医院, 中山医院: asked). Indices into the text as given.
 */
export function mentionsIn(text: string, cues: IntakeCues, locale: NluLocale, options?: PlaceOptions): PlaceMention[] {
  const lower = text.toLowerCase();
  const hospitals: Array<{ start: number; end: number; place?: string }> = [];
  for (const { name, place } of cues.hospitals.named) {
    for (let at = lower.indexOf(name); at >= 0; at = lower.indexOf(name, at + name.length)) {
      const end = at + name.length;
      if (locale === 'en-US' && (/[a-z]/.test(lower.charAt(at - 1)) || /[a-z]/.test(lower.charAt(end)))) continue;
      if (!hospitals.some((h) => at < h.end && h.start < end)) hospitals.push({ start: at, end, ...(place ? { place } : {}) });
    }
  }
  if (hospitals.length === 0) return placesMentionedIn(text, options);
  const mentions = placesMentionedIn(text, options).filter((m) => !hospitals.some((h) => m.start < h.end && h.start < m.end));
  for (const h of hospitals) {
    const place = h.place === undefined ? undefined : namedPlaceByCode(h.place);
    if (place) mentions.push({ start: h.start, end: h.end, said: text.slice(h.start, h.end), reading: { status: 'found', place, poolingArea: poolingAreaOf(place, options) } });
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/**
 * After a place, the rest of its hospital's name (日照|人民医院, 日照市|第二人民医院, "Rizhao| People's Hospital"):
 * intake hospitals.words ending a few words without punctuation.
 */
function hospitalTailOf(cues: IntakeCues, locale: NluLocale): RegExp {
  return locale === 'zh-CN'
    ? cuePattern(cues.hospitals.words, String.raw`^[^，,。.；;！!？?\s]{0,8}?{cues}`)
    : cuePattern(cues.hospitals.words, String.raw`^(?:[a-z'’.]+\s+){0,3}?{cues}\b`, 'iu');
}

/**
 * "日照人民医院给他开了转诊单", "the hospital in Rizhao referred him": the place (or its hospital) refers the patient
 * elsewhere (intake hospitals.refers right after): the referring place, not the place of treatment.
 */
function refersElsewhere(lower: string, m: Pick<PlaceMention, 'end'>, cues: IntakeCues, locale: NluLocale): boolean {
  const after = lower.slice(m.end, m.end + 40).trimStart();
  const rest = after.replace(hospitalTailOf(cues, locale), '').trimStart();
  return cues.hospitals.refers.some((w) => rest.startsWith(w) && (locale === 'zh-CN' || !/[a-z]/.test(rest.charAt(w.length))));
}

/** The score from which the only place named counts as said to be the other role (an insured cue counts 2, a treatment cue 1). */
const OTHER_ROLE_FLOOR = 2;

/** How strongly the words right around a mention make it the insured place and the place of treatment. */
export function roleScores(lower: string, m: Pick<PlaceMention, 'start' | 'end'>, cues: IntakeCues, locale: NluLocale): { insured: number; treatment: number } {
  const before = lower.slice(Math.max(0, m.start - (locale === 'en-US' ? 20 : 12)), m.start).trimEnd();
  const after = lower.slice(m.end, m.end + (locale === 'en-US' ? 16 : 10)).trimStart();
  // After the place, an English cue counts only as a phrase ("Rizhao medical insurance"): "Suzhou from now on" is not "from Suzhou".
  const afterCounts = (cue: string): boolean => locale === 'zh-CN' || cue.includes(' ');
  // The last few characters before it, within its clause ("我在日照参保，去上海": 参保 is 日照's, not 上海's).
  const recent = before.slice(-4).split(/[，,。；;！!？?]/u).pop()!;
  const near = (cue: string): boolean =>
    before.endsWith(cue) || (afterCounts(cue) && after.startsWith(cue)) || (locale === 'zh-CN' && cue.length >= 2 && recent.includes(cue));
  let insured = cues.insuredCues.filter(near).length * 2;
  const treatment = cues.treatmentCues.filter(near).length;
  // "from Rizhao" / "从日照" (intake comesFrom): where one comes from is, far more often than not, where one is insured.
  if (cues.comesFrom.some((cue) => before.endsWith(cue))) insured += 1;
  // 她是日照的, 日照的，去济南… (intake ofPerson): "of Rizhao" said of the person (not 北京的医院).
  if (ofPerson(before, after, cues.ofPerson)) insured += 2;
  // The referring place (日照人民医院给他开了转诊单): no place of treatment; a referral comes from the insured place's hospital far more often than not.
  if (refersElsewhere(lower, m, cues, locale)) return { insured: insured + 1, treatment: 0 };
  return { insured, treatment };
}

/**
 * A place followed by an ofPerson word (的) and not by one of its notOf words, after one of its `after` words
 * (是) or at the start of a clause. A bare "上海的" (the place and 的, nothing more) is an answer to the
 * question asked, not "of Shanghai".
 */
function ofPerson(before: string, after: string, words: IntakeCues['ofPerson']): boolean {
  const word = words.words.find((w) => after.startsWith(w));
  if (word === undefined) return false;
  const rest = after.slice(word.length);
  if (before === '' && /^[\s。.!！~～]*$/u.test(rest)) return false;
  if (words.notOf.some((w) => rest.startsWith(w))) return false;
  return words.after.some((w) => before.endsWith(w)) || /(?:^|[，,。；;])$/u.test(before);
}

/** The code a mention stands for: the place as named (a county's own code), or for a name several places share, the first. */
const codeOf = (m: PlaceMention): string => (m.reading.status === 'found' ? m.reading.place.code : m.reading.candidates[0]!.place.code);

/** A mention that names only a province (山东, Zhejiang): no pooling area of its own. */
const provinceOnly = (m: PlaceMention): boolean => m.reading.status === 'found' && m.reading.poolingArea === undefined;

/**
 * The place a sentence gives for one role: the one said to be it (or, with another said to be the other
 * role, the one left), the only one named, or — when that is unclear — every place named, to choose from.
 * A place said right after a negation ("不是北京") is left out while another remains.
 */
export function placeInSentence(text: string, locale: NluLocale, role: PlaceRole, cues: IntakeCues, options?: PlaceOptions): PlaceInSentence {
  const t = text.normalize('NFKC');
  const lower = t.toLowerCase();
  const all = mentionsIn(t, cues, locale, options);
  if (all.length === 0) return { status: 'none' };
  const negated = negatedBeforeOf(cues, locale);
  const kept = all.filter((m) => !negated.test(lower.slice(Math.max(0, m.start - 6), m.start)));
  const mentions = kept.length > 0 ? kept : all;
  // One entry per place named (海口 said twice is one place), its role scores added up.
  const places = new Map<string, { mention: PlaceMention; own: number; other: number }>();
  for (const m of mentions) {
    const s = roleScores(lower, m, cues, locale);
    const own = role === 'insured' ? s.insured : s.treatment;
    const other = role === 'insured' ? s.treatment : s.insured;
    const known = places.get(codeOf(m));
    if (known) {
      known.own += own;
      known.other += other;
    } else places.set(codeOf(m), { mention: m, own, other });
  }
  const named = [...places.values()];
  // A province named beside a city ("我是山东人，在北京看病") is not a candidate of its own.
  const cities = named.filter((p) => !provinceOnly(p.mention));
  const candidates = cities.length > 0 ? cities : named;
  if (candidates.length === 1) {
    const [only] = candidates;
    // One weak word ("在日照", "in Rizhao") does not make it the other role: the question itself gives the role.
    return only!.other >= OTHER_ROLE_FLOOR && only!.other > only!.own ? { status: 'otherRole', mention: only!.mention } : { status: 'picked', mention: only!.mention };
  }
  const said = candidates.filter((p) => p.own > p.other);
  if (said.length === 1) return { status: 'picked', mention: said[0]!.mention };
  // None said to be this one, and all but one said to be the other: the one left.
  const notOther = candidates.filter((p) => p.other <= p.own);
  if (said.length === 0 && notOther.length === 1) return { status: 'picked', mention: notOther[0]!.mention };
  return { status: 'unclear', mentions: (said.length > 1 ? said : candidates).map((p) => p.mention) };
}
