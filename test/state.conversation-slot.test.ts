import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { conversationDigest, conversationTag } from '../src/state/conversation-slot.js';

/** node:crypto as every module sees it (its ES module exports are synced from this object). */
const crypto = createRequire(import.meta.url)('node:crypto') as { hash: (...args: unknown[]) => unknown };

/** Runs `use` with node:crypto's one-shot `hash` counted; returns how many times it was called. */
export function countingHashes(use: () => void): number {
  const original = crypto.hash;
  let calls = 0;
  crypto.hash = (...args: unknown[]) => ((calls += 1), original(...args));
  syncBuiltinESMExports();
  try {
    use();
  } finally {
    crypto.hash = original;
    syncBuiltinESMExports();
  }
  return calls;
}

describe('a conversation\'s digest in key names', () => {
  it('is the first 32 hex digits of its SHA-256, the tag in braces (the names Redis already holds)', () => {
    const name = 'webchat/Conv-1';
    const sha = createHash('sha256').update(name).digest('hex').slice(0, 32);
    expect(conversationDigest(name)).to.equal(sha);
    expect(conversationTag(name)).to.equal(`{${sha}}`);
  });

  it('is digested once for a name asked again (a turn asks for its tag two or three times, its next turn the same)', () => {
    const name = `msteams/${Math.random()}`;
    const first = countingHashes(() => conversationTag(name));
    expect(first).to.equal(1);
    const again = countingHashes(() => {
      for (let i = 0; i < 5; i += 1) expect(conversationTag(name)).to.equal(conversationTag(name));
      conversationDigest(name);
    });
    expect(again).to.equal(0);
  });

  it('keeps only the names digested lately: memory stays bounded whatever conversations come', () => {
    const early = `test/early-${Math.random()}`;
    conversationDigest(early);
    for (let i = 0; i < 5000; i += 1) conversationDigest(`test/many-${i}-${Math.random()}`);
    expect(countingHashes(() => conversationDigest(early))).to.equal(1);
  });
});
