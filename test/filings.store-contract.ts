import { expect } from 'chai';
import {
  FilingStoreError,
  isValidReference,
  newReference,
  type FilingStatus,
  type FilingStore,
  type FilingStoreOptions,
  type ListQuery,
  type StatusChange,
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
        expect(Object.keys(stored).sort()).to.deep.equal(['category', 'createdAt', 'filing', 'history', 'idempotencyKey', 'profileId', 'profileVersion', 'reference', 'status', 'updatedAt']);
        expect((await store.get(stored.reference))?.filing).to.deep.equal(input.filing);
      });

      it('has nothing to seal again when every filing is sealed with the current key', async () => {
        const store = await fresh();
        await store.submit(aFiling());
        expect(await store.reseal()).to.equal(0);
      });
    });

    describe('status', () => {
      const agency = (requestId?: string, reason?: string): StatusChange => ({ actor: { kind: 'agency', name: 'staff-1' }, ...(requestId ? { requestId } : {}), ...(reason ? { reason } : {}) });

      it('moves a filing along the life cycle, stamps the change time and keeps the creation time', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling());
        for (const [i, status] of (['EFFECTIVE', 'CANCELLED'] as const).entries()) {
          const at = new Date(Date.UTC(2026, 10, 25 + i, 3)).toISOString();
          clock.set(at);
          const updated = await store.setStatus(stored.reference, status, agency());
          expect(updated).to.deep.include({ status, updatedAt: at, createdAt: stored.createdAt });
          expect((await store.get(stored.reference))?.status).to.equal(status);
        }
      });

      it('refuses every move the life cycle does not allow with ILLEGAL_TRANSITION, and changes nothing', async () => {
        const store = await fresh();
        for (const [path, refused] of [
          [[], ['CHANGED', 'CANCELLED', 'EXPIRED', 'SUBMITTED']],
          [['REJECTED'], ['EFFECTIVE', 'CANCELLED', 'SUBMITTED']],
          [['EFFECTIVE'], ['SUBMITTED', 'REJECTED', 'EFFECTIVE']],
          [['EFFECTIVE', 'CANCELLED'], ['EFFECTIVE', 'CHANGED']],
        ] as Array<[FilingStatus[], FilingStatus[]]>) {
          const { stored } = await store.submit(aFiling());
          for (const step of path) await store.setStatus(stored.reference, step, agency());
          const before = await store.get(stored.reference);
          for (const to of refused) {
            const err = (await store.setStatus(stored.reference, to, agency()).catch((e: unknown) => e)) as FilingStoreError;
            expect(err, `${path.join('>')} > ${to}`).to.be.instanceOf(FilingStoreError);
            expect(err.code).to.equal('ILLEGAL_TRANSITION');
          }
          expect(await store.get(stored.reference)).to.deep.equal(before);
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

      it('keeps the audit trail with the filing: the submit, then who moved it, when, from, to and why', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling());
        expect(stored.history).to.deep.equal([{ at: '2026-11-24T02:00:00.000Z', from: null, to: 'SUBMITTED', actor: { kind: 'person' } }]);
        clock.set('2026-11-25T03:00:00.000Z');
        await store.setStatus(stored.reference, 'REJECTED', agency('req-1', '材料不全：缺少转诊证明'));
        const read = await store.get(stored.reference);
        expect(read!.history).to.deep.equal([
          { at: '2026-11-24T02:00:00.000Z', from: null, to: 'SUBMITTED', actor: { kind: 'person' } },
          { at: '2026-11-25T03:00:00.000Z', from: 'SUBMITTED', to: 'REJECTED', actor: { kind: 'agency', name: 'staff-1' }, reason: '材料不全：缺少转诊证明', requestId: 'req-1' },
        ]);
        expect((await store.findByIdNumber('11010519491231002X')).find((f) => f.reference === stored.reference)?.history).to.deep.equal(read!.history);
      });

      it('applies a request id once: the same request again returns the filing, with no second event', async () => {
        const store = await fresh();
        const { stored } = await store.submit(aFiling());
        const first = await store.setStatus(stored.reference, 'EFFECTIVE', agency('req-9'));
        const again = await store.setStatus(stored.reference, 'EFFECTIVE', agency('req-9'));
        expect(again).to.deep.equal(first);
        expect(again!.history).to.have.length(2);
        const other = (await store.setStatus(stored.reference, 'EFFECTIVE', agency('req-10')).catch((e: unknown) => e)) as FilingStoreError;
        expect(other.code).to.equal('ILLEGAL_TRANSITION');
      });

      it('gives one of simultaneous approvals and rejections the filing, the others ILLEGAL_TRANSITION', async () => {
        const store = await fresh();
        const { stored } = await store.submit(aFiling());
        const outcomes = await Promise.all(
          (['EFFECTIVE', 'REJECTED', 'EFFECTIVE', 'REJECTED'] as const).map((to, i) =>
            store.setStatus(stored.reference, to, agency(`r-${i}`)).then(
              (f) => f!.status,
              (e: FilingStoreError) => e.code,
            ),
          ),
        );
        expect(outcomes.filter((o) => o === 'ILLEGAL_TRANSITION')).to.have.length(3);
        expect((await store.get(stored.reference))!.history).to.have.length(2);
      });

      it('refuses a status change without a proper actor, or with a reason too long', async () => {
        const store = await fresh();
        const { stored } = await store.submit(aFiling());
        for (const change of [{ actor: { kind: 'boss' } }, { actor: { kind: 'agency' }, reason: 'x'.repeat(2001) }] as StatusChange[]) {
          const err = (await store.setStatus(stored.reference, 'EFFECTIVE', change).catch((e: unknown) => e)) as FilingStoreError;
          expect(err.code).to.equal('BAD_INPUT');
        }
      });

      it('reads an EFFECTIVE temporary filing past its end date as EXPIRED everywhere, and refuses to move it on', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const temporary = aFiling({ category: 'TMP_REFERRAL', filing: { person: { name: '张三', idNumber: '11010519491231002X' }, startDate: '2026-11-24', endDate: '2026-12-31' } });
        const { stored } = await store.submit(temporary);
        await store.setStatus(stored.reference, 'EFFECTIVE', agency());
        clock.set('2026-12-31T15:59:00.000Z'); // 23:59 on its last day in Shanghai
        expect((await store.get(stored.reference))!.status).to.equal('EFFECTIVE');
        clock.set('2026-12-31T16:00:00.000Z'); // 1 January 2027 in Shanghai
        expect((await store.get(stored.reference))!.status).to.equal('EXPIRED');
        expect((await store.findByIdNumber('11010519491231002X'))[0]!.status).to.equal('EXPIRED');
        expect((await store.list({ status: 'EXPIRED', limit: 10 })).filings.map((f) => f.reference)).to.deep.equal([stored.reference]);
        expect((await store.list({ status: 'EFFECTIVE', limit: 10 })).filings).to.deep.equal([]);
        const err = (await store.setStatus(stored.reference, 'CANCELLED', { actor: { kind: 'person' } }).catch((e: unknown) => e)) as FilingStoreError;
        expect(err.code).to.equal('ILLEGAL_TRANSITION');
      });
    });

    describe('changing a filing: a new filing that replaces the old one', () => {
      it('marks the old filing CHANGED with replacedBy in the same step; the new one, with replaces, carries its standing (EFFECTIVE)', async () => {
        const store = await fresh();
        const { stored: old } = await store.submit(aFiling());
        await store.setStatus(old.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
        const { stored, created } = await store.submit(aFiling({ replaces: old.reference.toLowerCase() }));
        expect(created).to.equal(true);
        // In force at once, as the old one was: the person is never left without a filing in force.
        expect(stored).to.deep.include({ status: 'EFFECTIVE', replaces: old.reference });
        expect(stored.history).to.have.length(1);
        expect(stored.history[0]).to.deep.include({ from: null, to: 'EFFECTIVE', actor: { kind: 'person' }, reason: `replaces ${old.reference}` });
        expect(await store.get(stored.reference)).to.deep.include({ status: 'EFFECTIVE', replaces: old.reference });
        expect((await store.list({ status: 'EFFECTIVE', limit: 10 })).filings.map((f) => f.reference)).to.deep.equal([stored.reference]);
        // So it can be cancelled (or changed again) by the person.
        expect((await store.setStatus(stored.reference, 'CANCELLED', { actor: { kind: 'person' } }))?.status).to.equal('CANCELLED');
        const after = await store.get(old.reference);
        expect(after).to.deep.include({ status: 'CHANGED', replacedBy: stored.reference });
        expect(after!.history.at(-1)).to.deep.include({ from: 'EFFECTIVE', to: 'CHANGED', actor: { kind: 'person' } });
      });

      it('a repeated change (same idempotency key) gives the same new filing and no error', async () => {
        const store = await fresh();
        const { stored: old } = await store.submit(aFiling());
        await store.setStatus(old.reference, 'EFFECTIVE');
        const input = aFiling({ replaces: old.reference });
        const first = await store.submit(input);
        const again = await store.submit(input);
        expect(again.created).to.equal(false);
        expect(again.stored.reference).to.equal(first.stored.reference);
      });

      it('refuses to replace a filing that is not EFFECTIVE (ILLEGAL_TRANSITION) or does not exist (BAD_INPUT), storing nothing', async () => {
        const store = await fresh();
        const { stored: submitted } = await store.submit(aFiling());
        const input = aFiling({ replaces: submitted.reference });
        expect(((await store.submit(input).catch((e: unknown) => e)) as FilingStoreError).code).to.equal('ILLEGAL_TRANSITION');
        expect(((await store.submit(aFiling({ replaces: newReference() })).catch((e: unknown) => e)) as FilingStoreError).code).to.equal('BAD_INPUT');
        expect((await store.list({ limit: 10 })).filings.map((f) => f.reference)).to.deep.equal([submitted.reference]);
        expect((await store.get(submitted.reference))!.status).to.equal('SUBMITTED');
      });
    });

    describe('where the person filed from (origin)', () => {
      it('keeps the channel, the conversation reference and the locale with the filing', async () => {
        const store = await fresh();
        const origin = { channel: 'webchat', conversation: { conversation: { id: 'c-1' }, serviceUrl: 'https://example.org/' }, locale: 'en-US' };
        const { stored } = await store.submit(aFiling({ origin }));
        expect(stored.origin).to.deep.equal(origin);
        expect((await store.get(stored.reference))!.origin).to.deep.equal(origin);
      });

      it('refuses an origin without a channel', async () => {
        const store = await fresh();
        const err = (await store.submit(aFiling({ origin: { channel: '', conversation: {} } })).catch((e: unknown) => e)) as FilingStoreError;
        expect(err.code).to.equal('BAD_INPUT');
      });
    });

    describe('listing for the agency', () => {
      it('lists oldest first, a page at a time, by status and creation time, with a cursor that survives new filings', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const refs: string[] = [];
        for (let i = 0; i < 7; i++) {
          clock.set(new Date(Date.UTC(2026, 10, 24, 2, i)).toISOString());
          refs.push((await store.submit(aFiling())).stored.reference);
        }
        // two at the very same moment: ordered by reference
        clock.set('2026-11-24T02:10:00.000Z');
        const [a, b] = await Promise.all([store.submit(aFiling()), store.submit(aFiling())]);
        refs.push(...[a!.stored.reference, b!.stored.reference].sort());
        await store.setStatus(refs[1]!, 'EFFECTIVE');
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list({ limit: 4, ...(cursor ? { cursor } : {}) });
          seen.push(...page.filings.map((f) => f.reference));
          cursor = page.nextCursor;
          if (pages++ === 0) {
            clock.set('2026-11-24T02:20:00.000Z');
            await store.submit(aFiling()); // a newer filing shows up at the end
          }
        } while (cursor);
        expect(seen.slice(0, 9)).to.deep.equal(refs);
        expect(seen).to.have.length(10);
        const submitted = await store.list({ status: 'SUBMITTED', limit: 100 });
        expect(submitted.filings.map((f) => f.reference)).to.not.include(refs[1]);
        expect(submitted.nextCursor).to.equal(undefined);
        const window = await store.list({ createdFrom: '2026-11-24T02:02:00.000Z', createdTo: '2026-11-24T02:04:00.000Z', limit: 10 });
        expect(window.filings.map((f) => f.reference)).to.deep.equal([refs[2], refs[3]]);
        expect((await store.list({ status: 'EFFECTIVE', limit: 10 })).filings[0]!.filing).to.deep.include({ person: { name: '张三', idNumber: '11010519491231002X', phone: '13800000000' } });
      });

      it('refuses a cursor it did not give and a limit out of range', async () => {
        const store = await fresh();
        for (const query of [{ cursor: 'nonsense', limit: 10 }, { limit: 0 }, { limit: 501 }] as ListQuery[]) {
          const err = (await store.list(query).catch((e: unknown) => e)) as FilingStoreError;
          expect(err.code, JSON.stringify(query)).to.equal('BAD_INPUT');
        }
      });
    });

    describe('the outbox of notices', () => {
      const origin = { channel: 'webchat', conversation: { id: 'c-1' } };
      const agency: StatusChange = { actor: { kind: 'agency', name: 'staff-1' } };

      it('enqueues a notice with an agency status change of a filing with an origin; none for the person\'s own, none without origin', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling({ origin }));
        const { stored: silent } = await store.submit(aFiling());
        await store.setStatus(stored.reference, 'EFFECTIVE', agency);
        await store.setStatus(silent.reference, 'EFFECTIVE', agency);
        await store.setStatus(stored.reference, 'CANCELLED', { actor: { kind: 'person' } });
        const claimed = await store.claimNotices('w1', 10, 60_000);
        expect(claimed).to.deep.equal([
          { id: `${stored.reference}:STATUS:EFFECTIVE`, reference: stored.reference, kind: 'STATUS', status: 'EFFECTIVE', createdAt: '2026-11-24T02:00:00.000Z', attempts: 1 },
        ]);
      });

      it('leases a notice to one worker; after markNoticeSent it is never given again', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling({ origin }));
        await store.setStatus(stored.reference, 'EFFECTIVE', agency);
        const [first, second] = await Promise.all([store.claimNotices('w1', 10, 60_000), store.claimNotices('w2', 10, 60_000)]);
        expect(first!.length + second!.length).to.equal(1);
        const id = [...first!, ...second!][0]!.id;
        expect(await store.claimNotices('w3', 10, 60_000)).to.deep.equal([]);
        const holder = first!.length ? 'w1' : 'w2';
        expect(await store.markNoticeSent(id, holder)).to.equal(true);
        clock.set('2026-11-24T03:00:00.000Z'); // long past the lease
        expect(await store.claimNotices('w3', 10, 60_000)).to.deep.equal([]);
      });

      it('gives a notice again once its lease ran out (a worker died), and after a failure once the retry time has come', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling({ origin }));
        await store.setStatus(stored.reference, 'REJECTED', { ...agency, reason: '材料不全' });
        expect(await store.claimNotices('w1', 10, 30_000)).to.have.length(1);
        clock.set('2026-11-24T02:00:29.000Z');
        expect(await store.claimNotices('w2', 10, 30_000)).to.deep.equal([]);
        clock.set('2026-11-24T02:00:30.000Z');
        const [again] = await store.claimNotices('w2', 10, 30_000);
        expect(again!.attempts).to.equal(2);
        expect(await store.markNoticeFailed(again!.id, 'w2', 60_000)).to.equal(true);
        clock.set('2026-11-24T02:01:29.000Z');
        expect(await store.claimNotices('w2', 10, 30_000)).to.deep.equal([]);
        clock.set('2026-11-24T02:01:30.000Z');
        const [third] = await store.claimNotices('w1', 10, 30_000);
        expect(third!.attempts).to.equal(3);
        expect(await store.markNoticeFailed(third!.id, 'w1', null)).to.equal(true); // given up
        clock.set('2026-11-25T02:00:00.000Z');
        expect(await store.claimNotices('w1', 10, 30_000)).to.deep.equal([]);
      });

      it('lets only the worker holding a notice renew or settle it: once another claimed it after the lease ran out, the first changes nothing', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const { stored } = await store.submit(aFiling({ origin }));
        await store.setStatus(stored.reference, 'EFFECTIVE', agency);
        const [notice] = await store.claimNotices('w1', 10, 30_000);
        const id = notice!.id;
        // Renewed before its delivery: the lease runs 30 s from the renewal, not from the claim.
        clock.set('2026-11-24T02:00:20.000Z');
        expect(await store.renewNoticeLease(id, 'w1', 30_000)).to.equal(true);
        expect(await store.renewNoticeLease(id, 'w2', 30_000)).to.equal(false);
        clock.set('2026-11-24T02:00:49.000Z');
        expect(await store.claimNotices('w2', 10, 30_000)).to.deep.equal([]);
        // w1's delivery outlasted its lease; w2 claims the notice.
        clock.set('2026-11-24T02:00:50.000Z');
        expect((await store.claimNotices('w2', 10, 30_000)).map((n) => n.id)).to.deep.equal([id]);
        expect(await store.renewNoticeLease(id, 'w1', 30_000)).to.equal(false);
        expect(await store.markNoticeSent(id, 'w1')).to.equal(false);
        expect(await store.markNoticeFailed(id, 'w1', null)).to.equal(false);
        // Still w2's, still pending: w1's settles did nothing.
        clock.set('2026-11-24T02:01:30.000Z');
        expect(await store.renewNoticeLease(id, 'w2', 30_000)).to.equal(true);
        expect(await store.markNoticeSent(id, 'w2')).to.equal(true);
        expect(await store.markNoticeSent(id, 'w2')).to.equal(false); // settled once
        expect(await store.renewNoticeLease(id, 'w2', 30_000)).to.equal(false);
        clock.set('2026-11-25T02:00:00.000Z');
        expect(await store.claimNotices('w3', 10, 30_000)).to.deep.equal([]);
      });

      it('claims at most `limit`, oldest first', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const refs: string[] = [];
        for (let i = 0; i < 3; i++) {
          clock.set(new Date(Date.UTC(2026, 10, 24, 2, i)).toISOString());
          const { stored } = await store.submit(aFiling({ origin }));
          await store.setStatus(stored.reference, 'EFFECTIVE', agency);
          refs.push(stored.reference);
        }
        expect((await store.claimNotices('w1', 2, 60_000)).map((n) => n.reference)).to.deep.equal(refs.slice(0, 2));
        expect((await store.claimNotices('w1', 2, 60_000)).map((n) => n.reference)).to.deep.equal(refs.slice(2));
      });

      it('the expiry sweep enqueues one EXPIRING notice per EFFECTIVE temporary filing ending in the window', async () => {
        const clock = manualClock('2026-11-24T02:00:00.000Z');
        const store = await fresh({ now: clock.now });
        const temporary = (endDate: string, withOrigin = true) =>
          aFiling({ category: 'TMP_REFERRAL', filing: { startDate: '2026-11-24', endDate }, ...(withOrigin ? { origin } : {}) });
        const inWindow = (await store.submit(temporary('2026-12-01'))).stored;
        const later = (await store.submit(temporary('2026-12-20'))).stored;
        const noOrigin = (await store.submit(temporary('2026-12-01', false))).stored;
        const notEffective = (await store.submit(temporary('2026-12-01'))).stored;
        for (const f of [inWindow, later, noOrigin]) await store.setStatus(f.reference, 'EFFECTIVE', { actor: { kind: 'system' } });
        await store.claimNotices('w0', 100, 1).then((ns) => Promise.all(ns.map((n) => store.markNoticeSent(n.id, 'w0'))));
        expect(await store.enqueueExpiringNotices('2026-11-24', '2026-12-01')).to.equal(1);
        expect(await store.enqueueExpiringNotices('2026-11-24', '2026-12-01')).to.equal(0);
        const claimed = await store.claimNotices('w1', 10, 60_000);
        expect(claimed.map((n) => [n.reference, n.kind, n.status])).to.deep.equal([[inWindow.reference, 'EXPIRING', 'EFFECTIVE']]);
        expect(notEffective.status).to.equal('SUBMITTED');
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
