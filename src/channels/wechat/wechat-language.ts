import type { Locale } from '../../content/texts.js';

/**
 * The language a WeChat message is written in, for a client that says none (WeChat's messages carry no
 * language, unlike the web page's or a Bot Framework client's activities): Chinese characters are
 * zh-CN; Latin letters without any Chinese character ("hello", "I need to file") are en-US; digits,
 * emoji and punctuation alone say nothing (undefined).
 */
export function languageOfText(text: string): Locale | undefined {
  if (/\p{Script=Han}/u.test(text)) return 'zh-CN';
  return /\p{Script=Latin}{2,}/u.test(text) ? 'en-US' : undefined;
}
