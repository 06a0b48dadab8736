import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import { FILING_STATE_VERSION, newFilingState, upgradeFilingState } from '../dialogs/filing-state.js';
import { Chat } from './support/chat.js';

/** Counts the turns that went through botbuilder's ActivityHandler dispatch (onTurnActivity) on this bot. */
function countDispatches(chat: Chat): { count: number } {
  const counted = { count: 0 };
  const bot = chat.bot as unknown as { onTurnActivity(context: TurnContext): Promise<void> };
  const dispatch = bot.onTurnActivity.bind(bot);
  bot.onTurnActivity = (context) => {
    counted.count += 1;
    return dispatch(context);
  };
  return counted;
}

describe('bot: a message goes straight to its handler', () => {
  it('a message turn runs the dialogs without botbuilder\'s dispatch through onTurnActivity', async () => {
    const chat = new Chat();
    const dispatched = countDispatches(chat);
    const replies = await chat.say('你好');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
    await chat.follow([['办理备案', 'situation.filerMode']]);
    expect(dispatched.count).to.equal(0);
  });

  it('with a handler of its own on the path (onTurn, onDialog), a message goes through botbuilder\'s dispatch and every handler runs, in order', async () => {
    const chat = new Chat();
    const dispatched = countDispatches(chat);
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

  it('any other activity goes through botbuilder\'s dispatch (a member added is greeted)', async () => {
    const chat = new Chat();
    const dispatched = countDispatches(chat);
    const replies = await chat.say({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'user' }], recipient: { id: 'bot', name: 'bot' } } as never);
    expect(replies.length).to.be.greaterThan(0);
    expect(dispatched.count).to.equal(1);
  });
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
