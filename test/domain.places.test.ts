import { expect } from 'chai';
import { allCounties, namedPlaceByCode, showNamedPlace, understandPlace, type PlaceUnderstanding } from '../src/domain/places.js';

/** "found 330782 → 330700" / "ambiguous 110105,220104" / "didYouMean …" / "unknown": one line per reading. */
function summary(r: PlaceUnderstanding): string {
  if (r.status === 'found') return `found ${r.place.code} → ${r.poolingArea?.code ?? 'none'}`;
  if (r.status === 'ambiguous') return `ambiguous ${r.candidates.map((c) => c.place.code).join(',')}`;
  if (r.status === 'didYouMean') return `didYouMean ${r.suggestions.map((c) => c.place.code).join(',')}`;
  return 'unknown';
}

describe('places down to the county: what people type for a place', () => {
  describe('county-level cities, districts and counties resolve, pooled in their prefecture', () => {
    const cases: Array<[string, string]> = [
      ['义乌', 'found 330782 → 330700'],
      ['义乌市', 'found 330782 → 330700'],
      ['浙江义乌', 'found 330782 → 330700'],
      ['浙江省义乌市', 'found 330782 → 330700'],
      ['浙江省金华市义乌市', 'found 330782 → 330700'],
      ['金华义乌', 'found 330782 → 330700'],
      ['我在义乌', 'found 330782 → 330700'],
      ['昆山', 'found 320583 → 320500'],
      ['寿光', 'found 370783 → 370700'],
      ['东港区', 'found 371102 → 371100'],
      ['日照东港区', 'found 371102 → 371100'],
      ['长阳', 'found 420528 → 420500'],
      ['Kunshan', 'found 320583 → 320500'],
      ['yiwu zhejiang', 'found 330782 → 330700'],
      ['Yiwu, Jinhua, Zhejiang', 'found 330782 → 330700'],
      ['Donggang District, Rizhao', 'found 371102 → 371100'],
      ['呼市', 'found 150100 → 150100'],
    ];
    for (const [text, expected] of cases) it(`“${text}” → ${expected}`, () => expect(summary(understandPlace(text))).to.equal(expected));
  });

  describe("a municipality's district is the municipality's pooling area", () => {
    for (const text of ['浦东新区', '浦东', '上海浦东', 'pudong', 'Pudong New Area', '黄浦区']) {
      it(`“${text}” is pooled in 上海市`, () => {
        const r = understandPlace(text);
        expect(r.status === 'found' && r.poolingArea?.code).to.equal('310000');
      });
    }
  });

  describe('prefecture-level names keep resolving as before', () => {
    const cases: Array<[string, string]> = [
      ['日照', 'found 371100 → 371100'],
      ['西安', 'found 610100 → 610100'], // not 辽源市西安区 or 牡丹江市西安区
      ['长沙', 'found 430100 → 430100'], // 长沙县 is in 长沙市: one pooling area
      ['北京', 'found 110000 → 110000'],
      ['海南', 'found 460000 → none'], // a province is not a pooling area
      ['东莞', 'found 441900 → 441900'],
      ['仙桃', 'found 429004 → 429004'],
    ];
    for (const [text, expected] of cases) it(`“${text}” → ${expected}`, () => expect(summary(understandPlace(text))).to.equal(expected));
  });

  describe('a name several places share is a choice, never a silent pick', () => {
    const cases: Array<[string, string]> = [
      ['朝阳', 'ambiguous 211300,110105,220104'],
      ['朝阳区', 'ambiguous 110105,220104'],
      ['鼓楼区', 'ambiguous 320106,320302,350102,410204'],
      ['东港', 'ambiguous 210681,371102'],
      ['通州', 'ambiguous 110112,320612'],
    ];
    for (const [text, expected] of cases) it(`“${text}” → ${expected}`, () => expect(summary(understandPlace(text))).to.equal(expected));
    it('each candidate carries its prefecture and province, to be shown for the choice', () => {
      const r = understandPlace('鼓楼区');
      expect(r.status === 'ambiguous' && r.candidates.map((c) => showNamedPlace(c.place, 'zh-CN'))).to.deep.equal([
        '江苏省南京市鼓楼区',
        '江苏省徐州市鼓楼区',
        '福建省福州市鼓楼区',
        '河南省开封市鼓楼区',
      ]);
    });
  });

  describe('a near miss gets suggestions; nonsense is unknown', () => {
    it('“义鸟” (a typo) suggests 义乌', () => {
      const r = understandPlace('义鸟');
      expect(r.status === 'didYouMean' && r.suggestions.map((c) => c.place.code)).to.include('330782');
    });
    it('“kunshna” (two letters swapped) suggests 昆山', () => expect(summary(understandPlace('kunshna'))).to.equal('didYouMean 320583'));
    it('“火星” is unknown', () => expect(summary(understandPlace('火星'))).to.equal('unknown'));
    it('“石家桩”, “义鸟市” (one character off in three) suggest 石家庄, 义乌', () => {
      expect(summary(understandPlace('石家桩')).split(' ')[1]!.split(',')[0]).to.equal('130100');
      expect(summary(understandPlace('义鸟市')).split(' ')[1]!.split(',')[0]).to.equal('330782');
    });
    it('two characters one off (“日招”): 日照 first, marked twoCharacters for the caller to rule out words (同意 is one off 同江)', () => {
      const r = understandPlace('日招');
      expect(r.status === 'didYouMean' && r.twoCharacters && r.suggestions[0]!.place.code).to.equal('371100');
      expect(understandPlace('同意')).to.include({ status: 'didYouMean', twoCharacters: true });
    });
    it('three-character words one off nothing stay unknown: 不知道, 知道了, 没问题', () => {
      for (const word of ['不知道', '知道了', '没问题']) expect(summary(understandPlace(word)), word).to.equal('unknown');
    });
  });

  describe('a profile may pool differently', () => {
    it('with Hainan pooled at province level, 三亚 is pooled in 海南省', () => {
      const r = understandPlace('三亚', { poolingOverrides: { '460000': '460000' } });
      expect(r.status === 'found' && r.poolingArea?.code).to.equal('460000');
    });
    it('a county-specific override wins over its prefecture', () => {
      const r = understandPlace('义乌', { poolingOverrides: { '330700': '330000', '330782': '330782' } });
      expect(r.status === 'found' && r.poolingArea).to.equal(undefined); // 330782 is no pooling area in the data
    });
  });

  describe('showing a place', () => {
    const cases: Array<[string, string, string]> = [
      ['330782', '浙江省金华市义乌市', 'Yiwu, Jinhua, Zhejiang'],
      ['310115', '上海市浦东新区', 'Pudong, Shanghai'],
      ['371100', '山东省日照市', 'Rizhao, Shandong'],
      ['330000', '浙江省', 'Zhejiang'],
    ];
    for (const [code, zh, en] of cases) {
      it(`${code}: “${zh}” / “${en}”`, () => {
        const p = namedPlaceByCode(code)!;
        expect([showNamedPlace(p, 'zh-CN'), showNamedPlace(p, 'en-US')]).to.deep.equal([zh, en]);
      });
    }
  });

  it('every county-level unit of the data resolves by its full name with its province in front', () => {
    const failing = allCounties()
      .filter((c) => {
        const r = understandPlace(`${c.province.name}${c.prefecture?.kind === 'city' ? c.prefecture.name : ''}${c.name}`);
        return !(r.status === 'found' && r.place.code === c.code);
      })
      .map((c) => `${c.code} ${c.name}`);
    expect(allCounties().length).to.be.greaterThan(2800);
    expect(failing).to.deep.equal([]);
  });
});
