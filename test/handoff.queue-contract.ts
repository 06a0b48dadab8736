import { expect } from 'chai';
import type { Handoff } from '../src/handoff/handoff.js';
import type { HandoffQueue } from '../src/handoff/handoff-queue.js';

let serial = 0;

/** A handoff of a new conversation, queued at `queuedAt`. */
export function aHandoff(queuedAt: number, extra: Partial<Handoff> = {}): Handoff {
  serial += 1;
  const conversation = `conv-${process.pid}-${serial}-${Math.random().toString(36).slice(2)}`;
  return {
    id: `h-${serial}-${Math.random().toString(36).slice(2)}`,
    conversationKey: `webchat:${conversation}`,
    channel: 'webchat',
    via: 'web',
    reference: { channelId: 'webchat', conversation: { id: conversation } as never },
    locale: 'zh-CN',
    reason: 'command',
    queuedAt,
    state: 'waiting',
    draft: { stage: 'situation', facts: [] },
    transcriptLength: 3,
    ...extra,
  };
}

const wang = { id: 'a0101', displayName: '王坐席' };
const li = { id: 'a0102', displayName: '李坐席' };

/** What every HandoffQueue does (memory, Redis): order, one take, the holder alone changes it, one end, the chat. */
export function handoffQueueContract(name: string, make: () => Promise<HandoffQueue>): void {
  describe(`${name}: the handoff queue contract`, () => {
    let queue: HandoffQueue;
    beforeEach(async () => {
      queue = await make();
    });

    it('queues in order of arrival: positions 1, 2, 3; one handoff per conversation', async () => {
      const t = Date.now();
      const [a, b, c] = [aHandoff(t), aHandoff(t + 10), aHandoff(t + 20)];
      await queue.enqueue(b);
      await queue.enqueue(a);
      await queue.enqueue(c);
      expect((await queue.waiting()).map((h) => h.id)).to.deep.equal([a.id, b.id, c.id]);
      expect(await queue.position(c.id)).to.equal(3);
      expect(await queue.length()).to.equal(3);
      const again = await queue.enqueue({ ...aHandoff(t + 30), conversationKey: a.conversationKey });
      expect(again.id, 'the conversation keeps its handoff').to.equal(a.id);
      expect(await queue.length()).to.equal(3);
      expect((await queue.ofConversation(b.conversationKey))?.id).to.equal(b.id);
      expect((await queue.get(a.id))?.draft).to.deep.equal({ stage: 'situation', facts: [] });
    });

    it('of many agents taking one handoff at once, exactly one gets it; it leaves the queue', async () => {
      const h = aHandoff(Date.now());
      await queue.enqueue(h);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => queue.take(h.id, i % 2 ? wang : li, Date.now())));
      const winners = results.filter((r) => r !== undefined);
      expect(winners).to.have.length(1);
      expect(winners[0]!.state).to.equal('talking');
      expect(await queue.position(h.id)).to.equal(undefined);
      expect((await queue.taken()).map((x) => x.id)).to.include(h.id);
      expect(await queue.take(h.id, wang, Date.now()), 'taken again later').to.equal(undefined);
    });

    it('only the holder changes a taken handoff (state, draft)', async () => {
      const h = aHandoff(Date.now());
      await queue.enqueue(h);
      expect(await queue.update(h.id, wang.id, { state: 'filling' }), 'not taken yet').to.equal(undefined);
      await queue.take(h.id, wang, Date.now());
      expect(await queue.update(h.id, li.id, { state: 'filling' })).to.equal(undefined);
      const changed = await queue.update(h.id, wang.id, { state: 'filling', draft: { stage: 'person', facts: [{ id: 'details.phone', label: '手机', value: '138****5678' }] } });
      expect(changed?.state).to.equal('filling');
      expect((await queue.get(h.id))?.draft.facts[0]?.value).to.equal('138****5678');
      expect((await queue.get(h.id))?.agent).to.deep.equal(wang);
    });

    it('ends once: of two callers one gets the handoff; the conversation is free again', async () => {
      const h = aHandoff(Date.now());
      await queue.enqueue(h);
      await queue.say(h.id, { from: 'person', text: '你好', at: 1 });
      const [x, y] = await Promise.all([queue.end(h.id), queue.end(h.id)]);
      expect([x, y].filter((r) => r !== undefined)).to.have.length(1);
      expect(await queue.get(h.id)).to.equal(undefined);
      expect(await queue.ofConversation(h.conversationKey)).to.equal(undefined);
      expect(await queue.messages(h.id)).to.deep.equal([]);
      expect(await queue.length()).to.equal(0);
    });

    it('keeps the chat in order and pages it', async () => {
      const h = aHandoff(Date.now());
      await queue.enqueue(h);
      expect(await queue.say(h.id, { from: 'person', text: '一', at: 1 })).to.equal(1);
      expect(await queue.say(h.id, { from: 'agent', name: '王坐席', text: '二', at: 2 })).to.equal(2);
      await queue.say(h.id, { from: 'person', text: '三', at: 3 });
      expect((await queue.messages(h.id)).map((m) => m.text)).to.deep.equal(['一', '二', '三']);
      expect(await queue.messages(h.id, 2)).to.deep.equal([{ from: 'person', text: '三', at: 3 }]);
    });

    it('averages the time agents spend (a weighted running mean)', async () => {
      const before = await queue.averageHandlingMs();
      await queue.handled(60_000);
      const after = (await queue.averageHandlingMs())!;
      if (before === undefined) expect(after).to.equal(60_000);
      else expect(after).to.be.closeTo(before + 0.2 * (60_000 - before), 1);
    });
  });
}
