import { expect } from 'chai';
import { validityEndDate } from '../src/domain/calendar.js';
import { MemoryFilingStore, type FilingStore } from '../src/filings/index.js';
import { Chat } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, TMP_OTHER_SCRIPT } from './support/paths.js';

/**
 * Changing a temporary filing's end date where its profile allows it (issue 11, 变更备案): through the whole
 * bot, the date read as the filing's dates are (下个月底, "the end of August"), checked against the profile's
 * bounds, the result a new filing with the new end date that replaces the old one (CHANGED); refused
 * politely, in the person's language, where the date is out of bounds, where the profile sets the end date
 * (Rizhao) and for a long-term filing (no end date).
 */

const ID = '11010519491231002X';
const PHONE = '13812345678';
const national = new Chat().profiles.get('national')!;

/** The identity check, from the filing's reference to the replies to the code. */
async function prove(chat: Chat, reference: string) {
  await chat.say(reference);
  await chat.say(ID);
  await chat.say(PHONE);
  return chat.say(/\d{6}/.exec(chat.texted.at(-1)?.text ?? '')?.[0] ?? '');
}

/** A filing made in a chat of its own on `filings` (Rizhao, zh-CN), approved; its reference. */
async function fileAndApprove(filings: FilingStore, script = TMP_OTHER_SCRIPT): Promise<string> {
  const chat = new Chat({ filings });
  await chat.follow(script);
  const reference = Chat.channelData<{ reference: string }>(await chat.say('确认提交'), 'filing')!.reference;
  await filings.setStatus(reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
  return reference;
}

/**
 * The same filing from an insured place without a profile of its own (Beijing), so the national rules speak
 * (a conversation with defaultRegion 'national'): valid the national 6 months, no designated institutions.
 */
async function nationalFiling(filings: FilingStore, script = TMP_OTHER_SCRIPT, key = 'national', profileVersion = national.version): Promise<string> {
  const made = (await filings.get(await fileAndApprove(filings, script)))!;
  const { institutions: _none, ...record } = made.filing as Record<string, unknown> & { startDate: string; endDate: string | null };
  const endDate = record.endDate === null ? null : validityEndDate(record.startDate, national.categories.TMP_OTHER.validityMonths!);
  const { stored } = await filings.submit({
    idempotencyKey: key,
    category: made.category,
    profileId: 'national',
    profileVersion,
    filing: { ...record, insuredPlace: '110000', endDate, profileId: 'national', profileVersion },
  });
  await filings.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
  return stored.reference;
}

describe('changing the end date of a filing, where the profile allows it', () => {
  it('the profiles say where: national lets a person change a temporary filing\'s end date within 6 to 12 months, Rizhao sets it', () => {
    expect(national.temporary.endDateChange.allowed.value).to.equal(true);
    expect([national.temporary.endDateChange.minValidityMonths.value, national.temporary.endDateChange.maxValidityMonths.value]).to.deep.equal([6, 12]);
    expect(new Chat().profiles.get('rizhao')!.temporary.endDateChange.allowed.value).to.equal(false);
  });

  for (const [locale, words] of [
    ['zh-CN', { ask: '变更备案', field: '结束日期', tooEarly: '下个月底', tooLate: '明年12月31日', fine: '明年8月底', early: '不能早于 2027年5月24日', late: '不能晚于 2027年11月24日', done: '有效期到 2027年8月31日' }],
    ['en-US', { ask: 'change my filing', field: 'End date', tooEarly: 'the end of next month', tooLate: '31 December 2027', fine: 'the end of August', early: 'cannot be before 24 May 2027', late: 'cannot be after 24 November 2027', done: 'valid until 31 August 2027' }],
  ] as const) {
    it(`${locale}: the new end date, read from words, gives a new filing with it; the old one is CHANGED; out of bounds is refused and asked again`, async () => {
      const filings = new MemoryFilingStore();
      const reference = await nationalFiling(filings);
      const chat = new Chat({ filings, locale, defaultRegion: 'national' });
      await chat.follow([[locale === 'zh-CN' ? '你好' : 'hello', 'menu.main'], [words.ask, 'lifecycle.find']]);
      const asked = await prove(chat, reference);
      expect(Chat.promptOf(asked)).to.equal('lifecycle.change.field');
      const question = await chat.say(words.field);
      expect(Chat.promptOf(question)).to.equal('lifecycle.change.endDate');
      // The bounds are said with the question: from the national 6 months to the 12 the profile allows.
      expect(Chat.textOf(question)).to.contain(locale === 'zh-CN' ? '2027年5月24日' : '24 May 2027').and.contain(locale === 'zh-CN' ? '2027年11月24日' : '24 November 2027');

      const early = await chat.say(words.tooEarly);
      expect(Chat.textOf(early)).to.contain(words.early);
      expect(Chat.promptOf(early)).to.equal('lifecycle.change.endDate');
      const late = await chat.say(words.tooLate);
      expect(Chat.textOf(late)).to.contain(words.late);
      expect(Chat.promptOf(late)).to.equal('lifecycle.change.endDate');
      expect((await filings.get(reference))!.status, 'nothing changed yet').to.equal('EFFECTIVE');

      const done = await chat.say(words.fine);
      expect(Chat.textOf(done)).to.contain(words.done);
      const made = Chat.channelData<{ reference: string; replaces: string; endDate: string }>(done, 'filing')!;
      expect(made.replaces).to.equal(reference);
      expect(made.endDate).to.equal('2027-08-31');
      const old = (await filings.get(reference))!;
      expect(old.status).to.equal('CHANGED');
      expect(old.replacedBy).to.equal(made.reference);
      const fresh = (await filings.get(made.reference))!;
      const record = fresh.filing as { startDate: string; endDate: string; person: { phone: string } };
      expect(record.endDate).to.equal('2027-08-31');
      expect(record.startDate, 'the start is kept').to.equal((old.filing as { startDate: string }).startDate);
      expect(fresh.status, 'in force as the old one was').to.equal('EFFECTIVE');
      expect(fresh.replaces).to.equal(reference);
      // Shown back masked as ever: never the full phone or ID number.
      const said = chat.transcript.map((a) => a.text ?? '').join('\n');
      expect(said).to.not.contain(PHONE).and.not.contain(ID);
    });
  }

  it('a filing made under the national rules before they let the end date change (version 2022.1) still reads, and changes under the rules of now (2022.2)', async () => {
    expect(national.version, 'the end date change raised the version').to.equal('2022.2');
    const filings = new MemoryFilingStore();
    const reference = await nationalFiling(filings, TMP_OTHER_SCRIPT, 'national-2022.1', '2022.1');
    const chat = new Chat({ filings, defaultRegion: 'national' });
    await chat.follow([['你好', 'menu.main'], ['查询备案', 'lifecycle.find']]);
    const checked = await prove(chat, reference);
    expect(Chat.textOf(checked)).to.contain(reference).and.contain('有效');
    await chat.follow([['变更备案', 'lifecycle.find']]);
    expect(Chat.promptOf(await prove(chat, reference))).to.equal('lifecycle.change.field');
    await chat.say('结束日期');
    const made = Chat.channelData<{ reference: string; replaces: string }>(await chat.say('明年8月底'), 'filing')!;
    expect(made.replaces).to.equal(reference);
    expect((await filings.get(reference))!.profileVersion, 'the old filing keeps the version it was made under').to.equal('2022.1');
    expect((await filings.get(made.reference))!.profileVersion).to.equal('2022.2');
  });

  it('under Rizhao, which sets a temporary filing\'s end date: not offered, and asked for, told why — in both languages', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileAndApprove(filings);
    for (const [locale, ask, field, words] of [
      ['zh-CN', '变更备案', '结束日期', '由当地规定确定，到 2027年11月24日 结束，不能自行变更结束日期'],
      ['en-US', 'change my filing', 'end date', 'set by the local rules and it ends on 24 November 2027'],
    ] as const) {
      const chat = new Chat({ filings, locale });
      await chat.follow([[locale === 'zh-CN' ? '你好' : 'hello', 'menu.main'], [ask, 'lifecycle.find']]);
      const asked = await prove(chat, reference);
      expect(Chat.promptOf(asked)).to.equal('lifecycle.change.field');
      expect(Chat.textOf(asked), 'not among the choices').to.not.contain(locale === 'zh-CN' ? '结束日期' : 'End date');
      const refused = await chat.say(field);
      expect(Chat.textOf(refused), locale).to.contain(words).and.contain('0633-12393');
      expect(Chat.promptOf(refused), 'another answer may still be changed').to.equal('lifecycle.change.field');
      expect(Chat.promptOf(await chat.say(locale === 'zh-CN' ? '手机号码' : 'Mobile number'))).to.equal('lifecycle.change.phone');
    }
    expect((await filings.get(reference))!.status).to.equal('EFFECTIVE');
  });

  it('a long-term filing has no end date: asked for one, told so (national rules, where a temporary one could change)', async () => {
    const filings = new MemoryFilingStore();
    const reference = await nationalFiling(filings, LT_RESIDENT_TO_SUMMARY, 'national-long-term');
    const chat = new Chat({ filings, defaultRegion: 'national' });
    await chat.follow([['你好', 'menu.main'], ['变更备案', 'lifecycle.find']]);
    expect(Chat.promptOf(await prove(chat, reference))).to.equal('lifecycle.change.field');
    const refused = await chat.say('有效期');
    expect(Chat.textOf(refused)).to.contain('长期类备案没有结束日期');
    expect(Chat.promptOf(refused)).to.equal('lifecycle.change.field');
    expect((await filings.get(reference))!.status).to.equal('EFFECTIVE');
  });
});
