import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startAppServer, type AppServer } from './support/app-server.js';
import { LT_RESIDENT_TO_SUMMARY } from './support/paths.js';
import { FakeWeChatApi, WeChatSender, wechatEnv } from './support/wechat.js';

/**
 * After submitting, over /wechat (secure mode) on the real server: a person who filed there changes the
 * filing — the identity check, the field chosen by its number (WeChat shows choices as numbered lines),
 * the filing's own question — and gets a new reference; the old filing is CHANGED.
 */
describe('WeChat: change a filing after proving identity, choosing by number', function () {
  this.timeout(60_000);
  let server: AppServer;
  let api: FakeWeChatApi;
  let dir: string;
  let smsFile: string;
  const clock = { today: '2026-11-24' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lifecycle-wechat-'));
    smsFile = join(dir, 'sms.jsonl');
    api = await new FakeWeChatApi().start();
    server = await startAppServer(wechatEnv(api.base, { SMS_FILE_PATH: smsFile }), { overrides: { today: () => clock.today } });
  });
  after(async () => {
    await server.stop();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const waitingAt = () => server.lines.filter((l) => l['msg'] === 'turn').at(-1)?.['promptId'];
  const lastCode = () => {
    const last = existsSync(smsFile) ? readFileSync(smsFile, 'utf8').trim().split('\n').at(-1) : undefined;
    return last ? (/\d{6}/.exec((JSON.parse(last) as { text: string }).text)?.[0] ?? '') : '';
  };

  it('变更备案 → identity → "1" (institutions) → new institutions: a new reference, the old one CHANGED', async () => {
    const person = new WeChatSender(server.base, undefined, 'secure');
    for (const [said, next] of LT_RESIDENT_TO_SUMMARY) {
      await person.say(said);
      expect(waitingAt(), said).to.equal(next);
    }
    const done = await person.say('确认提交');
    const reference = /YD\d{8}-[0-9A-Z]+/.exec(done.text ?? '')![0];
    await server.app.filings.setStatus(reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'office' } });

    clock.today = '2027-02-01';
    await person.say('变更备案');
    expect(waitingAt()).to.equal('lifecycle.find');
    await person.say(reference);
    await person.say('11010519491231002X');
    const sent = await person.say('13812345678');
    expect(sent.text).to.contain('138****5678');
    const field = await person.say(lastCode());
    expect(waitingAt()).to.equal('lifecycle.change.field');
    expect(field.text, 'the fields as numbered lines').to.match(/^\s*1\. 定点医疗机构$/m);
    await person.say('1');
    expect(waitingAt()).to.equal('lifecycle.change.institutions');
    const changed = await person.say('上海市第六人民医院，复旦大学附属中山医院');
    const fresh = /新的备案编号：(YD\d{8}-[0-9A-Z]+)/.exec(changed.text ?? '')?.[1];
    expect(fresh, changed.text).to.be.a('string').and.not.equal(reference);
    expect(Buffer.byteLength(changed.text ?? '', 'utf8')).to.be.at.most(2048);
    expect((await server.app.filings.get(reference))!).to.deep.include({ status: 'CHANGED', replacedBy: fresh });
    expect(((await server.app.filings.get(fresh!))!.filing as { institutions: string[] }).institutions).to.deep.equal(['上海市第六人民医院', '复旦大学附属中山医院']);
  });
});
