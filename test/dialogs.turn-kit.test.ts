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
    // A state set meanwhile (a migration replaces it) is the one the next kit has.
    const replaced = { ...newFilingState(), active: true };
    await filingState.set(context, replaced);
    expect((await TurnKit.load(context, deps)).state).to.equal(replaced);
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
