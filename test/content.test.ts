import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { fill, LOCALES, Texts, type Locale } from '../src/content/texts.js';
import { naturalDate, naturalParams } from '../src/content/natural.js';
import { CONSEQUENCE_ITEM_CODES, DIFFERENCE_CODES } from '../src/domain/consequences.js';
import { loadProfiles } from '../src/domain/profile.js';
import { REASON_CODES } from '../src/domain/situation.js';
import { newFilingState } from '../dialogs/filing-state.js';
import { CONVERSATION_ASKINGS, promptCatalog } from '../dialogs/conversation-askings.js';
import type { FilingContext } from '../dialogs/filing-context.js';
import { FILING_FORM } from '../dialogs/filing-form.js';
import { PROMPT_CATALOG_PATH, promptCatalogFile } from '../scripts/generate-prompt-catalog.js';
import { Chat, UNFILLED_PLACEHOLDER } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, openingEn, openingZh, PARENT_AND_AGENT, TMP_OTHER_TO_SUMMARY, type Step } from './support/paths.js';

/**
 * The words: both languages say the same things, every question has its text and help, every code the
 * domain can produce has a sentence, no reply leaves a {placeholder} unfilled, the FAQ quotes the
 * profile instead of stating policy numbers, and content/prompt-catalog.json lists exactly the
 * promptIds the dialogs can send.
 */

const texts = new Texts();
const profiles = loadProfiles();
const root = new URL('../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

const FAQ_TOPIC = 'faq.topic';

function context(locale: Locale): FilingContext {
  const state = newFilingState();
  return { state, progress: state, profile: profiles.get('rizhao')!, locale, today: '2026-11-24', texts };
}

describe('content: both languages say the same things', () => {
  it('zh-CN and en-US have exactly the same keys', () => {
    const zh = texts.keys('zh-CN').sort();
    const en = texts.keys('en-US').sort();
    expect(en.filter((k) => !zh.includes(k)), 'only in en-US').to.deep.equal([]);
    expect(zh.filter((k) => !en.includes(k)), 'only in zh-CN').to.deep.equal([]);
  });

  it('a key is a list of words (which may be empty) in both languages or a sentence in both', () => {
    const differ = texts.keys('zh-CN').filter((k) => texts.has('en-US', k) && texts.isList('zh-CN', k) !== texts.isList('en-US', k));
    expect(differ).to.deep.equal([]);
  });

  it('each sentence has the same placeholders in both languages, and no sentence is empty', () => {
    const differ: string[] = [];
    for (const key of texts.keys('zh-CN')) {
      const [zh, en] = LOCALES.map((l) => (texts.has(l, key) && !texts.isList(l, key) ? texts.t(l, key) : null));
      if (zh === null || en === null) continue;
      expect(zh.trim(), key).not.to.equal('');
      expect(en!.trim(), key).not.to.equal('');
      if (placeholders(zh).join() !== placeholders(en!).join()) differ.push(`${key}: ${placeholders(zh).join()} / ${placeholders(en!).join()}`);
    }
    expect(differ).to.deep.equal([]);
  });

  it('English sentences contain no Chinese except the words that name Chinese (中文, synonyms, the other language)', () => {
    const han = texts
      .keys('en-US')
      .filter((k) => !texts.isList('en-US', k) && k !== 'commands.language.label')
      .filter((k) => /\p{Script=Han}/u.test(texts.t('en-US', k).replace(/中文/g, '')));
    expect(han).to.deep.equal([]);
  });
});

describe('content: every prompt the dialogs send has its words', () => {
  for (const locale of LOCALES) {
    it(`${locale}: text and help for every asking, a label for every editable question, a label for every choice`, () => {
      const missing: string[] = [];
      const need = (key: string) => {
        if (!texts.has(locale, key)) missing.push(key);
      };
      for (const asking of CONVERSATION_ASKINGS) {
        need(`prompts.${asking.id}.text`);
        need(`prompts.${asking.id}.help`);
        const scope = { id: asking.id, c: context(locale) };
        for (const value of asking.recognizer.choices?.(scope) ?? []) {
          try {
            asking.recognizer.label(value, scope);
          } catch {
            missing.push(`prompts.${asking.id}.choices.${String(value)}`);
          }
        }
      }
      for (const question of FILING_FORM.questions) if (question.editable) need(`labels.${question.id}`);
      for (const topic of texts.list(locale, 'faq.topics')) {
        need(`prompts.${FAQ_TOPIC}.choices.${topic}`);
        need(`faq.answers.${topic}`);
      }
      expect(missing).to.deep.equal([]);
    });
  }
});

/** Error codes written in the source (the folder and those under it): fail('X'), issue(ctx, [...], 'X'), { field, code: 'X' }, error: 'X'. */
function errorCodesIn(folder: string): string[] {
  const patterns = [/\bfail\('([A-Z][A-Z0-9_]+)'/g, /\bissue\(ctx, \[[^\]]*\], '([A-Z][A-Z0-9_]+)'/g, /\{ field, code: '([A-Z][A-Z0-9_]+)'/g, /\berror: (?:\(\) => )?'([A-Z][A-Z0-9_]+)'/g];
  const codes = new Set<string>();
  const files = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of files(folder)) {
    const source = read(file);
    for (const pattern of patterns) for (const m of source.matchAll(pattern)) codes.add(m[1]!);
    // fail(cond ? 'A' : 'B', ...), error: cond ? 'A' : 'B'
    for (const m of source.matchAll(/\b(?:fail\(|error: )[^\n]*?\? '([A-Z][A-Z0-9_]+)' : '([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1]!).add(m[2]!);
  }
  return [...codes].sort();
}

describe('content: every code has a sentence', () => {
  it('the source scan finds the error codes it should (the scan itself works)', () => {
    const domain = errorCodesIn('src/domain');
    expect(domain).to.include.members(['ID_CHECK_DIGIT', 'MOBILE_FORMAT', 'START_AFTER_ADMISSION', 'AGENT_IS_PERSON', 'FIELD_NOT_EXPECTED', 'CONSENT_REQUIRED', 'CATEGORY_NOT_FILABLE', 'INSTITUTIONS_COUNT', 'INSTITUTIONS_REPEATED']);
    expect(errorCodesIn('dialogs')).to.include.members(['CHOICE_NOT_RECOGNISED', 'PLACE_AMBIGUOUS', 'PLACE_DID_YOU_MEAN', 'EMPTY_ANSWER']);
  });

  for (const [what, folder] of [
    ['the domain validators', 'src/domain'],
    ['the dialogs', 'dialogs'],
  ]) {
    it(`every error code ${what} can return has errors.<code> in both languages`, () => {
      const missing = errorCodesIn(folder!).flatMap((code) => LOCALES.filter((l) => !texts.has(l, `errors.${code}`)).map((l) => `${l} errors.${code}`));
      expect(missing).to.deep.equal([]);
    });
  }

  it('every reason code has reasons.<code>, every consequence and difference code consequences.<code>', () => {
    const missing: string[] = [];
    for (const locale of LOCALES) {
      for (const code of REASON_CODES) if (!texts.has(locale, `reasons.${code}`)) missing.push(`${locale} reasons.${code}`);
      for (const code of [...CONSEQUENCE_ITEM_CODES, ...DIFFERENCE_CODES]) if (!texts.has(locale, `consequences.${code}`)) missing.push(`${locale} consequences.${code}`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('every outcome that is not a category has its headline', () => {
    for (const locale of LOCALES) for (const kind of ['NO_FILING_NEEDED', 'MANUAL_REIMBURSEMENT', 'CANNOT_FILE', 'TMP_EMERGENCY']) expect(texts.has(locale, `messages.outcome.${kind}`), `${locale} ${kind}`).to.equal(true);
  });
});

/* ---------- complete conversations, with help asked at every question ---------- */

/** An agent for a parent in hospital who was referred: compares categories once, and edits the start date at the summary. */
const AGENT_IN_HOSPITAL_REFERRED: Step[] = [
  ...openingZh('为他人代办'),
  ['已住院，还没出院', 'situation.admissionDate'],
  ['11月20日', 'situation.longTerm'],
  ['否', 'situation.hasReferral'],
  ['是', 'outcome.understood'],
  ['2', 'outcome.understood'],
  ['1', 'details.scheme'],
  ...PARENT_AND_AGENT,
  ['11月20日', 'details.referringHospital'],
  ['日照市人民医院', 'details.institutions'],
  ['复旦大学附属华山医院', 'review.confirm'],
  ['修改信息', 'review.editField'],
  ['开始日期', 'details.startDate'],
  ['11月19日', 'review.confirm'],
];

const LT_WORKER_EN: Step[] = [
  ['hello', 'menu.main'],
  ...openingEn().slice(1), // the rest of the English opening
  ['Planning ahead', 'situation.longTerm'],
  ['yes', 'situation.retired'],
  ['no', 'situation.dispatchedByEmployer'],
  ['yes', 'situation.scheme'],
  ['Employee insurance', 'outcome.understood'],
  ['Compare with another type', 'outcome.understood'],
  ['I understand, continue', 'details.personName'],
  ['Zhang San', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['next Monday', 'details.address'],
  ['88 Zhangjiang Road, Pudong', 'details.employerName'],
  ['Rizhao Port Group', 'details.institutions'],
  ['Shanghai East Hospital', 'details.commitment'],
  ['Provide documents', 'review.confirm'],
];

const CONVERSATIONS: Array<{ name: string; locale: Locale; region?: string; steps: Step[]; help: string; submit: string }> = [
  { name: 'zh-CN, an agent for a parent in hospital with a referral, compare, edit', locale: 'zh-CN', steps: AGENT_IN_HOSPITAL_REFERRED, help: '帮助', submit: '确认提交' },
  { name: 'zh-CN, a long-term resident with a commitment', locale: 'zh-CN', steps: LT_RESIDENT_TO_SUMMARY, help: '帮助', submit: '确认提交' },
  { name: 'zh-CN, national profile, self-referral', locale: 'zh-CN', region: 'national', steps: [...openingZh('本人', '青岛'), ...TMP_OTHER_TO_SUMMARY.slice(7, -1).map(([s, n]): Step => [s, n === 'details.institutions' ? 'review.confirm' : n])], help: '帮助', submit: '确认提交' },
  { name: 'en-US, a stationed employee, compare first', locale: 'en-US', steps: LT_WORKER_EN, help: 'help', submit: 'Submit' },
];

describe('content: no {placeholder} is left unfilled in any reply of complete conversations', () => {
  for (const c of CONVERSATIONS) {
    it(`${c.name}: every reply, with help asked at every question, up to the submission`, async () => {
      const chat = new Chat({ locale: c.locale, ...(c.region ? { defaultRegion: c.region } : {}) });
      let asking: string | undefined;
      for (const [say, next] of c.steps) {
        if (asking && asking !== 'menu.main') await chat.follow([[c.help, asking]]);
        await chat.follow([[say, next]]);
        asking = next as string;
      }
      const done = await chat.say(c.submit);
      expect(Chat.channelData(done, 'filing')).to.have.property('reference');
      const said = chat.transcript.map((r) => `${r.text ?? ''}${JSON.stringify(r.attachments ?? [])}`);
      expect(said.filter((s) => UNFILLED_PLACEHOLDER.test(s))).to.deep.equal([]);
      expect(chat.transcript.filter((r) => (r.channelData as { help?: string } | undefined)?.help).length).to.be.greaterThan(c.steps.length - 3);
    });
  }

  for (const [locale, region] of [
    ['zh-CN', 'rizhao'],
    ['en-US', 'rizhao'],
    ['zh-CN', 'national'],
    ['en-US', 'national'],
  ] as Array<[Locale, string]>) {
    it(`${locale}, ${region}: every FAQ answer, the emergency advice and the outcomes that end the conversation`, async () => {
      const chat = new Chat({ locale, defaultRegion: region });
      await chat.say(locale === 'en-US' ? 'hi' : '你好');
      // After each answer (numbered lines, no buttons) a short question; its first line offers the topics
      // again, and the topics' last choice goes back to the menu.
      await chat.follow([['3', FAQ_TOPIC]]);
      const topics = texts.list(locale, 'faq.topics');
      for (const [i] of topics.entries()) await chat.follow([[String(i + 1), 'faq.more'], ['1', FAQ_TOPIC]]);
      await chat.follow([[String(topics.length + 1), 'menu.main']]);
      await chat.follow([['2', 'menu.main']]);
      const answers = chat.transcript.filter((r) => (r.channelData as { faq?: string } | undefined)?.faq);
      expect(answers).to.have.length(texts.list(locale, 'faq.topics').length);
      expect(chat.transcript.map((r) => r.text ?? '').filter((s) => UNFILLED_PLACEHOLDER.test(s))).to.deep.equal([]);
    });
  }
});

describe('content: the FAQ quotes the region profile, never a policy number of its own', () => {
  it('no FAQ answer or fragment contains a digit', () => {
    for (const locale of LOCALES) {
      const withDigits = texts.keys(locale).filter((k) => k.startsWith('faq.') && !texts.isList(locale, k) && /\d/.test(texts.t(locale, k)));
      expect(withDigits, locale).to.deep.equal([]);
    }
  });

  const TOPICS: Array<{ topic: string; rizhao: string[]; national: string[] }> = [
    { topic: 'CANCEL', rizhao: ['60'], national: ['6'] },
    { topic: 'VALIDITY', rizhao: ['12'], national: ['6'] },
    { topic: 'CARD', rizhao: ['暂停'], national: ['仍可以直接结算'] },
  ];
  for (const t of TOPICS) {
    it(`${t.topic}: Rizhao and the national profile answer differently, from their profiles`, async () => {
      const answer = async (region: string) => {
        const chat = new Chat({ defaultRegion: region });
        await chat.follow([
          ['你好', 'menu.main'],
          ['常见问题', FAQ_TOPIC],
        ]);
        const index = texts.list('zh-CN', 'faq.topics').indexOf(t.topic) + 1;
        const replies = await chat.say(String(index));
        return Chat.replyWith(replies, 'faq')!;
      };
      const [rizhao, national] = [await answer('rizhao'), await answer('national')];
      expect(rizhao.channelData).to.deep.include({ faq: t.topic, profile: 'rizhao' });
      for (const word of t.rizhao) expect(rizhao.text).to.include(word);
      for (const word of t.national) expect(national.text).to.include(word);
      expect(rizhao.text).to.include('日照市');
      expect(national.text).to.include('国家基本规则');
      expect(rizhao.text).not.to.equal(national.text);
    });
  }

  it('the Rizhao cancel wait is the profile\'s number: a different profile value gives a different answer', async () => {
    const chat = new Chat();
    const altered = chat.profiles.get('rizhao')!;
    const original = altered.longTerm.minDaysBeforeCancel.value;
    try {
      (altered.longTerm.minDaysBeforeCancel as { value: number | null }).value = 75;
      await chat.follow([
        ['你好', 'menu.main'],
        ['常见问题', FAQ_TOPIC],
      ]);
      const replies = await chat.say(String(texts.list('zh-CN', 'faq.topics').indexOf('CANCEL') + 1));
      expect(Chat.textOf(replies)).to.include('75').and.not.to.include('60');
    } finally {
      (altered.longTerm.minDaysBeforeCancel as { value: number | null }).value = original;
    }
  });
});

describe('content/prompt-catalog.json: the machine-readable list of prompts', () => {
  const catalog = JSON.parse(read('content/prompt-catalog.json')) as { prompts: Record<string, string> };

  it('is written from the declarations (npm run generate:prompt-catalog): every asking, with its purpose', () => {
    expect(read(PROMPT_CATALOG_PATH), 'content/prompt-catalog.json is out of date: run npm run generate:prompt-catalog').to.equal(promptCatalogFile());
    expect(Object.keys(catalog.prompts).sort()).to.deep.equal(CONVERSATION_ASKINGS.map((a) => a.id).sort());
    for (const [id, purpose] of Object.entries(catalog.prompts)) {
      expect(purpose.trim(), id).to.match(/^\S.{10,240}$/);
      expect(purpose, id).not.to.include('\n');
    }
    expect(Object.keys(promptCatalog())).to.have.length.greaterThan(30);
  });

  it('every promptId seen in complete conversations is in the catalog', async () => {
    const seen = new Set<string>();
    for (const c of CONVERSATIONS) {
      const chat = new Chat({ locale: c.locale, ...(c.region ? { defaultRegion: c.region } : {}) });
      await chat.follow(c.steps);
      await chat.say(c.submit);
      await chat.follow([['3', FAQ_TOPIC]]);
      for (const id of Chat.promptsOf(chat.transcript)) seen.add(id);
    }
    expect(seen.size).to.be.greaterThan(25);
    expect([...seen].filter((id) => !(id in catalog.prompts))).to.deep.equal([]);
  });
});

describe('content: fill', () => {
  it('fills every {name} it has a value for, as the words say it each time, and leaves the others as written', () => {
    const params = { step: 3, of: 12, stage: '情况', empty: '', zero: 0, gone: undefined };
    expect(fill('第 {step} 步，共 {of} 步（{stage}）', params)).to.equal('第 3 步，共 12 步（情况）');
    expect(fill('{step}{of}{step}', params), 'adjacent and repeated').to.equal('3123');
    expect(fill('[{empty}] [{zero}] [{gone}] [{missing}] {not a name} {} {{step}}', params)).to.equal('[] [0] [{gone}] [{missing}] {not a name} {} {3}');
    expect(fill('no placeholders', params)).to.equal('no placeholders');
    expect(fill('', params)).to.equal('');
    expect(fill('第 {step} 步', { step: 4 }), 'the same words with other values').to.equal('第 4 步');
    expect(fill('第 {step} 步', {}), 'and with none').to.equal('第 {step} 步');
  });
});

describe('content: dates as people read them', () => {
  it('reads a calendar date in each language, the same however often it is asked for, and leaves anything else as it is', () => {
    for (let i = 0; i < 2; i++) {
      expect(naturalDate('2026-12-06', 'zh-CN')).to.equal('2026年12月6日');
      expect(naturalDate('2026-12-06', 'en-US')).to.equal('6 December 2026');
      expect(naturalDate('2028-02-29', 'en-US')).to.equal('29 February 2028');
      expect(naturalDate('2026-12-6', 'zh-CN'), 'not an ISO date').to.equal('2026-12-6');
      expect(naturalDate('明天', 'zh-CN')).to.equal('明天');
    }
    expect(naturalParams({ start: '2027-01-02', n: 3, text: 'x' }, 'en-US')).to.deep.equal({ start: '2 January 2027', n: 3, text: 'x' });
  });
});
