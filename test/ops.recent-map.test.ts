import { expect } from 'chai';
import { RecentMap } from '../src/ops/recent-map.js';

/** RecentMap: the entries set most recently, at most `max`; one more drops the one set longest ago. */
describe('RecentMap (the most recently set entries, bounded)', () => {
  it('keeps at most max entries: one more drops the one set longest ago', () => {
    const map = new RecentMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) map.set(key, i);
    expect(map.size).to.equal(3);
    expect([map.get('a'), map.get('b'), map.get('c'), map.get('d')]).to.deep.equal([undefined, 1, 2, 3]);
  });

  it('setting an entry again makes it the most recent; reading does not', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3); // a is now the most recent
    map.get('b'); // reading b does not keep it
    map.set('c', 4);
    expect([map.has('a'), map.has('b'), map.has('c')]).to.deep.equal([true, false, true]);
    expect(map.get('a')).to.equal(3);
  });

  it('stays bounded whatever is set', () => {
    const map = new RecentMap<number, number>(64);
    for (let i = 0; i < 10_000; i += 1) map.set(i, i);
    expect(map.size).to.equal(64);
    expect(map.get(9_999)).to.equal(9_999);
    expect(map.get(9_935)).to.equal(undefined);
  });

  it('delete forgets an entry; a map that keeps nothing is refused', () => {
    const map = new RecentMap<string, number>(1);
    map.set('a', 1);
    expect(map.delete('a')).to.equal(true);
    expect(map.size).to.equal(0);
    expect(() => new RecentMap(0)).to.throw(RangeError);
  });
});
