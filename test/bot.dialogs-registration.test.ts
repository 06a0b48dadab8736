import { expect } from 'chai';
import { ComponentRegistration, ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { DialogSet, TextPrompt, type DialogState } from 'botbuilder-dialogs';
import { reuseDialogsComponentRegistration } from '../src/bot/dialogs-registration.js';

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
