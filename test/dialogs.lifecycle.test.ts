import { expect } from 'chai';
import { MemoryFilingStore, type FilingStore } from '../src/filings/index.js';
import { Chat } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, openingEn, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_SCRIPT, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * The dialogs after submitting (dialogs/lifecycle/) through the whole bot: typed at any question and back
 * to it afterwards, the status in its words (a rejection's reason, an expired filing), cancel and change
 * refused where the rules say so, in Chinese and English.
 */

const ID = '11010519491231002X';
const PHONE = '13812345678';

/** Files TMP_OTHER in a chat of its own on `filings`; resolves with the reference. */
async function fileOn(filings: FilingStore): Promise<string> {
  const chat = new Chat({ filings });
  await chat.follow(TMP_OTHER_SCRIPT);
  const replies = await chat.say('确认提交');
  return Chat.channelData<{ reference: string }>(replies, 'filing')!.reference;
}

/** The identity check, from the filing's reference to the replies to the code. */
async function prove(chat: Chat, reference: string, id = ID) {
  await chat.say(reference);
  await chat.say(id);
  await chat.say(PHONE);
  const code = /\d{6}/.exec(chat.texted.at(-1)?.text ?? '')?.[0] ?? '';
  return chat.say(code);
}

describe('after submitting, in the dialogs', () => {
  it('查询备案 typed in the middle of a filing: the check, then the question that was waiting, nothing lost', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    const chat = new Chat({ filings });
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    expect(Chat.promptOf(await chat.say('我想查询备案'))).to.equal('lifecycle.find');
    const shown = await prove(chat, reference);
    expect(Chat.textOf(shown)).to.contain('已提交，等待审核');
    expect(Chat.promptOf(shown), 'the filing goes on where it stopped').to.equal('details.startDate');
    await chat.follow([['明天', 'details.institutions']]);
  });

  it('the words the menu advertises start their dialogs in both languages (exact, whatever the classifier says)', async () => {
    for (const [locale, words] of [
      ['zh-CN', ['查询备案', '变更备案', '取消备案', '修改备案']],
      ['en-US', ['check my filing', 'change filing', 'cancel filing', 'Change my filing.']],
    ] as const) {
      for (const said of words) {
        const chat = new Chat({ locale });
        const menu = await chat.say(locale === 'zh-CN' ? '你好' : 'hello');
        expect(Chat.textOf(menu)).to.contain(locale === 'zh-CN' ? '“查询备案”“变更备案”“取消备案”' : '"check my filing", "change my filing", "cancel my filing"');
        expect(Chat.promptOf(await chat.say(said)), said).to.equal('lifecycle.find');
      }
    }
  });

  it('重新开始 or back at a question of the check leaves the check, not the filing under way', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    for (const command of ['重新开始', '返回上一步']) {
      await chat.follow([['查询备案', 'lifecycle.find']]);
      const left = await chat.say(command);
      expect(Chat.textOf(left)).to.contain('不再查询或办理这份备案');
      expect(Chat.promptOf(left), command).to.equal('details.startDate');
    }
    await chat.follow([['明天', 'details.institutions']]);
  });

  it('proven once, the same filing is not checked again in the conversation for a while (a check, then a cancel)', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    const chat = new Chat({ filings });
    await chat.follow([['你好', 'menu.main'], ['查询备案', 'lifecycle.find']]);
    await prove(chat, reference);
    const codes = chat.texted.length;
    await chat.follow([['取消备案', 'lifecycle.find']]);
    const refused = await chat.say(reference);
    expect(Chat.textOf(refused), 'straight to the rules: no ID number, phone or code asked').to.contain('“已提交，等待审核”');
    expect(chat.texted).to.have.length(codes);
    // Another conversation is checked as ever.
    const other = new Chat({ filings });
    await other.follow([['你好', 'menu.main'], ['取消备案', 'lifecycle.find'], [reference, 'lifecycle.idNumber']]);
  });

  it('a code that has expired: said so, and the check starts again for the same filing with a new code', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    const chat = new Chat({ filings, identityLimits: { codeTtlMs: 1 } });
    await chat.follow([['你好', 'menu.main'], ['查询备案', 'lifecycle.find'], [reference, 'lifecycle.idNumber'], [ID, 'lifecycle.phone'], [PHONE, 'lifecycle.code']]);
    await new Promise((r) => setTimeout(r, 5));
    const expired = await chat.say(/\d{6}/.exec(chat.texted.at(-1)!.text)![0]);
    expect(Chat.textOf(expired)).to.contain('验证码已失效');
    expect(Chat.promptOf(expired), 'the same filing: its ID number asked again').to.equal('lifecycle.idNumber');
  });

  it('restarting the check or letting codes expire sends no more than the codes allowed: then a polite wait, in both languages', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    for (const [locale, words] of [['zh-CN', /验证码发送次数已达上限.*\d+分钟后再试.*12393/], ['en-US', /as many codes as we send.*try again in \d+ minutes.*12393/]] as const) {
      const chat = new Chat({ filings, locale, identityLimits: { codeTtlMs: 1, maxCodes: 2 } });
      await chat.follow([[locale === 'zh-CN' ? '查询备案' : 'check my filing', 'lifecycle.find'], [reference, 'lifecycle.idNumber']]);
      for (let i = 0; i < 2; i++) {
        await chat.follow([[ID, 'lifecycle.phone'], [PHONE, 'lifecycle.code']]);
        await new Promise((r) => setTimeout(r, 5));
        expect(Chat.promptOf(await chat.say(/\d{6}/.exec(chat.texted.at(-1)!.text)![0]))).to.equal('lifecycle.idNumber');
      }
      const texted = chat.texted.length;
      await chat.say(ID);
      const limited = await chat.say(PHONE);
      expect(Chat.textOf(limited), locale).to.match(words);
      expect(chat.texted, 'no third code').to.have.length(texted);
    }
  });

  it('by ID number, a filing locked out by others\' guesses is not told apart from an ID number with no filing', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    const answers: Record<string, { afterId?: string; words: string; next?: string }> = {};
    for (const [case_, id] of [['with a locked filing', ID], ['without a filing', '110105198001010016']] as const) {
      const chat = new Chat({ filings });
      // Someone else's wrong guesses lock the filing (not this conversation).
      for (let i = 0; i < 5; i++) await chat.identity.mismatch({ reference, conversation: `web:guesser-${i}` });
      expect(await chat.identity.lockedFor({ reference, conversation: 'web:anyone' })).to.be.greaterThan(0);
      await chat.follow([['你好', 'menu.main'], ['查询备案', 'lifecycle.find']]);
      const afterId = Chat.promptOf(await chat.say(id));
      const replies = await chat.say('13900009999');
      answers[case_] = { ...(afterId ? { afterId } : {}), words: Chat.textOf(replies), ...(Chat.promptOf(replies) ? { next: Chat.promptOf(replies)! } : {}) };
    }
    expect(answers['with a locked filing']!.afterId, 'the phone is asked in both cases').to.equal('lifecycle.phone');
    expect(answers['with a locked filing']).to.deep.equal(answers['without a filing']);
    expect(answers['without a filing']!.words).to.not.contain('尝试次数过多');
  });

  it('help at the institutions question of a change gives the filing\'s profile limits, not the conversation\'s', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    await filings.setStatus(reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
    // This conversation speaks for the national profile (no institutions); the filing is Rizhao's (1 to 3).
    const chat = new Chat({ filings, defaultRegion: 'national' });
    await chat.follow([['你好', 'menu.main']]);
    await chat.say('变更备案');
    expect(Chat.promptOf(await prove(chat, reference))).to.equal('lifecycle.change.field');
    expect(Chat.promptOf(await chat.say('定点医疗机构'))).to.equal('lifecycle.change.institutions');
    const help = Chat.textOf(await chat.say('帮助'));
    expect(help).to.contain('1 到 3 家定点医疗机构');
  });

  it('a bare reference at a question starts the check; the agency\'s reason for a rejection is shown', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    await filings.setStatus(reference, 'REJECTED', { actor: { kind: 'agency', name: 'office' }, reason: '缺少转诊证明' });
    const chat = new Chat({ filings });
    await chat.follow([['你好', 'menu.main']]);
    expect(Chat.promptOf(await chat.say(reference.toLowerCase().replace('-', ' ')))).to.equal('lifecycle.idNumber');
    await chat.say(ID);
    await chat.say(PHONE);
    const shown = Chat.textOf(await chat.say(/\d{6}/.exec(chat.texted.at(-1)!.text)![0]));
    expect(shown).to.contain('未通过');
    expect(shown).to.contain('未通过的原因：缺少转诊证明');
  });

  it('an expired temporary filing: the check says EXPIRED, and cancelling it needs nothing', async () => {
    const filings = new MemoryFilingStore({ now: () => new Date('2028-03-01T02:00:00Z') });
    const reference = await fileOn(filings);
    await filings.setStatus(reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
    const chat = new Chat({ filings });
    await chat.follow([['你好', 'menu.main']]);
    await chat.say('取消备案');
    const replies = await prove(chat, reference);
    expect(Chat.textOf(replies)).to.match(/已于.*到期，已经不再有效，不需要取消/);
    expect((await filings.get(reference))!.status).to.equal('EXPIRED');
  });

  it('a filing not yet approved cannot be cancelled or changed: the status is named', async () => {
    const filings = new MemoryFilingStore();
    const reference = await fileOn(filings);
    for (const request of ['取消备案', '变更备案']) {
      const chat = new Chat({ filings });
      await chat.follow([['你好', 'menu.main']]);
      await chat.say(request);
      const replies = await prove(chat, reference);
      expect(Chat.textOf(replies), request).to.contain('“已提交，等待审核”');
      expect(Chat.promptOf(replies)).to.equal('menu.main');
    }
    expect((await filings.get(reference))!.status).to.equal('SUBMITTED');
  });

  it('in English: a wrong code is told with the tries left, the right one shows the filing; no code is ever shown back', async () => {
    const filings = new MemoryFilingStore();
    const en = new Chat({ filings, locale: 'en-US' });
    await en.follow(TMP_OTHER_EN_TO_START_DATE);
    await en.follow([
      ['tomorrow', 'details.institutions'],
      ['Shanghai Sixth People\'s Hospital', 'review.confirm'],
    ]);
    const reference = Chat.channelData<{ reference: string }>(await en.say('submit'), 'filing')!.reference;
    const chat = new Chat({ filings, locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'situation.filerMode'));
    expect(Chat.promptOf(await chat.say(`cancel my filing ${reference}`)), 'the reference in the sentence is taken').to.equal('lifecycle.idNumber');
    await chat.say(ID);
    const sent = await chat.say(PHONE);
    expect(Chat.textOf(sent)).to.contain('We have texted a code to 138****5678');
    const code = /\d{6}/.exec(chat.texted.at(-1)!.text)![0];
    const wrong = await chat.say(code === '000000' ? '111111' : '000000');
    expect(Chat.textOf(wrong)).to.contain('You can try 4 more times');
    const right = await chat.say(code);
    expect(Chat.textOf(right)).to.contain('\"submitted, waiting for review\" and cannot be cancelled');
    expect(chat.transcript.map((a) => a.text ?? '').join('\n')).to.not.contain(code);
  });

  it('right after submitting, the reference by SMS is offered and sent once to the phone on file', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_SCRIPT);
    const submitted = await chat.say('确认提交');
    const reference = Chat.channelData<{ reference: string }>(submitted, 'filing')!.reference;
    expect(Chat.promptOf(submitted)).to.equal('menu.main');
    expect(Chat.textOf(submitted)).to.contain('还有什么可以帮您？').and.contain('回复“短信发送编号”').and.contain('138****5678');
    const sent = await chat.say('短信发送编号');
    expect(Chat.textOf(sent)).to.contain(`备案编号 ${reference} 已用短信发到 138****5678`);
    expect(Chat.promptOf(sent)).to.equal('menu.main');
    expect(chat.texted.filter((m) => m.purpose === 'reference')).to.deep.equal([{ to: PHONE, purpose: 'reference', text: chat.texts.t('zh-CN', 'lifecycle.sms.reference', { reference, category: '自主转诊人员' }) }]);
    expect(Chat.textOf(await chat.say('发送编号'))).to.contain('已经用短信发过了');
    expect(chat.texted.filter((m) => m.purpose === 'reference')).to.have.length(1);
  });

  it('under the national profile (no wait of its own, a cap on the insured place\'s): cancelled at once, told the cap and its date', async () => {
    const filings = new MemoryFilingStore();
    const filer = new Chat({ filings });
    await filer.follow(LT_RESIDENT_TO_SUMMARY);
    const made = (await filings.get(Chat.channelData<{ reference: string }>(await filer.say('确认提交'), 'filing')!.reference))!;
    // The same long-term filing from an insured place without a profile of its own (Beijing): the national rules speak.
    const { stored } = await filings.submit({ idempotencyKey: 'national-long-term', category: made.category, profileId: 'national', profileVersion: made.profileVersion, filing: { ...made.filing, insuredPlace: '110000' } });
    await filings.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
    const chat = new Chat({ filings, defaultRegion: 'national' });
    await chat.follow([['你好', 'menu.main'], ['取消备案', 'lifecycle.find']]);
    const asked = await prove(chat, stored.reference);
    expect(Chat.promptOf(asked), 'no wait of its own').to.equal('lifecycle.cancel.confirm');
    // Started 2026-12-01: the cap of 6 months runs to 2027-06-01.
    expect(Chat.textOf(asked)).to.contain('最长不超过6个月（即最晚到2027年6月1日）');
    await chat.say('确定取消');
    expect((await filings.get(stored.reference))!.status).to.equal('CANCELLED');
  });
});
