import type { TextParams } from '../src/content/texts.js';

/** Words from content in the person's language (a kit's t, a voice's t). */
type Words = (key: string, params?: TextParams) => string;

/** One item of a list, as content marks it ("• 身份证"; common.bullet). */
export function bullet(t: Words, item: string): string {
  return t('common.bullet', { item });
}

/** Items as a list, one marked line each. */
export function bulletList(t: Words, items: readonly string[]): string {
  return items.map((item) => bullet(t, item)).join('\n');
}
