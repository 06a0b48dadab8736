import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Texts } from '../../src/content/texts.js';
import { startAppServer, type AppServer } from '../support/app-server.js';
import { AGENTS, agentAccountsEnv } from '../support/agents.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * The hotline console in a real Chromium: wrong passwords lock an account out, an agent without a session
 * gets 401, and an agent signs in and runs a guided call for a caller (zh) to a submitted filing — choices
 * by click and by key, the caller's words typed, paused and resumed, the page reloaded mid-call, the outcome
 * script ticked before going on, one answer changed from the side panel — with no console error (the page's CSP allows its own scripts only).
 */
const texts = new Texts();
const zh = (key: string, params = {}) => texts.t('zh-CN', key, params);

describe('the hotline console, end to end in a real browser: sign-in, lockout and a guided call', function () {
  this.timeout(120_000);
  let server: AppServer;
  let driver: WebChatDriver;
  let page: Page;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    server = await startAppServer({ ...(await agentAccountsEnv()), AGENT_LOCKOUT_ATTEMPTS: '3', AGENT_LOCKOUT_SECONDS: '600' });
    driver = await WebChatDriver.launch({ width: 1280, height: 900 });
    page = driver.page;
  });

  after(async () => {
    await driver?.close();
    await server?.stop();
  });

  // Each attempt after the one before it was answered (the form clears the password with the answer).
  const signIn = async (account: string, password: string) => {
    await page.waitForSelector('#sign-in-form button[type=submit]:not([disabled])');
    await page.fill('#account', account);
    await page.fill('#password', password);
    await page.click('#sign-in-form button[type=submit]');
  };
  const waitPrompt = (promptId: string) => page.waitForSelector(`.question[data-prompt="${promptId}"]`, { timeout: 15_000 });
  const choose = (label: string) => page.locator('.question .choice', { hasText: new RegExp(`^\\s*${label}\\s*\\d?\\s*$`) }).click();
  const tell = async (words: string) => {
    await page.fill('#caller-words', words);
    await page.click('.caller-form button[type=submit]');
  };

  it('shows the sign-in; without a session the API answers 401', async () => {
    await page.goto(`${server.base}/agent/`);
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.evaluate(() => fetch('/agent/api/me').then((r) => r.status))).to.equal(401);
    expect(await page.evaluate(() => fetch('/agent/api/calls').then((r) => r.status))).to.equal(401);
    expect((await driver.axe()).map((v) => v.id), 'axe on the sign-in').to.deep.equal([]);
  });

  it('wrong passwords lock the account out: the third says so, and then even the right password is refused', async () => {
    await signIn(AGENTS.li.id, 'wrong password 1');
    await page.waitForFunction((text) => document.querySelector('#sign-in-error')?.textContent === text, zh('console.signIn.wrong'));
    await signIn(AGENTS.li.id, 'wrong password 2');
    await signIn(AGENTS.li.id, 'wrong password 3');
    const locked = zh('console.signIn.locked', { minutes: 10 });
    await page.waitForFunction((text) => document.querySelector('#sign-in-error')?.textContent === text, locked);
    await page.evaluate(() => (document.querySelector('#sign-in-error')!.textContent = ''));
    await signIn(AGENTS.li.id, AGENTS.li.password);
    await page.waitForFunction(() => document.querySelector('#sign-in-error')?.textContent !== '');
    expect(await page.textContent('#sign-in-error')).to.equal(locked);
    expect(await page.isHidden('#console')).to.equal(true);
  });

  it('an agent signs in and runs a guided call to a submitted filing, with one answer changed from the side panel', async () => {
    await signIn(AGENTS.wang.id, AGENTS.wang.password);
    await page.waitForSelector('#console:not([hidden])');
    expect(await page.textContent('#agent-name')).to.include(AGENTS.wang.displayName);

    await page.click('#start-call');
    await waitPrompt('menu.main');
    expect(await page.textContent('#spoken')).to.equal(zh('spoken.prompts.menu.main'));
    // Key 1: the first choice (办理异地就医备案).
    await page.keyboard.press('1');
    await waitPrompt('situation.filerMode');
    expect(await page.textContent('#call-progress')).to.include(zh('console.call.progress', { step: 1, of: 6, stage: zh('labels.steps.where') }));
    await choose('为本人办理');
    await waitPrompt('situation.insuredPlace');
    await tell('日照');
    await waitPrompt('situation.treatmentPlace');
    await tell('上海');
    await waitPrompt('consent.personalInfo');
    await choose('同意');
    await waitPrompt('situation.intake');
    expect(await page.textContent('#consent-record')).to.include(AGENTS.wang.id);
    // Paused and resumed; then the page reloaded mid-call: the call is listed, and continues where it was.
    await page.click('#pause-call');
    await page.waitForSelector('#paused-notice');
    await page.click('#resume-call');
    await waitPrompt('situation.intake');
    await page.reload();
    await page.waitForSelector('#open-calls .resume');
    // The list says which question the call waits at.
    expect(await page.textContent('#open-calls')).to.include(zh('console.call.waitingAt', { question: zh('labels.situation.intake') }));
    await page.click('#open-calls .resume');
    await waitPrompt('situation.intake');
    expect(await page.textContent('#answers')).to.include('山东省日照市');
    await choose('一步一步回答');
    await waitPrompt('situation.insuranceActive');
    await page.keyboard.press('1'); // 是，正常参保
    await waitPrompt('situation.now');
    await choose('计划去外地看病或居住');
    await waitPrompt('situation.longTerm');
    expect(await page.textContent('#spoken')).to.equal(zh('spoken.prompts.situation.longTerm', { days: 180 }));
    await choose('否，短期看病');
    await waitPrompt('situation.hasReferral');
    // The caller's own words (the understanding reads them).
    await tell('没有转诊，我自己去');
    await waitPrompt('outcome.understood');

    // The outcome is a script to read word for word: going on waits for the tick.
    expect(await page.textContent('#outcome-script')).to.include('自主转诊人员');
    expect(await page.locator('.question .choice').first().isDisabled()).to.equal(true);
    await page.check('#script-read');
    await page.waitForSelector('.question .choice:not([disabled])');
    expect(await page.textContent('#outcome-script')).to.include(AGENTS.wang.id);
    await driver.screenshot('agent-console-outcome');
    await choose('我已了解，继续');
    await waitPrompt('details.scheme');
    await choose('职工医保');
    await waitPrompt('details.personName');
    await tell('张三');
    await waitPrompt('details.idNumber');
    await tell('11010519491231002X');
    await waitPrompt('details.phone');
    await tell('13812345678');
    await waitPrompt('details.startDate');
    await tell('明天');
    await waitPrompt('details.institutions');
    await tell('上海市第六人民医院');
    await waitPrompt('review.confirm');

    // The side panel: change the phone number, then back at the summary.
    expect(await page.textContent('[data-answer="details.phone"] .value')).to.equal('138****5678');
    await page.click('[data-edit="details.phone"]');
    await waitPrompt('details.phone');
    expect(await page.textContent('#spoken')).to.include('138****5678');
    await tell('13912345678');
    await waitPrompt('review.confirm');
    expect(await page.textContent('[data-answer="details.phone"] .value')).to.equal('139****5678');
    await driver.screenshot('agent-console-summary');
    const violations = await driver.axe();
    expect(violations.map((v) => `${v.id}: ${v.help} ${v.nodes.join(' | ')}`), 'axe (WCAG 2.1 AA) on the call screen').to.deep.equal([]);

    await choose(zh('prompts.review.confirm.choices.submit'));
    await page.waitForSelector('#filed');
    const reference = /YD\d{8}-[0-9A-Z]+/.exec((await page.textContent('#filed')) ?? '')?.[0];
    expect(reference).to.be.a('string');
    const stored = await server.app.filings.get(reference!);
    expect(stored!.filing).to.include({ channel: 'hotline', hotlineAgent: AGENTS.wang.id, category: 'TMP_OTHER' });
    expect((stored!.filing['person'] as Record<string, unknown>)['phone']).to.equal('13912345678');
    expect((stored!.filing['consent'] as Record<string, any>)['givenOrally']['agent']).to.equal(AGENTS.wang.id);
    await driver.screenshot('agent-console-filed');
    // Nothing under way any more: the side panel is empty, the oral consent still shown.
    expect(await page.locator('#answers dd').count()).to.equal(0);
    expect(await page.textContent('#consent-record')).to.include(AGENTS.wang.id);
    expect(driver.problems.filter((p) => !/status of (401|429)/.test(p)), 'no console errors (CSP, scripts)').to.deep.equal([]);
  });
});
