import { fail, ok, type Check } from './result.js';

/** The platform's psn_name column holds 1–50 characters (shared/domain.md §6.1). */
const MAX_NAME_LENGTH = 50;

const HAN = '\\p{Script=Han}';
/** Dots people type between the parts of a minority or transliterated name: · • ・ ‧ ∙ ⋅ . ．(NFKC makes ．and ･ into . and ・). */
const DOTS = '[·•・‧∙⋅.]';
const DOT_BETWEEN_HAN = new RegExp(`(?<=${HAN})\\s*${DOTS}\\s*(?=${HAN})`, 'gu');
const SPACE_BETWEEN_HAN = new RegExp(`(?<=${HAN})\\s+(?=${HAN})`, 'gu');
const HAN_NAME = new RegExp(`^${HAN}+(?:·${HAN}+)*$`, 'u');
const LATIN_NAME = /^\p{Script=Latin}+(?:[ '\-]\p{Script=Latin}+)*$/u;
const APOSTROPHES = /[’‘`´ʼ]/gu;
const HYPHENS = /[‐‑‒–]/gu;

/**
 * Checks a person's name as written on the identity document: Chinese characters with an optional
 * middle dot between parts (阿沛·阿旺晋美; • ・ ‧ and . between Chinese characters become ·; spaces
 * between Chinese characters go), or Latin
 * letters with single spaces, hyphens and apostrophes (Jean-Luc O'Brien). Returns the normalised name.
 * Error codes: NAME_EMPTY, NAME_TOO_LONG (params max, length), NAME_CHARACTERS.
 */
export function checkPersonName(input: string): Check<string> {
  const name = input
    .normalize('NFKC')
    .trim()
    .replace(/\s+/gu, ' ')
    .replace(DOT_BETWEEN_HAN, '·')
    .replace(SPACE_BETWEEN_HAN, '')
    .replace(APOSTROPHES, "'")
    .replace(HYPHENS, '-');
  if (name === '') return fail('NAME_EMPTY');
  const length = Array.from(name).length;
  if (length > MAX_NAME_LENGTH) return fail('NAME_TOO_LONG', { max: MAX_NAME_LENGTH, length });
  if (!HAN_NAME.test(name) && !LATIN_NAME.test(name)) return fail('NAME_CHARACTERS');
  return ok(name);
}

/** Two-character surnames kept whole when masking (欧阳娜娜 → 欧阳**). */
const COMPOUND_SURNAMES = new Set(
  ('欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 令狐 端木 独孤 南宫 西门 轩辕 ' +
    '呼延 赫连 澹台 钟离 闻人 申屠 太史 公羊 百里 东郭 第五 万俟 拓跋 左丘 谷梁 濮阳 宗政 仲孙 鲜于 闾丘')
    .split(' '),
);

/**
 * Masks a name for display and logs, keeping its length: 张三 → 张*, 欧阳娜娜 → 欧阳**,
 * 阿沛·阿旺晋美 → 阿*·****, John Smith → J*** S****.
 */
export function maskPersonName(n: string): string {
  const chars = Array.from(n.trim());
  if (chars.length === 0) return '';
  if (new RegExp(`^${HAN}`, 'u').test(chars[0]!)) {
    const keep = chars.length > 2 && COMPOUND_SURNAMES.has(chars[0]! + chars[1]!) ? 2 : 1;
    return chars.map((c, i) => (i < keep || c === '·' ? c : '*')).join('');
  }
  // Latin and anything else: the first letter of each word stays, other letters become *.
  return n.trim().replace(/[\p{L}\p{N}]+/gu, (word) => {
    const [first, ...rest] = Array.from(word);
    return first + '*'.repeat(rest.length);
  });
}
