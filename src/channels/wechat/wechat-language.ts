import type { Locale } from '../../content/texts.js';
import { languageOfScript } from '../../nlu/text.js';

/**
 * The language a WeChat message is written in, for a client that says none (WeChat's messages carry no
 * language, unlike the web page's or a Bot Framework client's activities): the language of its script, as
 * the understanding reads it (src/nlu/text.ts languageOfScript) — any Chinese character is zh-CN ("hi
 * 我想办备案" too); Latin letters without any Chinese character ("hello", "I need to file") are en-US; digits,
 * emoji and punctuation alone say nothing (undefined).
 */
export function languageOfText(text: string): Locale | undefined {
  return languageOfScript(text);
}
