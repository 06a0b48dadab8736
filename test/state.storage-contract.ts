import { expect } from 'chai';
import { ConversationState, type Storage, type StoreItem } from 'botbuilder';
import { ComponentDialog, DialogTurnStatus, TextPrompt, WaterfallDialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { eventually } from './support/redis-server.js';

/**
 * Makes a handle on the store under test. Every call must reach the SAME data: for Redis a new
 * client (another bot instance) on the same prefix; for memory the same object.
 * `conversationTtlSeconds` asks for a short lifetime of conversation keys (stores that expire).
 */
export type MakeStorage = (options?: { conversationTtlSeconds?: number }) => Storage | Promise<Storage>;

export interface StorageFeatures {
  /** The store forgets conversation state after its lifetime. */
  expires: boolean;
}

let serial = 0;
/** A fresh conversation key per case, shaped like botbuilder's. */
const conversationKey = (label: string): string => `test/conversations/${label}-${process.pid}-${Date.now()}-${++serial}`;

const conflictMessage = (key: string): RegExp => new RegExp(`error writing "${escapeRegExp(key)}" due to eTag conflict`);
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The botbuilder Storage contract (the cases of botbuilder-js's storageBaseTests, re-stated), run
 * by every Storage this project ships.
 */
export function storageContract(name: string, makeStorage: MakeStorage, features: StorageFeatures): void {
  describe(`${name} keeps conversation state as botbuilder's Storage contract says`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await makeStorage();
    });

    it('a conversation never seen reads as nothing', async () => {
      const key = conversationKey('unknown');
      expect(await storage.read([key])).to.deep.equal({});
      expect(await storage.read([])).to.deep.equal({});
    });

    it('refuses to read or write without keys, and accepts an empty batch', async () => {
      await expectRejection(storage.read(null as unknown as string[]), ReferenceError);
      await expectRejection(storage.write(null as unknown as Record<string, StoreItem>), ReferenceError);
      await storage.write({});
      await storage.delete([]);
    });

    it('a new item comes back with its fields and an eTag', async () => {
      const key = conversationKey('create');
      await storage.write({ [key]: { stage: 'situation', answers: { retired: true } } });
      const read = await storage.read([key]);
      expect(read[key]).to.include({ stage: 'situation' });
      expect(read[key]!.answers).to.deep.equal({ retired: true });
      expect(read[key]!.eTag).to.be.a('string').and.not.equal('');
      expect(read[key]!.eTag).to.not.equal('*');
    });

    it('writing with the current eTag updates the item and gives it a new eTag', async () => {
      const key = conversationKey('update');
      await storage.write({ [key]: { stage: 'situation' } });
      const first = (await storage.read([key]))[key]!;
      await storage.write({ [key]: { ...first, stage: 'details' } });
      const second = (await storage.read([key]))[key]!;
      expect(second.stage).to.equal('details');
      expect(second.eTag).to.not.equal(first.eTag);
    });

    it('writing with a stale eTag is refused as an eTag conflict naming the key, and the newer state stays', async () => {
      const key = conversationKey('stale');
      await storage.write({ [key]: { stage: 'situation' } });
      const stale = (await storage.read([key]))[key]!;
      await storage.write({ [key]: { ...stale, stage: 'details' } });
      await expectRejection(storage.write({ [key]: { ...stale, stage: 'review' } }), Error, conflictMessage(key));
      expect((await storage.read([key]))[key]!.stage).to.equal('details');
    });

    const unconditional: Array<[string, StoreItem]> = [
      ['eTag "*"', { stage: 'review', eTag: '*' }],
      ['no eTag', { stage: 'review' }],
      ['an empty eTag', { stage: 'review', eTag: '' }],
    ];
    for (const [label, item] of unconditional) {
      it(`writing with ${label} overwrites whatever is stored (as BotState does)`, async () => {
        const key = conversationKey('star');
        await storage.write({ [key]: { stage: 'situation' } });
        const before = (await storage.read([key]))[key]!;
        await storage.write({ [key]: { ...before, stage: 'details' } });
        await storage.write({ [key]: item });
        const after = (await storage.read([key]))[key]!;
        expect(after.stage).to.equal('review');
        expect(after.eTag).to.not.equal(before.eTag);
      });
    }

    it('an eTag for an item that no longer exists writes it anew (as MemoryStorage does)', async () => {
      const key = conversationKey('recreate');
      await storage.write({ [key]: { stage: 'situation' } });
      const old = (await storage.read([key]))[key]!;
      await storage.delete([key]);
      await storage.write({ [key]: { ...old, stage: 'details' } });
      expect((await storage.read([key]))[key]!.stage).to.equal('details');
    });

    it('delete forgets the item; deleting an unknown key is no error', async () => {
      const key = conversationKey('delete');
      await storage.write({ [key]: { stage: 'situation' } });
      await storage.delete([key]);
      expect(await storage.read([key])).to.deep.equal({});
      await storage.delete([conversationKey('never-written')]);
    });

    it('odd keys (unicode, slashes, spaces, braces, colons, a long id) keep their items apart', async () => {
      const odd = [
        'msteams/conversations/a:1/b/c d',
        'webchat/conversations/日照市 参保人/张三',
        'x/users/{tag}/🙂',
        '!@#$%^&*()_+-=[]\\;\',./<>?:"|`~',
        `wechat/conversations/${'o'.repeat(400)}`,
        conversationKey('odd'),
      ];
      const changes: Record<string, StoreItem> = {};
      odd.forEach((k, i) => (changes[k] = { index: i }));
      await storage.write(changes);
      const read = await storage.read(odd);
      for (const [i, k] of odd.entries()) expect(read[k]!.index, k).to.equal(i);
      await storage.delete(odd);
      expect(await storage.read(odd)).to.deep.equal({});
    });

    it('values with nested objects, arrays, unicode and numbers round-trip unchanged', async () => {
      const key = conversationKey('value');
      const value = {
        dialogStack: [{ id: 'root', state: { stepIndex: 2, values: { instanceId: 'abc' } } }],
        answers: { category: 'LT_RETIREE', startDate: '2025-03-01', place: '北京市朝阳区', days: 180, flag: false, none: null },
      };
      await storage.write({ [key]: value });
      const { eTag, ...read } = (await storage.read([key]))[key]!;
      expect(eTag).to.be.a('string');
      expect(read).to.deep.equal(value);
    });

    it('a half-filled form (the personal answers in filing.details) round-trips unchanged, and so does the caller\'s copy', async () => {
      const key = conversationKey('form');
      const value = {
        filing: {
          v: 1,
          active: true,
          asking: 'details.phone',
          details: { personName: '张三', idNumber: '11010519491231002X', phone: '13812345678', agentName: 'Jean-Luc O\'Brien', address: '上海市徐汇区宜山路600号', startDate: '2026-12-01' },
          previous: { 'details.idNumber': '1101**********002X' },
        },
        dialogState: { dialogStack: [] },
      };
      const written = structuredClone(value);
      await storage.write({ [key]: written });
      expect(written).to.deep.equal(value);
      const { eTag: _eTag, ...read } = (await storage.read([key]))[key]!;
      expect(read).to.deep.equal(value);
    });

    it('a batch of many conversations is written, read and deleted together', async () => {
      const keys = Array.from({ length: 150 }, (_, i) => conversationKey(`batch-${i}`));
      const changes: Record<string, StoreItem> = {};
      keys.forEach((k, i) => (changes[k] = { n: i }));
      await storage.write(changes);
      const read = await storage.read([...keys, conversationKey('absent')]);
      expect(Object.keys(read)).to.have.members(keys);
      keys.forEach((k, i) => expect(read[k]!.n).to.equal(i));
      await storage.delete(keys);
      expect(await storage.read(keys)).to.deep.equal({});
    });

    it('of many writers holding the same eTag, exactly one wins each round', async () => {
      const key = conversationKey('race');
      const writers = await Promise.all(Array.from({ length: 6 }, () => makeStorage()));
      await storage.write({ [key]: { round: 0, winner: -1 } });
      for (let round = 1; round <= 5; round++) {
        const seen = (await storage.read([key]))[key]!;
        const outcomes = await Promise.allSettled(
          writers.flatMap((w, i) => [w.write({ [key]: { ...seen, round, winner: i } }), w.write({ [key]: { ...seen, round, winner: i + 100 } })]),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won, `round ${round}`).to.have.length(1);
        for (const l of lost) expect(String(l.reason)).to.match(conflictMessage(key));
        const after = (await storage.read([key]))[key]!;
        expect(after.round).to.equal(round);
        expect(after.eTag).to.not.equal(seen.eTag);
      }
    });

    it('a waterfall with a text prompt runs to completion on this storage (its state survives between turns)', async () => {
      const conversationState = new ConversationState(storage);
      const client = new DialogTestClient('test', new AskPlace(), undefined, undefined, conversationState);
      expect((await client.sendActivity('hello')).text).to.equal('which city?');
      expect((await client.sendActivity('日照')).text).to.equal('city: 日照');
      expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    });

    if (features.expires) {
      it('a conversation left alone is forgotten after its lifetime', async () => {
        const short = await makeStorage({ conversationTtlSeconds: 1 });
        const key = conversationKey('expiry');
        await short.write({ [key]: { idNumber: 'kept only while in use' } });
        expect(Object.keys(await short.read([key]))).to.deep.equal([key]);
        // Each read slides the lifetime, so the probe waits longer than the lifetime between reads.
        expect(await eventually(async () => Object.keys(await short.read([key])).length === 0, 20_000, 1_500)).to.equal(true);
      });
    }
  });
}

async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a rejection').to.be.instanceOf(type);
  if (message) expect((caught as Error).message).to.match(message);
}

/** A two-step dialog: the prompt's position must be read back from storage on the second turn. */
class AskPlace extends ComponentDialog {
  constructor() {
    super('ask-place');
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => step.prompt('text', 'which city?'),
        async (step) => {
          await step.context.sendActivity(`city: ${String(step.result)}`);
          return step.endDialog();
        },
      ]),
    );
    this.addDialog(new TextPrompt('text'));
  }
}
