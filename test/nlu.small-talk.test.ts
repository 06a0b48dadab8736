import { expect } from 'chai';
import { createUnderstanding } from '../src/nlu/index.js';

/**
 * Small talk (content/nlu/<locale>/small-talk.json): a greeting or thanks said as the whole message is the
 * intent greeting or thanks; anything else in the message makes it something else (read by the classifiers).
 */
describe('understanding: greetings and thanks said as the whole message', () => {
  const u = createUnderstanding();
  const CASES: Array<[string, 'zh-CN' | 'en-US', string | undefined]> = [
    ['你好', 'zh-CN', 'greeting'],
    ['您好！在吗？', 'zh-CN', 'greeting'],
    ['喂，有人吗', 'zh-CN', 'greeting'],
    ['谢谢啊', 'zh-CN', 'thanks'],
    ['好的，谢谢', 'zh-CN', 'thanks'],
    ['你好，谢谢', 'zh-CN', 'thanks'],
    ['hello', 'en-US', 'greeting'],
    ['Hi there!', 'en-US', 'greeting'],
    ['thank you so much', 'en-US', 'thanks'],
    ['ok thanks', 'en-US', 'thanks'],
    // Something else in it: not small talk.
    ['你好，我想办异地备案', 'zh-CN', undefined],
    ['谢谢，我想问报销比例', 'zh-CN', undefined],
    ['好的', 'zh-CN', undefined],
    ['hi, I want to file', 'en-US', undefined],
    ['ok', 'en-US', undefined],
  ];
  for (const [text, locale, expected] of CASES) {
    it(`“${text}” (${locale}) → ${expected ?? 'not small talk'}`, () => {
      const intent = u.intent(text, locale)?.intent;
      if (expected) expect(intent).to.equal(expected);
      else expect(intent).to.not.be.oneOf(['greeting', 'thanks']);
    });
  }
});

describe('understanding: fillers, among them words saying there is nothing more, are small talk only beside a greeting or thanks', () => {
  const u = createUnderstanding();
  for (const [text, locale, expected] of [
    ['没有了 谢谢', 'zh-CN', 'thanks'],
    ['不用了，谢谢', 'zh-CN', 'thanks'],
    ["no, that's all, thanks", 'en-US', 'thanks'],
    ['没有了，你好', 'zh-CN', 'greeting'],
    ['没有了', 'zh-CN', undefined],
    ['不用了', 'zh-CN', undefined],
    ["that's all", 'en-US', undefined],
  ] as const) {
    it(`“${text}” (${locale}) → ${expected ?? 'not small talk'}`, () => {
      const intent = u.intent(text, locale)?.intent;
      if (expected) expect(intent).to.equal(expected);
      else expect(intent).to.not.be.oneOf(['greeting', 'thanks']);
    });
  }
});
