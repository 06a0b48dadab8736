import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import type { HandoffTranscriptStore } from '../src/handoff/transcript-store.js';

let serial = 0;

/** A conversation of its own for each case. */
export function aConversation(): string {
  serial += 1;
  return `conv-${process.pid}-${serial}-${Math.random().toString(36).slice(2)}`;
}

const said = (role: 'user' | 'bot', text: string): Partial<Activity> => ({ type: 'message', from: { role } as never, text, timestamp: new Date() });

/** What every handoff transcript store does (memory, Redis): turns in order, the last ones only, per conversation, forgotten on request. */
export function handoffTranscriptContract(name: string, make: (options: { keepTurns: number }) => Promise<HandoffTranscriptStore>): void {
  describe(`${name}: the handoff transcript store contract`, () => {
    it('keeps the turns of a conversation in order, each turn\'s activities in order', async () => {
      const store = await make({ keepTurns: 10 });
      const c = aConversation();
      await store.logTurn('emulator', c, [said('user', '你好'), said('bot', '请问您想办理什么？')]);
      await store.logTurn('emulator', c, [said('user', '办理备案'), said('bot', '为谁办理？'), said('bot', '第 1 步')]);
      const { items, continuationToken } = await store.getTranscriptActivities('emulator', c);
      expect(items.map((a) => [a.from.role, a.text])).to.deep.equal([
        ['user', '你好'],
        ['bot', '请问您想办理什么？'],
        ['user', '办理备案'],
        ['bot', '为谁办理？'],
        ['bot', '第 1 步'],
      ]);
      expect(continuationToken).to.equal('');
    });

    it('keeps only the last turns, however long the conversation', async () => {
      const store = await make({ keepTurns: 3 });
      const c = aConversation();
      for (let i = 1; i <= 7; i++) await store.logTurn('emulator', c, [said('user', `第${i}句`), said('bot', `答${i}`)]);
      const { items } = await store.getTranscriptActivities('emulator', c);
      expect(items.map((a) => a.text)).to.deep.equal(['第5句', '答5', '第6句', '答6', '第7句', '答7']);
    });

    it('each conversation its own, by channel and conversation id; a turn without activities writes nothing', async () => {
      const store = await make({ keepTurns: 10 });
      const c = aConversation();
      await store.logTurn('emulator', c, [said('user', 'A')]);
      await store.logTurn('wechat', c, [said('user', 'B')]);
      await store.logTurn('emulator', `${c}-other`, []);
      expect((await store.getTranscriptActivities('emulator', c)).items.map((a) => a.text)).to.deep.equal(['A']);
      expect((await store.getTranscriptActivities('wechat', c)).items.map((a) => a.text)).to.deep.equal(['B']);
      expect((await store.getTranscriptActivities('emulator', `${c}-other`)).items).to.deep.equal([]);
    });

    it('forgets a conversation\'s transcript when told (the person left it)', async () => {
      const store = await make({ keepTurns: 10 });
      const c = aConversation();
      await store.logTurn('wechat', c, [said('user', '我的电话是138****5678')]);
      await store.deleteTranscript('wechat', c);
      expect((await store.getTranscriptActivities('wechat', c)).items).to.deep.equal([]);
    });
  });
}
