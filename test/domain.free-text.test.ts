import { expect } from 'chai';
import { parseStartDate } from '../src/domain/dates.js';
import { ageOn, checkAddress, checkAgentAge, checkInstitutionList, checkInstitutionName, maskAddress } from '../src/domain/free-text.js';
import { loadProfiles } from '../src/domain/profile.js';
import { FIELD_LIMITS } from '../src/domain/filing.js';

/** The Rizhao profile's agentMinAge (18). */
const AGENT_MIN_AGE = loadProfiles().get('rizhao')!.agentMinAge.value;

const TODAY = '2026-11-24';
const LENGTH = { min: 2, max: 60 };

describe('free-text answers that must look like what was asked (domain)', () => {
  describe('a medical institution', () => {
    for (const name of ['上海市第六人民医院', '复旦大学附属中山医院', '日照市人民医院', '城关镇卫生院', '张医生诊所', '浦东新区社区卫生服务中心', 'Ruijin Hospital', 'Shanghai Ninth People\'s Hospital', '妇幼保健院']) {
      it(`"${name}" is accepted`, () => expect(checkInstitutionName(name, LENGTH)).to.deep.equal({ ok: true, value: name }));
    }
    for (const name of ['11月27日', '2026-11-27', '12345', '明天', '张三', '浦东新区世纪大道100号']) {
      it(`"${name}" is refused as INSTITUTION_NOT_MEDICAL`, () => {
        expect(checkInstitutionName(name, LENGTH)).to.deep.include({ ok: false, error: 'INSTITUTION_NOT_MEDICAL' });
      });
    }
    for (const name of ['苏大附一院', '市二院', '郑大一附院', '省立医院', '山东省立', '苏大附一', '南京鼓楼医院']) {
      it(`the short form "${name}" is accepted`, () => expect(checkInstitutionName(name, LENGTH)).to.deep.equal({ ok: true, value: name }));
    }
    for (const name of ['法院', '学院', '三十号', '一二三']) {
      it(`"${name}" (no hospital's short form) is still refused`, () => expect(checkInstitutionName(name, LENGTH)).to.deep.include({ ok: false, error: 'INSTITUTION_NOT_MEDICAL' }));
    }
    it('too long is INSTITUTION_NAME with the bounds', () => {
      expect(checkInstitutionName('医'.repeat(61), LENGTH)).to.deep.equal({ ok: false, error: 'INSTITUTION_NAME', params: LENGTH });
    });
  });

  describe('a list of designated institutions', () => {
    const COUNT = { min: 1, max: 3 };
    const table: Array<[string, string[]]> = [
      ['瑞金医院 中山医院', ['瑞金医院', '中山医院']],
      ['浙一医院，还有邵逸夫医院', ['浙一医院', '邵逸夫医院']],
      ['瑞金医院和中山医院、华山医院', ['瑞金医院', '中山医院', '华山医院']],
      ['以及苏大附一院', ['苏大附一院']],
      ['和睦家医院', ['和睦家医院']],
      ['Ruijin Hospital and Zhongshan Hospital', ['Ruijin Hospital', 'Zhongshan Hospital']],
      ['Ruijin Hospital', ['Ruijin Hospital']],
    ];
    for (const [said, names] of table) {
      it(`"${said}" names ${names.length}`, () => expect(checkInstitutionList(said, COUNT, LENGTH)).to.deep.equal({ ok: true, value: names }));
    }
    it('more than the profile allows is INSTITUTIONS_COUNT, however they are joined', () => {
      expect(checkInstitutionList('瑞金医院 中山医院 华山医院 还有仁济医院', COUNT, LENGTH)).to.deep.equal({ ok: false, error: 'INSTITUTIONS_COUNT', params: COUNT });
    });
    it('a name twice is INSTITUTIONS_REPEATED; a piece that is not a name is INSTITUTION_NOT_MEDICAL', () => {
      expect(checkInstitutionList('瑞金医院 瑞金医院', COUNT, LENGTH)).to.deep.equal({ ok: false, error: 'INSTITUTIONS_REPEATED' });
      expect(checkInstitutionList('瑞金医院，明天', COUNT, LENGTH)).to.deep.include({ ok: false, error: 'INSTITUTION_NOT_MEDICAL' });
    });
  });

  describe('an address', () => {
    for (const a of ['浦东新区世纪大道100号3号楼201室', '朝阳区望京街道花家地小区5栋', '海淀区中关村南大街5号', '东港区秦楼街道100号', 'No. 100 Century Avenue, Pudong', '黄岛区12号']) {
      it(`"${a}" is accepted`, () => expect(checkAddress(a, FIELD_LIMITS.address).ok).to.equal(true));
    }
    it('a hospital name alone is ADDRESS_IS_INSTITUTION', () => {
      expect(checkAddress('复旦大学附属中山医院', FIELD_LIMITS.address)).to.deep.equal({ ok: false, error: 'ADDRESS_IS_INSTITUTION' });
    });
    it('a hospital with its street is an address (a work address may be a hospital)', () => {
      expect(checkAddress('徐汇区宜山路600号上海市第六人民医院', FIELD_LIMITS.address).ok).to.equal(true);
    });
    it('words that are not an address are ADDRESS_NOT_ADDRESS', () => {
      expect(checkAddress('我住在我女儿家里', FIELD_LIMITS.address)).to.deep.equal({ ok: false, error: 'ADDRESS_NOT_ADDRESS' });
    });
    it('too short is still ADDRESS_LENGTH', () => {
      expect(checkAddress('上海', FIELD_LIMITS.address)).to.deep.include({ ok: false, error: 'ADDRESS_LENGTH' });
    });
    const masked: Array<[string, string]> = [
      ['山东省日照市东港区海曲中路88号', '山东省日照市****'],
      ['海曲中路88号3单元', '海曲中路****'],
      ['海曲中路８８号', '海曲中路****'],
      ['八一路五号院', '****'],
      ['No. 100 Century Avenue', 'No. ****'],
      ['黄岛区', '黄岛****'],
      // Numbers no check reads as digits are house numbers all the same.
      ['海曲中路⑩号院3栋', '海曲中路****'],
      ['海曲中路⑴号院3栋', '海曲中路****'],
      ['海曲中路十八号院', '海曲中路****'],
      ['海曲路Ⅷ号院3栋', '海曲路****'],
      ['海曲中路٣٣号院', '海曲中路****'],
    ];
    for (const [address, shown] of masked) {
      it(`shown back masked, never a digit of a house number: ${address} → ${shown}`, () => expect(maskAddress(address)).to.equal(shown));
    }
  });

  describe('an agent is an adult on the injected today', () => {
    it('ages in whole years, birthday counted', () => {
      expect(ageOn('2008-11-24', TODAY)).to.equal(18);
      expect(ageOn('2008-11-25', TODAY)).to.equal(17);
      expect(ageOn('1990-03-07', TODAY)).to.equal(36);
    });
    it('18 today is accepted, 17 and a child born in 2020 are AGENT_UNDER_AGE', () => {
      expect(checkAgentAge('2008-11-24', TODAY, AGENT_MIN_AGE).ok).to.equal(true);
      expect(checkAgentAge('2008-11-25', TODAY, AGENT_MIN_AGE)).to.deep.equal({ ok: false, error: 'AGENT_UNDER_AGE', params: { age: 18 } });
      expect(checkAgentAge('2020-05-01', TODAY, AGENT_MIN_AGE)).to.deep.include({ ok: false, error: 'AGENT_UNDER_AGE' });
    });
  });

  describe('a start date given as a period starts on its first day', () => {
    const table: Array<[string, 'zh-CN' | 'en-US', string]> = [
      ['下个月1号到明年3月1号', 'zh-CN', '2026-12-01'],
      ['12月1日至12月31日', 'zh-CN', '2026-12-01'],
      ['between next Monday and Friday', 'en-US', '2026-11-30'],
      ['明天', 'zh-CN', '2026-11-25'],
    ];
    for (const [text, locale, start] of table) {
      it(`"${text}" → ${start}`, () => {
        expect(parseStartDate(text, { locale, today: TODAY, prefer: 'future' })).to.deep.equal({ ok: true, value: start });
      });
    }
    it('nonsense is still not recognised', () => {
      expect(parseStartDate('不知道', { locale: 'zh-CN', today: TODAY, prefer: 'future' }).ok).to.equal(false);
    });
  });
});
