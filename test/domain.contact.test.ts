import { expect } from 'chai';
import { checkPersonName, maskPersonName } from '../src/domain/person-name.js';
import { checkMobile, maskMobile } from '../src/domain/phone.js';
import type { Check } from '../src/domain/result.js';

function errorOf<T>(result: Check<T>): string | undefined {
  return result.ok ? undefined : result.error;
}

describe('contact mobile number', () => {
  describe('a mainland mobile number is accepted as its 11 digits', () => {
    const accepted: Array<[string, string]> = [
      ['plain 11 digits', '13812345678'],
      ['with spaces in 3-4-4 groups', '138 1234 5678'],
      ['with dashes', '138-1234-5678'],
      ['with +86', '+86 138 1234 5678'],
      ['with +86 and a dash', '+86-13812345678'],
      ['with 0086', '008613812345678'],
      ['with 86', '8613812345678'],
      ['with (+86) in brackets', '(+86) 13812345678'],
      ['full-width digits', '１３８１２３４５６７８'],
      ['surrounding spaces', '  13812345678 '],
      ['said in number words (the hotline agent types what they hear)', '一三八一二三四五六七八'],
      ['幺 for 1, in groups with spaces', '幺三八 幺二三四 五六七八'],
      ['number words with dashes, 两 for 2', '幺三八-幺两三四-五六七八'],
      ['digits and words mixed', '138一二三四5678'],
      // Read as typed after NFKC, separators anywhere: what the masks of logs and transcripts must find too
      // (test/ops.redact.test.ts holds the full table).
      ['a space after every digit', '1 3 8 1 2 3 4 5 6 7 8'],
      ['a dash after every digit', '1-3-8-1-2-3-4-5-6-7-8'],
      ['the first group in brackets', '(138) 1234-5678'],
      ['+ 86 spaced', '+ 86 138 1234 5678'],
      ['small hyphens', '138﹣1234﹣5678'],
      ['circled digits', '①③⑧①②③④⑤⑥⑦⑧'],
      ['a character read as two digits (㊺ 45)', '138123㊺678'],
    ];
    for (const [name, input] of accepted) {
      it(name, () => expect(checkMobile(input)).to.deep.equal({ ok: true, value: '13812345678' }));
    }
    for (const second of ['3', '4', '5', '6', '7', '8', '9']) {
      it(`second digit ${second}`, () => {
        const n = `1${second}912345678`;
        expect(checkMobile(n)).to.deep.equal({ ok: true, value: n });
      });
    }
  });

  describe('anything else is refused', () => {
    const refused: Array<[string, string, string]> = [
      ['nothing typed', '', 'MOBILE_EMPTY'],
      ['only spaces and dashes', ' - ', 'MOBILE_EMPTY'],
      ['10 digits', '1381234567', 'MOBILE_FORMAT'],
      ['12 digits', '138123456789', 'MOBILE_FORMAT'],
      ['second digit 2', '12812345678', 'MOBILE_FORMAT'],
      ['second digit 1', '11812345678', 'MOBILE_FORMAT'],
      ['a landline with area code', '0633-7670700', 'MOBILE_FORMAT'],
      ['a service hotline', '12393', 'MOBILE_FORMAT'],
      ['letters', '138abcd5678', 'MOBILE_FORMAT'],
      ['another country code', '+85213812345678', 'MOBILE_FORMAT'],
      ['+86 without a mobile after it', '+86 6337670700', 'MOBILE_FORMAT'],
      ['ten digits in words', '一三八一二三四五六七', 'MOBILE_FORMAT'],
      ['words that are not digits', '一三八一二三四五六七八号', 'MOBILE_FORMAT'],
      // Not separators to the check, so the masks need not take them for ones either.
      ['commas between the groups', '幺三八，幺二三四，五六七八', 'MOBILE_FORMAT'],
      ['dots between the groups', '138.1234.5678', 'MOBILE_FORMAT'],
      ['slashes between the groups', '138/1234/5678', 'MOBILE_FORMAT'],
    ];
    for (const [name, input, error] of refused) {
      it(`${name} → ${error}`, () => expect(errorOf(checkMobile(input))).to.equal(error));
    }
  });

  it('masks the middle four digits', () => {
    expect(maskMobile('13812345678')).to.equal('138****5678');
    expect(maskMobile('15900001111')).to.equal('159****1111');
  });
  it('masks an unexpected string to its first and last character', () => {
    expect(maskMobile('12393')).to.equal('1***3');
  });
});

describe('person name', () => {
  describe('a name as on the identity document is accepted, normalised', () => {
    const accepted: Array<[string, string, string]> = [
      ['a two-character Chinese name', '张三', '张三'],
      ['a one-character name', '张', '张'],
      ['a compound surname', '欧阳娜娜', '欧阳娜娜'],
      ['surrounding spaces trimmed', '  李四 ', '李四'],
      ['spaces between Chinese characters removed', '王 小 明', '王小明'],
      ['a minority name with the middle dot', '阿沛·阿旺晋美', '阿沛·阿旺晋美'],
      ['a bullet • becomes ·', '阿沛•阿旺晋美', '阿沛·阿旺晋美'],
      ['a katakana dot ・ becomes ·', '阿沛・阿旺晋美', '阿沛·阿旺晋美'],
      ['a full stop between Chinese characters becomes ·', '买买提.艾力', '买买提·艾力'],
      ['a full-width full stop becomes ·', '买买提．艾力', '买买提·艾力'],
      ['spaces around the dot go', '买买提 · 艾力', '买买提·艾力'],
      ['several dots', '爱新觉罗·溥仪·某', '爱新觉罗·溥仪·某'],
      ['a rare character outside the basic block', '𠮷野', '𠮷野'],
      ['a Latin name', 'John Smith', 'John Smith'],
      ['upper-case as on a passport', 'SMITH JOHN', 'SMITH JOHN'],
      ['double spaces collapse', 'John   Smith', 'John Smith'],
      ['hyphen and apostrophe', "Jean-Luc O'Brien", "Jean-Luc O'Brien"],
      ['a typographic apostrophe becomes \'', 'O’Brien', "O'Brien"],
      ['accented letters', 'José Müller', 'José Müller'],
    ];
    for (const [name, input, value] of accepted) {
      it(name, () => expect(checkPersonName(input)).to.deep.equal({ ok: true, value }));
    }
    it('exactly 50 characters', () => {
      const fifty = '张'.repeat(50);
      expect(checkPersonName(fifty)).to.deep.equal({ ok: true, value: fifty });
    });
  });

  describe('anything else is refused', () => {
    const refused: Array<[string, string, string]> = [
      ['nothing typed', '', 'NAME_EMPTY'],
      ['only spaces', '   ', 'NAME_EMPTY'],
      ['51 characters', '张'.repeat(51), 'NAME_TOO_LONG'],
      ['digits', '张三1', 'NAME_CHARACTERS'],
      ['a leading dot', '·张三', 'NAME_CHARACTERS'],
      ['a trailing dot', '张三·', 'NAME_CHARACTERS'],
      ['two dots in a row', '阿沛··阿旺', 'NAME_CHARACTERS'],
      ['Chinese and Latin mixed', '张John', 'NAME_CHARACTERS'],
      ['an emoji', '张三😀', 'NAME_CHARACTERS'],
      ['punctuation', '张三！', 'NAME_CHARACTERS'],
      ['a trailing hyphen', 'Jean-', 'NAME_CHARACTERS'],
      ['a dot in a Latin name', 'John F. Kennedy', 'NAME_CHARACTERS'],
      ['an e-mail address', 'a@b.cn', 'NAME_CHARACTERS'],
    ];
    for (const [name, input, error] of refused) {
      it(`${name} → ${error}`, () => expect(errorOf(checkPersonName(input))).to.equal(error));
    }
    it('too long says the limit and the length', () => {
      expect(checkPersonName('a'.repeat(60))).to.deep.equal({ ok: false, error: 'NAME_TOO_LONG', params: { max: 50, length: 60 } });
    });
  });

  describe('masking keeps the surname and the length', () => {
    const cases: Array<[string, string]> = [
      ['张三', '张*'],
      ['张三丰', '张**'],
      ['欧阳娜娜', '欧阳**'],
      ['欧阳修', '欧阳*'],
      ['司马光', '司马*'],
      ['阿沛·阿旺晋美', '阿*·****'],
      ['John Smith', 'J*** S****'],
      ["Jean-Luc O'Brien", "J***-L** O'B****"],
      ['张', '张'],
      ['', ''],
    ];
    for (const [name, masked] of cases) {
      it(`${name || '(empty)'} → ${masked || '(empty)'}`, () => expect(maskPersonName(name)).to.equal(masked));
    }
  });
});
