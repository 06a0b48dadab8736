import type { IsoDate } from './calendar.js';
import { fail, ok, type Check } from './result.js';
import { digitCharacters } from './spoken-digits.js';

/**
 * Plausibility checks for the free-text answers (shared/domain.md §6): a medical institution's name, an
 * address at the place of treatment, an agent's age. They catch answers given to the wrong question
 * (a date where a hospital was asked, a hospital where an address was asked) — not whether the
 * institution exists or is networked, which only the platform knows. Error codes only; words in content.
 */

/**
 * Words that make a name a medical institution's (Chinese and English), and the short forms people use
 * for a hospital: 苏大附一院, 浙一, 省立, 市二院, 附院 (a numbered 院, 附属 shortened to 附 with its number).
 */
const INSTITUTION_WORDS =
  /医院|[一二三四五六七八九十]院|附院|附[一二三四五六七八九十]|省立|市立|卫生院|卫生室|卫生所|卫生服务|诊所|门诊|医疗|医学|保健院|保健所|疗养院|医务室|妇幼|防治院|防治所|急救|中心|hospital|clinic|medical|health\s*cent(?:er|re)|infirmary/i;

/** Commas, enumeration commas, semicolons and lines between names in a list. */
const LIST_SEPARATORS = /[,，、;；\n]+/;
/**
 * Words joining names in a list that begin a name's piece: 还有邵逸夫医院, 以及…, and …. One-character
 * joiners (和, 与) are not taken off a piece's start: they begin names too (和睦家医院).
 */
const LEADING_JOINER = /^(?:还有就是|还有|以及|另外|再加上|再加|再就是|(?:and|also|plus)\s|&)\s*/i;
/** Where a name ends (an institution word) and a joining word or a space starts the next: 瑞金医院和中山医院, 瑞金医院 中山医院. */
const JOINED_AFTER_NAME =
  /(院|所|室|诊所|门诊部|中心|附[一二三四五六七八九十]|省立|hospital|clinic|cent(?:er|re))(?:\s*(?:还有就是|还有|以及|另外|再加上|再就是|和|跟|与|及)\s*|\s+(?:and|&)\s+|\s+(?=[\p{Script=Han}]))/giu;

/**
 * The institutions named in one answer: split at commas, semicolons and lines, at a joining word after a
 * name (瑞金医院和中山医院, "Ruijin Hospital and Huashan Hospital") and at a space between two Chinese names
 * (瑞金医院 中山医院); a joining word that begins a piece (“还有邵逸夫医院”) is not part of the name. A
 * name's own words stay whole (和睦家医院, "Ruijin Hospital").
 */
export function splitInstitutionNames(said: string): string[] {
  return said
    .replace(JOINED_AFTER_NAME, '$1\n')
    .split(LIST_SEPARATORS)
    .map((s) => s.trim().replace(LEADING_JOINER, '').trim())
    .filter(Boolean);
}

/**
 * The designated institutions of one answer (splitInstitutionNames): `count.min` to `count.max` of them
 * (INSTITUTIONS_COUNT { min, max }), each a name checkInstitutionName accepts, none twice
 * (INSTITUTIONS_REPEATED).
 */
export function checkInstitutionList(said: string, count: { min: number; max: number }, length: { min: number; max: number }): Check<string[]> {
  const names = splitInstitutionNames(said);
  if (names.length < count.min || names.length > count.max) return fail('INSTITUTIONS_COUNT', { ...count });
  const checked: string[] = [];
  for (const name of names) {
    const one = checkInstitutionName(name, length);
    if (!one.ok) return one;
    checked.push(one.value);
  }
  return new Set(checked).size === checked.length ? ok(checked) : fail('INSTITUTIONS_REPEATED');
}

/** Words of a street address (Chinese and English), stronger than a district name alone. */
const STREET_WORDS =
  /[路街巷弄胡同村栋幢楼室号组]|大道|单元|小区|公寓|大厦|花园|家园|新村|社区|\broad\b|\bstreet\b|\bst\b|\bavenue\b|\bave\b|\blane\b|\bno\.?\s*\d|\bbuilding\b|\broom\b|\bapt\b|\bdistrict\b/i;

/** Words of a place that make an address without a street acceptable (a village, a district with a number). */
const AREA_WORDS = /[省市区县镇乡]|\bcity\b|\bcounty\b|\btown\b/i;

/** Looks like a date or a number rather than a name: 11月27日, 2026-11-27, 12/1, 123. */
const DATE_OR_NUMBER = /^[\d\s\-/.年月日号:：]+$|^\d{1,2}月\d{1,2}[日号]?$/;

/** True when the text names a medical institution (at least one institution word, not a date or number). */
export function looksLikeInstitution(text: string): boolean {
  const t = text.trim();
  return !DATE_OR_NUMBER.test(t) && INSTITUTION_WORDS.test(t);
}

/**
 * One medical institution's name, `min` to `max` characters, that looks like one (医院, 卫生院, 诊所, 中心,
 * hospital, clinic …). INSTITUTION_NAME { min, max } for the length, INSTITUTION_NOT_MEDICAL { name }
 * for a date, a number or a name without an institution word.
 */
export function checkInstitutionName(text: string, length: { min: number; max: number }): Check<string> {
  const name = text.trim().replace(/\s+/g, ' ');
  const n = [...name].length;
  if (n < length.min || n > length.max) return fail('INSTITUTION_NAME', { ...length });
  return looksLikeInstitution(name) ? ok(name) : fail('INSTITUTION_NOT_MEDICAL', { name });
}

/**
 * An address at the place of treatment, `min` to `max` characters, that reads as an address: a street,
 * a building or a village (路, 号, 小区, 村, road, street …), or at least a district or town. A hospital's
 * name alone is ADDRESS_IS_INSTITUTION; text without any address word is ADDRESS_NOT_ADDRESS.
 */
export function checkAddress(text: string, { min, max }: { min: number; max: number }): Check<string> {
  const address = text.trim().replace(/\s+/g, ' ');
  const n = [...address].length;
  if (n < min || n > max) return fail('ADDRESS_LENGTH', { min, max });
  if (STREET_WORDS.test(address)) return ok(address);
  if (looksLikeInstitution(address)) return fail('ADDRESS_IS_INSTITUTION');
  return AREA_WORDS.test(address) && /\d/.test(address) ? ok(address) : fail('ADDRESS_NOT_ADDRESS');
}

/** The age reached on `today` by someone born on `birthDate` (whole years; born on 29 February: a year older from 1 March). */
export function ageOn(birthDate: IsoDate, today: IsoDate): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return birthDate.slice(5) <= today.slice(5) ? years : years - 1;
}

/** An agent must have reached `minAge` (the profile's agentMinAge) on `today`: AGENT_UNDER_AGE { age } otherwise. */
export function checkAgentAge(birthDate: IsoDate, today: IsoDate, minAge: number): Check<IsoDate> {
  return ageOn(birthDate, today) >= minAge ? ok(birthDate) : fail('AGENT_UNDER_AGE', { age: minAge });
}

let digitLike: ReadonlySet<string> | undefined;
/**
 * Characters that write a number though no check reads them as a digit: any numeric character of Unicode
 * (⑩, ⑴, Ⅷ, ٣, ⓼) and the Chinese numerals of tens and more (十, 百, 千, as in 十八号).
 */
const OTHER_NUMERAL = /[\p{N}十百千廿卅]/u;
const readsAsDigit = (c: string): boolean => {
  digitLike ??= new Set(digitCharacters());
  return digitLike.has(c) || OTHER_NUMERAL.test(c);
};

/**
 * Masks an address for display: its first six characters (two of a short one) and ****, stopping before the
 * first character that writes a number (8, ８, 八, ⑧, ⑩, 十 …: a house or room number is never shown, even
 * where the address starts with its street).
 */
export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  const firstDigit = chars.findIndex(readsAsDigit);
  const shown = chars.length <= 6 ? 2 : 6;
  return `${chars.slice(0, firstDigit < 0 ? shown : Math.min(shown, firstDigit)).join('')}****`;
}
