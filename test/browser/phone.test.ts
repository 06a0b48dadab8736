import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Texts } from '../../src/content/texts.js';
import { createLogger } from '../../src/ops/logger.js';
import { pdfText } from '../support/pdf-text.js';
import { TMP_OTHER_SCRIPT } from '../support/paths.js';
import { WebChatDriver, type Step } from './webchat-driver.js';

const texts = new Texts();
const zh = (key: string) => texts.t('zh-CN', key);
const SEND_BOX = '[data-id="webchat-sendbox-input"]';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What a person on a phone can reach at the current step, measured in the page: the send box, every
 * suggested action (inside its bounded, scrolling box), the header's controls; and whether the page
 * itself had to grow past the screen. Suggested actions are scrolled into view inside their box one by
 * one, as a finger would.
 */
async function reachable(page: Page): Promise<{ viewport: { width: number; height: number }; pageHeight: number; sendBox: Box; startOver: Box; actions: Array<{ text: string; box: Box; inBox: boolean }>; actionsBox: Box | null }> {
  return page.evaluate(`(async () => {
    const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
    const list = document.querySelector('.webchat__suggested-actions');
    const buttons = [...document.querySelectorAll('.webchat__suggested-actions__button')];
    const actions = [];
    for (const button of buttons) {
      button.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      await new Promise((r) => requestAnimationFrame(r));
      const b = box(button), l = box(list);
      actions.push({ text: button.textContent.trim(), box: b, inBox: b.y >= l.y - 1 && b.y + b.height <= l.y + l.height + 1 && b.x >= l.x - 1 && b.x + b.width <= l.x + l.width + 1 });
    }
    return {
      viewport: { width: innerWidth, height: innerHeight },
      pageHeight: document.documentElement.scrollHeight,
      sendBox: box(document.querySelector('${SEND_BOX}')),
      startOver: box(document.getElementById('start-over')),
      actions,
      actionsBox: list ? box(list) : null,
    };
  })()`);
}

function expectOnScreen(what: string, box: Box, viewport: { width: number; height: number }): void {
  expect(box.y, `${what}: top on screen`).to.be.at.least(-0.5);
  expect(box.y + box.height, `${what}: bottom on screen`).to.be.at.most(viewport.height + 0.5);
  expect(box.x, `${what}: left on screen`).to.be.at.least(-0.5);
  expect(box.x + box.width, `${what}: right on screen`).to.be.at.most(viewport.width + 0.5);
}

/** Every control of this step in view: send box, header, each suggested action inside its box; the page does not scroll. */
async function expectControlsInView(page: Page, step: string): Promise<number> {
  const r = await reachable(page);
  expect(r.pageHeight, `${step}: the page fits the screen (only the chat scrolls)`).to.be.at.most(r.viewport.height + 1);
  expectOnScreen(`${step}: send box`, r.sendBox, r.viewport);
  expectOnScreen(`${step}: start-over control`, r.startOver, r.viewport);
  if (r.actionsBox) expectOnScreen(`${step}: the choices’ box`, r.actionsBox, r.viewport);
  for (const action of r.actions) {
    expect(action.inBox, `${step}: "${action.text}" reachable inside the choices’ box`).to.equal(true);
    expectOnScreen(`${step}: "${action.text}"`, action.box, r.viewport);
  }
  return r.actions.length;
}

/**
 * The step shown with the newest question: its data-progress, its first line (as shown, and as Web Chat's
 * label for the message gives it to a screen reader), whether that line is styled as a label, and the bar.
 */
async function shownStep(page: Page): Promise<{ progress: string | null; line: string; spoken: string; bold: boolean; bar: number; barOf: number } | null> {
  return page.evaluate(`(() => {
    const rows = [...document.querySelectorAll('article.webchat__basic-transcript__activity')].filter((r) => !r.querySelector('.webchat__stacked-layout--from-user'));
    const row = rows.at(-1);
    const wrapper = row && row.querySelector('.yidi-activity');
    if (!wrapper) return null;
    const first = wrapper.querySelector('.webchat__bubble__content > .webchat__text-content');
    const label = row.querySelector('[id^="webchat__basic-transcript__active-descendant-label"]');
    const bar = first ? getComputedStyle(first, '::after') : null;
    return {
      progress: wrapper.getAttribute('data-progress'),
      line: first ? first.textContent : '',
      spoken: label ? label.textContent : '',
      bold: first ? parseInt(getComputedStyle(first).fontWeight, 10) >= 700 : false,
      bar: bar ? parseFloat(bar.height) || 0 : 0,
      barOf: first ? first.getBoundingClientRect().width : 0,
    };
  })()`);
}

/** The geometry of a focus ring: the element grown by its outline, and whether any clipping ancestor cuts it. */
async function focusRing(page: Page, selector: string, index = 0): Promise<{ width: number; style: string; cut: string[] }> {
  return page.evaluate(`(() => {
    const el = document.querySelectorAll(${JSON.stringify(selector)})[${index}];
    const style = getComputedStyle(el);
    const grow = parseFloat(style.outlineWidth) + Math.max(0, parseFloat(style.outlineOffset));
    const r = el.getBoundingClientRect();
    const ring = { top: r.top - grow, left: r.left - grow, bottom: r.bottom + grow, right: r.right + grow };
    const cut = [];
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const c = a.getBoundingClientRect();
      if (ring.left < c.left - 0.5 || ring.right > c.right + 0.5 || (s.overflowY !== 'visible' && a.scrollHeight <= a.clientHeight && (ring.top < c.top - 0.5 || ring.bottom > c.bottom + 0.5))) cut.push(a.className || a.tagName);
    }
    return { width: parseFloat(style.outlineWidth), style: style.outlineStyle, cut };
  })()`);
}

describe('the citizens’ page on a phone, in a real browser (the real app)', function () {
  this.timeout(180_000);
  let app: App;
  let base: string;
  let driver: WebChatDriver;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'browser-phone-'));
    app = createApp(loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'silent' }), {
      logger: createLogger({ level: 'silent' }),
      today: () => '2026-11-24',
    });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });

  afterEach(async () => {
    await driver?.close();
  });

  after(async () => {
    app?.server.close();
    for (const closer of app?.closers ?? []) await closer.close();
  });

  /** The filing, one question at a time: what to wait for, then what the person does. */
  const FILING: Array<{ sees: string; then: Step }> = [
    { sees: '请问您想办理什么', then: { click: '办理异地就医备案' } },
    { sees: '为您本人办理', then: { click: '为本人办理' } },
    { sees: '参保地', then: { type: '日照' } },
    { sees: '就医地', then: { type: '上海' } },
    { sees: '您是否同意', then: { click: '同意' } },
    { sees: '用一两句话说说', then: { click: '一步一步回答' } },
    { sees: '正常参保', then: { click: '是，正常参保' } },
    { sees: '现在是什么情况', then: { click: '计划去外地看病或居住' } },
    { sees: '连续', then: { click: '否，短期看病' } },
    { sees: '转诊', then: { click: '没有，自己去' } },
    { sees: '以上内容您了解了吗', then: { click: '我已了解，继续' } },
    { sees: '哪种医保', then: { click: '职工医保' } },
    { sees: '请输入您的姓名', then: { type: '张三' } },
    { sees: '身份证号码', then: { type: '11010519491231002x' } },
    { sees: '手机号码', then: { type: '138 1234 5678' } },
    { sees: '备案从哪一天开始', then: { type: '下个月1号' } },
    { sees: '定点医疗机构', then: { type: '上海市第六人民医院' } },
    { sees: '请核对以上信息', then: { click: '确认提交' } },
  ];

  for (const viewport of [
    { width: 360, height: 640 },
    { width: 390, height: 844 },
  ]) {
    it(`${viewport.width}×${viewport.height}: a whole filing with every step’s controls in view, the long outcome shown from its start, the 24 common questions reachable, the receipt printed`, async () => {
      driver = await WebChatDriver.launch(viewport);
      await driver.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      await driver.open(`${base}/`);
      const about = () => driver.page.locator('#about').evaluate((el) => (el as HTMLDetailsElement).open);
      expect(await about(), 'the introduction is open on arrival').to.equal(true);
      expect(await driver.axe(), 'axe: the first screen').to.deep.equal([]);

      let lastStep = 1;
      const stepsSeen = new Set<number>();
      for (const [i, { sees, then }] of FILING.entries()) {
        await driver.run([{ sees }]);
        // The reply has settled: the page has shown it from its start (chat-ui.js marks the chat box).
        if (i > 0) await driver.page.waitForSelector('#webchat[data-reply="shown"]');
        await driver.page.waitForTimeout(100);
        await expectControlsInView(driver.page, `step ${i + 1} (${sees})`);
        if (i > 0) {
          // Each question of the filing says its step: the first line, styled as a label over a bar, read
          // by a screen reader with the question (Web Chat's label for the message), never on its own.
          const step = (await shownStep(driver.page))!;
          const n = Number(step.progress?.split('/')[0]);
          expect(step.progress, `step ${i + 1} (${sees}): data-progress`).to.match(/^[1-6]\/6$/);
          expect(n, 'the steps only go forward').to.be.at.least(lastStep);
          lastStep = n;
          expect(step.line).to.match(new RegExp(`^第 ${n} 步，共 6 步：`));
          expect(step.bold, 'the step line is a label').to.equal(true);
          expect(step.bar, 'a bar under it').to.be.greaterThan(0);
          expect(step.spoken.indexOf(step.line), 'read with the question, first').to.be.within(0, 12);
          expect(step.spoken.length).to.be.greaterThan(step.line.length + 2);
          stepsSeen.add(n);
        }
        if (sees === '以上内容您了解了吗') {
          // The outcome is longer than the chat box: its first line (the category) is in view, not the question under it.
          const start = await driver.page.evaluate(`(() => {
            const scroller = document.querySelector('.webchat__basic-transcript__scrollable');
            const rows = [...scroller.querySelectorAll('article.webchat__basic-transcript__activity')];
            const lastUser = rows.map((r) => !!r.querySelector('.webchat__stacked-layout--from-user')).lastIndexOf(true);
            const first = rows[lastUser + 1].getBoundingClientRect(), view = scroller.getBoundingClientRect();
            return { firstTop: first.top, viewTop: view.top, viewBottom: view.bottom, text: rows[lastUser + 1].textContent };
          })()`) as { firstTop: number; viewTop: number; viewBottom: number; text: string };
          expect(start.text).to.include('应办理“自主转诊人员”备案');
          expect(start.firstTop, 'the outcome’s first line at the top of the chat box').to.be.within(start.viewTop - 1, start.viewTop + 40);
          expect(await driver.axe(), 'axe: the outcome').to.deep.equal([]);
        }
        if (sees === '请核对以上信息') expect(await driver.axe(), 'axe: the summary card').to.deep.equal([]);
        await driver.page.evaluate(() => document.getElementById('webchat')!.removeAttribute('data-reply'));
        await driver.run([then]);
        if (i === 0) {
          await driver.page.waitForFunction(() => !(document.getElementById('about') as HTMLDetailsElement).open);
          expect(await about(), 'the introduction folds once the person has answered').to.equal(false);
        }
      }

      expect([...stepsSeen].sort(), 'every step of the filing was shown').to.deep.equal([1, 2, 3, 4, 5, 6]);

      // Submitted: the confirmation — the receipt, as a card — shown from its start (not the menu after it),
      // the reference in large type on one line, copied by its button, and the printable receipt.
      await driver.run([{ sees: '备案已提交' }]);
      await driver.page.waitForSelector('#webchat[data-reply="shown"]');
      const confirmation = (await driver.page.evaluate(`(() => {
        const scroller = document.querySelector('.webchat__basic-transcript__scrollable');
        const rows = [...scroller.querySelectorAll('article.webchat__basic-transcript__activity')];
        const lastUser = rows.map((r) => !!r.querySelector('.webchat__stacked-layout--from-user')).lastIndexOf(true);
        return { top: rows[lastUser + 1].getBoundingClientRect().top, viewTop: scroller.getBoundingClientRect().top, text: rows[lastUser + 1].textContent };
      })()`)) as { top: number; viewTop: number; text: string };
      expect(confirmation.text).to.include(zh('messages.submittedTitle'));
      expect(confirmation.top, 'the confirmation’s first line at the top of the chat box').to.be.within(confirmation.viewTop - 1, confirmation.viewTop + 40);
      await driver.page.waitForSelector('#receipt-open:not([hidden])');
      const reference = (await driver.page.locator('#receipt-reference').textContent())!;
      expect(reference).to.match(/^YD\d{8}-[0-9A-Z]{6}$/);
      const referenceBox = (await driver.page.locator('#receipt-reference').boundingBox())!;
      const lineHeight = await driver.page.locator('#receipt-reference').evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
      expect(referenceBox.height, 'the reference on one line, never broken at its hyphen').to.be.below(lineHeight * 1.5);
      await expectControlsInView(driver.page, 'after submitting');
      // In the receipt card too: the reference in large type, on one line at every width; what to prepare and
      // bring, and what happens next, in the card; no personal data in it.
      const card = (await driver.page.evaluate(`(() => {
        const big = [...document.querySelectorAll('.yidi-card__text--large')].at(-1);
        const body = document.querySelector('.yidi-card__text:not(.yidi-card__text--large)');
        const node = [...big.childNodes].find((n) => n.nodeType === 3);
        const range = document.createRange();
        range.selectNodeContents(node);
        const card = big.closest('.yidi-card');
        return {
          reference: big.textContent.replace(/\u2060/g, ''),
          lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size,
          size: parseFloat(getComputedStyle(big).fontSize),
          bodySize: parseFloat(getComputedStyle(body).fontSize),
          text: card.textContent,
          facts: [...card.querySelectorAll('.yidi-card__fact-title')].map((t) => t.textContent),
        };
      })()`)) as { reference: string; lines: number; size: number; bodySize: number; text: string; facts: string[] };
      expect(card.reference).to.equal(reference);
      expect(card.lines, 'the reference in the receipt card on one line').to.equal(1);
      expect(card.size, 'the reference in large type').to.be.at.least(card.bodySize * 1.4);
      expect(card.facts).to.deep.equal(['category', 'status', 'startDate', 'validity', 'institutions'].map((k) => zh(`pages.receipt.${k}`)));
      expect(card.text).to.include(zh('pages.receipt.bringHeading')).and.include(zh('pages.receipt.nextHeading')).and.include('上海市第六人民医院');
      expect(card.text).to.not.include('张三').and.not.include('1101').and.not.include('138');
      await driver.page.click('#receipt-copy');
      await driver.page.waitForFunction(() => document.getElementById('receipt-copied')?.textContent !== '');
      expect(await driver.page.evaluate(() => navigator.clipboard.readText())).to.equal(reference);
      expect(await driver.axe(), 'axe: after submitting').to.deep.equal([]);
      await driver.screenshot(`phone-${viewport.width}-submitted`);

      const [receipt] = await Promise.all([driver.context.waitForEvent('page'), driver.page.click('#receipt-open')]);
      await receipt.waitForLoadState();
      expect(await receipt.locator('#doc-reference').textContent()).to.equal(reference);
      await receipt.screenshot({ path: join(new URL('../../artifacts/', import.meta.url).pathname, `phone-${viewport.width}-receipt.png`), fullPage: true });
      const printed = pdfText(await receipt.pdf({ format: 'A4' }));
      expect(printed, 'the printed receipt holds the reference').to.include(reference);
      expect(printed).to.include('1101**********002X').and.not.include('11010519491231002X');
      expect(printed, 'no buttons on paper').to.not.include(zh('pages.copy'));
      await receipt.close();

      // The common questions: 24 buttons in a bounded box, each reachable, the send box still in view.
      await driver.run([{ sees: '还有什么可以帮您' }, { click: '常见问题' }, { sees: '想了解哪个问题' }]);
      await driver.page.waitForTimeout(300);
      const count = await expectControlsInView(driver.page, 'the common questions');
      expect(count, 'every common question is a button').to.be.at.least(24);
      expect(driver.problems, 'no console errors (the page names its icon: no /favicon.ico)').to.deep.equal([]);
    });
  }

  it('320 px: the summary is a grouped, left-aligned list, one value per line, nothing cut; edits move the focus back to the send box and retire the older card', async () => {
    driver = await WebChatDriver.launch({ width: 320, height: 640 });
    await driver.open(`${base}/`);
    await driver.run([{ sees: '请问您想办理什么' }]);
    for (const [say] of TMP_OTHER_SCRIPT.slice(1)) {
      await driver.run([{ type: say }]);
      await driver.waitUntilSent();
    }
    await driver.run([{ sees: '请核对' }]);
    await driver.page.waitForTimeout(300);
    const card = await driver.page.evaluate(`(() => {
      const root = document.querySelector('.yidi-card');
      const host = root.closest('.webchat__bubble__content') || root;
      const groups = [...root.querySelectorAll('.yidi-card__container')].map((g) => g.querySelector('.yidi-card__text').textContent);
      const values = [...root.querySelectorAll('.yidi-card__fact-value')].map((v) => {
        const r = v.getBoundingClientRect();
        return { text: v.textContent, left: r.left, height: r.height, lineHeight: parseFloat(getComputedStyle(v).lineHeight), align: getComputedStyle(v).textAlign, scroll: v.scrollWidth - v.clientWidth };
      });
      const buttons = [...root.querySelectorAll('.yidi-card__button')].filter((b) => b.offsetParent).map((b) => {
        const r = b.getBoundingClientRect(), h = host.getBoundingClientRect();
        return { text: b.textContent, cut: b.scrollWidth > b.clientWidth + 1, inside: r.left >= h.left - 0.5 && r.right <= h.right + 0.5 };
      });
      return { groups, values, buttons };
    })()`) as { groups: string[]; values: Array<{ text: string; left: number; height: number; lineHeight: number; align: string; scroll: number }>; buttons: Array<{ text: string; cut: boolean; inside: boolean }> };
    // The three groups of answers, then what to prepare before submitting and how to hand it in.
    expect(card.groups).to.deep.equal([zh('labels.groups.situation'), zh('labels.groups.person'), zh('labels.groups.treatment'), zh('messages.prepareHeading')]);
    const id = card.values.find((v) => v.text === '1101**********002X');
    expect(id, 'the masked ID is shown').to.not.equal(undefined);
    for (const value of card.values.filter((v) => /^[\d*X-]+$/.test(v.text))) {
      expect(value.height, `"${value.text}" on one line`).to.be.below(value.lineHeight * 1.5);
      expect(value.scroll, `"${value.text}" not cut`).to.be.at.most(0);
    }
    expect(new Set(card.values.map((v) => Math.round(v.left))).size, 'values left-aligned in one column').to.equal(1);
    // The person's own review: the name in full (a typo would show), the ID number and phone masked.
    expect(card.values.map((v) => v.text)).to.include.members(['张三', '1101**********002X', '138****5678']);
    expect(card.values.every((v) => v.align === 'left' || v.align === 'start'), 'no centred values').to.equal(true);
    expect(card.buttons.map((b) => b.text)).to.deep.equal(['situation', 'person', 'treatment'].map((g) => texts.t('zh-CN', 'messages.editAction', { field: zh(`labels.groups.${g}`) })));
    for (const b of card.buttons) expect(b, b.text).to.include({ cut: false, inside: true });
    await driver.screenshot('phone-320-summary');

    // The group's edit link opens its per-field edits, each whole and inside the bubble.
    await driver.page.locator('.yidi-card__button', { hasText: texts.t('zh-CN', 'messages.editAction', { field: zh('labels.groups.person') }) }).click();
    const opened = await driver.page.$$eval('.yidi-card__panel:not([hidden]) .yidi-card__button', (buttons) =>
      buttons.map((b) => ({ text: b.textContent ?? '', cut: b.scrollWidth > b.clientWidth + 1, right: b.getBoundingClientRect().right })),
    );
    expect(opened.map((b) => b.text)).to.include('修改参保人身份证号');
    for (const b of opened) expect(b.cut, b.text).to.equal(false);
    for (const b of opened) expect(b.right, b.text).to.be.at.most(320);

    // Focus rings on the card's buttons are 3 px and not cut off by the bubble.
    // (The disclosure was just pressed and has the focus: Tab reaches the first edit in its panel, by keyboard.)
    await driver.page.keyboard.press('Tab');
    expect(await driver.page.evaluate(() => document.activeElement?.closest('.yidi-card__panel') !== null)).to.equal(true);
    const ring = await focusRing(driver.page, ':focus');
    expect(ring).to.deep.include({ width: 3, style: 'solid' });
    expect(ring.cut, 'no ancestor clips the focus ring').to.deep.equal([]);

    // An edit: the focus goes back to the send box, and once the new summary is shown the old one has no buttons.
    await driver.clickCard('修改参保人手机');
    expect(await driver.page.evaluate(() => document.activeElement?.getAttribute('data-id'))).to.equal('webchat-sendbox-input');
    await driver.run([{ sees: '您之前的回答是：138****5678' }, { type: '13912345678' }, { sees: '139****5678' }]);
    await driver.page.waitForFunction(() => document.querySelectorAll('.yidi-card').length === 2);
    const [older, newer] = await driver.page.$$eval('.yidi-card', (cards) => cards.map((c) => c.querySelectorAll('button').length));
    expect(older, 'the older card lost its buttons').to.equal(0);
    expect(newer, 'the newest card keeps its edit links').to.be.greaterThan(3);
    expect(await driver.page.locator('.yidi-card__superseded').count()).to.equal(1);
    expect(await driver.axe(), 'axe: two summaries').to.deep.equal([]);
  });

  it('keyboard: the header in order (skip link, start over, privacy, language), visible focus on each, a 3 px ring on the send button; start over asks first', async () => {
    driver = await WebChatDriver.launch({ width: 390, height: 844 });
    await driver.open(`${base}/`);
    await driver.run([{ sees: '请问您想办理什么' }, { click: '办理异地就医备案' }, { sees: '为您本人办理' }]);
    await driver.run([{ reload: true }, { sees: '为您本人办理' }]);
    const order: Array<{ text: string; outline: string }> = [];
    for (let i = 0; i < 5; i++) {
      await driver.page.keyboard.press('Tab');
      order.push(await driver.page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        return { text: (el.textContent ?? '').trim(), outline: `${s.outlineStyle} ${s.outlineWidth}` };
      }));
    }
    const strings = JSON.parse(await driver.page.locator('#page-strings').textContent() ?? '{}') as Record<string, string>;
    expect(order.map((o) => o.text)).to.deep.equal([strings['skipToChat'], strings['startOver'], strings['privacyLink'], strings['otherLanguage'], strings['about']]);
    for (const o of order) expect(o.outline, o.text).to.equal('solid 3px');

    // The send button: its keyboard indicator is more than 1 px.
    await driver.page.locator(SEND_BOX).focus();
    await driver.page.keyboard.press('Tab');
    const send = await driver.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const indicator = el.querySelector('.webchat__icon-button__keyboard-focus-indicator');
      const s = getComputedStyle(el);
      const i = indicator ? getComputedStyle(indicator) : null;
      return { label: el.getAttribute('title') ?? el.getAttribute('aria-label'), outline: parseFloat(s.outlineWidth) * (s.outlineStyle === 'none' ? 0 : 1), indicator: i ? parseFloat(i.borderTopWidth) : 0 };
    });
    expect(Math.max(send.outline, send.indicator), `the send button (${send.label}) shows a focus indicator over 1 px`).to.be.at.least(2);

    // Start over from the header: the command goes as the person's message, and the bot asks before clearing.
    await driver.run([{ click: '为本人办理' }, { sees: '参保地' }, { type: '日照' }, { sees: '就医地' }]);
    await driver.page.click('#start-over');
    await driver.run([{ sees: zh('prompts.confirm.startOver.text') }]);
    const said = (await driver.transcript()).filter((l) => l.from === 'user').map((l) => l.text);
    expect(said.at(-1)).to.equal(zh('commands.cancel.label'));
    expect(await driver.page.evaluate(() => document.activeElement?.getAttribute('data-id'))).to.equal('webchat-sendbox-input');
  });

  it('lang after a language switch typed in the chat: on the Chinese page the bot’s English messages say en-US and its Chinese ones zh-CN, and the steps read in English', async () => {
    driver = await WebChatDriver.launch({ width: 390, height: 844 });
    await driver.open(`${base}/`);
    await driver.run([{ sees: '请问您想办理什么' }, { click: '办理异地就医备案' }, { sees: '为您本人办理' }, { click: '为本人办理' }, { sees: '参保地' }]);
    await driver.run([{ type: 'English' }, { sees: 'Switched to English' }, { sees: 'Step 1 of 6' }, { type: 'Rizhao' }, { sees: 'city will the treatment' }]);
    await driver.page.waitForTimeout(300);
    expect(await driver.page.getAttribute('html', 'lang'), 'the page stays Chinese').to.equal('zh-CN');
    const rows = (await driver.page.$$eval('article.webchat__basic-transcript__activity', (all) =>
      all.map((row) => ({
        user: row.querySelector('.webchat__stacked-layout--from-user') !== null,
        row: row.getAttribute('lang'),
        message: row.querySelector('.webchat__bubble__content')?.closest('[lang]')?.getAttribute('lang'),
        text: (row.querySelector('.webchat__bubble__content')?.textContent ?? '').trim(),
      })),
    )).filter((r) => !r.user);
    const languageOf = (text: string) => (/\p{Script=Han}/u.test(text.replace(/中文/g, '')) ? 'zh-CN' : 'en-US');
    for (const r of rows) expect({ row: r.row, message: r.message }, r.text.slice(0, 40)).to.deep.equal({ row: languageOf(r.text), message: languageOf(r.text) });
    expect(rows.filter((r) => r.row === 'en-US').length, 'English replies').to.be.at.least(3);
    expect(rows.filter((r) => r.row === 'zh-CN').length, 'the Chinese history').to.be.at.least(3);
    expect((await shownStep(driver.page))!.line).to.match(/^Step 1 of 6: /);
    expect(await driver.axe(), 'axe: two languages in one transcript').to.deep.equal([]);
  });

  it('the privacy notice: Chinese and English, no accessibility violation, printable', async () => {
    driver = await WebChatDriver.launch({ width: 360, height: 640 });
    await driver.page.goto(`${base}/privacy`);
    expect(await driver.page.getAttribute('html', 'lang')).to.equal('zh-CN');
    expect(await driver.page.locator('h1').textContent()).to.equal(zh('pages.privacy.title'));
    expect(await driver.axe()).to.deep.equal([]);
    await driver.page.goto(`${base}/privacy?lang=en`);
    expect(await driver.page.getAttribute('html', 'lang')).to.equal('en-US');
    expect(await driver.axe()).to.deep.equal([]);
    expect(pdfText(await driver.page.pdf({ format: 'A4' }))).to.include(texts.t('en-US', 'pages.privacy.title'));
  });
});
