import { LOCALES, type Locale } from '../src/content/texts.js';
import { isPoolingArea, placeByCode, searchPlaces } from '../src/domain/divisions.js';
import { namedPlaceByCode, poolingAreaOf, showNamedPlace, understandPlace, type NamedPlace, type PlaceCandidate, type PlaceOptions, type PlaceUnderstanding } from '../src/domain/places.js';
import type { PlaceRole } from '../src/nlu/understanding.js';
import type { FilingContext } from './filing-context.js';
import { normalizeAnswer, type Recognition, type Recognizer } from './form/recognition.js';

/**
 * Places as the place questions read them: down to the county (义乌 → 浙江省金华市义乌市, whose pooling area is
 * 金华市; 浦东新区 → 上海市), said back as resolved; a name several places share (朝阳, 鼓楼区) is a choice,
 * never a silent pick. The answer the state keeps is the pooling area: where a filing points to.
 */

/** How the pooling area of the person's region is drawn (none yet: the prefecture-level city or municipality). */
const PLACE_OPTIONS: PlaceOptions = {};

/** A place as shown to the person: "浙江省金华市义乌市", "山东省日照市", "上海市" / "Yiwu, Jinhua, Zhejiang", "Rizhao, Shandong". */
export function showPlace(code: string, locale: Locale): string {
  const place = namedPlaceByCode(code);
  return place ? showNamedPlace(place, locale) : code;
}

/** The pooling area a place (a county, a prefecture, a municipality) belongs to: its code, or undefined for a province or an unknown code. */
export function poolingAreaCodeOf(code: string): string | undefined {
  const place = namedPlaceByCode(code);
  return place ? poolingAreaOf(place, PLACE_OPTIONS)?.code : undefined;
}

/** A place code a place question accepts from elsewhere (a description): a known pooling area, not a province. */
export function isPoolingAreaCode(code: string): boolean {
  const place = placeByCode(code);
  return place !== undefined && isPoolingArea(place) && poolingAreaCodeOf(code) === code;
}

/** The role each place question asks for (the others read the whole answer as one place). */
const ROLE_OF: Readonly<Record<string, PlaceRole>> = { 'situation.insuredPlace': 'insured', 'situation.treatmentPlace': 'treatment' };

/**
 * The recogniser of the place questions. Its value is the place as named (a county's code when a county was
 * named); the question keeps that place's pooling area (see poolingAreaCodeOf). A bare name is read as a
 * place; a sentence is read for the place it gives the question's role ("参保地是日照", "I'm insured in
 * Rizhao", "我是日照的退休职工，…住在海口" at the insured place: 日照): two places where it is unclear which is
 * meant, or the only one said to be the other role ("在北京看病" asked for the insured place), are offered
 * as a choice, never picked silently.
 */
export function placeRecognizer(): Recognizer<FilingContext, string> {
  return {
    label: (code, { c }) => showPlace(code, c.locale),
    names: (code) => LOCALES.map((l) => showPlace(code, l)),
    recognize(text, { id, c, understanding, intentOf, offered }): Recognition<string> {
      const show = (code: string) => showPlace(code, c.locale);
      const listed = (candidates: PlaceCandidate[]) => candidates.map((k) => show(k.place.code)).join(c.texts.t(c.locale, 'common.alternativesSeparator'));
      /** "“山东省日照市”还是“海南省海口市”", as a choice between readings is put (messages.closeCall). */
      const quoted = (codes: string[]) =>
        codes.map((code) => c.texts.t(c.locale, 'messages.closeCall.item', { answer: show(code) })).join(c.texts.t(c.locale, 'messages.closeCall.or'));
      const role = ROLE_OF[id];
      const inSentence = role ? understanding.placeIn(text, c.locale, role) : ({ status: 'none' } as const);
      const understood = understandPlace(text, PLACE_OPTIONS);
      // Places offered to choose from ("Yiwu, Jinhua, Zhejiang" or "Yiwu, Hami, Xinjiang"), and the words name a place only one of them is in ("Zhejiang", "新疆那个"): that one.
      // One place offered is no choice of which ("“日照” sounds like where you are treated: the same place?"): its province names no insured place.
      const picked = offered && offered.length > 1 ? offeredWithin(offered as string[], [understood, ...(inSentence.status === 'picked' ? [inSentence.mention.reading] : [])]) : undefined;
      if (picked) return asAnswer(text, { status: 'found', place: picked, poolingArea: poolingAreaOf(picked, PLACE_OPTIONS) }, show, listed);
      // The only place named, said to be the other role: which question did the person answer? Asked, with the place to pick.
      if (inSentence.status === 'otherRole') {
        const candidates = candidatesOf(inSentence.mention.reading);
        if (candidates.length > 0) return { status: 'close', candidates, note: { error: role === 'insured' ? 'PLACE_SAID_AS_TREATMENT' : 'PLACE_SAID_AS_INSURED', params: { place: candidates.map(show).join(c.texts.t(c.locale, 'common.alternativesSeparator')) } } };
      }
      // Several places, none clearly the one asked for ("北京或者天津，还没定"): which one?
      if (inSentence.status === 'unclear') {
        const candidates = [...new Set(inSentence.mentions.flatMap((m) => candidatesOf(m.reading)))].slice(0, 4);
        if (candidates.length > 0) return { status: 'close', candidates, note: { error: 'PLACE_WHICH_ONE', params: { candidates: quoted(candidates) } } };
      }
      if (understood.status !== 'found' && understood.status !== 'ambiguous' && inSentence.status === 'picked') return asAnswer(text, inSentence.mention.reading, show, listed);
      if (understood.status !== 'found' && understood.status !== 'ambiguous' && intentOf(text)) {
        // "hi", "多谢", "help me": not a place one letter off (兴安盟, 多伦县) but something said — left to the intent it is.
        return { status: 'invalid', error: 'PLACE_NOT_FOUND' };
      }
      switch (understood.status) {
        case 'found':
        case 'ambiguous':
          return asAnswer(text, understood, show, listed);
        case 'didYouMean': {
          // 同意, 明白: a word, not a place one character off (同江, 明山) — the plain refusal, which says what is accepted.
          if (understood.twoCharacters && understanding.isChineseWord?.(text.trim())) return { status: 'invalid', error: 'PLACE_NOT_FOUND' };
          const candidates = understood.suggestions.filter((k) => k.poolingArea).slice(0, 3);
          if (candidates.length > 0) return { status: 'close', candidates: candidates.map((k) => k.place.code), note: { error: 'PLACE_DID_YOU_MEAN', params: { candidates: listed(candidates) } } };
          return { status: 'invalid', error: 'PLACE_NOT_FOUND' };
        }
        default: {
          // Too short to name a place on its own (日): the places it starts, as suggestions.
          const near = searchPlaces(text.trim(), 3).filter(isPoolingArea).map((p) => ({ place: namedPlaceByCode(p.code)!, poolingArea: p }));
          if (near.length === 0) return { status: 'invalid', error: 'PLACE_NOT_FOUND' };
          return { status: 'close', candidates: near.map((k) => k.place.code), note: { error: 'PLACE_DID_YOU_MEAN', params: { candidates: listed(near) } } };
        }
      }
    },
  };
}

/** The one place offered inside a place the words name (its province or prefecture, or itself), if just one is. */
function offeredWithin(offered: readonly string[], readings: readonly PlaceUnderstanding[]): NamedPlace | undefined {
  const places = offered.flatMap((code) => namedPlaceByCode(code) ?? []);
  for (const reading of readings) {
    if (reading.status !== 'found') continue;
    const container = reading.place.code;
    const inside = places.filter((place) => place.code === container || place.prefecture?.code === container || place.province.code === container);
    if (inside.length === 1) return inside[0];
  }
  return undefined;
}

/** The places a reading offers (those with a pooling area): the one found, or each a shared name may mean. */
function candidatesOf(reading: PlaceUnderstanding): string[] {
  if (reading.status === 'found') return reading.poolingArea ? [reading.place.code] : [];
  if (reading.status === 'ambiguous') return reading.candidates.filter((k) => k.poolingArea).map((k) => k.place.code);
  return [];
}

/** A place found (taken, said back with its pooling area when a county was named) or a name several places share (asked). */
function asAnswer(
  text: string,
  reading: Extract<PlaceUnderstanding, { status: 'found' | 'ambiguous' }>,
  show: (code: string) => string,
  listed: (candidates: PlaceCandidate[]) => string,
): Recognition<string> {
  if (reading.status === 'ambiguous') {
    const candidates = reading.candidates.filter((k) => k.poolingArea);
    return { status: 'close', candidates: candidates.map((k) => k.place.code), note: { error: 'PLACE_AMBIGUOUS', params: { candidates: listed(candidates) } } };
  }
  const { place, poolingArea } = reading;
  if (!poolingArea) return { status: 'invalid', error: 'PLACE_PROVINCE_ONLY', params: { province: show(place.code) } };
  // Typed as it is shown (a button, "山东省日照市"): nothing to say back.
  const asShown = LOCALES.some((l) => normalizeAnswer(showPlace(place.code, l)) === normalizeAnswer(text));
  if (asShown) return { status: 'exact', value: place.code };
  // A county is said back with the pooling area it belongs to.
  return place.code === poolingArea.code
    ? { status: 'understood', value: place.code }
    : { status: 'understood', value: place.code, said: { key: 'messages.placeUnderstood', params: { place: show(place.code), poolingArea: show(poolingArea.code) } } };
}
