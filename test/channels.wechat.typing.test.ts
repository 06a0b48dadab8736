import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { openingEn, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';
import { oneWeChatApp, WeChatSender, type PostResult } from './support/wechat.js';

/**
 * What a WeChat user reads, typing every answer (WeChat shows no buttons): no reply asks them to tap a
 * button that is not there, every question is answerable by typing, and an answer too long for one message
 * is cut between the messages of the turn, never in the middle of one.
 */

const texts = new Texts();
const en = (key: string, params = {}) => texts.t('en-US', key, params);
/** Words that only make sense where there are buttons to tap or click. */
const TAP = /点“|点击按钮|tap a button|tap "/i;

describe('WeChat: a person types every answer (no buttons)', () => {
  const wechat = oneWeChatApp();

  it('no reply asks to tap or click: a choice not recognised, the description not understood, an earlier answer offered again', async () => {
    const person = new WeChatSender(wechat.server.base, undefined, 'plain');
    const replies: PostResult[] = [];
    for (const [said] of upTo(TMP_OTHER_TO_SUMMARY, 'situation.intake')) replies.push(await person.say(said));
    replies.push(await person.say('今天天气不错')); // nothing of the situation in it
    replies.push(await person.say('一步一步回答'));
    replies.push(await person.say('随便')); // not one of the choices
    for (const [said] of TMP_OTHER_TO_SUMMARY.slice(TMP_OTHER_TO_SUMMARY.findIndex(([, next]) => next === 'situation.now'))) replies.push(await person.say(said));
    expect(wechat.waitingAt()).to.equal('review.confirm');
    replies.push(await person.say('修改2')); // the insured place again, its earlier answer offered
    for (const r of replies) expect(r.text ?? '', r.text).not.to.match(TAP);
    // Kept by typing, as the reply says.
    await person.say('保留');
    expect(wechat.waitingAt()).to.equal('review.confirm');
  });

  it('"一步步来" at the description takes the step-by-step path', async () => {
    const person = new WeChatSender(wechat.server.base, undefined, 'secure');
    for (const [said] of upTo(TMP_OTHER_TO_SUMMARY, 'situation.intake')) await person.say(said);
    const r = await person.say('一步步来');
    expect(wechat.waitingAt(), r.text).to.equal('situation.insuranceActive');
  });

  it('an answer over 2048 bytes is cut between the turn’s messages or their paragraphs, never inside a list', async () => {
    // A referral filed in English: its confirmation and the menu after it are over 2048 bytes together.
    const person = new WeChatSender(wechat.server.base, undefined, 'secure');
    for (const said of ['English', ...openingEn().slice(1).map(([s]) => s), '1', 'no', 'yes', '1', '1', 'Zhang San', '11010519491231002X', '138 1234 5678', 'tomorrow', "Rizhao People's Hospital", 'Ruijin Hospital, Zhongshan Hospital']) await person.say(said);
    expect(wechat.waitingAt()).to.equal('review.confirm');
    const before = wechat.api.to(person.openid).length;
    const done = await person.say('Submit');
    while (wechat.api.to(person.openid).length === before) await new Promise((resolve) => setTimeout(resolve, 20));
    const rest = wechat.api.to(person.openid).slice(before);
    for (const m of [done.text!, ...rest]) expect(Buffer.byteLength(m, 'utf8')).to.be.at.most(2048);
    // Cut between the turn's messages or their paragraphs, never inside a list: the next steps whole in one message, the menu after them.
    for (const m of [done.text!, ...rest]) expect(m, m).not.to.match(/^•/);
    const next = [done.text!, ...rest].find((m) => m.includes(en('pages.receipt.nextHeading')))!;
    expect(next, 'the next steps whole').to.include(en('consequences.AGENCY_DECIDES_BENEFITS').slice(0, 30));
    expect(rest.join('\n\n')).to.include(en('prompts.menu.main.again'));
    expect(done.text, 'a line starts with a capital').not.to.match(/^• [a-z]/m);
  });
});
