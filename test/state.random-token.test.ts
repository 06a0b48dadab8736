import { expect } from 'chai';
import { randomToken } from '../src/state/random-token.js';

describe('state: random tokens from a pool', () => {
  it('gives base64url tokens of the asked length, all different, across refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const token = randomToken(i % 2 ? 9 : 12);
      expect(token).to.match(i % 2 ? /^[A-Za-z0-9_-]{12}$/ : /^[A-Za-z0-9_-]{16}$/);
      seen.add(token);
    }
    expect(seen.size).to.equal(2000);
    expect(() => randomToken(5000)).to.throw(RangeError);
  });
});
