import { expect } from 'chai';
import { ExpiringMap } from '../src/ops/expiring-map.js';

/** ExpiringMap: entries live a fixed time after they were last set, gone once read after it, swept on writes. */
describe('ExpiringMap (entries that live a while after they were set)', () => {
  const clock = () => {
    let t = 1_000;
    return { now: () => t, pass: (ms: number) => void (t += ms) };
  };

  it('an entry lives ttlMs after it was set, to the millisecond; read after, it is gone', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<string, number>(100, now);
    map.set('a', 1);
    pass(99);
    expect(map.get('a')).to.equal(1);
    pass(1);
    expect(map.get('a')).to.equal(undefined);
    expect(map.size, 'dropped when read').to.equal(0);
  });

  it('setting an entry again gives it its whole time again', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<string, number>(100, now);
    map.set('a', 1);
    pass(80);
    map.set('a', 2);
    pass(80);
    expect(map.get('a')).to.equal(2);
  });

  it('a write drops the expired nobody asks for, and only those (set again, an older entry moves behind the younger)', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<string, number>(100, now);
    map.set('a', 1);
    pass(10);
    map.set('b', 2);
    pass(10);
    map.set('a', 3); // now behind b
    pass(90); // b, set 100 ago, expired; a, set again 90 ago, lives
    map.set('c', 4);
    expect(map.size).to.equal(2);
    expect([map.get('a'), map.get('b'), map.get('c')]).to.deep.equal([3, undefined, 4]);
  });

  it('many entries expired at once go with the next write', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<number, number>(100, now);
    for (let i = 0; i < 1000; i += 1) map.set(i, i);
    pass(100);
    map.set(-1, -1);
    expect(map.size).to.equal(1);
  });

  it('a lifetime that is not one (zero, negative, NaN, Infinity) is refused', () => {
    for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new ExpiringMap(ttlMs), String(ttlMs)).to.throw(RangeError);
  });

  it('reading never sweeps: an expired entry nobody asks for stays counted until the next write', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<string, number>(100, now);
    map.set('a', 1);
    map.set('b', 2);
    pass(100);
    expect(map.get('b')).to.equal(undefined);
    expect(map.size, 'b dropped as read, a not yet').to.equal(1);
    map.set('c', 3);
    expect(map.size).to.equal(1);
  });

  it('an entry set with its own lifetime lives that long, whatever the map\'s', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<string, number>(100, now);
    map.set('short', 1, 10);
    map.set('long', 2, 1_000);
    map.set('default', 3);
    pass(10);
    expect(map.get('short')).to.equal(undefined);
    pass(90);
    expect([map.get('default'), map.get('long')]).to.deep.equal([undefined, 2]);
    pass(899);
    expect(map.get('long')).to.equal(2);
    pass(1);
    expect(map.get('long')).to.equal(undefined);
  });

  it('without a lifetime of its own, each set gives one; a set without one, or with one that is not one, is refused', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<string, number>(undefined, now);
    map.set('a', 1, 50);
    pass(49);
    expect(map.get('a')).to.equal(1);
    pass(1);
    expect(map.get('a')).to.equal(undefined);
    expect(() => map.set('b', 2)).to.throw(RangeError);
    for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => map.set('b', 2, ttlMs), String(ttlMs)).to.throw(RangeError);
    expect(map.size).to.equal(0);
  });

  it('lifetimes that differ: an expired entry behind one that lives goes once that one has (held no longer than the longest lifetime)', () => {
    const { now, pass } = clock();
    const map = new ExpiringMap<number, number>(undefined, now);
    map.set(0, 0, 100);
    for (let i = 1; i <= 10; i += 1) map.set(i, i, 10);
    pass(10);
    map.set(11, 11, 10);
    expect(map.size, 'behind the entry that lives').to.equal(12);
    pass(90);
    map.set(12, 12, 10);
    expect(map.size).to.equal(1);
  });

  it('delete forgets an entry at once', () => {
    const map = new ExpiringMap<string, number>(100);
    map.set('a', 1);
    expect(map.delete('a')).to.equal(true);
    expect(map.get('a')).to.equal(undefined);
    expect(map.delete('a')).to.equal(false);
  });
});
