import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { DESK, startAgencyServer, type AgencyServer } from './support/agency.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';

/**
 * Review page sessions live in the state store: with REDIS_URL, a sign-in on one instance holds on another,
 * and signing out on one ends it on all; Redis keeps only the hash of the session id.
 */
describe('agency review sessions on Redis, across two instances', function () {
  this.timeout(30_000);
  const shared = new SharedRedis('agency');
  let redis: Redis;
  let a: AgencyServer;
  let b: AgencyServer;

  before(async () => {
    redis = await shared.readyClient();
    const env = { REDIS_URL, REDIS_KEY_PREFIX: shared.prefix };
    a = await startAgencyServer(env);
    b = await startAgencyServer(env);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await shared.cleanUp();
  });

  it('signed in on one instance, the session works on the other; signing out there ends it everywhere', async () => {
    const signIn = await fetch(`${a.base}/agency/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: DESK.key }) });
    expect(signIn.status).to.equal(200);
    const { csrf } = (await signIn.json()) as { csrf: string };
    const id = /agency_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
    const cookie = `agency_session=${id}`;

    const onB = await fetch(`${b.base}/agency/session`, { headers: { cookie } });
    expect(onB.status).to.equal(200);
    expect(await onB.json()).to.deep.include({ name: 'review-desk-1', csrf });
    expect((await fetch(`${b.base}/agency/v1/filings`, { headers: { cookie } })).status).to.equal(200);

    const keys = await redis.keys(`${shared.prefix}*`);
    expect(keys.some((k) => k.includes('agency/session/'))).to.equal(true);
    expect(keys.join()).to.not.include(id);

    expect((await fetch(`${b.base}/agency/session`, { method: 'DELETE', headers: { cookie } })).status, 'no CSRF token').to.equal(403);
    expect((await fetch(`${b.base}/agency/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } })).status).to.equal(200);
    expect((await fetch(`${a.base}/agency/session`, { headers: { cookie } })).status).to.equal(401);
    expect((await fetch(`${a.base}/agency/v1/filings`, { headers: { cookie } })).status).to.equal(401);
  });
});
