import { expect } from 'chai';
import { Texts } from '../../src/content/texts.js';
import { agency, DESK, fileOverHttp, startAgencyServer, type AgencyServer } from '../support/agency.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * The agency's review page /agency/ in a real browser (Chromium): sign in with a key, the queue of
 * SUBMITTED filings, one filing in full, approve, reject with a reason; the session cookie is HttpOnly
 * and SameSite=Strict, a change without the CSRF token is refused, and the page breaks no CSP rule.
 */
const texts = new Texts();
const w = (key: string, params: Record<string, string> = {}) => texts.t('zh-CN', `agency.page.${key}`, params);

describe('the agency review page in a real browser', function () {
  this.timeout(90_000);
  let server: AgencyServer;
  let browser: WebChatDriver;
  let first: string;
  let second: string;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    server = await startAgencyServer();
    first = await fileOverHttp(server.base);
    second = await fileOverHttp(server.base);
    browser = await WebChatDriver.launch({ width: 1100, height: 900 });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const page = () => browser.page;
  const queueRefs = async () => page().$$eval('#queue-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['reference']));

  it('asks staff to sign in; a wrong key is refused with a clear message', async () => {
    const response = await page().goto(`${server.base}/agency/`);
    expect(response?.headers()['content-security-policy']).to.include("script-src 'self'");
    expect(await page().title()).to.equal(w('title'));
    await page().waitForSelector('#sign-in:not([hidden])');
    await page().fill('#key', 'ak_not-a-key');
    await page().click('#sign-in-button');
    await page().waitForFunction((text) => document.getElementById('sign-in-error')?.textContent === text, w('signInFailed'));
    expect(await page().isVisible('#queue')).to.equal(false);
    expect(await browser.axe(), 'axe: the sign-in').to.deep.equal([]);
  });

  it('signs in with a key: the queue shows the SUBMITTED filings, oldest first; the cookie is HttpOnly and SameSite=Strict', async () => {
    await page().fill('#key', DESK.key);
    await page().click('#sign-in-button');
    await page().waitForSelector('#queue:not([hidden])');
    expect(await page().textContent('#signed-in-as')).to.equal(w('signedInAs', { name: 'review-desk-1' }));
    await page().waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 2);
    expect(await queueRefs()).to.deep.equal([first, second]);
    expect(await page().textContent('#queue-table tbody tr td:nth-child(2)')).to.equal(w('categoryWithId', { name: server.app.profiles.get('rizhao')!.categories.TMP_OTHER.name['zh-CN'], id: 'TMP_OTHER' }));
    expect(await browser.axe(), 'axe: the queue').to.deep.equal([]);
    const cookies = await browser.context.cookies(`${server.base}/agency/`);
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
    expect(await browser.axe(), 'axe: a filing').to.deep.equal([]);
  });

  it('approves: the filing leaves the queue and is EFFECTIVE, by this key, in its history', async () => {
    await page().click('#approve');
    await page().waitForFunction((text) => document.getElementById('notice')?.textContent === text, w('approved', { reference: first }));
    await page().waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 1);
    expect(await queueRefs()).to.deep.equal([second]);
    const stored = await server.app.filings.get(first);
    expect(stored?.status).to.equal('EFFECTIVE');
    expect(stored?.history.at(-1)).to.deep.include({ to: 'EFFECTIVE', actor: { kind: 'agency', name: 'review-desk-1' } });
  });

  it('rejects only with a reason, which goes into the history', async () => {
    await page().click(`#queue-table tbody tr[data-reference="${second}"] button.open`);
    await page().waitForSelector('#filing:not([hidden])');
    await page().click('#reject');
    await page().waitForFunction((text) => document.getElementById('decision-error')?.textContent === text, w('reasonRequired'));
    expect((await server.app.filings.get(second))?.status).to.equal('SUBMITTED');
    await page().fill('#reason', '缺少转诊证明');
    await page().click('#reject');
    await page().waitForFunction((text) => document.getElementById('notice')?.textContent === text, w('rejected', { reference: second }));
    await page().waitForSelector('#queue-empty:not([hidden])');
    const stored = await server.app.filings.get(second);
    expect(stored?.status).to.equal('REJECTED');
    expect(stored?.history.at(-1)).to.deep.include({ reason: '缺少转诊证明' });
  });

  it('refuses a change sent with the cookie but without the CSRF token (as another page would)', async () => {
    const status = await page().evaluate(async (ref) => {
      const res = await fetch(`/agency/v1/filings/${ref}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'REJECTED', reason: 'x', requestId: 'forged' }) });
      return res.status;
    }, first);
    expect(status).to.equal(403);
    expect((await server.app.filings.get(first))?.status).to.equal('EFFECTIVE');
  });

  it('stays signed in across a reload; signing out ends the session on the server too', async () => {
    await page().reload();
    await page().waitForSelector('#queue:not([hidden])');
    const cookie = (await browser.context.cookies(`${server.base}/agency/`)).find((c) => c.name === 'agency_session')!.value;
    await page().click('#sign-out');
    await page().waitForSelector('#sign-in:not([hidden])');
    const replay = await agency(server.base, undefined, 'GET', '/agency/v1/filings', undefined, { cookie: `agency_session=${cookie}` });
    expect(replay.status).to.equal(401);
    // The refused sign-in, the first look for a session and the forged change answer 4xx, as they should.
    const problems = browser.problems.filter((p) => !/^Failed to load resource: the server responded with a status of 40[134]/.test(p));
    expect(problems, 'no console errors (e.g. CSP violations)').to.deep.equal([]);
  });
});
