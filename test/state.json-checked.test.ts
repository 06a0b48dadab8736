import { expect } from 'chai';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, type StoreItems } from 'botbuilder';
import { JsonCheckedConversationState } from '../src/state/json-checked-state.js';

/** MemoryStorage that records what it is asked to write and delete. */
class RecordingStorage extends MemoryStorage {
  writes: StoreItems[] = [];
  deletes: string[][] = [];
  override async write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.parse(JSON.stringify(changes)) as StoreItems);
    return super.write(changes);
  }
  override async delete(keys: string[]): Promise<void> {
    this.deletes.push(keys);
    return super.delete(keys);
  }
}

const KEY = 'test/conversations/c1/';
const turn = (adapter: TestAdapter) => new TurnContext(adapter, { type: 'message', channelId: 'test', conversation: { id: 'c1' } as never, text: 'x' });

/** The same turns against botbuilder's ConversationState and the JSON-checked one: the same writes and deletes. */
async function script(State: typeof ConversationState): Promise<{ writes: StoreItems[]; deletes: string[][]; stored: StoreItems }> {
  const storage = new RecordingStorage();
  const adapter = new TestAdapter();
  const state = new State(storage);
  const answers = state.createProperty<{ n: number; list: string[] }>('answers');

  // A turn that reads nothing saves nothing.
  await state.saveChanges(turn(adapter));
  // Properties as botbuilder's: undefined when absent; a default is stored as a copy; delete removes.
  const first = turn(adapter);
  const other = state.createProperty<string[]>('other');
  expect(await other.get(first)).to.equal(undefined);
  const fallback = ['x'];
  const stored = await other.get(first, fallback);
  expect(stored).to.deep.equal(['x']);
  expect(stored).to.not.equal(fallback);
  fallback.push('y');
  expect(await other.get(first)).to.deep.equal(['x']);
  await other.delete(first);
  expect(await other.get(first)).to.equal(undefined);
  await state.saveChanges(first);
  // A turn that sets a value saves it.
  let context = turn(adapter);
  await answers.set(context, { n: 1, list: ['a'] });
  await state.saveChanges(context);
  // A turn that only reads saves nothing; one that changes a nested value saves it.
  context = turn(adapter);
  expect(await answers.get(context)).to.deep.equal({ n: 1, list: ['a'] });
  await state.saveChanges(context);
  context = turn(adapter);
  (await answers.get(context))!.list.push('b');
  await state.saveChanges(context);
  await state.saveChanges(context); // saved already: nothing more
  // Clear saves an empty state; forced saves write even when nothing changed.
  context = turn(adapter);
  await answers.get(context);
  await state.clear(context);
  await state.saveChanges(context);
  context = turn(adapter);
  await answers.set(context, { n: 2, list: [] });
  await state.saveChanges(context, true);
  await state.saveChanges(context, true);
  // Delete removes the stored item and the turn's copy.
  context = turn(adapter);
  await answers.get(context);
  await state.delete(context);
  expect(state.get(context)).to.equal(undefined);
  await state.saveChanges(context);
  return { writes: storage.writes, deletes: storage.deletes, stored: await storage.read([KEY]) };
}

describe('state: JsonCheckedConversationState saves what botbuilder\'s ConversationState saves, its properties read as botbuilder\'s', () => {
  it('writes the same changes, in the same turns, and deletes the same keys', async () => {
    const stock = await script(ConversationState);
    const checked = await script(JsonCheckedConversationState);
    expect(stock.writes.map((w) => Object.keys(w))).to.deep.equal([[KEY], [KEY], [KEY], [KEY], [KEY]]);
    expect(checked.writes).to.deep.equal(stock.writes);
    expect(checked.deletes).to.deep.equal([[KEY]]);
    expect(checked.deletes).to.deep.equal(stock.deletes);
    expect(checked.stored).to.deep.equal({});
  });
});
