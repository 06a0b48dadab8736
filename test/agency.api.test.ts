import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { todayInShanghai } from '../src/domain/calendar.js';
import { hashAgencyKey, parseAgencyKeys } from '../src/agency/keys.js';
import { NATIONAL_FORM_COLUMNS } from '../src/agency/national-form.js';
import { MemoryFilingStore, newReference, type FilingStore } from '../src/filings/index.js';
import { loadConfig } from '../src/config.js';
import { StoreUnavailableError } from '../src/state/errors.js';
import { agency, BACK_OFFICE, DESK, fileOverHttp, startAgencyServer, type AgencyServer } from './support/agency.js';

/**
 * The agency's API over HTTP on a real port, with the real server: a person files over /api/messages,
 * the agency lists, reads, approves or rejects (once per request id) and exports the day as CSV.
 */
const PERSONAL = ['11010519491231002X', '13812345678', '张三'];

describe('agency API /agency/v1/ over HTTP', function () {
  this.timeout(60_000);
  let server: AgencyServer;
  let first: string;
  let second: string;

  before(async () => {
    server = await startAgencyServer();
    first = await fileOverHttp(server.base);
    second = await fileOverHttp(server.base);
  });
  after(async () => {
    await server?.stop();
  });

  it('npm run -s agency:key -- NAME prints a key on its first line and its AGENCY_API_KEYS entry on the second', () => {
    const out = execFileSync('npm', ['run', '-s', 'agency:key', '--', 'desk-9'], { encoding: 'utf8' }).split('\n');
    expect(out[0]).to.match(/^ak_[A-Za-z0-9_-]{43}$/);
    expect(out[1]).to.equal(`desk-9:${hashAgencyKey(out[0]!)}`);
    expect(parseAgencyKeys(out[1]!)).to.deep.equal([{ name: 'desk-9', hash: hashAgencyKey(out[0]!) }]);
    expect(out[1]).to.not.include(out[0]!.slice(3)); // only the hash is configured
  });

  it('refuses a request without a key, with a wrong key, or with a key for another deployment: 401, nothing shown', async () => {
    for (const key of [undefined, 'ak_wrong', `${DESK.key}x`]) {
      const res = await agency(server.base, key, 'GET', '/agency/v1/filings');
      expect(res.status, String(key)).to.equal(401);
      expect(res.json.error.code).to.equal('Unauthorized');
      expect(res.headers.get('www-authenticate')).to.equal('Bearer');
      for (const value of PERSONAL) expect(res.text).to.not.include(value);
    }
  });

  it('lists SUBMITTED filings oldest first with the full record, a page at a time', async () => {
    const all = await agency(server.base, DESK.key, 'GET', '/agency/v1/filings?status=SUBMITTED');
    expect(all.status).to.equal(200);
    expect(all.json.filings.map((f: { reference: string }) => f.reference)).to.deep.equal([first, second]);
    expect(all.json.filings[0].filing.person).to.deep.equal({ name: '张三', idNumber: '11010519491231002X', phone: '13812345678' });
    expect(all.json.filings[0].channel).to.equal('emulator');
    const page1 = await agency(server.base, DESK.key, 'GET', '/agency/v1/filings?limit=1');
    expect(page1.json.filings.map((f: { reference: string }) => f.reference)).to.deep.equal([first]);
    const page2 = await agency(server.base, DESK.key, 'GET', `/agency/v1/filings?limit=1&cursor=${encodeURIComponent(page1.json.nextCursor)}`);
    expect(page2.json.filings.map((f: { reference: string }) => f.reference)).to.deep.equal([second]);
    expect(page2.json.nextCursor).to.equal(undefined);
    const today = todayInShanghai();
    expect((await agency(server.base, DESK.key, 'GET', `/agency/v1/filings?date=${today}`)).json.filings).to.have.length(2);
    expect((await agency(server.base, DESK.key, 'GET', '/agency/v1/filings?date=2020-01-01')).json.filings).to.deep.equal([]);
  });

  it('answers 400 for a bad status, date, limit or cursor', async () => {
    for (const query of ['status=APPROVED', 'date=2026-13-01', 'limit=0', 'limit=abc', 'cursor=nonsense']) {
      const res = await agency(server.base, DESK.key, 'GET', `/agency/v1/filings?${query}`);
      expect(res.status, query).to.equal(400);
      expect(res.json.error.code).to.equal('BadArgument');
    }
  });

  it('gives one filing in full with its history; 404 for an unknown or malformed reference', async () => {
    const res = await agency(server.base, DESK.key, 'GET', `/agency/v1/filings/${first.toLowerCase()}`);
    expect(res.status).to.equal(200);
    expect(res.json).to.deep.include({ reference: first, status: 'SUBMITTED', category: 'TMP_OTHER' });
    expect(res.json.history).to.have.length(1);
    expect(res.json.history[0]).to.deep.include({ from: null, to: 'SUBMITTED', actor: { kind: 'person' } });
    expect(res.json).to.not.have.property('origin'); // the conversation reference stays inside
    expect((await agency(server.base, DESK.key, 'GET', `/agency/v1/filings/${newReference()}`)).status).to.equal(404);
    expect((await agency(server.base, DESK.key, 'GET', '/agency/v1/filings/hello')).status).to.equal(404);
  });

  it('approves once per request id; a retry returns the same filing, another decision is a 409; every change is in the history', async () => {
    const path = `/agency/v1/filings/${first}/status`;
    expect((await agency(server.base, DESK.key, 'POST', path, { status: 'EFFECTIVE' })).status, 'no request id').to.equal(400);
    expect((await agency(server.base, DESK.key, 'POST', path, { status: 'REJECTED', requestId: 'r-0' })).status, 'no reason').to.equal(400);
    expect((await agency(server.base, DESK.key, 'POST', path, { status: 'CANCELLED', requestId: 'r-0' })).status, 'not the agency\'s').to.equal(400);
    expect((await agency(server.base, DESK.key, 'POST', path, { status: 'EFFECTIVE', requestId: 'r-0', extra: 1 })).status, 'unknown field').to.equal(400);
    const approved = await agency(server.base, DESK.key, 'POST', path, { status: 'EFFECTIVE', requestId: 'r-1' });
    expect(approved.status).to.equal(200);
    expect(approved.json.status).to.equal('EFFECTIVE');
    const retry = await agency(server.base, DESK.key, 'POST', path, { status: 'EFFECTIVE' }, { 'idempotency-key': 'r-1' });
    expect(retry.status).to.equal(200);
    expect(retry.json).to.deep.equal(approved.json);
    const conflict = await agency(server.base, BACK_OFFICE.key, 'POST', path, { status: 'REJECTED', reason: '重复', requestId: 'r-2' });
    expect(conflict.status).to.equal(409);
    expect(conflict.json.error.code).to.equal('Conflict');
    const read = await agency(server.base, BACK_OFFICE.key, 'GET', `/agency/v1/filings/${first}`);
    expect(read.json.history.map((e: { to: string }) => e.to)).to.deep.equal(['SUBMITTED', 'EFFECTIVE']);
    expect(read.json.history[1]).to.deep.include({ from: 'SUBMITTED', to: 'EFFECTIVE', actor: { kind: 'agency', name: 'review-desk-1' }, requestId: 'r-1' });
  });

  it('rejects with the reason in the history', async () => {
    const res = await agency(server.base, BACK_OFFICE.key, 'POST', `/agency/v1/filings/${second}/status`, { status: 'REJECTED', reason: '就医地址与证明不一致', requestId: 'r-3' });
    expect(res.status).to.equal(200);
    expect(res.json.history.at(-1)).to.deep.include({ to: 'REJECTED', reason: '就医地址与证明不一致', actor: { kind: 'agency', name: 'back-office' } });
  });

  it('exports the day as CSV in the national form layout: the platform columns, one row per filing, in full', async () => {
    const today = todayInShanghai();
    const res = await agency(server.base, DESK.key, 'GET', `/agency/v1/exports/${today}.csv`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).to.equal(`attachment; filename="filings-${today}.csv"`);
    const lines = res.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).to.equal(NATIONAL_FORM_COLUMNS.join(','));
    expect(lines).to.have.length(3);
    const row = Object.fromEntries(NATIONAL_FORM_COLUMNS.map((c, i) => [c, lines[1]!.split(',')[i]]));
    expect(row).to.deep.include({ reference: first, status: 'EFFECTIVE', psn_name: '张三', certno: '11010519491231002X', gend: '2', brdy: '1949-12-31', tel: '13812345678', psn_cert_type: '01', filing_category: 'TMP_OTHER' });
    expect(row['insu_admdvs']).to.equal('371100');
    expect((await agency(server.base, DESK.key, 'GET', '/agency/v1/exports/2020-01-01.csv')).text.replace(/^\uFEFF/, '').trimEnd().split('\r\n')).to.have.length(1);
    expect((await agency(server.base, DESK.key, 'GET', '/agency/v1/exports/yesterday.csv')).status).to.equal(400);
  });

  it('logs who changed what, never a personal field, the reason or a key', () => {
    const text = server.logLines.join('\n');
    expect(text).to.include('"agency":"review-desk-1"');
    expect(text).to.include('agency status change');
    for (const value of [...PERSONAL, '就医地址与证明不一致', DESK.key, BACK_OFFICE.key]) expect(text, value).to.not.include(value);
  });

  it('answers 429 after too many refused keys from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await agency(server.base, `ak_guess${i}`, 'GET', '/agency/v1/filings')).status);
    expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]); // three were refused before, ten in all
    expect(statuses.at(-1)).to.equal(429);
  });
});

describe('agency API without AGENCY_API_KEYS', function () {
  this.timeout(30_000);
  it('answers 503 and says why', async () => {
    const server = await startAgencyServer({ AGENCY_API_KEYS: '' });
    try {
      const res = await agency(server.base, DESK.key, 'GET', '/agency/v1/filings');
      expect(res.status, res.text).to.equal(503);
      expect(res.json.error.message).to.include('AGENCY_API_KEYS');
    } finally {
      await server.stop();
    }
  });
});

describe('agency configuration', () => {
  it('AGENCY_API_KEYS must be NAME:HASH entries from agency:key, names unique; a mistake names the variable, never the value', async () => {
    expect(loadConfig({ AGENCY_API_KEYS: `${DESK.entry}, ${BACK_OFFICE.entry}` }).agency.keys.map((k) => k.name)).to.deep.equal(['review-desk-1', 'back-office']);
    for (const bad of [DESK.key, 'desk', `${DESK.entry},${DESK.entry}`, `bad name:${DESK.entry.split(':')[1]}`]) {
      const err = (() => {
        try {
          loadConfig({ AGENCY_API_KEYS: bad });
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(err?.message, bad).to.match(/AGENCY_API_KEYS must be comma-separated NAME:HASH entries/);
      expect(err?.message).to.not.include(DESK.key);
    }
    expect(loadConfig({}).agency).to.deep.equal({ keys: [], sessionTtlSeconds: 28_800 });
    expect(loadConfig({}).notices).to.deep.equal({ pollMs: 5_000, expiryDays: 7 });
  });
});

describe('agency API while the filing store is away', function () {
  this.timeout(30_000);
  it('answers 503 with Retry-After, and the worker and the API each warn without data', async () => {
    const memory = new MemoryFilingStore();
    const away = () => Promise.reject(new StoreUnavailableError('filings.list', 'not-connected'));
    const filings: FilingStore = {
      submit: (i) => memory.submit(i),
      findByIdNumber: (n) => memory.findByIdNumber(n),
      setStatus: (...a) => memory.setStatus(...a),
      renewNoticeLease: (...a) => memory.renewNoticeLease(...a),
      markNoticeSent: (...a) => memory.markNoticeSent(...a),
      markNoticeFailed: (...a) => memory.markNoticeFailed(...a),
      reseal: () => memory.reseal(),
      ping: () => memory.ping(),
      close: () => memory.close(),
      list: away,
      get: away,
      claimNotices: away,
      enqueueExpiringNotices: away,
    };
    const server = await startAgencyServer({ NOTICES_POLL_MS: '100' }, { filings });
    try {
      const res = await agency(server.base, DESK.key, 'GET', '/agency/v1/filings');
      expect(res.status, res.text).to.equal(503);
      expect(res.headers.get('retry-after')).to.equal('5');
      expect(res.json.error.code).to.equal('ServiceUnavailable');
      expect((await agency(server.base, DESK.key, 'GET', `/agency/v1/filings/${newReference()}`)).status).to.equal(503);
      await new Promise((r) => setTimeout(r, 300));
      const warned = server.logLines.filter((l) => /"level":40/.test(l));
      expect(warned.some((l) => l.includes('agency request failed'))).to.equal(true);
      expect(warned.filter((l) => l.includes('notices: a poll failed'))).to.have.length(1); // once a minute, not every poll
    } finally {
      await server.stop();
    }
  });
});
