import { expect } from 'chai';
import { ComponentRegistration, ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog, type DialogContext, type DialogEvent, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import { ignoresDialogEvents, rememberDialogMemoryPaths, reuseDialogsComponentRegistration, shareDialogMemory, skipActivityReceived } from '../src/bot/dialog-setup.js';
import type { FilingBot } from '../src/bot/filing-bot.js';
import { Chat } from './support/chat.js';

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

describe('bot: dialog memory paths parsed once', () => {
  const turn = () => new TurnContext(new TestAdapter(), { type: 'message', text: 'hi', channelId: 'test', conversation: { id: 'c' } as never, from: { id: 'u', name: 'u' }, recipient: { id: 'b', name: 'b' } });

  it('reads and writes memory as botbuilder does: aliases, nested brackets, copies of the segments, bad paths refused each time', async () => {
    expect(rememberDialogMemoryPaths()).to.equal(true);
    expect(rememberDialogMemoryPaths(), 'idempotent').to.equal(true);
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState')).add(new TextPrompt('text'));
    const context = turn();
    shareDialogMemory(context);
    const dc = await dialogs.createContext(context);
    expect(dc.state.getValue('turn.activity.text')).to.equal('hi');
    expect(dc.state.getValue('TURN.Activity.text'), 'scope and keys case-insensitive').to.equal('hi');
    await dc.prompt('text', 'say something');
    dc.state.setValue('$answer', 42);
    expect(dc.state.getValue('dialog.answer')).to.equal(42);
    expect(dc.state.getValue('$answer')).to.equal(42);
    // A bracket holding a path is read from memory at the time, not remembered.
    dc.state.setValue('turn.which', 'a');
    dc.state.setValue('turn.map', { a: 1, b: 2 });
    expect(dc.state.getValue('turn.map[turn.which]')).to.equal(1);
    dc.state.setValue('turn.which', 'b');
    expect(dc.state.getValue('turn.map[turn.which]')).to.equal(2);
    // Each caller gets segments of its own.
    const first = dc.state.parsePath('turn.activity.text');
    first.push('changed');
    expect(dc.state.parsePath('turn.activity.text')).to.deep.equal(['turn', 'activity', 'text']);
    // The shared resolvers see a path once, however often it is used.
    const resolver = dc.state.configuration.pathResolvers[0]!;
    const seen: string[] = [];
    const own = Object.getOwnPropertyDescriptor(resolver, 'transformPath');
    const transform = resolver.transformPath.bind(resolver);
    resolver.transformPath = (path: string) => (seen.push(path), transform(path));
    try {
      for (let i = 0; i < 3; i++) dc.state.setValue('turn.counted', i);
    } finally {
      if (own) Object.defineProperty(resolver, 'transformPath', own);
      else delete (resolver as { transformPath?: unknown }).transformPath;
    }
    expect(seen.filter((p) => p === 'turn.counted')).to.have.length(1);
    expect(dc.state.getValue('turn.counted')).to.equal(2);
    for (let i = 0; i < 2; i++) expect(() => dc.state.setValue('turn.bad path', 1)).to.throw(/Invalid path/);
  });

  it('leaves a DialogStateManager on a configuration of its own to botbuilder', async () => {
    rememberDialogMemoryPaths();
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState')).add(new TextPrompt('text'));
    const context = turn();
    const alias = { transformPath: (path: string) => (path.startsWith('~') ? `turn.${path.slice(1)}` : path) };
    context.turnState.set('pathResolvers', [alias]);
    shareDialogMemory(context);
    const dc = await dialogs.createContext(context);
    dc.state.setValue('~mark', 3);
    expect(dc.state.getValue('turn.mark')).to.equal(3);
    expect(dc.state.getValue('~mark')).to.equal(3);
  });
});

describe('bot: activityReceived not dispatched through dialogs that ignore events', () => {
  const turn = (text = 'hi') => new TurnContext(new TestAdapter(), { type: 'message', text, channelId: 'test', conversation: { id: 'c' } as never, from: { id: 'u', name: 'u' }, recipient: { id: 'b', name: 'b' } });

  /** A component whose inner waterfall waits; counts the events its inner dialog's hooks see. */
  class Watching extends WaterfallDialog {
    readonly events: string[] = [];
    protected override async onPreBubbleEvent(_dc: DialogContext, event: DialogEvent): Promise<boolean> {
      this.events.push(event.name);
      return false;
    }
  }
  /** Waits for the next message and ends with its text; counts the events that reach it. */
  class Wait extends Dialog {
    readonly events: string[] = [];
    protected override async onPreBubbleEvent(_dc: DialogContext, event: DialogEvent): Promise<boolean> {
      this.events.push(event.name);
      return false;
    }
    override async beginDialog(): Promise<DialogTurnResult> {
      return Dialog.EndOfTurn;
    }
    override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
      return dc.endDialog(dc.context.activity.text);
    }
  }
  const waiting = (id: string) => new WaterfallDialog(id, [async (step) => step.prompt('text', 'say something'), async (step) => step.endDialog(step.result)]);

  it('tells the filing dialogs apart from dialogs that react to events', () => {
    const plain = new ComponentDialog('outer');
    plain.addDialog(waiting('inner'));
    plain.addDialog(new TextPrompt('text'));
    expect(ignoresDialogEvents(new DialogSet().add(plain)), 'a stock prompt recognises on activityReceived').to.equal(false);
    const quiet = new ComponentDialog('outer');
    quiet.addDialog(waiting('inner'));
    expect(ignoresDialogEvents(new DialogSet().add(quiet))).to.equal(true);
    const nested = new ComponentDialog('outer');
    const inner = new ComponentDialog('middle');
    inner.addDialog(new Watching('watching', []));
    nested.addDialog(inner);
    expect(ignoresDialogEvents(new DialogSet().add(nested)), 'a hook two levels down').to.equal(false);
    expect(ignoresDialogEvents(new DialogSet().add(nested), [(Watching.prototype as unknown as { onPreBubbleEvent: unknown }).onPreBubbleEvent]), 'unless said to be inert').to.equal(true);
    expect(new Chat().bot['eventsIgnored' as keyof FilingBot], "the filing bot's dialogs ignore events").to.equal(true);
  });

  it('a turn marked by skipActivityReceived continues the stack without dispatching the event; unmarked, botbuilder dispatches it', async () => {
    for (const skip of [false, true]) {
      const state = new ConversationState(new MemoryStorage());
      const property = state.createProperty<DialogState>('dialogState');
      const wait = new Wait('wait');
      const outer = new ComponentDialog('outer');
      outer.addDialog(new WaterfallDialog('steps', [async (step) => step.beginDialog('wait'), async (step) => step.endDialog(step.result)]));
      outer.addDialog(wait);
      const dialogs = new DialogSet(property).add(outer);
      const first = turn();
      await (await dialogs.createContext(first)).beginDialog('outer');
      await state.saveChanges(first);
      const second = turn('an answer');
      if (skip) expect(skipActivityReceived(second)).to.equal(true);
      const result = await (await dialogs.createContext(second)).continueDialog();
      expect(result.status).to.equal(DialogTurnStatus.complete);
      expect(result.result).to.equal('an answer');
      expect(wait.events).to.deep.equal(skip ? [] : ['activityReceived']);
    }
  });
});
