import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/ops/logger.js';
import { WebChatDriver, type Step } from './webchat-driver.js';

/**
 * A citizen files on the web page, in a real Chromium: the whole conversation in Chinese by clicking
 * buttons and typing, a reload in the middle, the summary card with a per-field edit, the reference;
 * reloaded at the end, the person's own messages show their name, ID number and phones masked.
 */
describe('the web page, end to end in a real browser: a whole filing in Chinese', function () {
  this.timeout(120_000);
  let app: App;
  let base: string;
  let driver: WebChatDriver;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'browser-filing-'));
    app = createApp(loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'silent' }), {
      logger: createLogger({ level: 'silent' }),
      today: () => '2026-11-24',
    });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    driver = await WebChatDriver.launch();
  });

  after(async () => {
    await driver?.close();
    app?.server.close();
    for (const closer of app?.closers ?? []) await closer.close();
  });

  const situation: Step[] = [
    { sees: '请问您想办理什么' },
    { click: '办理异地就医备案' },
    { sees: '为您本人办理' },
    { click: '为本人办理' },
    { sees: '参保地' },
    { type: '日照' },
    { sees: '就医地' },
    { type: '上海' },
    { sees: '您是否同意' },
    { click: '同意' },
    { sees: '用一两句话说说' },
    { click: '一步一步回答' },
    { click: '是，正常参保' },
    { sees: '现在是什么情况' },
    { click: '计划去外地看病或居住' },
    { click: '否，短期看病' },
    { click: '没有，自己去' },
    { sees: '应办理“自主转诊人员”备案' },
    { screenshot: 'filing-1-outcome' },
  ];

  const details: Step[] = [
    { click: '我已了解，继续' },
    { click: '职工医保' },
    { sees: '请输入您的姓名' },
    { type: '张三' },
    { sees: '身份证号码' },
    { type: '11010519491231002x' },
    { sees: '手机号码' },
    { type: '138 1234 5678' },
    { sees: '备案从哪一天开始' },
    { type: '下个月1号' },
    { sees: '定点医疗机构' },
    { type: '上海市第六人民医院' },
    { sees: '请核对' },
    { screenshot: 'filing-2-summary-card' },
  ];

  it('files from the first button to the reference number, surviving a reload, with a per-field edit on the card', async () => {
    await driver.open(`${base}/`);
    expect(await driver.page.getAttribute('html', 'lang')).to.equal('zh-CN');
    await driver.run(situation);

    // Reload in the middle: the history is there and the conversation continues.
    await driver.run([{ reload: true }, { sees: '应办理“自主转诊人员”备案' }]);
    await driver.run(details);

    // The summary is masked, and the card's edit action opens one field only.
    const summary = await driver.transcriptText();
    expect(summary).to.include('1101**********002X');
    expect(summary).to.include('138****5678');
    expect(summary).to.not.include('11010519491231002X');
    await driver.run([
      { clickCard: '修改参保人手机' },
      { sees: '您之前的回答是：138****5678' },
      { type: '13912345678' },
      { sees: '139****5678' },
      { click: '确认提交' },
      { sees: '备案已提交' },
      { screenshot: 'filing-3-submitted' },
    ]);

    const { reference } = await driver.submittedReference();
    const stored = await app.filings.get(reference);
    expect(stored?.category).to.equal('TMP_OTHER');
    expect(stored?.filing).to.deep.include({ startDate: '2026-12-01' });
    expect(JSON.stringify(stored?.filing)).to.include('13912345678');

    // A reload replays the person's own messages with what they gave masked, as the bot shows it back.
    await driver.run([{ reload: true }, { sees: '备案已提交' }]);
    const mine = (await driver.transcript()).filter((l) => l.from === 'user').map((l) => l.text);
    expect(mine).to.include.members(['张*', '1101**********002X', '138****5678', '139****5678', '下个月1号', '上海市第六人民医院']);
    for (const given of ['张三', '11010519491231002x', '138 1234 5678', '13912345678']) expect(mine.join('\n')).to.not.include(given);
    expect(driver.problems, 'no console errors (the page names its icon: no /favicon.ico)').to.deep.equal([]);
  });
});
