import { expect } from 'chai';
import { throttledWarning } from '../src/ops/throttled-warning.js';

describe('ops: a repeating warning is logged at most once per interval', () => {
  it('logs the first, holds back the repeats, and counts them on the next line', () => {
    let clock = 0;
    const lines: Array<[string, number]> = [];
    const warn = throttledWarning<string>(30_000, (detail, heldBack) => lines.push([detail, heldBack]), () => clock);
    for (let i = 0; i < 12; i += 1) {
      warn(`attempt ${i}`);
      clock += 1_000;
    }
    clock += 30_000;
    warn('later');
    expect(lines).to.deep.equal([
      ['attempt 0', 0],
      ['later', 11],
    ]);
  });
});
