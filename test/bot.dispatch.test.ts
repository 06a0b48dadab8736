import { expect } from 'chai';
import { ActivityHandler, type TurnContext } from 'botbuilder';
import { FILING_STATE_VERSION, newFilingState, upgradeFilingState } from '../dialogs/filing-state.js';
import { Chat } from './support/chat.js';

/**
 * Counts the turns that went through botbuilder's ActivityHandler dispatch (the bot's super.run), for the
 * test's duration. Counted on ActivityHandler's run, which the bot calls to dispatch: a patch of a method
 * the dispatch itself looks up on the bot (onTurnActivity, ...) would turn the shortcut off.
 */
function countDispatches(): { count: number } {
  const counted = { count: 0 };
  const run = ActivityHandler.prototype.run;
  restore = () => {
    ActivityHandler.prototype.run = run;
  };
  ActivityHandler.prototype.run = function (this: ActivityHandler, context: TurnContext) {
    counted.count += 1;
    return run.call(this, context);
  };
  return counted;
}

let restore = (): void => undefined;

describe('bot: a message goes straight to its handler', () => {
  afterEach(() => {
    restore();
    restore = () => undefined;
  });

  it('a message turn runs the dialogs without botbuilder\'s dispatch', async () => {
    const chat = new Chat();
    const dispatched = countDispatches();
    const replies = await chat.say('你好');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
    await chat.follow([['办理备案', 'situation.filerMode']]);
    expect(dispatched.count).to.equal(0);
  });

  it('with a handler of its own on the path (onTurn, onDialog), a message goes through botbuilder\'s dispatch and every handler runs, in order', async () => {
    const chat = new Chat();
    const dispatched = countDispatches();
    const order: string[] = [];
    chat.bot.onTurn(async (_context, next) => {
      order.push('turn');
      await next();
    });
    chat.bot.onDialog(async (_context, next) => {
      order.push('dialog');
      await next();
    });
    const replies = await chat.say('你好');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
    expect(order).to.deep.equal(['turn', 'dialog']);
    expect(dispatched.count).to.equal(1);
  });

  for (const method of ['onTurnActivity', 'onMessageActivity', 'defaultNextEvent', 'handle'] as const) {
    it(`a bot whose ${method} is its own (an override, here on the instance) has a message dispatched through it`, async () => {
      const chat = new Chat();
      const bot = chat.bot as unknown as Record<typeof method, (...args: unknown[]) => unknown>;
      const botbuilders = bot[method];
      let calls = 0;
      bot[method] = function (this: unknown, ...args: unknown[]) {
        calls += 1;
        return botbuilders.apply(this, args);
      };
      const replies = await chat.say('你好');
      expect(Chat.promptOf(replies)).to.equal('menu.main');
      expect(calls).to.be.greaterThan(0);
    });
  }

  it('any other activity goes through botbuilder\'s dispatch (a member added is greeted)', async () => {
    const chat = new Chat();
    const dispatched = countDispatches();
    const replies = await chat.say({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'user' }], recipient: { id: 'bot', name: 'bot' } } as never);
    expect(replies.length).to.be.greaterThan(0);
    expect(dispatched.count).to.equal(1);
  });

  for (const type of ['typing', 'event', 'invoke', 'messageReaction', 'endOfConversation', 'installationUpdate']) {
    it(`an activity of type ${type} goes through botbuilder's dispatch`, async () => {
      const chat = new Chat();
      const dispatched = countDispatches();
      await chat.say({ type, name: 'handoff.status', value: {} } as never);
      expect(dispatched.count).to.equal(1);
    });
  }
});

describe('filing state: the current version is read as it is', () => {
  it('a complete state of this version is the stored object itself (no copy, no new idempotency key)', () => {
    const stored = JSON.parse(JSON.stringify({ ...newFilingState('en-US'), active: true, situation: { filerMode: 'SELF' } }));
    const { state, migrated } = upgradeFilingState(stored);
    expect(state).to.equal(stored);
    expect(migrated).to.equal(false);
    expect(state.idempotencyKey).to.equal(stored.idempotencyKey);
  });

  it('a state of this version without some field gets that field\'s default, and keeps everything else', () => {
    const { state, migrated } = upgradeFilingState({ v: FILING_STATE_VERSION, active: true, situation: { filerMode: 'AGENT' }, details: { phone: '13800000000' } });
    expect(migrated).to.equal(false);
    expect(state).to.include({ v: FILING_STATE_VERSION, active: true });
    expect(state.situation).to.deep.equal({ filerMode: 'AGENT' });
    expect(state.details).to.deep.equal({ phone: '13800000000' });
    expect(state.history).to.deep.equal([]);
    expect(state.previous).to.deep.equal({});
    expect(state.idempotencyKey).to.match(/^[0-9a-f-]{36}$/);
  });

  it('an older version is migrated into a new object', () => {
    const old = { v: 1, active: true, situation: { filerMode: 'SELF' }, details: {}, history: ['situation.filerMode'], asking: 'x', idempotencyKey: 'k' };
    const { state, migrated } = upgradeFilingState(old);
    expect(migrated).to.equal(true);
    expect(state).to.not.equal(old);
    expect(state).to.not.have.property('asking');
    expect(state.idempotencyKey).to.equal('k');
  });
});
