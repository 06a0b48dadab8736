import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { FileSmsSender } from '../src/identity/file-sms-sender.js';
import { HttpSmsSender } from '../src/identity/http-sms-sender.js';
import { IdentityCheck, type IdentityOutcome } from '../src/identity/identity-check.js';
import { identityMetrics } from '../src/identity/identity-metrics.js';
import { MemoryIdentityStore, RedisIdentityStore, type IdentityStore } from '../src/identity/identity-store.js';
import { SmsSendError, type SmsMessage, type SmsSender } from '../src/identity/sms-sender.js';
import { SharedRedis } from './support/redis.js';

/**
 * The identity check's parts (src/identity/): one-time codes kept only as hashes with an expiry, failed
 * attempts per filing, conversation and address with a lockout that expires — in memory and in a real
 * Redis shared by two instances — and the two SMS senders (a file for the operator; an HTTP provider on a
 * real port).
 */

const KEY = Buffer.alloc(32, 7);
const ALICE = { reference: 'YD20261124-7K3Q9M', conversation: 'web:conv-a', address: '203.0.113.9' };

class Phone implements SmsSender {
  readonly kind = 'test';
  readonly received: SmsMessage[] = [];
  async send(message: SmsMessage): Promise<void> {
    this.received.push(message);
  }
  get lastCode(): string {
    return /\d{6}/.exec(this.received.at(-1)?.text ?? '')?.[0] ?? '';
  }
}

function contract(name: string, makeStores: () => Promise<{ a: IdentityStore; b: IdentityStore; clock?: { ms: number } }>): void {
  describe(`identity check on ${name}`, () => {
    let phone: Phone;
    let outcomes: IdentityOutcome[];
    let stores: { a: IdentityStore; b: IdentityStore };
    const check = (store: IdentityStore, limits = {}) => new IdentityCheck({ store, sms: phone, key: KEY, limits, onOutcome: (o) => outcomes.push(o) });

    beforeEach(async () => {
      phone = new Phone();
      outcomes = [];
      stores = await makeStores();
    });

    it('a code sent by one instance is verified by another, once; it is kept only as a hash', async () => {
      expect(await check(stores.a).sendCode(ALICE, '13812345678', (code) => `code ${code}`)).to.equal('sent');
      expect(phone.received[0]).to.deep.include({ to: '13812345678', purpose: 'code' });
      const code = phone.lastCode;
      expect(code).to.match(/^\d{6}$/);
      expect(await check(stores.b).verify(ALICE, code)).to.deep.equal({ status: 'verified' });
      expect(await check(stores.b).verify(ALICE, code), 'a code works once').to.deep.equal({ status: 'expired' });
      expect(outcomes).to.deep.equal(['code_sent', 'verified', 'code_expired']);
    });

    it('a code is bound to its filing and conversation: another conversation cannot use it', async () => {
      await check(stores.a).sendCode(ALICE, '13812345678', (code) => code);
      expect(await check(stores.a).verify({ ...ALICE, conversation: 'web:conv-b' }, phone.lastCode)).to.deep.equal({ status: 'expired' });
    });

    it('five wrong codes lock the filing and the conversation out, for new codes and new conversations too', async () => {
      await check(stores.a).sendCode(ALICE, '13812345678', (code) => code);
      const wrong = phone.lastCode === '000000' ? '111111' : '000000';
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await check(i % 2 ? stores.a : stores.b).verify(ALICE, wrong));
      expect(results.slice(0, 4)).to.deep.equal([4, 3, 2, 1].map((remaining) => ({ status: 'wrong', remaining })));
      expect(results[4]!.status).to.equal('locked');
      expect(await check(stores.a).lockedFor(ALICE)).to.be.greaterThan(0);
      expect(await check(stores.b).lockedFor({ reference: ALICE.reference, conversation: 'wechat:someone-else' }), 'the filing is locked for everyone').to.be.greaterThan(0);
      expect(await check(stores.a).sendCode(ALICE, '13812345678', (code) => code)).to.equal('locked');
      expect(outcomes.filter((o) => o === 'locked_out')).to.have.length(1);
      expect(outcomes.at(-1)).to.equal('refused_locked');
    });

    it('twelve conversations guessing on one filing at once: no more than five guesses are compared, then it is locked', async () => {
      const target = { reference: 'YD20261124-CCCCCC', conversation: 'web:another' };
      const guessers = Array.from({ length: 12 }, (_, i) => ({ reference: target.reference, conversation: `web:guess-${i}` }));
      const codes: string[] = [];
      for (const g of guessers) {
        await check(stores.a, { maxCodes: 100 }).sendCode(g, '13812345678', (code) => code);
        codes.push(phone.lastCode);
      }
      outcomes = [];
      // Eleven wrong guesses and, last, the right code of its conversation, all at the same moment on both instances.
      const typed = codes.map((code, i) => (i === 11 ? code : code === '000000' ? '111111' : '000000'));
      const results = await Promise.all(guessers.map((g, i) => check(i % 2 ? stores.a : stores.b).verify(g, typed[i]!)));
      const compared = outcomes.filter((o) => o === 'code_wrong' || o === 'verified');
      expect(compared.length, 'guesses compared').to.be.at.most(5);
      expect(results.filter((r) => r.status === 'locked')).to.have.length.at.least(7);
      if (!results.some((r) => r.status === 'verified')) expect(await check(stores.a).lockedFor(target)).to.be.greaterThan(0);
    });

    it('codes sent are limited per filing, per conversation and per address over the window, counted before sending', async () => {
      const c = check(stores.a, { maxCodes: 3, maxCodesPerAddress: 4 });
      const filing = { reference: 'YD20261124-SSSSSS', conversation: 'web:send-1', address: '198.51.100.77' };
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await c.sendCode(filing, '13812345678', (code) => code));
      expect(results).to.deep.equal(['sent', 'sent', 'sent', 'limited']);
      expect(phone.received).to.have.length(3);
      expect(outcomes.at(-1)).to.equal('code_limited');
      expect(await c.codesPausedFor(filing)).to.be.greaterThan(0);
      // Another conversation on the same filing, and the same conversation on another filing, are limited too.
      expect(await c.sendCode({ ...filing, conversation: 'web:send-2', address: '198.51.100.78' }, '13812345678', (code) => code)).to.equal('limited');
      expect(await c.sendCode({ ...filing, reference: 'YD20261124-TTTTTT', address: '198.51.100.79' }, '13812345678', (code) => code)).to.equal('limited');
      // One address, many filings and conversations at once: no more than its limit are sent.
      const many = await Promise.all(
        Array.from({ length: 8 }, (_, i) => c.sendCode({ reference: `YD20261124-A${i}AAAA`, conversation: `web:addr-${i}`, address: '198.51.100.80' }, '13812345678', (code) => code)),
      );
      expect(many.filter((r) => r === 'sent')).to.have.length(4);
      expect(phone.received).to.have.length(7);
    });

    it('mismatched details count too; the per-address limit is its own', async () => {
      const c = check(stores.a, { maxAttempts: 3, maxAttemptsPerAddress: 2 });
      expect(await c.mismatch({ conversation: 'one', address: '198.51.100.1' })).to.equal(0);
      expect(await c.mismatch({ conversation: 'two', address: '198.51.100.1' })).to.be.greaterThan(0);
      expect(await c.lockedFor({ conversation: 'three', address: '198.51.100.1' }), 'the address is locked').to.be.greaterThan(0);
      expect(await c.lockedFor({ conversation: 'three', address: '198.51.100.2' })).to.equal(0);
    });

    it('a lockout expires', async function () {
      const c = check(stores.a, { maxAttempts: 1, lockoutMs: 300 });
      expect(await c.mismatch({ conversation: 'short' })).to.be.greaterThan(0);
      expect(await c.lockedFor({ conversation: 'short' })).to.be.greaterThan(0);
      await new Promise((r) => setTimeout(r, 450));
      expect(await c.lockedFor({ conversation: 'short' })).to.equal(0);
    });

    it('a provider that refuses leaves no code behind', async () => {
      const failing = new IdentityCheck({ store: stores.a, sms: { kind: 'down', send: async () => Promise.reject(new SmsSendError('down')) }, key: KEY, onOutcome: (o) => outcomes.push(o) });
      const bob = { reference: 'YD20261124-BBBBBB', conversation: 'web:conv-bob', address: '192.0.2.50' };
      expect(await failing.sendCode(bob, '13812345678', (code) => code)).to.equal('send_failed');
      expect(await failing.verify(bob, '123456')).to.deep.equal({ status: 'expired' });
    });
  });
}

contract('the embedded store (one process)', async () => {
  const store = new MemoryIdentityStore();
  return { a: store, b: store };
});

describe('identity check on Redis', () => {
  const redis = new SharedRedis('identity');
  after(() => redis.cleanUp());
  contract('Redis, two instances', async () => ({
    a: new RedisIdentityStore(await redis.readyClient(), `${redis.prefix}identity:`),
    b: new RedisIdentityStore(await redis.readyClient(), `${redis.prefix}identity:`),
  }));

  it('keeps no code, phone or ID number in Redis: only hashes, references and counts', async () => {
    const client = await redis.readyClient();
    const phone = new Phone();
    const c = new IdentityCheck({ store: new RedisIdentityStore(client, `${redis.prefix}identity:`), sms: phone, key: KEY });
    await c.sendCode({ ...ALICE, conversation: 'web:privacy' }, '13812345678', (code) => code);
    await c.mismatch({ ...ALICE, conversation: 'web:privacy' });
    const keys = await client.keys(`${redis.prefix}identity:*`);
    const values = await Promise.all(keys.map((k) => client.get(k)));
    const all = [...keys, ...values].join('\n');
    for (const secret of [phone.lastCode, '13812345678', 'web:privacy', ALICE.address]) expect(all).to.not.contain(secret);
  });
});

describe('identity_checks_total', () => {
  it('counts outcomes on the app registry, every outcome from 0', async () => {
    const registry = new Registry();
    const count = identityMetrics(registry);
    count('verified');
    const text = await registry.metrics();
    expect(text).to.match(/identity_checks_total\{outcome="verified"\} 1/);
    expect(text).to.match(/identity_checks_total\{outcome="locked_out"\} 0/);
  });
});

describe('SMS senders', () => {
  it('the file sender appends one JSON line per message to a file only its owner reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-'));
    try {
      const path = join(dir, 'nested', 'sms.jsonl');
      const sender = new FileSmsSender(path, () => new Date('2026-11-24T08:00:00Z'));
      await sender.send({ to: '13812345678', text: 'code 123456', purpose: 'code' });
      await sender.send({ to: '13912345678', text: 'ref', purpose: 'reference' });
      const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
      expect(lines).to.deep.equal([
        { at: '2026-11-24T08:00:00.000Z', to: '13812345678', purpose: 'code', text: 'code 123456' },
        { at: '2026-11-24T08:00:00.000Z', to: '13912345678', purpose: 'reference', text: 'ref' },
      ]);
      expect(statSync(path).mode & 0o077).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the HTTP sender, against a provider on a real port', () => {
    let server: Server;
    let url: string;
    let status = 200;
    const seen: Array<{ headers: IncomingMessage['headers']; body: unknown }> = [];
    before(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          seen.push({ headers: req.headers, body: JSON.parse(body) as unknown });
          // (Not chained: restify, loaded by other tests in the same process, patches writeHead to return nothing.)
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end('{}');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/send`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('POSTs {to, text, purpose} as JSON with the configured header', async () => {
      status = 200;
      await new HttpSmsSender({ url, authHeader: { name: 'Authorization', value: 'Bearer t0k' } }).send({ to: '13812345678', text: '验证码 123456', purpose: 'code' });
      expect(seen.at(-1)!.body).to.deep.equal({ to: '13812345678', text: '验证码 123456', purpose: 'code' });
      expect(seen.at(-1)!.headers['authorization']).to.equal('Bearer t0k');
      expect(seen.at(-1)!.headers['content-type']).to.equal('application/json');
    });

    it('a refusal is an SmsSendError naming the status only, never the number or the words', async () => {
      status = 503;
      let error: unknown;
      try {
        await new HttpSmsSender({ url }).send({ to: '13812345678', text: '验证码 654321', purpose: 'code' });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(SmsSendError);
      expect(String((error as Error).message)).to.contain('503').and.not.contain('13812345678').and.not.contain('654321');
    });
  });
});
