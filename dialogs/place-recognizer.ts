import { LOCALES, type Locale } from '../src/content/texts.js';
import { isPoolingArea, placeByCode, resolvePlace, searchPlaces } from '../src/domain/divisions.js';
import type { FilingContext } from './filing-context.js';
import { normalizeAnswer, type Recognition, type Recognizer } from './form/recognition.js';

/** A pooling area as shown to the person: a city with its province (two cities may share a name: Taizhou, Jiangsu / Taizhou, Zhejiang). */
export function showPlace(code: string, locale: Locale): string {
  const place = placeByCode(code);
  if (!place) return code;
  if (locale === 'en-US') return place.kind === 'city' ? `${place.en}, ${placeByCode(place.provinceCode)?.en ?? ''}` : place.en;
  return place.kind === 'city' ? `${place.provinceName}${place.name}` : place.name;
}

/** A place code the place questions accept: a known pooling area (a city or a municipality, not a province). */
export function isPoolingAreaCode(code: string): boolean {
  const place = placeByCode(code);
  return place !== undefined && isPoolingArea(place);
}

/**
 * A place question's answer: a name, pinyin, English or code resolved from the divisions data to its
 * pooling area, said back as resolved; a name several places share, or a near miss, offers the candidates
 * as choices; a province alone is refused (a filing points to a city).
 */
export function placeRecognizer(): Recognizer<FilingContext, string> {
  return {
    label: (code, { c }) => showPlace(code, c.locale),
    names: (code) => LOCALES.map((l) => showPlace(code, l)),
    recognize(text, { c }): Recognition<string> {
      const show = (code: string) => showPlace(code, c.locale);
      const resolved = resolvePlace(text.trim());
      if (resolved.status === 'found') {
        const place = resolved.place;
        if (!isPoolingArea(place)) return { status: 'invalid', error: 'PLACE_PROVINCE_ONLY', params: { province: show(place.code) } };
        // Typed as it is shown (a button of an earlier question, "山东省日照市"): nothing to say back.
        const asShown = LOCALES.some((l) => normalizeAnswer(showPlace(place.code, l)) === normalizeAnswer(text));
        return { status: asShown ? 'exact' : 'understood', value: place.code };
      }
      const ambiguous = resolved.status === 'ambiguous';
      const candidates = (ambiguous ? resolved.candidates : searchPlaces(text.trim(), 3)).filter(isPoolingArea).map((p) => p.code);
      if (candidates.length === 0) return { status: 'invalid', error: 'PLACE_NOT_FOUND' };
      const listed = candidates.map(show).join(c.texts.t(c.locale, 'common.alternativesSeparator'));
      return { status: 'close', candidates, note: { error: ambiguous ? 'PLACE_AMBIGUOUS' : 'PLACE_DID_YOU_MEAN', params: { candidates: listed } } };
    },
  };
}
