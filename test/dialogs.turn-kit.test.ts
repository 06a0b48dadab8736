import { expect } from 'chai';
import { MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { JsonCheckedConversationState } from '../src/state/json-checked-state.js';
import type { DialogDeps } from '../dialogs/dialog-deps.js';
import { newFilingState, type FilingState } from '../dialogs/filing-state.js';
import { TURN_HOTLINE_KEY, TurnKit } from '../dialogs/turn-kit.js';

describe('the turn kit', () => {
  const state = new JsonCheckedConversationState(new MemoryStorage());
  const filingState = state.createProperty<FilingState>('filing');
  const deps = { profiles: loadProfiles(), defaultRegion: 'national', texts: new Texts(), filingState, today: () => '2026-12-07' } as unknown as DialogDeps;
  const turn = () => new TurnContext(new TestAdapter(), { type: 'message', text: 'x', channelId: 'test', conversation: { id: `c-${Math.random()}` } as never, locale: 'zh-CN' });
  const hotlineOf = (context: TurnContext) => (context.turnState.get(TURN_HOTLINE_KEY) as () => string)();

  it('loads the turn\'s filing state: a new one when there is none, then that same one at every load of the turn', async () => {
    const context = turn();
    const first = await TurnKit.load(context, deps);
    expect(first.state.idempotencyKey).to.be.a('string');
    expect(await filingState.get(context)).to.equal(first.state);
    const again = await TurnKit.load(context, deps);
    expect(again.state).to.equal(first.state);
    // One kit while the state is the same: what it works out (profile, language, derived placeholders) is worked out once a turn.
    expect(again).to.equal(first);
    // A state set meanwhile (a migration replaces it) is the one the next kit has.
    const replaced = { ...newFilingState(), active: true };
    await filingState.set(context, replaced);
    expect((await TurnKit.load(context, deps)).state).to.equal(replaced);
  });

  it('works out the profile and the derived placeholders once a turn, however many times the kit is loaded', async () => {
    let asked = 0;
    const profiles = loadProfiles();
    const counting = new Proxy(profiles, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        // Every look-up of a profile (by id, or through them all for a place) is counted.
        return (...args: unknown[]) => {
          if (property === 'get' || property === 'values') asked += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    let days = 0;
    const countingDeps = { ...deps, profiles: counting, today: () => ((days += 1), '2026-12-07') } as DialogDeps;
    const context = turn();
    const first = await TurnKit.load(context, countingDeps);
    first.state.situation.insuredPlace = '371100';
    first.t('consequences.DIFF_AGENCY_DECIDES');
    const [resolutions, todays] = [asked, days];
    expect(resolutions).to.be.greaterThan(0);
    for (let i = 0; i < 6; i += 1) {
      const kit = await TurnKit.load(context, countingDeps);
      expect(kit.profile.id).to.equal('rizhao');
      kit.t('consequences.DIFF_AGENCY_DECIDES');
    }
    expect(asked).to.equal(resolutions);
    // today() is asked to key the derived placeholders, the placeholders themselves not worked out again (which asks it too).
    expect(days - todays).to.equal(6);
  });

  it('names a question\'s buttons by their labels ({choice_<value>}), looked up once per language and question', async () => {
    let listed = 0;
    const texts = new Texts();
    const keys = texts.keys.bind(texts);
    texts.keys = (locale) => ((listed += 1), keys(locale));
    const context = turn();
    const kit = await TurnKit.load(context, { ...deps, texts } as DialogDeps);
    const help = kit.t('prompts.menu.main.help');
    expect(help).to.include(texts.t('zh-CN', 'prompts.menu.main.choices.FILE')).and.not.include('{choice_');
    for (let i = 0; i < 5; i += 1) expect(kit.t('prompts.menu.main.help')).to.equal(help);
    const other = await TurnKit.load(turn(), { ...deps, texts } as DialogDeps);
    expect(other.t('prompts.menu.main.help')).to.equal(help);
    expect(listed).to.equal(1);
  });

  it('gives the form one view of the turn while its profile, language and day are the same, a new one when they change', async () => {
    const context = turn();
    const kit = await TurnKit.load(context, deps);
    const c = kit.q;
    expect(kit.q).to.equal(c);
    expect((await TurnKit.load(context, deps)).q).to.equal(c);
    kit.state.situation.insuredPlace = '371100';
    expect(kit.q).not.to.equal(c);
    expect(kit.q.profile.id).to.equal('rizhao');
    kit.state.locale = 'en-US';
    expect(kit.q.locale).to.equal('en-US');
    expect(kit.q.state).to.equal(kit.state);
  });

  it('speaks with the profile of the insured place as the state has it now, also after the place changed', async () => {
    const context = turn();
    const kit = await TurnKit.load(context, deps);
    expect(kit.profile.id).to.equal('national');
    expect(kit.profileIsFallback).to.equal(false);
    kit.state.situation.insuredPlace = '371100';
    expect(kit.profile.id).to.equal('rizhao');
    expect(kit.hotline).to.equal('0633-12393');
    expect(kit.profileIsFallback).to.equal(false);
    // A place without a profile of its own: the default's rules, the fallback contact.
    kit.state.situation.insuredPlace = '330700';
    expect(kit.profile.id).to.equal('national');
    expect(kit.profileIsFallback).to.equal(true);
    expect(kit.hotline).to.equal(deps.profiles.get('national')!.fallbackContact.hotline);
    delete kit.state.situation.insuredPlace;
    expect(kit.profileIsFallback).to.equal(false);
  });

  it('fills {agency}, {hours} and {documents} from the state as it is now, also after the insured place or the category changed in the same kit', async () => {
    const context = turn();
    const kit = await TurnKit.load(context, deps);
    const national = deps.profiles.get('national')!;
    const rizhao = deps.profiles.get('rizhao')!;
    expect(kit.t('consequences.DIFF_AGENCY_DECIDES')).to.include(national.agency.value['zh-CN']);
    expect(kit.t('lifecycle.identity.locked', { minutes: 5 })).to.include(national.hotlineHours.value['zh-CN']);
    kit.state.situation.insuredPlace = '371100';
    expect(kit.t('consequences.DIFF_AGENCY_DECIDES')).to.include(rizhao.agency.value['zh-CN']).and.not.include(national.agency.value['zh-CN']);
    expect(kit.t('lifecycle.identity.locked', { minutes: 5 })).to.include(rizhao.hotlineHours.value['zh-CN']);
    // {documents} follows the accepted category: none accepted reads empty, an accepted one names its documents.
    const identity = deps.texts.t('zh-CN', 'labels.documents.IDENTITY');
    expect(kit.t('labels.documents.prepare')).not.to.include(identity);
    kit.state.acceptedCategory = 'TMP_OTHER';
    expect(kit.t('labels.documents.prepare')).to.include(identity);
    // Unchanged state: the same words again.
    expect(kit.t('consequences.DIFF_AGENCY_DECIDES')).to.include(rizhao.agency.value['zh-CN']);
  });

  it('gives the turn error handler the hotline of the turn\'s latest state', async () => {
    const context = turn();
    await TurnKit.load(context, deps);
    expect(hotlineOf(context)).to.equal(deps.profiles.get('national')!.hotline.value);
    await filingState.set(context, { ...newFilingState(), situation: { insuredPlace: '371100' } });
    await TurnKit.load(context, deps);
    expect(hotlineOf(context)).to.equal('0633-12393');
  });
});
