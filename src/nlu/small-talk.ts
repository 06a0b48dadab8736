import { compact, type TextAnalyser } from './text.js';
import type { NluLocale } from './understanding.js';

/** The phrases of content/nlu/<locale>/small-talk.json. */
export interface SmallTalkPhrases {
  greeting: string[];
  thanks: string[];
  /**
   * Words that may stand around them (啊, 好的, "there", "so much") and say nothing on their own, among them
   * words that say there is nothing more (没有了, 不用了, "that's all"): "没有了 谢谢" closes; "没有了" alone
   * answers the question asked.
   */
  fillers: string[];
}

export type SmallTalk = 'greeting' | 'thanks';

/**
 * A hello or a thank-you said as the whole message ("你好", "在吗", "谢谢啊", "hi there", "thanks a lot"): a closed
 * set of phrases, so it is matched rather than classified — a message with anything else in it ("你好，我想办
 * 备案", "hi, I need help") is not small talk and goes to the classifiers as it is. Thanks wins over a greeting.
 */
export class SmallTalkReader {
  private readonly phrases: Array<{ text: string; kind: SmallTalk | 'filler' }>;

  constructor(
    private readonly locale: NluLocale,
    private readonly analyser: TextAnalyser,
    phrases: SmallTalkPhrases,
  ) {
    const key = (p: string) => (locale === 'zh-CN' ? compact(analyser.folded(p)) : analyser.folded(p).replace(/[^\p{L}\p{N}]+/gu, ' ').trim());
    this.phrases = [
      ...phrases.thanks.map((p) => ({ text: key(p), kind: 'thanks' as const })),
      ...phrases.greeting.map((p) => ({ text: key(p), kind: 'greeting' as const })),
      ...phrases.fillers.map((p) => ({ text: key(p), kind: 'filler' as const })),
    ]
      .filter((p) => p.text)
      .sort((a, b) => b.text.length - a.text.length);
  }

  /** greeting or thanks when the whole text is made of small-talk phrases (at least one not a filler), else undefined. */
  read(text: string): SmallTalk | undefined {
    const zh = this.locale === 'zh-CN';
    let rest = zh ? compact(this.analyser.folded(text)) : ` ${this.analyser.folded(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
    if (!rest.trim() || rest.length > 40) return undefined;
    let said: SmallTalk | undefined;
    while (rest.trim()) {
      // Longest phrase first at the start of what is left (whole words in English).
      const hit = this.phrases.find((p) => (zh ? rest.startsWith(p.text) : rest.startsWith(` ${p.text} `)));
      if (!hit) return undefined;
      if (hit.kind === 'thanks' || (hit.kind === 'greeting' && said === undefined)) said = hit.kind;
      rest = zh ? rest.slice(hit.text.length) : rest.slice(hit.text.length + 1);
    }
    return said;
  }
}
