import { expect } from 'chai';
import { Texts, type Locale } from '../../src/content/texts.js';
import { agency, DESK, fileOverHttp } from '../support/agency.js';
import { reviewPageRun } from './review-page-run.js';

/**
 * The review page opens any filing by its reference, a decided one too (the queue holds only SUBMITTED
 * filings): a filing rejected with a reason shows its status and its history with the reason, in Chinese
 * and English, and offers no decision; a change names the filing it changes; an unknown reference is said to
 * be unknown.
 */
const texts = new Texts();
const LOCALE_QUERY: Record<Locale, string> = { 'zh-CN': '', 'en-US': '?lang=en' };
const REASONS: Record<Locale, string> = { 'zh-CN': '缺少转诊证明', 'en-US': 'No referral letter' };

describe('the agency review page in a real browser: a decided filing, found by its reference', function () {
  this.timeout(90_000);
  const rejected: Partial<Record<Locale, string>> = {};
  let approved: string;
  let change: string;
  const run = reviewPageRun(async (server) => {
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const reference = await fileOverHttp(server.base);
      const answer = await agency(server.base, DESK.key, 'POST', `/agency/v1/filings/${reference}/status`, { status: 'REJECTED', reason: REASONS[locale], requestId: `reject-${reference}` });
      expect(answer.status).to.equal(200);
      rejected[locale] = reference;
    }
    // A change: an approved filing replaced by a new one (EFFECTIVE from its first event, which names the old one).
    approved = await fileOverHttp(server.base);
    expect((await agency(server.base, DESK.key, 'POST', `/agency/v1/filings/${approved}/status`, { status: 'EFFECTIVE', requestId: `approve-${approved}` })).status).to.equal(200);
    const old = (await server.app.filings.get(approved))!;
    change = (await server.app.filings.submit({ idempotencyKey: `change-${approved}`, category: old.category, profileId: old.profileId, profileVersion: old.profileVersion, filing: old.filing, replaces: approved })).stored.reference;
  });

  const page = () => run.browser.page;
  const historyLines = () => page().$$eval('#filing-history li', (items) => items.map((i) => i.textContent ?? ''));
  /** A moment as the page shows it (the browser's own formatting in the page's language, Shanghai time). */
  const shownTime = (iso: string) =>
    page().evaluate((iso) => new Date(iso).toLocaleString(document.documentElement.lang, { timeZone: 'Asia/Shanghai' }), iso);

  async function signIn(locale: Locale): Promise<void> {
    await page().goto(`${run.server.base}/agency/${LOCALE_QUERY[locale]}`);
    await page().waitForSelector('#sign-in:not([hidden]), #queue:not([hidden])');
    if (await page().isVisible('#sign-in')) {
      await page().fill('#key', DESK.key);
      await page().click('#sign-in-button');
    }
    await page().waitForSelector('#queue-empty:not([hidden])');
  }

  async function find(reference: string): Promise<void> {
    await page().fill('#find-reference', reference);
    await page().click('#find');
  }

  for (const locale of ['zh-CN', 'en-US'] as const) {
    const w = (key: string, params: Record<string, string> = {}) => texts.t(locale, `agency.page.${key}`, params);

    it(`${locale}: a rejected filing, not in the queue, is found by its reference: its status, its history with the reason, no decision`, async () => {
      const reference = rejected[locale]!;
      await signIn(locale);
      expect(await page().textContent('#find-label')).to.equal(w('findLabel'));
      // Typed the way people type it: lower case, with a space.
      await find(`${reference.slice(0, 10).toLowerCase()} ${reference.slice(10)}`);
      await page().waitForSelector('#filing:not([hidden])');
      expect(await page().textContent('#filing-reference')).to.equal(`${w('reference')} ${reference}`);
      expect(await page().textContent('#filing-facts')).to.include(w('statusREJECTED'));
      expect(await page().isVisible('#decision')).to.equal(false);
      const lines = await historyLines();
      const decided = (await run.server.app.filings.get(reference))!.history[1]!;
      const entry = w('historyEntry', { at: await shownTime(decided.at), from: w('statusSUBMITTED'), to: w('statusREJECTED'), actor: w('actorAgency', { name: 'review-desk-1' }) });
      expect(lines).to.have.length(2);
      expect(lines[1]).to.equal(w('historyWithReason', { entry, reason: REASONS[locale] }));
      // The English page's line has no Chinese punctuation (it was put together in code as '　原因：').
      if (locale === 'en-US') expect(lines.join('\n')).to.not.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
      expect(await run.browser.axe(), 'axe: a rejected filing').to.deep.equal([]);
      await page().click('#back');
      await page().waitForSelector('#queue-empty:not([hidden])');
    });

    it(`${locale}: a change, found by its reference: its first line names the filing it changes, in the page's words`, async () => {
      await find(change);
      await page().waitForFunction((text) => document.getElementById('filing-reference')?.textContent === text && !document.getElementById('filing')?.hidden, `${w('reference')} ${change}`);
      const first = (await run.server.app.filings.get(change))!.history[0]!;
      const entry = w('historyFirst', { at: await shownTime(first.at), to: w('statusEFFECTIVE'), actor: w('actorPerson') });
      expect(await historyLines()).to.deep.equal([w('historyReplaces', { entry, reference: approved })]);
      await page().click('#back');
      await page().waitForSelector('#queue-empty:not([hidden])');
    });

    it(`${locale}: an unknown reference is said to be unknown`, async () => {
      await find('YD00000000-AAAAAA');
      await page().waitForFunction((text) => document.getElementById('notice')?.textContent === text, w('notFound', { reference: 'YD00000000-AAAAAA' }));
      expect(await page().isVisible('#queue')).to.equal(true);
      expect(await run.browser.axe(), 'axe: the queue with the finder').to.deep.equal([]);
      const problems = run.browser.problems.filter((p) => !/^Failed to load resource: the server responded with a status of 40[14] /.test(p));
      expect(problems, 'no console errors').to.deep.equal([]);
    });
  }
});
