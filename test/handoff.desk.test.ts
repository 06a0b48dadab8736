import { expect } from 'chai';
import { TurnContext } from 'botbuilder';
import { HandoffDesk } from '../src/handoff/handoff-desk.js';
import { MemoryHandoffQueue } from '../src/handoff/handoff-queue.js';
import { MemoryAgentPresence } from '../src/handoff/agent-presence.js';
import { Texts } from '../src/content/texts.js';
import { aHandoff } from './handoff.queue-contract.js';

/** The expected wait the person is told: none to speak of while agents are free, else rounds of average conversations. */
describe('handoff desk: the expected wait', () => {
  const now = 1_000_000;
  async function desk(agents: number, busy: number, averageMs?: number): Promise<HandoffDesk> {
    const queue = new MemoryHandoffQueue();
    const presence = new MemoryAgentPresence();
    for (let i = 0; i < agents; i++) await presence.seen(`a${i}`, now);
    for (let i = 0; i < busy; i++) {
      const h = aHandoff(now - 1000);
      await queue.enqueue(h);
      await queue.take(h.id, { id: `a${i}`, displayName: `坐席${i}` }, now);
    }
    if (averageMs !== undefined) await queue.handled(averageMs);
    return new HandoffDesk({
      queue,
      presence,
      metrics: { ended: () => {}, waited: () => {} },
      texts: new Texts(),
      channelOf: () => 'web',
      reach: async (_via, _ref, logic) => logic({} as TurnContext),
      transcript: { read: async () => [] },
      maxWaitMs: 86_400_000,
      now: () => now,
    });
  }

  for (const [agents, busy, average, position, minutes, why] of [
    [2, 0, undefined, 1, 1, 'two agents free: the first in line waits a moment (told as a minute)'],
    [2, 0, undefined, 2, 1, 'two agents free: the second too'],
    [2, 2, undefined, 1, 5, 'both busy, no history: one average conversation of 5 minutes'],
    [2, 2, 8 * 60_000, 3, 16, 'both busy, 8 minutes on average: the third waits two rounds'],
    [3, 1, 6 * 60_000, 3, 6, 'three agents, one busy: two free, the third waits one round'],
  ] as const) {
    it(`${why} → ${minutes} min`, async () => {
      expect(await (await desk(agents, busy, average)).expectedWaitSeconds(position)).to.equal(minutes * 60);
    });
  }
});
