import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { LT_RESIDENT_TO_SUMMARY, upTo } from './support/paths.js';
import { oneInstanceWithWangSignedIn } from './support/agents.js';
import { Chat } from './support/chat.js';
import { CAPABILITIES_KEY } from '../dialogs/channel-capabilities.js';
import { HOTLINE_CAPABILITIES } from '../src/channels/hotline/hotline-channel.js';
import { HOTLINE_CHANNEL_ID } from '../src/channels/hotline/hotline-adapter.js';

/**
 * A guided call as a 12393 agent types what the caller says (HTTP on the real server): numbers said in
 * words, hospitals named the way people name them, a caller stuck at a question (the agent is the hotline:
 * never told to call it), the emergency advice, and a call reloaded mid-filing naming the question waiting.
 */

const texts = new Texts();
const zh = (key: string, params = {}) => texts.t('zh-CN', key, params);
const HOTLINE = loadProfiles().get('rizhao')!.hotline.value;

describe('hotline: the caller\'s words as the agent types them', () => {
  const signedIn = oneInstanceWithWangSignedIn();

  /** A call of a long-term resident (Rizhao → Shanghai), answered up to `promptId`; returns its id. */
  async function callAt(promptId: string): Promise<string> {
    const id = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    for (const [answer, next] of upTo(LT_RESIDENT_TO_SUMMARY, promptId).slice(1)) {
      const r = await signedIn.agent.call('POST', `calls/${id}/say`, { text: answer });
      expect(r.json['question']?.['promptId'], `after "${answer}"`).to.equal(next);
    }
    return id;
  }
  const say = (id: string, text: string) => signedIn.agent.call('POST', `calls/${id}/say`, { text });
  const saidTexts = (r: { json: Record<string, any> }): string[] => r.json['said'].map((s: { text: string }) => s.text);

  it('a phone and an ID number said in number words (幺, spaces, dashes) are taken as digits', async () => {
    const id = await callAt('details.idNumber');
    const idTaken = await say(id, '幺幺零幺零五 幺九四九幺二三幺 零零两叉');
    expect(idTaken.json['question']['promptId']).to.equal('details.phone');
    const phoneTaken = await say(id, '幺三八-幺二三四-五六七八');
    expect(phoneTaken.json['question']['promptId']).to.equal('details.startDate');
    const answers = phoneTaken.json['answers'] as Array<{ id: string; value: string }>;
    expect(answers.find((a) => a.id === 'details.phone')?.value).to.equal('138****5678');
    expect(answers.find((a) => a.id === 'details.idNumber')?.value).to.equal('1101**********002X');
  });

  it('two hospitals named with a space, or with 还有, are two institutions', async () => {
    const id = await callAt('details.institutions');
    const taken = await say(id, '瑞金医院 中山医院');
    expect(taken.json['question']['promptId']).to.equal('details.commitment');
    const sep = zh('common.listSeparator');
    expect(taken.json['answers'].find((a: { id: string }) => a.id === 'details.institutions')?.value).to.equal(['瑞金医院', '中山医院'].join(sep));
    const other = await callAt('details.institutions');
    const withWord = await say(other, '苏大附一院，还有邵逸夫医院');
    expect(withWord.json['question']['promptId']).to.equal('details.commitment');
    expect(withWord.json['answers'].find((a: { id: string }) => a.id === 'details.institutions')?.value).to.equal(['苏大附一院', '邵逸夫医院'].join(sep));
  });

  it('stuck after three answers that do not pass: the agent gets words for the agent, not the citizen\'s "call the hotline"', async () => {
    const id = await callAt('details.phone');
    await say(id, '1381234567');
    await say(id, '138123456789');
    const third = await say(id, '23812345678');
    expect(third.json['question']['promptId']).to.equal('details.phone');
    const said = saidTexts(third).join('\n');
    expect(said).to.include(zh('spoken.stuck'));
    expect(said).not.to.include(HOTLINE).and.not.to.include(zh('messages.stuck', { hotline: HOTLINE }));
  });

  it('the emergency script on a call (the emergency command at a question) does not tell the caller to call the hotline, nor to type', async () => {
    const id = await callAt('details.phone');
    const advice = await say(id, '急诊');
    expect(advice.json['script']['outcome']).to.equal('TMP_EMERGENCY');
    const script = (advice.json['script']['lines'] as string[]).join('\n');
    expect(script).to.include(zh('spoken.emergencyAdvice'));
    expect(script).not.to.include(HOTLINE);
    // The caller speaks, the agent types: the agent's words to read, not "type 重新开始".
    expect(script).to.include(zh('spoken.emergencyThen')).and.not.include(zh('commands.emergency.then'));
    expect(script).not.to.include('输入');
    expect(advice.json['question']['promptId']).to.equal('details.phone');
  });

  it('resumed mid-filing before any named answer: the line names the question waiting, never "from the beginning"', async () => {
    const id = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    await say(id, '办理异地就医备案');
    await signedIn.agent.call('POST', `calls/${id}/pause`);
    const resumed = await signedIn.agent.call('POST', `calls/${id}/resume`);
    expect(resumed.json['question']['promptId']).to.equal('situation.filerMode');
    const said = saidTexts(resumed).join('\n');
    expect(said).not.to.include(zh('messages.recapNone'));
    expect(said).to.include(zh('labels.situation.filerMode'));
  });

  it('resumed at a later question: the line names that question', async () => {
    const id = await callAt('details.phone');
    await signedIn.agent.call('POST', `calls/${id}/pause`);
    const resumed = await signedIn.agent.call('POST', `calls/${id}/resume`);
    expect(resumed.json['question']['promptId']).to.equal('details.phone');
    expect(saidTexts(resumed)[0]).to.include(zh('labels.details.phone'));
  });
});

describe('hotline: what a turn of a call sends the console (the dialogs with the hotline\'s capabilities)', () => {
  /** A conversation whose turns carry the hotline's capabilities, as the channel's middleware puts them. */
  function hotlineChat(): Chat {
    const chat = new Chat({ channelId: HOTLINE_CHANNEL_ID });
    chat.adapter.use(async (context, next) => {
      context.turnState.set(CAPABILITIES_KEY, HOTLINE_CAPABILITIES);
      await next();
    });
    return chat;
  }

  it('stuck after three answers that do not pass: no hotline number in the message\'s channelData (the agent is the hotline); elsewhere it is there', async () => {
    for (const [chat, onCall] of [
      [hotlineChat(), true],
      [new Chat(), false],
    ] as const) {
      await chat.follow(upTo(LT_RESIDENT_TO_SUMMARY, 'details.phone'));
      await chat.say('1381234567');
      await chat.say('138123456789');
      const third = await chat.say('23812345678');
      expect(Chat.promptOf(third)).to.equal('details.phone');
      expect(Chat.textOf(third)).to.include(zh(onCall ? 'spoken.stuck' : 'messages.stuck', { hotline: HOTLINE }));
      expect(Chat.channelData(third, 'handoff'), onCall ? 'on a call' : 'a citizen\'s chat').to.deep.equal(onCall ? undefined : { hotline: HOTLINE });
      if (onCall) expect(JSON.stringify(third.map((a) => a.channelData))).not.to.include(HOTLINE);
    }
  });
});
