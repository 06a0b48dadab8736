import { expect } from 'chai';
import { Texts, type Locale } from '../../src/content/texts.js';
import { DESK, fileOverHttp } from '../support/agency.js';
import { reviewPageRun } from './review-page-run.js';

/**
 * The review page shows a filing in the words a reviewer reads, in Chinese and English: coded values
 * (SELF, EMPLOYEE, true, …) by the labels the bot offers for those choices (or the page's own), and the
 * history line by line (the first line is the submit: no "from" state).
 */
const texts = new Texts();
const LOCALE_QUERY: Record<Locale, string> = { 'zh-CN': '', 'en-US': '?lang=en' };

describe('the agency review page in a real browser: a filing in words', function () {
  this.timeout(90_000);
  let self: string;
  let agent: string;
  const run = reviewPageRun(async (server) => {
    self = await fileOverHttp(server.base);
    // The same filing, made by an agent (the insured person's child) with a commitment, after admission, on the web page.
    const model = (await server.app.filings.get(self))!;
    const filing = {
      ...model.filing,
      filerMode: 'AGENT',
      agent: { name: '李四', idNumber: '110105198001010014', phone: '13912345678', relationship: 'CHILD' },
      scheme: 'RETIRED_CADRE',
      retroactive: true,
      admissionDate: '2026-11-20',
      commitment: true,
      institutions: ['上海市第六人民医院', '复旦大学附属中山医院'],
    };
    agent = (await server.app.filings.submit({ idempotencyKey: `agent-${Date.now()}`, category: model.category, profileId: model.profileId, profileVersion: model.profileVersion, filing, origin: { channel: 'webchat', conversation: {} } })).stored.reference;
  });

  const page = () => run.browser.page;

  /** The filing's details as shown: label → value. */
  const shownFields = async () =>
    Object.fromEntries(await page().$$eval('#filing-fields dt', (dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));

  /** A moment as the page shows it (the browser's own formatting in the page's language, Shanghai time). */
  const shownTime = (iso: string) =>
    page().evaluate((iso) => new Date(iso).toLocaleString(document.documentElement.lang, { timeZone: 'Asia/Shanghai' }), iso);

  async function open(locale: Locale, reference: string): Promise<void> {
    await page().goto(`${run.server.base}/agency/${LOCALE_QUERY[locale]}`);
    await page().waitForSelector('#sign-in:not([hidden]), #queue:not([hidden])');
    if (await page().isVisible('#sign-in')) {
      await page().fill('#key', DESK.key);
      await page().click('#sign-in-button');
    }
    await page().waitForSelector(`#queue-table tbody tr[data-reference="${reference}"]`);
    await page().click(`#queue-table tbody tr[data-reference="${reference}"] button.open`);
    await page().waitForSelector('#filing:not([hidden])');
  }

  for (const locale of ['zh-CN', 'en-US'] as const) {
    const w = (key: string, params: Record<string, string> = {}) => texts.t(locale, `agency.page.${key}`, params);
    const choice = (question: string, value: string) => texts.t(locale, `prompts.${question}.choices.${value}`);

    it(`${locale}: coded values in words, as the bot offers them (filed for oneself)`, async () => {
      await open(locale, self);
      const fields = await shownFields();
      expect(fields[w('fieldFilerMode')]).to.equal(choice('situation.filerMode', 'SELF'));
      expect(fields[w('fieldScheme')]).to.equal(choice('details.scheme', 'EMPLOYEE'));
      expect(fields[w('fieldScope')]).to.equal(w('scopeCrossProvince'));
      expect(fields[w('fieldRetroactive')]).to.equal(w('retroactiveNo'));
      expect(fields[w('fieldInstitutions')]).to.equal('上海市第六人民医院');
      expect(Object.values(fields)).to.not.include.members(['SELF', 'EMPLOYEE', 'CROSS_PROVINCE', 'false', 'true']);
      expect(await run.browser.axe(), 'axe').to.deep.equal([]);
    });

    it(`${locale}: coded values in words (filed by an agent, with a commitment, after admission)`, async () => {
      await open(locale, agent);
      const fields = await shownFields();
      expect(fields[w('fieldFilerMode')]).to.equal(choice('situation.filerMode', 'AGENT'));
      expect(fields[w('fieldAgentRelationship')]).to.equal(choice('details.agentRelationship', 'CHILD'));
      expect(fields[w('fieldScheme')]).to.equal(choice('details.scheme', 'RETIRED_CADRE'));
      expect(fields[w('fieldCommitment')]).to.equal(choice('details.commitment', 'COMMITMENT'));
      expect(fields[w('fieldRetroactive')]).to.equal(w('retroactiveYes'));
      expect(fields[w('fieldInstitutions')]).to.equal(['上海市第六人民医院', '复旦大学附属中山医院'].join(w('listSeparator')));
      const facts = Object.fromEntries(await page().$$eval('#filing-facts dt', (dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));
      expect(facts[w('channel')], 'the channel it came from').to.equal(w('channelWebchat'));
    });

    it(`${locale}: the history's first line is the submit with its time, by whom (no empty "from", no arrow)`, async () => {
      await open(locale, self);
      const lines = await page().$$eval('#filing-history li', (items) => items.map((i) => i.textContent ?? ''));
      const submitted = (await run.server.app.filings.get(self))!.history[0]!;
      expect(submitted.from).to.equal(null);
      expect(lines).to.deep.equal([w('historyFirst', { at: await shownTime(submitted.at), to: w('historySubmitted'), actor: w('actorPerson') })]);
      expect(lines[0]).to.not.include('→');
      expect(lines[0]).to.not.include(w('statusSUBMITTED'));
      const problems = run.browser.problems.filter((p) => !/^Failed to load resource: the server responded with a status of 401 /.test(p));
      expect(problems, 'no console errors').to.deep.equal([]);
    });
  }
});
