import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import type { FilingContext } from '../dialogs/filing-context.js';
import { newFilingState } from '../dialogs/filing-state.js';
import { settledOutcome } from '../dialogs/outcome-memo.js';
import { currentOutcome } from '../dialogs/situation-questions.js';

describe('the outcome the form asks for, worked out once per state of the answers', () => {
  const profiles = loadProfiles();
  const texts = new Texts();
  const [rizhao, other] = [profiles.get('rizhao')!, [...profiles.values()].find((p) => p.id !== 'rizhao')!];
  const contextOf = (state = newFilingState(), profile = rizhao): FilingContext => ({ state, progress: state, profile, locale: 'zh-CN', today: '2026-12-07', texts }) as FilingContext;
  const settledSituation = { filerMode: 'SELF', insuredPlace: '371100', treatmentPlace: '310000', insuranceActive: true, now: 'PLANNING', longTerm: false, hasReferral: false } as const;

  it('is the decision procedure\'s outcome, worked out again only when an answer or the profile changed', () => {
    const c = contextOf();
    expect(settledOutcome(c)).to.equal(undefined);
    Object.assign(c.state.situation, settledSituation);
    const first = settledOutcome(c);
    expect(first).to.deep.equal(currentOutcome(c));
    expect(first?.category).to.equal('TMP_OTHER');
    expect(settledOutcome(c), 'the same answers: the outcome worked out before').to.equal(first);

    // An answer changed in place (the state object is the same): worked out again.
    c.state.situation.longTerm = true;
    const changed = settledOutcome(c);
    expect(changed).to.deep.equal(currentOutcome(c));
    expect(changed?.category).to.not.equal('TMP_OTHER');
    // An answer removed, then given back.
    delete c.state.situation.longTerm;
    expect(settledOutcome(c)).to.deep.equal(currentOutcome(c));
    expect(settledOutcome(c)).to.equal(undefined);
    c.state.situation.longTerm = false;
    expect(settledOutcome(c)).to.deep.equal(first);
    // Another profile over the same answers.
    const elsewhere = contextOf(c.state, other);
    expect(settledOutcome(elsewhere)).to.deep.equal(currentOutcome(elsewhere));
  });

  it('has a complete key: the decision procedure reads nothing of a turn but the situation\'s answers and the profile (not today, the details, the language, the consent)', () => {
    const read = new Set<string>();
    const watched = <T extends object>(target: T, prefix: string): T =>
      new Proxy(target, {
        get(object, key, receiver) {
          if (typeof key === 'string') read.add(`${prefix}${key}`);
          const value = Reflect.get(object, key, receiver) as unknown;
          return prefix === '' && key === 'state' ? watched(value as object, 'state.') : value;
        },
      });
    for (const situation of [settledSituation, { ...settledSituation, now: 'IN_HOSPITAL', admissionDate: '2026-12-01' }, { ...settledSituation, longTerm: true, retired: true }]) {
      const state = { ...newFilingState('en-US'), active: true, situation: { ...situation }, details: { name: '张三' }, consent: { personalInfo: true, at: '2026-12-07' } } as ReturnType<typeof newFilingState>;
      currentOutcome(watched(contextOf(state), ''));
    }
    expect([...read].sort(), 'a new input of the outcome must be part of settledOutcome\'s key').to.deep.equal(['profile', 'state', 'state.situation']);
  });
});
