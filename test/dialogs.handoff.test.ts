import { expect } from 'chai';
import { HandoffDesk } from '../src/handoff/handoff-desk.js';
import { MemoryHandoffQueue } from '../src/handoff/handoff-queue.js';
import { MemoryAgentPresence } from '../src/handoff/agent-presence.js';
import { Texts } from '../src/content/texts.js';
import { Chat } from './support/chat.js';
import { TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * The person's side of the handoff in the dialogs: what the agent gets to see of the draft (the stage,
 * the category so far, every answer masked as the assistant shows answers back), and the question the
 * person was at, left waiting.
 */
describe('dialogs: asking for a person mid-filing', () => {
  async function chatWithAgentPresent(): Promise<{ chat: Chat; queue: MemoryHandoffQueue }> {
    const queue = new MemoryHandoffQueue();
    const presence = new MemoryAgentPresence();
    await presence.seen('a0101', Date.now());
    const desk = new HandoffDesk({
      queue,
      presence,
      metrics: { ended: () => {}, waited: () => {} },
      texts: new Texts(),
      channelOf: () => 'test',
      reach: async () => {},
      transcript: { read: async () => [] },
      maxWaitMs: 86_400_000,
    });
    return { chat: new Chat({ handoff: desk }), queue };
  }

  it('at the phone question: the draft has the category, the person step and the answers masked', async () => {
    const { chat, queue } = await chatWithAgentPresent();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'));
    const replies = await chat.say('人工服务');
    expect(Chat.channelData(replies, 'handoff')).to.deep.include({ status: 'queued', position: 1 });
    const [handoff] = await queue.waiting();
    expect(handoff!.draft).to.deep.include({ stage: 'person', waitingAt: 'details.phone', category: '自主转诊人员' });
    const facts = Object.fromEntries(handoff!.draft.facts.map((f) => [f.id, f.value]));
    expect(facts['details.personName']).to.equal('张*');
    expect(facts['details.idNumber']).to.equal('1101**********002X');
    expect(JSON.stringify(handoff!.draft)).to.not.include('张三').and.not.include('11010519491231002X');
    // The question stays open: handed back (the record ended), the next answer is taken there.
    await queue.end(handoff!.id);
    const next = await chat.say('13812345678');
    expect(Chat.promptOf(next)).to.equal('details.startDate');
  });
});
