import { TestAdapter, TurnContext } from 'botbuilder';
import { DialogContext, DialogContextError, DialogSet } from 'botbuilder-dialogs';
import { expect } from 'chai';
import fc from 'fast-check';
import { createLogger, type Logger } from '../src/ops/logger.js';
import { checkMobile, maskMobile } from '../src/domain/phone.js';
import { checkResidentId, maskResidentId } from '../src/domain/resident-id.js';
import { digitsOfWords, MOBILE_SEPARATORS, NUMBERISH_BLOCKS, numberishCharacters, numberishReadings, readNumberText, RESIDENT_ID_SEPARATORS } from '../src/domain/spoken-digits.js';
import { maskFreeText, MASKED_ID, MASKED_PHONE, redactDeep, REDACTED, replaceIdAndPhoneNumbers } from '../src/ops/redact.js';

/** A logger whose every line lands in `lines`. */
function capture(opts: { pretty?: boolean } = {}): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', pretty: opts.pretty ?? false, destination: { write: (s: string) => void lines.push(s) } });
  return { log, lines };
}

// Personal data of a made-up person. The ID number is valid (GB 11643 check digit X).
const ID = '11010519491231002X';
const ID_LOWER_X = '11010519491231002x';
const PHONES = ['13812345678', '+86 139 1234 5678', '150-1234-5678', '+8618612345678', '0086 177 1234 5678', '(+86)13312345678'];
const NAME = '张三丰';

/** A real DialogContextError, as botbuilder-dialogs throws it, with personal data in the stack's state. */
function dialogError(inner: Error, said: string): Error {
  const turn = new TurnContext(new TestAdapter(), { type: 'message', text: said });
  const dc = new DialogContext(new DialogSet(), turn, { dialogStack: [{ id: 'review.steps', state: { options: { prompt: said }, values: { said } } }] });
  return new DialogContextError(inner, dc);
}
const AGENT_NAME = 'Wang Xiaoming';
const ADDRESS = '山东省日照市东港区海曲中路88号';
const USER_TEXT = '我要给我父亲办异地安置备案';
const OPENID_NAME = '微信昵称小明';

/** Every form a personal value could leak in: as written, and as bare digits. */
const FORBIDDEN = [ID, ID_LOWER_X, ID.slice(0, 17), NAME, AGENT_NAME, ADDRESS, USER_TEXT, OPENID_NAME, ...PHONES, ...PHONES.map(digitsOnly)];

function digitsOnly(s: string): string {
  return s.replace(/\D/g, '').replace(/^(0086|86)/, '');
}

function expectNoPersonalData(lines: string[]): void {
  expect(lines, 'no line was written').to.not.be.empty;
  for (const line of lines) {
    const squeezed = line.replace(/[\s\-()]/g, '');
    for (const value of FORBIDDEN) {
      expect(line, `line leaks ${value}`).to.not.include(value);
      // A phone or ID number must not survive even as bare digits (the address's "88" may, by chance, in a pid).
      const digits = digitsOnly(value);
      if (digits.length >= 11) expect(squeezed, `line leaks ${value} once separators are removed`).to.not.include(digits);
    }
  }
}

describe('ops: logs carry no personal data', () => {
  describe('maskFreeText masks ID numbers and mainland mobile numbers wherever they appear', () => {
    const cases: Array<[string, string, string]> = [
      ['an 18-digit ID with a trailing X inside Chinese text', `身份证号${ID}，请核对`, `身份证号${MASKED_ID}，请核对`],
      ['an ID with a lowercase x', `id=${ID_LOWER_X};`, `id=${MASKED_ID};`],
      ['an ID with only digits', 'ID 370102199003070019 ok', `ID ${MASKED_ID} ok`],
      ['an ID written in 6-8-4 groups', '110105 19491231 002X', MASKED_ID],
      ['a bare mobile number', '电话13812345678。', `电话${MASKED_PHONE}。`],
      ['a mobile with +86 and spaces', 'call +86 139 1234 5678 now', `call ${MASKED_PHONE} now`],
      ['a mobile with dashes', '150-1234-5678', MASKED_PHONE],
      ['a mobile with +86 and no space', '+8618612345678', MASKED_PHONE],
      ['a mobile with 0086', '0086 177 1234 5678', MASKED_PHONE],
      ['a mobile with (+86)', '(+86)13312345678', MASKED_PHONE],
      ['a mobile in full-width digits', '１３８１２３４５６７８', MASKED_PHONE],
      ['two of them in one message', `${ID} / 13812345678`, `${MASKED_ID} / ${MASKED_PHONE}`],
      // Said in number words (src/domain/spoken-digits.ts), as the phone and ID questions accept them.
      ['a mobile in number words', '我的电话一三八一二三四五六七八', `我的电话${MASKED_PHONE}`],
      ['a mobile with 幺 and dashes between the groups', '幺三八-幺二三四-五六七八', MASKED_PHONE],
      ['a mobile with 两 and 洞, spaces between the groups', '幺三九 两洞两洞 三四五六 谢谢', `${MASKED_PHONE} 谢谢`],
      ['a mobile half digits, half words', '138一二三四五六七八', MASKED_PHONE],
      ['a mobile full-width digits and words', '１３８ 一二三四 五六七八', MASKED_PHONE],
      ['a mobile with +86 said 八六', '+八六 幺三八幺二三四五六七八', MASKED_PHONE],
      ['an ID in number words with 叉', '身份证一一〇一〇五一九四九一二三一〇〇二叉，好', `身份证${MASKED_ID}，好`],
      ['an ID in words with 零 and groups', '一一零一零五 一九四九一二三一 零零二X', MASKED_ID],
      ['an ID half digits, half words', '110105一九四九一二三一002X', MASKED_ID],
    ];
    for (const [name, input, expected] of cases) {
      it(`masks ${name}`, () => expect(maskFreeText(input)).to.equal(expected));
    }

    const untouched: Array<[string, string]> = [
      ['a millisecond timestamp', 'at 1732345678901'],
      ['a number that starts like a phone but is not one (12x)', 'n 12812345678'],
      ['a 20-digit number', 'trace 12345678901234567890'],
      ['an insured-place code and a date', '371100 2026-11-23'],
      ['a filing reference', 'YD-20261123-0042'],
      ['the 12393 hotline', '请拨打12393咨询'],
      ['the numerals one to ten', '一二三四五六七八九十'],
      ['a date in words', '二〇二六年十二月七日出院'],
      ['a day of the month', '三十号入院'],
      ['amounts', '一万三千五百元，两千零五十块，一百二十三万四千五百六十七元'],
      ['a run of number words that is no mobile (一二八…)', '一二八一二三四五六七八'],
      ['number words that are too few for an ID', '一一〇一〇五一九四九一二三一'],
    ];
    for (const [name, input] of untouched) {
      it(`leaves ${name} alone`, () => expect(maskFreeText(input)).to.equal(input));
    }
  });

  describe('redactDeep drops personal fields at any depth and keeps the rest', () => {
    it('redacts by field name, whatever the nesting or case', () => {
      const cleaned = redactDeep({
        channel: 'webchat',
        filing: { details: { personName: NAME, idNumber: ID }, category: 'LT_RETIREE' },
        deep: { a: { b: { c: { PHONE: '13812345678', ID_NO: ID, psn_name: NAME, addr: ADDRESS, step: 'details.phone' } } } },
        list: [{ certno: ID, tel: '13812345678', mobile: '13812345678', kind: 'x' }],
      }) as Record<string, any>;
      expect(cleaned.channel).to.equal('webchat');
      expect(cleaned.filing).to.deep.equal({ details: REDACTED, category: 'LT_RETIREE' });
      expect(cleaned.deep.a.b.c).to.deep.equal({ PHONE: REDACTED, ID_NO: REDACTED, psn_name: REDACTED, addr: REDACTED, step: 'details.phone' });
      expect(cleaned.list).to.deep.equal([{ certno: REDACTED, tel: REDACTED, mobile: REDACTED, kind: 'x' }]);
    });

    it('survives cycles and leaves the input untouched', () => {
      const input: Record<string, unknown> = { phone: '13812345678', note: `id ${ID}` };
      input.self = input;
      const cleaned = redactDeep(input) as Record<string, unknown>;
      expect(cleaned).to.deep.equal({ phone: REDACTED, note: `id ${MASKED_ID}`, self: '[Circular]' });
      expect(input.phone).to.equal('13812345678');
    });

    it('masks a phone stored as a number but keeps ordinary numbers', () => {
      expect(redactDeep({ contact: 13812345678, durationMs: 12.5, count: 3 })).to.deep.equal({ contact: REDACTED, durationMs: 12.5, count: 3 });
    });
  });

  describe('every line the logger writes is clean', () => {
    it('a phone and an ID number said in number words, in the message and in a field, are masked', () => {
      const { log, lines } = capture();
      log.info({ note: '电话幺三八 幺二三四 五六七八' }, '身份证一一〇一〇五一九四九一二三一〇〇二叉，手机138一二三四五六七八');
      expect(lines).to.have.length(1);
      for (const said of ['幺三八', '一一〇一〇五一九四九一二三一〇〇二叉', '一二三四五六七八']) expect(lines[0], said).to.not.include(said);
      const line = JSON.parse(lines[0]!) as { msg: string; note: string };
      expect(line.msg).to.equal(`身份证${MASKED_ID}，手机${MASKED_PHONE}`);
      expect(line.note).to.equal(`电话${MASKED_PHONE}`);
    });

    const activity = {
      type: 'message',
      id: 'act-1',
      channelId: 'webchat',
      locale: 'zh-CN',
      text: USER_TEXT,
      value: { idNumber: ID, phone: PHONES[0] },
      from: { id: 'user-1', name: OPENID_NAME, role: 'user' },
      recipient: { id: 'bot', name: 'bot' },
      conversation: { id: 'conv-1' },
      channelData: { clientActivityID: 'c1', phone: PHONES[1] },
      attachments: [{ contentType: 'text/plain', content: ADDRESS }],
    };

    const cases: Array<{ name: string; write: (log: Logger) => void; survives: string[] }> = [
      {
        name: 'a log object with the filing fields',
        write: (log) => log.info({ idNumber: ID, certno: ID_LOWER_X, phone: PHONES[0], tel: PHONES[1], mobile: PHONES[2], name: NAME, psnName: NAME, address: ADDRESS, category: 'LT_RESIDENT' }, 'details saved'),
        survives: ['LT_RESIDENT', 'details saved'],
      },
      {
        name: 'a whole activity',
        write: (log) => log.debug({ activity, durationMs: 12 }, 'incoming'),
        survives: ['"channelId":"webchat"', '"durationMs":12', 'conv-1', 'user-1'],
      },
      {
        name: 'an activity nested under another object',
        write: (log) => log.info({ turn: { activity, promptId: 'details.phone' } }),
        survives: ['details.phone'],
      },
      {
        name: 'personal data inside the message string',
        write: (log) => log.warn(`could not validate ${ID} for ${PHONES[1]} and ${PHONES[4]}`),
        survives: ['could not validate'],
      },
      {
        name: 'personal data in printf-style arguments',
        write: (log) => log.info('answer %s and %o', PHONES[3], { idNumber: ID, agentName: AGENT_NAME, step: 'details.idNumber' }),
        survives: ['details.idNumber'],
      },
      {
        name: 'an error whose message and stack hold an ID number, logged as the first argument',
        write: (log) => log.error(Object.assign(new Error(`invalid ID ${ID} (phone ${PHONES[5]})`), { code: 'E_VALIDATE', phone: PHONES[0] })),
        survives: ['invalid ID', 'E_VALIDATE', '"stack"'],
      },
      {
        name: 'an error under err with a cause that holds an address',
        write: (log) =>
          log.error({ err: new Error(`store write failed for ${ID}`, { cause: { address: ADDRESS, mobile: PHONES[2] } }), kind: 'store' }, 'submit failed'),
        survives: ['store write failed for', '"kind":"store"', 'submit failed'],
      },
      {
        name: 'a child logger bound with personal data',
        write: (log) => log.child({ requestId: 'req-42', name: NAME, phone: PHONES[0] }).info({ step: 'review' }, `for ${ID}`),
        survives: ['req-42', 'review'],
      },
      {
        name: 'a child (and its child) bound with personal data under other keys and as a free-text value',
        write: (log) =>
          log
            .child({ requestId: 'req-43', agentPhone: PHONES[1], channel: ID })
            .child({ stage: 'details', note: `tel ${PHONES[2]}` })
            .info({ step: 'review' }, 'bound'),
        survives: ['req-43', 'details', 'bound'],
      },
      {
        name: 'an error from inside a dialog: the original and the dialog id, never the dialog stack with its state',
        write: (log) => log.error({ err: dialogError(new Error('store write failed'), `您之前的回答是：${NAME}，${ADDRESS}`) }, 'turn failed'),
        survives: ['store write failed', 'review.steps', 'turn failed'],
      },
      {
        name: 'filing state with details and earlier answers',
        write: (log) => log.info({ state: { details: { personName: NAME, idNumber: ID, address: ADDRESS }, previous: { 'details.phone': PHONES[0] }, history: ['details.personName'] } }),
        survives: ['details.personName'],
      },
    ];

    for (const c of cases) {
      it(`JSON lines: ${c.name}`, () => {
        const { log, lines } = capture();
        c.write(log);
        expectNoPersonalData(lines);
        for (const s of c.survives) expect(lines.join(''), `kept "${s}"`).to.include(s);
        for (const line of lines) expect(() => JSON.parse(line)).to.not.throw();
      });
    }

    it('pretty lines (LOG_PRETTY) are cleaned the same way', () => {
      const { log, lines } = capture({ pretty: true });
      for (const c of cases) c.write(log);
      expectNoPersonalData(lines);
      expect(lines.join('')).to.include('details saved');
    });

    it('a field that only looks personal by content is still masked (free text under a neutral key)', () => {
      const { log, lines } = capture();
      log.info({ note: `用户说：我的身份证是${ID}，手机${PHONES[0]}`, reason: 'free text' });
      expectNoPersonalData(lines);
      const parsed = JSON.parse(lines[0]!) as { note: string; reason: string };
      expect(parsed.note).to.equal(`用户说：我的身份证是${MASKED_ID}，手机${MASKED_PHONE}`);
      expect(parsed.reason).to.equal('free text');
    });

    it('takes its level from the option and drops lines below it', () => {
      const lines: string[] = [];
      const log = createLogger({ level: 'warn', destination: { write: (s: string) => void lines.push(s) } });
      log.info('quiet');
      log.warn('loud');
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0]!)).to.include({ level: 40, msg: 'loud' });
    });
  });
});

/**
 * Every spelling the phone and ID checks accept (src/domain/phone.ts, resident-id.ts: NFKC, number words,
 * separators anywhere) is a spelling the masks find: else a number is accepted and then logged or shown in clear.
 */
describe('ops: the masks find a number in every spelling the checks accept', () => {
  const TODAY = '2026-12-07';
  const MOBILE_DIGITS = '13812345678';
  const ID_NUMBER = '11010519491231002X';
  const each = (s: string, sep: string): string => Array.from(s).join(sep);
  const groups = (s: string, sep: string): string => `${s.slice(0, 3)}${sep}${s.slice(3, 7)}${sep}${s.slice(7)}`;
  const fullWidth = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  const words = (s: string, table: string): string => s.replace(/[0-9]/g, (d) => Array.from(table)[Number(d)]!);

  const phoneSpellings: Array<[string, string]> = [
    ['plain', MOBILE_DIGITS],
    ['a space after every digit', each(MOBILE_DIGITS, ' ')],
    ['a dash after every digit', each(MOBILE_DIGITS, '-')],
    ['two spaces after every digit', each(MOBILE_DIGITS, '  ')],
    ['a long run of spaces between the groups', groups(MOBILE_DIGITS, ' '.repeat(12))],
    ['a line of dashes after every digit', each(MOBILE_DIGITS, '-'.repeat(6))],
    ['3-4-4 with spaces', groups(MOBILE_DIGITS, ' ')],
    ['3-4-4 with a no-break space', groups(MOBILE_DIGITS, '\u00A0')],
    ['3-4-4 with an ideographic space', groups(MOBILE_DIGITS, '\u3000')],
    ['3-4-4 with tabs', groups(MOBILE_DIGITS, '\t')],
    ['3-4-4 on three lines', groups(MOBILE_DIGITS, '\n')],
    ['3-4-4 with en dashes', groups(MOBILE_DIGITS, '–')],
    ['3-4-4 with em dashes', groups(MOBILE_DIGITS, '—')],
    ['3-4-4 with full-width dashes', groups(MOBILE_DIGITS, '－')],
    ['3-4-4 with small hyphens', groups(MOBILE_DIGITS, '﹣')],
    ['3-4-4 with " - "', groups(MOBILE_DIGITS, ' - ')],
    ['the first group bracketed', '(138)1234-5678'],
    ['the first group in full-width brackets', '（138）1234 5678'],
    ['+86 and 3-4-4', '+86 138 1234 5678'],
    ['+86-', '+86-138-1234-5678'],
    ['+ 86 spaced', '+ 86 13812345678'],
    ['(+86)', '(+86)13812345678'],
    ['(+86) and a space', '(+86) 138 1234 5678'],
    ['（＋８６）full width', '（＋８６）１３８１２３４５６７８'],
    ['＋86', '＋8613812345678'],
    ['0086', '008613812345678'],
    ['0086 spaced', '0086 138 1234 5678'],
    ['86 with a space', '86 13812345678'],
    ['+86, a space after every digit', `+${each(`86${MOBILE_DIGITS}`, ' ')}`],
    ['full-width digits', fullWidth(MOBILE_DIGITS)],
    ['full-width digits, a full-width space after each', each(fullWidth(MOBILE_DIGITS), '\u3000')],
    ['circled digits', '①③⑧①②③④⑤⑥⑦⑧'],
    ['mathematical bold digits', words(MOBILE_DIGITS, '𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗')],
    ['number words', words(MOBILE_DIGITS, '〇一二三四五六七八九')],
    ['number words with 幺 and a space after every word', each(words(MOBILE_DIGITS, '洞幺两三四五六七八九'), ' ')],
    ['number words with 幺, dashes between the groups', groups(words(MOBILE_DIGITS, '零幺二三四五六七八九'), '-')],
    ['financial numerals', words(MOBILE_DIGITS, '零壹贰叁肆伍陆柒捌玖')],
    ['+八六 and words', `+八六 ${words(MOBILE_DIGITS, '〇幺二三四五六七八九')}`],
    ['words and digits mixed, spaced', '幺 3 八 1 二 3 四 5 六 7 八'],
  ];

  const idSpellings: Array<[string, string]> = [
    ['plain', ID_NUMBER],
    ['a lower-case x', ID_NUMBER.toLowerCase()],
    ['a full-width Ｘ and digits', `${fullWidth(ID_NUMBER.slice(0, 17))}Ｘ`],
    ['6-8-4 with spaces', '110105 19491231 002X'],
    ['6-8-4 with dashes', '110105-19491231-002X'],
    ['6-8-4 with em dashes and a line break', '110105—19491231\n002X'],
    ['a space after every character', each(ID_NUMBER, ' ')],
    ['a long run of spaces between the groups', '110105          19491231          002X'],
    ['a dash after every character', each(ID_NUMBER, '-')],
    ['4-4-4-4-2 with ideographic spaces', '1101\u30000519\u30004912\u30003100\u30002X'],
    ['a space before the X', '11010519491231002 X'],
    ['number words with 叉', `${words(ID_NUMBER.slice(0, 17), '〇一二三四五六七八九')}叉`],
    ['number words with ×, spaced', each(`${words(ID_NUMBER.slice(0, 17), '零幺两三四五六七八九')}×`, ' ')],
    ['circled digits and a Roman numeral Ⅹ', `${words(ID_NUMBER.slice(0, 17), '⓪①②③④⑤⑥⑦⑧⑨')}Ⅹ`],
    ['all digits, no X', '370102199003070024'],
  ];

  const mobileMask = (found: string): string => {
    const read = checkMobile(found);
    return read.ok ? maskMobile(read.value) : `UNREAD(${found})`;
  };
  /** Brackets and quotes a number may stand in: a mask keeps them as they stand, around it (never "[PHONE])"). */
  const WRAPPERS: Array<[string, string]> = [
    ['(', ')'], ['（', '）'], ['﹙', '﹚'], ['⁽', '⁾'], ['( ', ' )'], ['((', '))'], ['[', ']'], ['【', '】'], ['「', '」'], ['“', '”'], ['"', '"'], ["'", "'"],
  ];
  const contexts: Array<(n: string) => string> = [
    (n) => n, (n) => `我的电话是${n}，谢谢`, (n) => `call ${n} now`, (n) => `号码：${n}。`,
    ...WRAPPERS.map(([open, close]) => (n: string) => `电话${open}${n}${close}。`),
  ];

  describe('mobile numbers', () => {
    for (const [name, spelling] of phoneSpellings) {
      it(`${name}: ${JSON.stringify(spelling)}`, () => {
        expect(checkMobile(spelling), 'the phone check accepts it').to.deep.equal({ ok: true, value: MOBILE_DIGITS });
        for (const context of contexts) {
          expect(maskFreeText(context(spelling))).to.equal(context(MASKED_PHONE));
          expect(replaceIdAndPhoneNumbers(context(spelling), maskResidentId, mobileMask)).to.equal(context('138****5678'));
        }
      });
    }
  });

  describe('resident ID numbers', () => {
    for (const [name, spelling] of idSpellings) {
      it(`${name}: ${JSON.stringify(spelling)}`, () => {
        const read = checkResidentId(spelling, TODAY);
        expect(read.ok, 'the ID check accepts it').to.equal(true);
        const number = read.ok ? read.value.number : '';
        for (const context of [(n: string) => n, (n: string) => `身份证${n}，好`, (n: string) => `id ${n} ok`, ...WRAPPERS.map(([open, close]) => (n: string) => `id${open}${n}${close}`)]) {
          expect(maskFreeText(context(spelling))).to.equal(context(MASKED_ID));
          expect(replaceIdAndPhoneNumbers(context(spelling), maskResidentId, mobileMask)).to.equal(context(maskResidentId(number)));
        }
      });
    }
  });

  describe('every character a check reads as a digit, an X or a separator (to U+2FFFF)', () => {
    const characters = Array.from({ length: 0x30000 }, (_, cp) => cp)
      .filter((cp) => cp < 0xd800 || cp >= 0xe000)
      .map((cp) => String.fromCodePoint(cp));
    /** The mask replaced the number, and no digit, however written, is left beside it. */
    const masksAllDigits = (n: string, mask: string): boolean => {
      const masked = maskFreeText(n);
      return masked.includes(mask) && !/[0-9]/.test(readNumberText(masked.replace(mask, '')));
    };
    it('every character read as something a number may hold lies in NUMBERISH_BLOCKS or is a number word (the masks read only those)', () => {
      const everywhere = numberishReadings(Array.from({ length: 0x30000 }, (_, cp) => cp));
      const inBlocks = new Set<number>();
      for (const [from, to] of NUMBERISH_BLOCKS) for (let cp = from; cp <= to; cp++) inBlocks.add(cp);
      const outside = [...everywhere.values()].flat().filter((c) => !inBlocks.has(c.codePointAt(0)!) && digitsOfWords(c, { withX: true }) === c);
      expect(outside.map((c) => `U+${c.codePointAt(0)!.toString(16)}`)).to.deep.equal([]);
    });
    it('in a mobile number: is found by the mask wherever the check accepts it', () => {
      const leaks = characters.flatMap((c) =>
        [
          `138${c}1234${c}5678`, `138 ${c}234 5678`, `13${c}12345678`, `+86${c}13812345678`, `${c}86 13812345678`, `+${c}6 13812345678`,
          // a character read as two digits (⑩, ⑽, ㊱) or three
          `138123${c}678`, `13${c}1234567`, `13812${c}678`,
        ]
          .filter((n) => checkMobile(n).ok && !masksAllDigits(n, MASKED_PHONE))
          .map((n) => JSON.stringify(n)),
      );
      expect(leaks).to.deep.equal([]);
    });
    it('in an ID number: is found by the mask wherever the check accepts it', () => {
      const leaks = characters.flatMap((c) =>
        [`110105${c}19491231${c}002X`, `${c}1010519491231002X`, `11010519491231002${c}`, `11010519491231${c}02X`, `1101051949123${c}02X`]
          .filter((n) => checkResidentId(n, TODAY).ok && !masksAllDigits(n, MASKED_ID))
          .map((n) => JSON.stringify(n)),
      );
      expect(leaks).to.deep.equal([]);
    });
  });

  describe('brackets and quotes around a number stay as they stood, the number\'s own ones go with it', () => {
    const cases: Array<[string, string, string]> = [
      ['(13812345678)', `(${MASKED_PHONE})`, '(138****5678)'],
      ['电话（13812345678）。', `电话（${MASKED_PHONE}）。`, '电话（138****5678）。'],
      ['( 138 1234 5678 )', `( ${MASKED_PHONE} )`, '( 138****5678 )'],
      ['tel (+86 138 1234 5678)', `tel (${MASKED_PHONE})`, 'tel (138****5678)'],
      ['(1 3 8 1 2 3 4 5 6 7 8)', `(${MASKED_PHONE})`, '(138****5678)'],
      ['(138)(1234)(5678)', `(${MASKED_PHONE})`, '(138****5678)'],
      ['((+86)13812345678)', `(${MASKED_PHONE})`, '(138****5678)'],
      ['(138) 1234 5678', MASKED_PHONE, '138****5678'],
      ['“13812345678”', `“${MASKED_PHONE}”`, '“138****5678”'],
      ['（11010519491231002X）', `（${MASKED_ID}）`, '（1101**********002X）'],
      ['[110105 19491231 002X]', `[${MASKED_ID}]`, '[1101**********002X]'],
      // Runs of brackets and spaces longer than a spread-out number's (4) around it stay as they stood.
      ['(((((13812345678)))))', `(((((${MASKED_PHONE})))))`, '(((((138****5678)))))'],
      ['电话：      13812345678      。', `电话：      ${MASKED_PHONE}      。`, '电话：      138****5678      。'],
      ['⑩ 13812345678', `⑩ ${MASKED_PHONE}`, '⑩ 138****5678'],
      // Not balanced as typed: kept as unbalanced as it was, no more.
      ['(13812345678', `(${MASKED_PHONE}`, '(138****5678'],
      ['13812345678)', `${MASKED_PHONE})`, '138****5678)'],
    ];
    for (const [input, masked, shown] of cases) {
      it(JSON.stringify(input), () => {
        expect(maskFreeText(input)).to.equal(masked);
        expect(replaceIdAndPhoneNumbers(input, maskResidentId, mobileMask)).to.equal(shown);
      });
    }
  });

  describe('generated spellings: whatever the check accepts, the mask finds', () => {
    /** Every character the checks read as `read` exactly (readNumberText: 1, １, ①, 𝟏, 一, 幺, ⼀ … for "1"). */
    const readAs = (test: (read: string) => boolean): string[] => [...numberishCharacters()].filter(([, read]) => test(read)).map(([c]) => c);
    const spellings = (read: string): fc.Arbitrary<string> => fc.constantFrom(...readAs((r) => r === read));
    const run = (seps: string[]): fc.Arbitrary<string> =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constant('') },
        { weight: 3, arbitrary: fc.array(fc.constantFrom(...seps), { minLength: 1, maxLength: 2 }).map((a) => a.join('')) },
        { weight: 1, arbitrary: fc.array(fc.constantFrom(...seps), { minLength: 3, maxLength: 9 }).map((a) => a.join('')) },
      );
    /** `text` written out: each of its characters in any spelling the checks read as it, a run of `seps` between any two. */
    const writtenOut = (text: string, seps: string[]): fc.Arbitrary<string> =>
      fc
        .tuple(...Array.from(text).map((c) => fc.tuple(c === 'X' ? fc.constantFrom(...readAs((r) => r === 'X' || r === 'x')) : spellings(c), run(seps))))
        .map((parts) => parts.map(([c, sep], i) => (i < parts.length - 1 ? c + sep : c)).join(''));
    const MOBILE_SEP_CHARS = readAs((r) => new RegExp(`^[${MOBILE_SEPARATORS}]+$`, 'u').test(r));
    const ID_SEP_CHARS = readAs((r) => new RegExp(`^[${RESIDENT_ID_SEPARATORS}]+$`, 'u').test(r));
    const CONTEXTS: Array<(n: string) => string> = [(n) => n, (n) => `我的电话是${n}，谢谢`, (n) => `call ${n}.`, (n) => `（${n}）`, (n) => `“${n}”`, (n) => `id=${n};`];
    /** `s` without separators (a mask may leave those it did not need beside a number it found: "( [PHONE]", "(—[PHONE])"). */
    const withoutSeparators = (s: string): string => Array.from(s).filter((c) => !new RegExp(`^[${MOBILE_SEPARATORS}]+$`, 'u').test(readNumberText(c))).join('');
    /** The mask replaced the number, and no digit, however written, is left beside it. */
    const masksAllDigits = (masked: string, mask: string): boolean => masked.includes(mask) && !/[0-9]/.test(readNumberText(masked.replace(mask, '')));

    it('mobile numbers: 3000 spellings, each digit, +, 86, 0086 and (+86) in any form the check reads, any separators between', () => {
      let accepted = 0;
      const spelling = fc.constantFrom('', '', '+86', '0086', '86', '(+86)', '(86)').chain((prefix) => writtenOut(`${prefix}${MOBILE_DIGITS}`, MOBILE_SEP_CHARS));
      fc.assert(
        fc.property(spelling, fc.constantFrom(...CONTEXTS), (spelled, context) => {
          if (!checkMobile(spelled).ok) return;
          accepted++;
          const text = context(spelled);
          expect(masksAllDigits(maskFreeText(text), MASKED_PHONE), `${JSON.stringify(text)} → ${JSON.stringify(maskFreeText(text))}`).to.equal(true);
          // Shown masked; a bracket the number left unpaired (138(1234 5678) stays beside the mask, as do separators before it.
          expect(withoutSeparators(replaceIdAndPhoneNumbers(text, maskResidentId, mobileMask))).to.equal(withoutSeparators(context('138****5678')));
        }),
        { numRuns: 3000, seed: 86 },
      );
      expect(accepted, 'spellings the check accepted').to.be.greaterThan(1000);
    });

    it('ID numbers: 2000 spellings, each character in any form the check reads, any separators between', () => {
      let accepted = 0;
      fc.assert(
        fc.property(writtenOut(ID_NUMBER, ID_SEP_CHARS), fc.constantFrom(...CONTEXTS), (spelling, context) => {
          if (!checkResidentId(spelling, TODAY).ok) return;
          accepted++;
          const text = context(spelling);
          expect(masksAllDigits(maskFreeText(text), MASKED_ID), `${JSON.stringify(text)} → ${JSON.stringify(maskFreeText(text))}`).to.equal(true);
          expect(replaceIdAndPhoneNumbers(text, maskResidentId, mobileMask)).to.equal(context('1101**********002X'));
        }),
        { numRuns: 2000, seed: 11 },
      );
      expect(accepted, 'spellings the check accepted').to.be.greaterThan(1000);
    });
  });

  describe('a number beside other digits', () => {
    it('finds two mobile numbers one space apart', () => expect(maskFreeText('13812345678 13912345678')).to.equal(`${MASKED_PHONE} ${MASKED_PHONE}`));
    it('finds a mobile number after a list number', () => expect(maskFreeText('1 138 1234 5678')).to.equal(`1 ${MASKED_PHONE}`));
    it('finds a mobile number in groups with runs of separators between, after a list number', () =>
      expect(maskFreeText('1 138  1234 \u3000 5678')).to.equal(`1 ${MASKED_PHONE}`));
    it('finds an ID number in groups with runs of separators between, after a list number', () =>
      expect(maskFreeText(`2 370102  19900307 -- 0024`)).to.equal(`2 ${MASKED_ID}`));
    it('finds an ID number and a mobile number one space apart', () =>
      expect(maskFreeText(`${ID_NUMBER} 13812345678`)).to.equal(`${MASKED_ID} ${MASKED_PHONE}`));
    it('spells out a character read as two digits only in the number it is part of (the rest of the text keeps its ⑩)', () =>
      expect(maskFreeText('见第⑩条：138123⑩678，第⑪条')).to.equal(`见第⑩条：${MASKED_PHONE}，第⑪条`));
    it('finds numbers in a text that mixes ASCII and other characters, each as it would alone', () =>
      expect(maskFreeText(`１３８１２３４５６７８ 13912345678 身份证${ID_NUMBER}，电话 1 5 0 1 2 3 4 5 6 7 8`)).to.equal(
        `${MASKED_PHONE} ${MASKED_PHONE} 身份证${MASKED_ID}，电话 ${MASKED_PHONE}`,
      ));
  });

  describe('ordinary text stays as it is', () => {
    const untouched: Array<[string, string]> = [
      ['a date and time', '2026-12-07 08:30 入院'],
      ['dates with spaces', '2026 12 07 至 2027 01 15'],
      ['an amount with thousands separators (the checks read no commas)', '共计 13,812,345,678 元'],
      ['a version', 'v13.8.1234.5678'],
      ['a spaced number one digit short of a mobile', '1 3 8 1 2 3 4 5 6 7'],
      ['a 3-4-3 order number', '订单 138-1234-567'],
      ['a 12-digit order number in groups', '订单 1381 2345 6789'],
      ['a mobile-like run that starts 12', '1 2 8 1 2 3 4 5 6 7 8'],
      ['a landline with its area code', '010-1234 5678'],
      ['the numerals one to ten, spaced', '一 二 三 四 五 六 七 八 九 十'],
      ['a 17-digit run, spaced', each('11010519491231002', ' ')],
      ['page numbers', '见第11 12 13 14 15 16 17 18页'],
      ['circled numbers that are no number', '见第⑩条、第⑪条和第⑫条'],
    ];
    for (const [name, input] of untouched) {
      it(`leaves ${name} alone`, () => expect(maskFreeText(input)).to.equal(input));
    }
  });
});
