import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { LT_RESIDENT_TO_SUMMARY, openingZh, openingEn, PARENT_AND_AGENT } from './support/paths.js';
import { oneInstanceWithWangSignedIn } from './support/agents.js';

/**
 * What a 12393 agent reads aloud in a guided call (HTTP on the real server): every question's spoken form
 * is a sentence to say as it stands — for a caller filing for someone else it asks about the insured person,
 * never "you" — and the console, reloaded or resumed, shows the question the call waits at.
 */

const texts = new Texts();
const zh = (key: string, params = {}) => texts.t('zh-CN', key, params);

describe('hotline: what the agent reads aloud', () => {
  const signedIn = oneInstanceWithWangSignedIn();

  /** Starts a call and answers `steps`; returns the call id and every spoken question on the way. */
  async function call(locale: string, steps: Array<[string, string]>): Promise<{ id: string; spoken: Map<string, string> }> {
    const start = await signedIn.agent.call('POST', 'calls', { locale });
    const id = start.json['call']['id'] as string;
    const spoken = new Map<string, string>();
    for (const [answer, next] of steps) {
      const r = await signedIn.agent.call('POST', `calls/${id}/say`, { text: answer });
      expect(r.json['question']?.['promptId'], `after "${answer}"`).to.equal(next);
      spoken.set(next, r.json['question']['spoken'] as string);
    }
    return { id, spoken };
  }

  it('the commitment is read without a doubled full stop (zh and en)', async () => {
    const { spoken } = await call('zh-CN', LT_RESIDENT_TO_SUMMARY.slice(1, LT_RESIDENT_TO_SUMMARY.findIndex(([, next]) => next === 'details.commitment') + 1));
    expect(spoken.get('details.commitment')).to.include(texts.t('zh-CN', 'labels.commitment.text')).and.not.match(/。。|。”。/);
    const english = await call('en-US', [
      ...openingEn().slice(1),
      ['1', 'situation.longTerm'],
      ['yes', 'situation.retired'],
      ['yes', 'situation.hukouMoved'],
      ['no', 'outcome.understood'],
      ['1', 'details.scheme'],
      ['1', 'details.personName'],
      ['Li Xiuying', 'details.idNumber'],
      ['11010519491231002X', 'details.phone'],
      ['13812345678', 'details.startDate'],
      ['tomorrow', 'details.address'],
      ['100 Century Avenue, Pudong', 'details.institutions'],
      ['Zhongshan Hospital', 'details.commitment'],
    ]);
    expect(english.spoken.get('details.commitment')).to.include(texts.t('en-US', 'labels.commitment.text')).and.not.match(/\.\./);
  });

  it('filing for someone else: where they will be treated, the referral and the hospitals are asked about the insured person', async () => {
    const { spoken } = await call('zh-CN', [
      ...openingZh('为他人代办').slice(1),
      ['计划去外地看病或居住', 'situation.longTerm'],
      ['否', 'situation.hasReferral'],
      ['没有', 'outcome.understood'],
      ['我已了解，继续', 'details.scheme'],
      ...PARENT_AND_AGENT,
      ['明天', 'details.institutions'],
    ]);
    for (const id of ['situation.treatmentPlace', 'situation.hasReferral', 'details.institutions']) {
      expect(spoken.get(id), id).to.include('参保人');
      expect(spoken.get(id), id).to.equal(texts.t('zh-CN', `agent.spoken.prompts.${id}`, { min: 1, max: 3 }));
    }
  });

  it('the console reloaded (or the call resumed) at the menu shows the menu question, not the opening again', async () => {
    const start = await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' });
    const id = start.json['call']['id'] as string;
    const again = await signedIn.agent.call('GET', `calls/${id}`);
    expect(again.json['question']?.['promptId']).to.equal('menu.main');
    expect(again.json['said'].map((s: { text: string }) => s.text)).not.to.include(zh('spoken.opening'));
    expect((await signedIn.agent.call('POST', `calls/${id}/pause`)).status).to.equal(200);
    const resumed = await signedIn.agent.call('POST', `calls/${id}/resume`);
    expect(resumed.json['question']?.['promptId']).to.equal('menu.main');
    const listed = (await signedIn.agent.call('GET', 'calls')).json['calls'].find((c: { id: string }) => c.id === id);
    expect(listed['waiting']).to.equal('menu.main');
    // And it goes on from there.
    expect((await signedIn.agent.call('POST', `calls/${id}/say`, { text: '办理异地就医备案' })).json['question']['promptId']).to.equal('situation.filerMode');
  });
});
