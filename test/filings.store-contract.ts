import { expect } from 'chai';
import {
  FILING_STATUSES,
  FilingStoreError,
  isValidReference,
  newReference,
  type FilingStore,
  type FilingStoreOptions,
  type SubmitInput,
} from '../src/filings/index.js';

/** Makes a fresh, empty store. The suite closes every store it makes. */
export type MakeFilingStore = (options?: FilingStoreOptions) => Promise<FilingStore>;

/** A clock the test moves by hand. */
export function manualClock(start: string): { now: () => Date; set: (iso: string) => void } {
  let t = new Date(start);
  return { now: () => new Date(t), set: (iso) => (t = new Date(iso)) };
}

/** Random numbers from a list, then from Math.random. */
export function scriptedRandom(values: number[]): () => number {
  const queue = [...values];
  return () => (queue.length ? queue.shift()! : Math.random());
}

let serial = 0;
export function aFiling(overrides: Partial<SubmitInput> = {}): SubmitInput {
  serial++;
  return {
    idempotencyKey: `conv-${serial}:submit-1`,
    category: 'LT_RETIREE',
    profileId: 'rizhao',
    profileVersion: '2026.1',
    filing: {
      person: { name: '张三', idNumber: '11010519491231002X', phone: '13800000000' },
      destination: { provinceCode: '310000', cityCode: '310100' },
      startDate: '2026-12-01',
      note: `filing ${serial}`,
    },
    ...overrides,
  };
}

/**
 * The FilingStore contract: every implementation must pass this, word for word.
 */
export function filingStoreContract(name: string, make: MakeFilingStore): void {
  describe(`${name}: the filing store contract`, () => {
    const made: FilingStore[] = [];
    const fresh = async (options?: FilingStoreOptions) => {
      const store = await make(options);
      made.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(made.splice(0).map((s) => s.close()));
    });

    describe('submitting a filing', () => {
      it('stores it as SUBMITTED under a new, valid reference and gives back what was filed', async () => {
        const store = await fresh();
        const input = aFiling();
        const { stored, created } = await store.submit(input);
        expect(created).to.equal(true);
        expect(isValidReference(stored.reference)).to.equal(true);
        expect(stored).to.deep.include({
          status: 'SUBMITTED',
          category: input.category,
          profileId: input.profileId,
          profileVersion: input.profileVersion,
          idempotencyKey: input.idempotencyKey,
        });
        expect(stored.filing).to.deep.equal(input.filing);
        expect(stored.createdAt).to.equal(stored.updatedAt);
        expect(new Date(stored.createdAt).toISOString()).to.equal(stored.createdAt);
      });

      it('dates the reference by the day in Asia/Shanghai, and stamps the time of the clock', async () => {
        const clock = manualClock('2026-11-23T17:30:00.000Z'); // already 24 November in Shanghai
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling());
        expect(stored.reference).to.match(/^YD20261124-/);
        expect(stored.createdAt).to.equal('2026-11-23T17:30:00.000Z');
      });

      it('can be found again by its reference', async () => {
        const store = await fresh();
        const { stored } = await store.submit(aFiling());
        expect(await store.get(stored.reference)).to.deep.equal(stored);
      });

      it('can be found by the reference as a person reads it back: lower case, no hyphen, O for 0, L for 1', async () => {
        const clock = manualClock('2026-11-23T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling());
        const spoken = stored.reference.replace('-', ' ').toLowerCase().replaceAll('0', 'o').replaceAll('1', 'l');
        expect((await store.get(spoken))?.reference).to.equal(stored.reference);
      });

      it('finds nothing for an unknown, mistyped or malformed reference', async () => {
        const store = await fresh();
        const { stored } = await store.submit(aFiling());
        const last = stored.reference.at(-1)!;
        const typo = stored.reference.slice(0, -1) + (last === 'A' ? 'B' : 'A');
        for (const ref of [newReference(), typo, '', 'hello', '__proto__', 'constructor']) {
          expect(await store.get(ref), ref).to.equal(undefined);
        }
      });

      it('keeps its own copy: changing the submitted or returned object later changes nothing stored', async () => {
        const store = await fresh();
        const input = aFiling();
        const { stored } = await store.submit(input);
        (input.filing as { note: string }).note = 'changed by caller';
        (stored.filing as { note: string }).note = 'changed by reader';
        stored.status = 'EFFECTIVE';
        const again = await store.get(stored.reference);
        expect(again!.filing['note']).to.not.match(/changed/);
        expect(again!.status).to.equal('SUBMITTED');
      });

      it('refuses a submit without an idempotency key, category, profile, or with a filing that is not an object', async () => {
        const store = await fresh();
        const bad: Array<Partial<SubmitInput>> = [
          { idempotencyKey: '' },
          { idempotencyKey: '   ' },
          { category: '' },
          { profileId: '' },
          { profileVersion: '' },
          { filing: null as unknown as Record<string, unknown> },
          { filing: [] as unknown as Record<string, unknown> },
        ];
        for (const overrides of bad) {
          const err = await store.submit(aFiling(overrides)).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err, JSON.stringify(overrides)).to.be.instanceOf(FilingStoreError);
          expect((err as FilingStoreError).code).to.equal('BAD_INPUT');
        }
      });

      it('never puts the filing contents into an error message', async () => {
        const store = await fresh();
        const cyclic: Record<string, unknown> = { idNumber: '11010519491231002X' };
        cyclic['self'] = cyclic;
        const err = (await store.submit(aFiling({ filing: cyclic })).catch((e: unknown) => e)) as Error;
        expect(err).to.be.instanceOf(FilingStoreError);
        expect(err.message).to.not.include('11010519491231002X');
      });
    });

    describe('submitting again (retry, double click, resent activity)', () => {
      it('returns the first filing with created=false, whatever the repeat carries', async () => {
        const store = await fresh();
        const first = await store.submit(aFiling({ idempotencyKey: 'conv-a:submit' }));
        const again = await store.submit(aFiling({ idempotencyKey: 'conv-a:submit', category: 'TMP_REFERRAL' }));
        expect(again.created).to.equal(false);
        expect(again.stored).to.deep.equal(first.stored);
      });

      it('gives ten simultaneous submits with one key exactly one filing', async () => {
        const store = await fresh();
        const results = await Promise.all(Array.from({ length: 10 }, () => store.submit(aFiling({ idempotencyKey: 'conv-b:submit' }))));
        expect(results.filter((r) => r.created)).to.have.length(1);
        expect(new Set(results.map((r) => r.stored.reference)).size).to.equal(1);
      });

      it('treats different keys as different filings, even with the same contents', async () => {
        const store = await fresh();
        const input = aFiling();
        const a = await store.submit({ ...input, idempotencyKey: 'conv-c:submit-1' });
        const b = await store.submit({ ...input, idempotencyKey: 'conv-c:submit-2' });
        expect(a.created && b.created).to.equal(true);
        expect(a.stored.reference).to.not.equal(b.stored.reference);
      });
    });

    describe('many filings', () => {
      it('keeps all of 50 simultaneous submits, each under its own reference', async () => {
        const store = await fresh();
        const inputs = Array.from({ length: 50 }, () => aFiling());
        const results = await Promise.all(inputs.map((i) => store.submit(i)));
        const refs = results.map((r) => r.stored.reference);
        expect(new Set(refs).size).to.equal(50);
        for (const [i, ref] of refs.entries()) {
          expect((await store.get(ref))?.idempotencyKey).to.equal(inputs[i]!.idempotencyKey);
        }
      });

      it('gives 1,000 filings made at the same moment 1,000 different references', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const results = await Promise.all(Array.from({ length: 1000 }, () => store.submit(aFiling())));
        expect(new Set(results.map((r) => r.stored.reference)).size).to.equal(1000);
      });

      it('draws another reference when the random part clashes with one already given', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const same = [0.1, 0.2, 0.3, 0.4, 0.5];
        const store = await fresh({ now: clock.now, random: scriptedRandom([...same, ...same, 0.9, 0.8, 0.7, 0.6, 0.5]) });
        const a = await store.submit(aFiling());
        const b = await store.submit(aFiling());
        expect(a.stored.reference).to.equal(newReference(clock.now(), scriptedRandom(same)));
        expect(b.stored.reference).to.not.equal(a.stored.reference);
        expect((await store.get(a.stored.reference))?.idempotencyKey).to.equal(a.stored.idempotencyKey);
        expect((await store.get(b.stored.reference))?.idempotencyKey).to.equal(b.stored.idempotencyKey);
      });

      it('gives up with NO_FREE_REFERENCE rather than overwrite, if the randomness never varies', async () => {
        const store = await fresh({ random: () => 0.5 });
        await store.submit(aFiling());
        const err = await store.submit(aFiling()).catch((e: unknown) => e);
        expect((err as FilingStoreError).code).to.equal('NO_FREE_REFERENCE');
      });
    });

    describe('finding the filings of a person by resident ID number (when the reference is lost)', () => {
      const ID = '11010519491231002X';
      const OTHER_ID = '110101199003074514';
      const filedBy = (idNumber: string, extra: Record<string, unknown> = {}) =>
        aFiling({ filing: { person: { name: '张三', idNumber, phone: '13800000000' }, startDate: '2026-12-01', ...extra } });

      it('finds every filing of that insured person, newest first, in clear', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const older = await store.submit(filedBy(ID));
        clock.set('2026-11-25T02:00:00.000Z');
        await store.submit(filedBy(OTHER_ID));
        clock.set('2026-11-26T02:00:00.000Z');
        const newer = await store.submit(filedBy(ID, { address: '上海市徐汇区宜山路600号' }));
        const found = await store.findByIdNumber(ID);
        expect(found).to.deep.equal([newer.stored, older.stored]);
        expect((found[0]!.filing as { address: string }).address).to.equal('上海市徐汇区宜山路600号');
        expect((await store.findByIdNumber(OTHER_ID)).map((f) => f.reference)).to.have.length(1);
      });

      it('takes the number as people type it: lower-case x, spaces, full-width digits', async () => {
        const store = await fresh();
        const { stored } = await store.submit(filedBy(ID));
        for (const typed of ['11010519491231002x', '110105 19491231 002X', '１１０１０５１９４９１２３１００２Ｘ']) {
          expect((await store.findByIdNumber(typed)).map((f) => f.reference), typed).to.deep.equal([stored.reference]);
        }
      });

      it('finds nothing for a number never filed, for an agent\'s number, or for what is not an ID number', async () => {
        const store = await fresh();
        await store.submit(aFiling({ filing: { person: { name: '张三', idNumber: ID }, agent: { name: '李四', idNumber: OTHER_ID } } }));
        for (const asked of ['110105194912310011', OTHER_ID, '', '1101051949', 'constructor', '__proto__', ' ']) {
          expect(await store.findByIdNumber(asked), asked).to.deep.equal([]);
        }
      });

      it('finds a filing with no agent and no address, and one whose status moved on', async () => {
        const store = await fresh();
        const { stored } = await store.submit(filedBy(ID));
        await store.setStatus(stored.reference, 'EFFECTIVE');
        expect((await store.findByIdNumber(ID)).map((f) => [f.reference, f.status])).to.deep.equal([[stored.reference, 'EFFECTIVE']]);
      });
    });

    describe('personal fields sealed at rest', () => {
      it('gives back every personal field in clear, and nothing of its own bookkeeping', async () => {
        const store = await fresh();
        const input = aFiling({
          filing: {
            person: { name: '张三', idNumber: '11010519491231002X', phone: '13800000000' },
            agent: { name: '李四', idNumber: '110101199003074514', phone: '13912345678', relationship: 'CHILD' },
            address: '上海市徐汇区宜山路600号',
          },
        });
        const { stored } = await store.submit(input);
        expect(stored.filing).to.deep.equal(input.filing);
        expect(Object.keys(stored).sort()).to.deep.equal(['category', 'createdAt', 'filing', 'idempotencyKey', 'profileId', 'profileVersion', 'reference', 'status', 'updatedAt']);
        expect((await store.get(stored.reference))?.filing).to.deep.equal(input.filing);
      });

      it('has nothing to seal again when every filing is sealed with the current key', async () => {
        const store = await fresh();
        await store.submit(aFiling());
        expect(await store.reseal()).to.equal(0);
      });
    });

    describe('status', () => {
      it('moves a filing through each status and stamps the change time, keeping the creation time', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling());
        for (const [i, status] of FILING_STATUSES.entries()) {
          const at = new Date(Date.UTC(2026, 10, 25 + i, 3)).toISOString();
          clock.set(at);
          const updated = await store.setStatus(stored.reference, status);
          expect(updated).to.deep.include({ status, updatedAt: at, createdAt: stored.createdAt });
          expect((await store.get(stored.reference))?.status).to.equal(status);
        }
      });

      it('answers undefined for an unknown reference and refuses an unknown status', async () => {
        const store = await fresh();
        const { stored } = await store.submit(aFiling());
        expect(await store.setStatus(newReference(), 'EFFECTIVE')).to.equal(undefined);
        const err = await store.setStatus(stored.reference, 'APPROVED' as never).catch((e: unknown) => e);
        expect((err as FilingStoreError).code).to.equal('BAD_STATUS');
        expect((await store.get(stored.reference))?.status).to.equal('SUBMITTED');
      });
    });

    describe('life cycle', () => {
      it('answers ping while open; after close ping is false and calls fail with CLOSED', async () => {
        const store = await fresh();
        expect(await store.ping()).to.equal(true);
        await store.close();
        expect(await store.ping()).to.equal(false);
        const err = await store.submit(aFiling()).catch((e: unknown) => e);
        expect((err as FilingStoreError).code).to.equal('CLOSED');
        await store.close(); // closing twice is harmless
      });
    });
  });
}
