import { expect } from 'chai';
import { Texts } from '../../src/content/texts.js';
import { agency, DESK, fileOverHttp, type AgencyServer } from '../support/agency.js';
import { reviewPageRun } from './review-page-run.js';

/**
 * The agency's review page /agency/ in a real browser (Chromium): sign in with a key, the queue of
 * SUBMITTED filings, one filing in full, approve, reject with a reason; the session cookie is HttpOnly
 * and SameSite=Strict, a change without the CSRF token is refused, and the page breaks no CSP rule.
 */
const texts = new Texts();
const w = (key: string, params: Record<string, string> = {}) => texts.t('zh-CN', `agency.page.${key}`, params);

describe('the agency review page in a real browser', function () {
  this.timeout(90_000);
  let first: string;
  let second: string;
  const run = reviewPageRun(async (server) => {
    first = await fileOverHttp(server.base);
    second = await fileOverHttp(server.base);
  });

  const page = () => run.browser.page;
  const queueRefs = async () => page().$$eval('#queue-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['reference']));

  it('asks staff to sign in; a wrong key is refused with a clear message', async () => {
    // The page names its own icon, so Chromium asks for that one and not for /favicon.ico (a 404).
    const icon = run.browser.context.waitForEvent('requestfinished', { predicate: (r) => /\/agency\/icon\.[0-9a-f]+\.svg$/.test(r.url()), timeout: 15_000 });
    const response = await page().goto(`${run.server.base}/agency/`);
    expect(response?.headers()['content-security-policy']).to.include("script-src 'self'");
    expect(await page().title()).to.equal(w('title'));
    await page().waitForSelector('#sign-in:not([hidden])');
    await page().fill('#key', 'ak_not-a-key');
    await page().click('#sign-in-button');
    await page().waitForFunction((text) => document.getElementById('sign-in-error')?.textContent === text, w('signInFailed'));
    expect(await page().isVisible('#queue')).to.equal(false);
    expect(await run.browser.axe(), 'axe: the sign-in').to.deep.equal([]);
    const served = await (await icon).response();
    expect(served?.status()).to.equal(200);
    expect(served?.headers()['content-type']).to.equal('image/svg+xml');
  });

  it('signs in with a key: the queue shows the SUBMITTED filings, oldest first; the cookie is HttpOnly and SameSite=Strict', async () => {
    await page().fill('#key', DESK.key);
    await page().click('#sign-in-button');
    await page().waitForSelector('#queue:not([hidden])');
    expect(await page().textContent('#signed-in-as')).to.equal(w('signedInAs', { name: 'review-desk-1' }));
    await page().waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 2);
    expect(await queueRefs()).to.deep.equal([first, second]);
    expect(await page().textContent('#queue-table tbody tr td:nth-child(2)')).to.equal(w('categoryWithId', { name: run.server.app.profiles.get('rizhao')!.categories.TMP_OTHER.name['zh-CN'], id: 'TMP_OTHER' }));
    expect(await run.browser.axe(), 'axe: the queue').to.deep.equal([]);
    const cookies = await run.browser.context.cookies(`${run.server.base}/agency/`);
    const session = cookies.find((c) => c.name === 'agency_session');
    expect(session).to.deep.include({ httpOnly: true, sameSite: 'Strict', path: '/agency' });
    expect(await page().evaluate(() => document.cookie)).to.not.include('agency_session');
  });

  it('shows one filing in full (it is the agency’s record) with its history', async () => {
    await page().click(`#queue-table tbody tr[data-reference="${first}"] button.open`);
    await page().waitForSelector('#filing:not([hidden])');
    const fields = await page().textContent('#filing-fields');
    expect(fields).to.include('11010519491231002X');
    expect(fields).to.include('13812345678');
    expect(fields).to.include('张三');
    expect(await page().textContent('#filing-reference')).to.include(first);
    expect(await page().$$eval('#filing-history li', (items) => items.length)).to.equal(1);
    expect(await run.browser.axe(), 'axe: a filing').to.deep.equal([]);
  });

  it('approves: the filing leaves the queue and is EFFECTIVE, by this key, in its history', async () => {
    await page().click('#approve');
    await page().waitForFunction((text) => document.getElementById('notice')?.textContent === text, w('approved', { reference: first }));
    await page().waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 1);
    expect(await queueRefs()).to.deep.equal([second]);
    const stored = await run.server.app.filings.get(first);
    expect(stored?.status).to.equal('EFFECTIVE');
    expect(stored?.history.at(-1)).to.deep.include({ to: 'EFFECTIVE', actor: { kind: 'agency', name: 'review-desk-1' } });
  });

  it('rejects only with a reason, which goes into the history', async () => {
    await page().click(`#queue-table tbody tr[data-reference="${second}"] button.open`);
    await page().waitForSelector('#filing:not([hidden])');
    await page().click('#reject');
    await page().waitForFunction((text) => document.getElementById('decision-error')?.textContent === text, w('reasonRequired'));
    expect((await run.server.app.filings.get(second))?.status).to.equal('SUBMITTED');
    await page().fill('#reason', '缺少转诊证明');
    await page().click('#reject');
    await page().waitForFunction((text) => document.getElementById('notice')?.textContent === text, w('rejected', { reference: second }));
    await page().waitForSelector('#queue-empty:not([hidden])');
    const stored = await run.server.app.filings.get(second);
    expect(stored?.status).to.equal('REJECTED');
    expect(stored?.history.at(-1)).to.deep.include({ reason: '缺少转诊证明' });
  });

  it('refuses a change sent with the cookie but without the CSRF token (as another page would)', async () => {
    const status = await page().evaluate(async (ref) => {
      const res = await fetch(`/agency/v1/filings/${ref}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'REJECTED', reason: 'x', requestId: 'forged' }) });
      return res.status;
    }, first);
    expect(status).to.equal(403);
    expect((await run.server.app.filings.get(first))?.status).to.equal('EFFECTIVE');
  });

  it('stays signed in across a reload; signing out ends the session on the server too', async () => {
    await page().reload();
    await page().waitForSelector('#queue:not([hidden])');
    const cookie = (await run.browser.context.cookies(`${run.server.base}/agency/`)).find((c) => c.name === 'agency_session')!.value;
    await page().click('#sign-out');
    await page().waitForSelector('#sign-in:not([hidden])');
    const replay = await agency(run.server.base, undefined, 'GET', '/agency/v1/filings', undefined, { cookie: `agency_session=${cookie}` });
    expect(replay.status).to.equal(401);
    // The refused sign-in, the first look for a session and the forged change answer 401/403, as they should;
    // nothing else fails to load (no /favicon.ico).
    const problems = run.browser.problems.filter((p) => !/^Failed to load resource: the server responded with a status of 40[13] /.test(p));
    expect(problems, 'no console errors (e.g. CSP violations)').to.deep.equal([]);
  });
});

/** More SUBMITTED filings than a page of the queue (50): copies of one filed over HTTP, submitted to the store. */
async function fileMany(server: AgencyServer, count: number): Promise<string[]> {
  const model = (await server.app.filings.get(await fileOverHttp(server.base)))!;
  const references = [model.reference];
  for (let i = 1; i < count; i++) {
    const { stored } = await server.app.filings.submit({ idempotencyKey: `many-${i}`, category: model.category, profileId: model.profileId, profileVersion: model.profileVersion, filing: model.filing });
    references.push(stored.reference);
  }
  return references;
}

describe('the agency review page in a real browser: load more', function () {
  this.timeout(120_000);
  let all: string[];
  const run = reviewPageRun(async (server) => {
    await fileMany(server, 53);
    // The queue's order is the API's (oldest first, then reference).
    all = (await agency(server.base, DESK.key, 'GET', '/agency/v1/filings?status=SUBMITTED&limit=200')).json.filings.map((f: { reference: string }) => f.reference);
    expect(all).to.have.length(53);
  });

  const page = () => run.browser.page;
  const queueRefs = async () => page().$$eval('#queue-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['reference']));
  const rowCount = (n: number) => page().waitForFunction((n) => document.querySelectorAll('#queue-table tbody tr').length === n, n);

  it('shows the first 50 with "load more"; pressing it adds the rest once, in order, and hides it', async () => {
    await page().goto(`${run.server.base}/agency/`);
    await page().waitForSelector('#sign-in:not([hidden])');
    await page().fill('#key', DESK.key);
    await page().click('#sign-in-button');
    await rowCount(50);
    expect(await queueRefs()).to.deep.equal(all.slice(0, 50));
    expect(await page().textContent('#more')).to.equal(w('more'));
    expect(await page().isVisible('#more')).to.equal(true);
    await page().click('#more');
    await rowCount(53);
    await page().waitForSelector('#more', { state: 'hidden' });
    expect(await queueRefs()).to.deep.equal(all);
    expect(await page().isVisible('#queue-empty')).to.equal(false);
    expect(await run.browser.axe(), 'axe: the longer queue').to.deep.equal([]);
  });

  it('pressing "load more" twice quickly adds the next page once', async () => {
    await page().click('#refresh');
    await rowCount(50);
    await page().waitForSelector('#more:not([hidden])');
    // Two presses before the first answer arrives (a double click, or a second press on a slow line).
    await page().evaluate(() => {
      const more = document.getElementById('more') as HTMLButtonElement;
      more.click();
      more.click();
    });
    await rowCount(53);
    await page().waitForSelector('#more', { state: 'hidden' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await queueRefs()).to.deep.equal(all);
  });

  it('"refresh" while "load more" is on its way shows the first page only, not the late page added to it', async () => {
    await page().click('#refresh');
    await rowCount(50);
    await page().waitForSelector('#more:not([hidden])');
    // The next page's answer is held back until the refresh has answered.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page().route(/\/agency\/v1\/filings\?.*cursor=/, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page().click('#more');
      await page().click('#refresh');
      await page().waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 50);
      release();
      await new Promise((r) => setTimeout(r, 500));
      expect(await queueRefs()).to.deep.equal(all.slice(0, 50));
      expect(await page().isVisible('#more')).to.equal(true);
    } finally {
      release();
      await page().unrouteAll({ behavior: 'wait' });
    }
  });

  it('after a decision the queue starts again from the first page, the decided filing gone', async () => {
    await page().click('#more');
    await rowCount(53);
    await page().click(`#queue-table tbody tr[data-reference="${all[51]}"] button.open`);
    await page().waitForSelector('#filing:not([hidden])');
    await page().click('#approve');
    await page().waitForFunction((text) => document.getElementById('notice')?.textContent === text, w('approved', { reference: all[51]! }));
    await rowCount(50);
    expect(await queueRefs()).to.deep.equal(all.slice(0, 50));
    await page().click('#more');
    await rowCount(52);
    expect(await queueRefs()).to.deep.equal(all.filter((r) => r !== all[51]));
    const problems = run.browser.problems.filter((p) => !/^Failed to load resource: the server responded with a status of 40[13] /.test(p));
    expect(problems, 'no console errors').to.deep.equal([]);
  });
});

describe('the agency review page in a real browser: in English (?lang=en)', function () {
  this.timeout(90_000);
  const en = (key: string, params: Record<string, string> = {}) => texts.t('en-US', `agency.page.${key}`, params);
  let reference: string;
  const run = reviewPageRun(async (server) => {
    reference = await fileOverHttp(server.base);
  });

  const page = () => run.browser.page;

  it('the sign-in in English; a wrong key is refused in English', async () => {
    await page().goto(`${run.server.base}/agency/?lang=en`);
    expect(await page().getAttribute('html', 'lang')).to.equal('en-US');
    expect(await page().title()).to.equal(en('title'));
    await page().waitForSelector('#sign-in:not([hidden])');
    expect(await page().textContent('#sign-in-heading')).to.equal(en('signInHeading'));
    expect(await page().textContent('#key-label')).to.equal(en('keyLabel'));
    await page().fill('#key', 'ak_not-a-key');
    await page().click('#sign-in-button');
    await page().waitForFunction((text) => document.getElementById('sign-in-error')?.textContent === text, en('signInFailed'));
    expect(await run.browser.axe(), 'axe: the English sign-in').to.deep.equal([]);
  });

  it('the queue in English: headings, the category by its English name, no Chinese word of the page', async () => {
    await page().fill('#key', DESK.key);
    await page().click('#sign-in-button');
    await page().waitForSelector('#queue:not([hidden])');
    expect(await page().textContent('#signed-in-as')).to.equal(en('signedInAs', { name: 'review-desk-1' }));
    expect(await page().textContent('#queue-heading')).to.equal(en('queueHeading'));
    expect(await page().$$eval('#queue-table thead th', (cells) => cells.map((c) => c.textContent))).to.deep.equal([en('reference'), en('category'), en('created'), '']);
    const category = run.server.app.profiles.get('rizhao')!.categories.TMP_OTHER.name['en-US'];
    expect(await page().textContent('#queue-table tbody tr td:nth-child(2)')).to.equal(en('categoryWithId', { name: category, id: 'TMP_OTHER' }));
    expect(await page().textContent('#queue')).to.not.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
    expect(await run.browser.axe(), 'axe: the English queue').to.deep.equal([]);
  });

  it('a filing in English: its labels and its history; rejected with a reason', async () => {
    await page().click(`#queue-table tbody tr[data-reference="${reference}"] button.open`);
    await page().waitForSelector('#filing:not([hidden])');
    expect(await page().textContent('#filing-reference')).to.equal(`${en('reference')} ${reference}`);
    const labels = await page().$$eval('#filing-facts dt, #filing-fields dt', (cells) => cells.map((c) => c.textContent));
    expect(labels).to.include.members([en('status'), en('category'), en('created'), en('fieldPersonName'), en('fieldPersonIdNumber')]);
    expect(await page().textContent('#filing-facts')).to.include(en('statusSUBMITTED'));
    const history = await page().$$eval('#filing-history li', (items) => items.map((i) => i.textContent ?? ''));
    expect(history).to.have.length(1);
    expect(history[0]).to.include(en('historySubmitted')).and.include(en('actorPerson'));
    expect(history[0], 'the submit in the history').to.not.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
    expect(await page().textContent('#approve')).to.equal(en('approve'));
    expect(await page().textContent('#reason-label')).to.equal(en('rejectReasonLabel'));
    expect(await run.browser.axe(), 'axe: an English filing').to.deep.equal([]);
    await page().click('#reject');
    await page().waitForFunction((text) => document.getElementById('decision-error')?.textContent === text, en('reasonRequired'));
    await page().fill('#reason', 'No referral letter');
    await page().click('#reject');
    await page().waitForFunction((text) => document.getElementById('notice')?.textContent === text, en('rejected', { reference }));
    await page().waitForSelector('#queue-empty:not([hidden])');
    expect(await page().textContent('#queue-empty')).to.equal(en('queueEmpty'));
    expect((await run.server.app.filings.get(reference))?.history.at(-1)).to.deep.include({ to: 'REJECTED', reason: 'No referral letter' });
    const problems = run.browser.problems.filter((p) => !/^Failed to load resource: the server responded with a status of 40[13] /.test(p));
    expect(problems, 'no console errors').to.deep.equal([]);
  });
});
