import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { WebAccessStore } from '../src/channels/web/index.js';

/** What every WebAccessStore promises: single-use stream tickets, first-come revocations. */
export function webAccessContract(name: string, make: () => WebAccessStore | Promise<WebAccessStore>) {
  describe(`${name}: the web access store contract`, () => {
    let access: WebAccessStore;
    const conversation = () => `c${randomBytes(8).toString('hex')}`;
    const claimsFor = (conversationId: string) => ({ conversationId, userId: 'dl_person', expiresAt: Math.floor(Date.now() / 1000) + 1800 });
    beforeEach(async () => {
      access = await make();
    });

    it('a ticket gives its claims once, and never again', async () => {
      const id = conversation();
      const ticket = await access.issueTicket(claimsFor(id), 60);
      expect(ticket).to.match(/^[\w-]{43}$/);
      expect(await access.takeTicket(id, ticket)).to.deep.equal(claimsFor(id));
      expect(await access.takeTicket(id, ticket)).to.equal(undefined);
    });

    it('of many takers of one ticket at once, exactly one gets it', async () => {
      const id = conversation();
      const ticket = await access.issueTicket(claimsFor(id), 60);
      const taken = await Promise.all(Array.from({ length: 10 }, () => access.takeTicket(id, ticket)));
      expect(taken.filter((t) => t !== undefined)).to.have.length(1);
    });

    it('a ticket opens only its own conversation; made-up and malformed tickets open nothing', async () => {
      const [a, b] = [conversation(), conversation()];
      const ticket = await access.issueTicket(claimsFor(a), 60);
      expect(await access.takeTicket(b, ticket)).to.equal(undefined);
      for (const bad of ['', 'x', 'A'.repeat(43), `${ticket}x`, '../../etc', 'a b'.repeat(15)]) expect(await access.takeTicket(a, bad), bad).to.equal(undefined);
      expect(await access.takeTicket(a, ticket), 'still there for its own conversation').to.deep.equal(claimsFor(a));
    });

    it('a ticket past its lifetime opens nothing', async () => {
      const id = conversation();
      const ticket = await access.issueTicket(claimsFor(id), 1);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await access.takeTicket(id, ticket)).to.equal(undefined);
    });

    it('revoking a token: the first revocation says so, a second does not; other tokens and conversations are untouched', async () => {
      const [a, b] = [conversation(), conversation()];
      const until = Math.floor(Date.now() / 1000) + 600;
      expect(await access.isRevoked(a, 'token-1')).to.equal(false);
      expect(await access.revoke(a, 'token-1', until)).to.equal(true);
      expect(await access.revoke(a, 'token-1', until)).to.equal(false);
      expect(await access.isRevoked(a, 'token-1')).to.equal(true);
      expect(await access.isRevoked(a, 'token-2')).to.equal(false);
      expect(await access.isRevoked(b, 'token-1')).to.equal(false);
    });

    it('of many revocations of one token at once, exactly one is first', async () => {
      const id = conversation();
      const results = await Promise.all(Array.from({ length: 10 }, () => access.revoke(id, 'token-race', Math.floor(Date.now() / 1000) + 600)));
      expect(results.filter(Boolean)).to.have.length(1);
    });
  });
}

