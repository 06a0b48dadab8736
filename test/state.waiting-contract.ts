import { expect } from 'chai';
import type { WaitingConversations } from '../src/state/waiting-conversations.js';

/**
 * The contract every WaitingConversations store keeps (run by test/state.waiting.test.ts on the memory
 * store and on Redis). `fresh()` gives an empty store for each case.
 */
export function waitingConversationsContract(name: string, fresh: () => Promise<WaitingConversations>): void {
  describe(`${name}: where open filings wait (the funnel's abandonment count)`, () => {
    let store: WaitingConversations;
    beforeEach(async () => {
      store = await fresh();
    });

    it('an empty store sweeps nothing', async () => {
      expect(await store.sweep(Date.now())).to.deep.equal([]);
    });

    it('a conversation idle since before the cut-off is swept once, at the step it last waited at', async () => {
      await store.waiting('emulator:a', 'situation.treatmentPlace', 1_000);
      await store.waiting('emulator:a', 'details.idNumber', 2_000);
      expect(await store.sweep(2_001)).to.deep.equal(['details.idNumber']);
      expect(await store.sweep(10_000)).to.deep.equal([]);
    });

    it('a conversation active at or after the cut-off is kept', async () => {
      await store.waiting('emulator:a', 'details.phone', 5_000);
      expect(await store.sweep(5_000)).to.deep.equal([]);
      expect(await store.sweep(5_001)).to.deep.equal(['details.phone']);
    });

    it('a new answer moves the conversation: only its latest activity counts', async () => {
      await store.waiting('emulator:a', 'details.phone', 1_000);
      await store.waiting('emulator:a', 'details.startDate', 9_000);
      expect(await store.sweep(5_000)).to.deep.equal([]);
    });

    it('done() takes a conversation out: a submitted or cancelled filing is never counted as abandoned', async () => {
      await store.waiting('emulator:a', 'review.confirm', 1_000);
      await store.waiting('emulator:b', 'details.phone', 1_000);
      await store.done('emulator:a');
      await store.done('emulator:never-seen');
      expect(await store.sweep(2_000)).to.deep.equal(['details.phone']);
    });

    it('sweeps the oldest first, at most `limit` at a time, and the rest on the next call', async () => {
      for (let i = 0; i < 5; i += 1) await store.waiting(`webchat:c${i}`, `step.${i}`, 1_000 + i);
      expect(await store.sweep(10_000, 2)).to.deep.equal(['step.0', 'step.1']);
      expect(await store.sweep(10_000, 10)).to.deep.equal(['step.2', 'step.3', 'step.4']);
    });

    it('two sweeps at the same time count each conversation once', async () => {
      for (let i = 0; i < 50; i += 1) await store.waiting(`webchat:c${i}`, 'details.idNumber', 1_000);
      const [a, b] = await Promise.all([store.sweep(2_000, 30), store.sweep(2_000, 30)]);
      const rest = await store.sweep(2_000, 100);
      expect(a.length + b.length + rest.length).to.equal(50);
    });
  });
}
