import { expect } from 'chai';
import { ComponentRegistration, ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { DialogSet, TextPrompt, type DialogState } from 'botbuilder-dialogs';
import { reuseDialogsComponentRegistration, shareDialogMemory } from '../src/bot/dialog-setup.js';

const registered = () => ComponentRegistration.components.filter((c) => c.constructor.name === 'DialogsComponentRegistration');

describe('bot: one DialogsComponentRegistration for every DialogContext', () => {
  it('makes no registration per DialogContext, and memory scopes and prompts work as before', async () => {
    expect(reuseDialogsComponentRegistration()).to.equal(true);
    expect(reuseDialogsComponentRegistration(), 'idempotent').to.equal(true);
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState')).add(new TextPrompt('text'));
    const adapter = new TestAdapter();
    const context = new TurnContext(adapter, { type: 'message', text: 'hi', channelId: 'test', conversation: { id: 'c' } as never, from: { id: 'u', name: 'u' }, recipient: { id: 'b', name: 'b' } });

    const first = await dialogs.createContext(context);
    const [registration] = registered();
    const second = await dialogs.createContext(context);
    expect(registered()).to.have.length(1);
    expect(registered()[0], 'the same registration, not a new one per DialogContext').to.equal(registration);

    // The memory scopes still read and write.
    expect(second.state.getValue('turn.activity.text')).to.equal('hi');
    second.state.setValue('turn.mark', 7);
    expect(first.state.getValue('turn.mark')).to.equal(7);
    await second.prompt('text', 'say something');
    expect(second.activeDialog?.id).to.equal('text');
    expect(second.state.getValue('dialog')).to.be.an('object');
  });
});

describe('bot: one dialog memory configuration for every turn', () => {
  const turn = () => new TurnContext(new TestAdapter(), { type: 'message', text: 'hi', channelId: 'test', conversation: { id: 'c' } as never, from: { id: 'u', name: 'u' }, recipient: { id: 'b', name: 'b' } });

  it('gives every turn\'s DialogContexts the same memory scopes and path resolvers, which still read and write', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState')).add(new TextPrompt('text'));
    const one = turn();
    const two = turn();
    shareDialogMemory(one);
    shareDialogMemory(two);
    const a = await dialogs.createContext(one);
    const b = await dialogs.createContext(two);
    expect(a.state.configuration, 'botbuilder read it from the turn').to.equal(b.state.configuration);
    expect(a.state.configuration.memoryScopes.map((s) => s.name)).to.include.members(['turn', 'settings', 'dialog', 'this', 'class', 'conversation', 'user']);
    expect(a.state.configuration.pathResolvers).to.have.length.greaterThan(0);
    // The same scopes as botbuilder builds for a turn of its own.
    const own = await dialogs.createContext(turn());
    expect(own.state.configuration).to.not.equal(a.state.configuration);
    expect(a.state.configuration.memoryScopes.map((s) => s.constructor.name)).to.deep.equal(own.state.configuration.memoryScopes.map((s) => s.constructor.name));
    expect(a.state.configuration.pathResolvers.map((r) => r.constructor.name)).to.deep.equal(own.state.configuration.pathResolvers.map((r) => r.constructor.name));
    // Scopes still per turn: what one turn writes, the other does not see; $ resolves to dialog.
    a.state.setValue('turn.mark', 1);
    expect(b.state.getValue('turn.mark')).to.equal(undefined);
    await a.prompt('text', 'say something');
    a.state.setValue('$answer', 42);
    expect(a.state.getValue('dialog.answer')).to.equal(42);
  });

  it('leaves a turn alone that brings memory scopes of its own', () => {
    const context = turn();
    context.turnState.set('memoryScopes', []);
    shareDialogMemory(context);
    expect(context.turnState.has('DialogStateManagerConfiguration')).to.equal(false);
  });
});
