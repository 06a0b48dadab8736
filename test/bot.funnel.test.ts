import { expect } from 'chai';
import { MemoryStorage, type StoreItems } from 'botbuilder';
import type { FunnelRecorder } from '../dialogs/dialog-deps.js';
import { Chat } from './support/chat.js';
import { TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/** Every funnel event the bot reported, in order. */
class Funnel implements FunnelRecorder {
  readonly events: string[] = [];
  funnel(step: string): void {
    this.events.push(step);
  }
  abandoned(step: string): void {
    this.events.push(`abandoned:${step}`);
  }
}

/** A storage whose next write fails once, as Redis going away at the end of a turn would. */
class FailingOnceStorage extends MemoryStorage {
  failNextWrite = false;
  override async write(changes: StoreItems): Promise<void> {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('state store down');
    }
    return super.write(changes);
  }
}

describe('the filing funnel counts a step once its turn is saved', () => {
  it('a whole filing reports each step once, in order', async () => {
    const funnel = new Funnel();
    const chat = new Chat({ funnel });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    await chat.say('确认提交');
    expect(funnel.events).to.deep.equal(['conversation_started', 'situation_completed', 'classified', 'consequences_accepted', 'details_completed', 'submitted']);
  });

  it('a turn whose state could not be saved counts nothing; its retry counts once', async () => {
    const funnel = new Funnel();
    const storage = new FailingOnceStorage();
    const chat = new Chat({ funnel, storage });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    storage.failNextWrite = true;
    chat.adapter.onTurnError = async () => {};
    await chat.say('确认提交');
    expect(funnel.events).to.not.include('submitted');
    await chat.say('确认提交');
    expect(funnel.events.filter((e) => e === 'submitted')).to.have.length(1);
    expect(chat.created).to.have.length(1);
  });

  it('a cancelled filing is counted as abandoned at the question it was on', async () => {
    const funnel = new Funnel();
    const chat = new Chat({ funnel });
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'));
    await chat.follow([
      ['重新开始', 'confirm.startOver'],
      ['是', 'menu.main'],
    ]);
    expect(funnel.events.at(-1)).to.equal('abandoned:details.phone');
  });
});
