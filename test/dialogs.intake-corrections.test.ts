import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { openingEn, openingZh, upTo } from './support/paths.js';

/**
 * A description after consent read as a careful clerk reads it: a hospital's name is no place by itself
 * (瑞金医院 is in 上海, not 瑞金市), the hospital that refers is not where the treatment is, a fact that changes
 * an answer already given is shown as a change, and "不对，…" with a correction is read, the correction winning —
 * never the same reading shown again.
 */

const confirming = (replies: Awaited<ReturnType<Chat['say']>>) => Chat.replyWith(replies, 'confirming')?.text ?? '';

describe('a description naming hospitals: the place of treatment already answered stays', () => {
  it('“他还在上班，日照人民医院给他开了转诊单，去瑞金医院做手术” (destination 上海 given): not working and referred, no place of treatment', async () => {
    const chat = new Chat();
    const opened = await chat.say('我爸在日照参保，要去上海做手术');
    expect(Chat.promptOf(opened), Chat.textOf(opened)).to.equal('consent.personalInfo');
    await chat.follow([['同意', 'situation.intake']]);
    const shown = confirming(await chat.say('他还在上班，日照人民医院给他开了转诊单，去瑞金医院做手术'));
    expect(shown).to.include('是否退休：未退休').and.to.include('转诊证明：有转诊证明');
    expect(shown).not.to.include(chat.texts.t('zh-CN', 'labels.situation.treatmentPlace'));
    expect(shown).not.to.include('赣州');
  });

  it('“the hospital in Rizhao referred him to Ruijin hospital for an operation” (destination Shanghai given): referred; Rizhao is not the place of treatment', async () => {
    const chat = new Chat({ locale: 'en-US' });
    const opened = await chat.say('my father is insured in Rizhao and he needs surgery in Shanghai next month');
    expect(Chat.promptOf(opened), Chat.textOf(opened)).to.equal('consent.personalInfo');
    await chat.follow([['I agree', 'situation.intake']]);
    const shown = confirming(await chat.say('he still works; the hospital in Rizhao referred him to Ruijin hospital for an operation'));
    expect(shown).to.include(chat.texts.t('en-US', 'labels.situation.hasReferral')).and.to.include(chat.texts.t('en-US', 'labels.situation.retired'));
    expect(shown).not.to.include(chat.texts.t('en-US', 'labels.situation.treatmentPlace'));
  });

  it('a well-known hospital with no place given before stands for its city: “我在日照参保，要去华西医院看病” → 就医地 四川省成都市', async () => {
    const chat = new Chat();
    const opened = await chat.say('我在日照参保，要去华西医院看病，给我爸办');
    expect(Chat.textOf(opened)).to.include('就医地：四川省成都市');
  });
});

describe('a description that changes an answer already given', () => {
  const TO_INTAKE = upTo(openingZh('为他人代办', '日照', '上海'), 'situation.intake');

  for (const correction of ['不对，就医地是上海', '不对，瑞金医院在上海']) {
    it(`is shown as a change (“就医地：浙江省杭州市（之前是上海市）”); “${correction}” keeps 上海 and the other facts, without showing the same reading again`, async () => {
      const chat = new Chat();
      await chat.follow(TO_INTAKE);
      const first = confirming(await chat.say('他还在上班，日照人民医院给他开了转诊单，去杭州的医院做手术'));
      expect(first).to.include('就医地：浙江省杭州市（之前是上海市）');
      const corrected = await chat.say(correction);
      expect(Chat.promptOf(corrected)).to.equal('situation.intake');
      const second = confirming(corrected);
      expect(second, Chat.textOf(corrected)).not.to.equal(first);
      expect(second).not.to.include('杭州');
      expect(second).to.include('未退休').and.to.include('有转诊证明');
      const next = await chat.say('对');
      expect(Chat.promptOf(next), Chat.textOf(next)).to.match(/^situation\./);
      // The description asked again (back) names the place of treatment kept: 上海市.
      const back = await chat.say('返回上一步');
      expect(Chat.promptOf(back)).to.equal('situation.intake');
      expect(Chat.textOf(back)).to.include('打算在上海市住多久').and.not.to.include('杭州');
    });
  }

  it('in English: “no, Ruijin hospital is in Shanghai” takes back a change of the place of treatment shown', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn('For someone else', 'Rizhao', 'Shanghai'), 'situation.intake'));
    const first = confirming(await chat.say('he still works; the hospital in Rizhao referred him to a hospital in Hangzhou'));
    expect(first).to.include(chat.texts.t('en-US', 'prompts.situation.intake.changed', { value: 'Hangzhou, Zhejiang', earlier: 'Shanghai' }));
    const second = confirming(await chat.say('no, Ruijin hospital is in Shanghai'));
    expect(second).not.to.include('Hangzhou');
    expect(second).to.include(chat.texts.t('en-US', 'labels.situation.hasReferral'));
  });

  it('the only change shown taken back (“就医地是杭州”, then “不对，就医地是上海”): the answers stay, said so — not “nothing found”, not the reading again', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE);
    expect(confirming(await chat.say('就医地是杭州'))).to.include('就医地：浙江省杭州市（之前是上海市）');
    const kept = await chat.say('不对，就医地是上海');
    expect(Chat.channelData(kept, 'error')).to.equal('INTAKE_ANSWERS_KEPT');
    expect(Chat.replyWith(kept, 'confirming')).to.equal(undefined);
    expect(Chat.promptOf(kept)).to.equal('situation.intake');
    expect(Chat.textOf(kept)).to.include('打算在上海市住多久');
  });

  it('“不对，他已经退休了”: the correction wins over the reading shown', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE);
    await chat.say('他还在上班，日照人民医院给他开了转诊单');
    const shown = confirming(await chat.say('不对，他已经退休了'));
    expect(shown).to.include('是否退休：已退休').and.not.to.include('未退休');
    expect(shown).to.include('有转诊证明');
  });

  it('“不对，不是这样” (nothing read that changes the reading): not used, as a bare “不对” — never the same confirmation again', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE);
    await chat.say('他还在上班，日照人民医院给他开了转诊单');
    const no = await chat.say('不对，不是这样');
    expect(Chat.channelData(no, 'error')).to.equal('NOT_CONFIRMED');
    expect(Chat.replyWith(no, 'confirming')).to.equal(undefined);
    expect(Chat.promptOf(no)).to.equal('situation.intake');
    // Then only what was answered before, said again: kept, and said so.
    const kept = await chat.say('就医地是上海');
    expect(Chat.channelData(kept, 'error')).to.equal('INTAKE_ANSWERS_KEPT');
  });

  it('in English: “no, he is retired” corrects the reading; “no, that is wrong” is not used', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn('For someone else', 'Rizhao', 'Shanghai'), 'situation.intake'));
    const before = confirming(await chat.say('he still works; the hospital in Rizhao referred him to Huashan Hospital'));
    const shown = confirming(await chat.say('no, he is retired'));
    expect(shown).not.to.equal(before);
    expect(before).to.match(/Retired: Not retired/i);
    expect(shown).to.match(/Retired: Retired/i);
    expect(shown).not.to.include(chat.texts.t('en-US', 'labels.situation.treatmentPlace'));
    const no = await chat.say('no, that is wrong');
    expect(Chat.channelData(no, 'error')).to.equal('NOT_CONFIRMED');
  });
});
