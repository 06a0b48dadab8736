import { expect } from 'chai';
import { WebTokens } from '../src/channels/web/index.js';
import { TEST_SECRET } from './channels.web.fixtures.js';

/**
 * Web channel tokens as verify() answers them when it has seen the token before (it remembers correctly
 * signed tokens, so that a page's every poll does not repeat the HMAC): expiry is still checked on each
 * use, and only the exact token string is remembered.
 */
describe('web channel tokens: a token verified before', () => {
  it('expires on time, goes through the grace for reconnect, and is refused after it', () => {
    let now = Date.UTC(2026, 11, 6, 8, 0, 0);
    const tokens = new WebTokens(TEST_SECRET, 60, () => now);
    const { token } = tokens.issue('conversation-t1', 'dl_user');
    const first = tokens.verify(token);
    expect(first).to.deep.include({ ok: true });
    expect(tokens.verify(token)).to.deep.equal(first);
    now += 61_000;
    expect(tokens.verify(token)).to.deep.equal({ ok: false, error: 'token_expired' });
    expect(tokens.verify(token, { expiredUpToSeconds: 120 })).to.deep.include({ ok: true, expired: true });
    now += 120_000;
    expect(tokens.verify(token, { expiredUpToSeconds: 120 })).to.deep.equal({ ok: false, error: 'token_expired' });
  });

  it('a copy with its signature or claims changed is not taken for it', () => {
    const tokens = new WebTokens(TEST_SECRET);
    const { token } = tokens.issue('conversation-t2', 'dl_user');
    expect(tokens.verify(token).ok).to.equal(true);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    expect(tokens.verify(`${header}.${payload}.${flipped}`)).to.deep.equal({ ok: false, error: 'token_invalid' });
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), conv: 'conversation-t3' })).toString('base64url');
    expect(tokens.verify(`${header}.${other}.${signature}`)).to.deep.equal({ ok: false, error: 'token_invalid' });
    expect(tokens.verify(`${token} `)).to.deep.equal({ ok: false, error: 'token_invalid' });
    expect(tokens.verify(token).ok).to.equal(true);
  });
});

describe('web channel tokens: one token, one spelling', () => {
  it('a signature written another way that decodes to the same bytes (padding, a last character\'s unused bits) is refused: a revoked token cannot come back under another id', () => {
    const tokens = new WebTokens(TEST_SECRET);
    const { token } = tokens.issue('conversation-t4', 'dl_user');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    // 32 bytes are 43 characters: the last one carries 4 bits, its 2 low bits are unused.
    const sibling = alphabet[last ^ 1]!;
    expect(Buffer.from(`${signature.slice(0, -1)}${sibling}`, 'base64url')).to.deep.equal(Buffer.from(signature, 'base64url'));
    for (const variant of [`${signature.slice(0, -1)}${sibling}`, `${signature}=`, `${signature} `]) {
      expect(tokens.verify(`${header}.${payload}.${variant}`), variant).to.deep.equal({ ok: false, error: 'token_invalid' });
    }
    expect(tokens.verify(token).ok).to.equal(true);
  });
});
