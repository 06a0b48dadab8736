import { LOCALES, type Locale } from '../src/content/texts.js';
import { isPoolingArea, placeByCode, searchPlaces } from '../src/domain/divisions.js';
import { namedPlaceByCode, poolingAreaOf, showNamedPlace, understandPlace, type PlaceCandidate, type PlaceOptions } from '../src/domain/places.js';
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

/**
 * The recogniser of the place questions. Its value is the place as named (a county's code when a county was
 * named); the question keeps that place's pooling area (see poolingAreaCodeOf).
 */
export function placeRecognizer(): Recognizer<FilingContext, string> {
  return {
    label: (code, { c }) => showPlace(code, c.locale),
    names: (code) => LOCALES.map((l) => showPlace(code, l)),
    recognize(text, { c }): Recognition<string> {
      const show = (code: string) => showPlace(code, c.locale);
      const listed = (candidates: PlaceCandidate[]) => candidates.map((k) => show(k.place.code)).join(c.texts.t(c.locale, 'common.alternativesSeparator'));
      const understood = understandPlace(text, PLACE_OPTIONS);
      switch (understood.status) {
        case 'found': {
          const { place, poolingArea } = understood;
          if (!poolingArea) return { status: 'invalid', error: 'PLACE_PROVINCE_ONLY', params: { province: show(place.code) } };
          // Typed as it is shown (a button, "山东省日照市"): nothing to say back.
          const asShown = LOCALES.some((l) => normalizeAnswer(showPlace(place.code, l)) === normalizeAnswer(text));
          if (asShown) return { status: 'exact', value: place.code };
          // A county is said back with the pooling area it belongs to.
          return place.code === poolingArea.code
            ? { status: 'understood', value: place.code }
            : { status: 'understood', value: place.code, said: { key: 'messages.placeUnderstood', params: { place: show(place.code), poolingArea: show(poolingArea.code) } } };
        }
        case 'ambiguous': {
          const candidates = understood.candidates.filter((k) => k.poolingArea);
          return { status: 'close', candidates: candidates.map((k) => k.place.code), note: { error: 'PLACE_AMBIGUOUS', params: { candidates: listed(candidates) } } };
        }
        case 'didYouMean': {
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
