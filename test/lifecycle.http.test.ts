import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startAppServer, type AppServer } from './support/app-server.js';
import { HttpChat } from './support/http-chat.js';
import { LT_RESIDENT_TO_SUMMARY, TMP_OTHER_SCRIPT, type TextStep } from './support/paths.js';

/**
 * After submitting, over HTTP on the real server (/api/messages): a person checks, cancels and changes a
 * filing after proving who they are — the full ID number, the phone on file and a one-time code, read
 * here from the embedded SMS sender's file as the operator would — under the region profile's rules,
 * with the clock moved as days pass; wrong codes lock out.
 */

const ID = '11010519491231002X';
const PHONE = '13812345678';

const promptOf = (replies: Partial<Activity>[]) => (replies.at(-1)?.channelData as { promptId?: string } | undefined)?.promptId;
const textOf = (replies: Partial<Activity>[]) => replies.map((r) => r.text ?? r.speak ?? '').join('\n');

describe('after submitting, over HTTP: check, cancel and change a filing, identity-checked', function () {
  this.timeout(60_000);
  let server: AppServer;
  let dir: string;
  let smsFile: string;
  const clock = { today: '2026-11-24' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
    smsFile = join(dir, 'sms.jsonl');
    server = await startAppServer({ SMS_FILE_PATH: smsFile }, { overrides: { today: () => clock.today } });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    clock.today = '2026-11-24';
  });

  /** The newest code texted to `phone`, as the operator reads it from the outbox file. */
  function lastCode(phone = PHONE): string {
    if (!existsSync(smsFile)) return '';
    const lines = readFileSync(smsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { to: string; text: string; purpose: string });
    const mine = lines.filter((l) => l.to === phone && l.purpose === 'code');
    return /\d{6}/.exec(mine.at(-1)?.text ?? '')?.[0] ?? '';
  }

  async function file(script: TextStep[]): Promise<string> {
    const chat = new HttpChat([server.base]);
    for (const [say, next] of script) {
      const { replies } = await chat.say(say);
      expect(promptOf(replies), `after "${say}"`).to.equal(next);
    }
    const { replies } = await chat.say('确认提交');
    const filing = replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing).find(Boolean);
    expect(filing, 'the confirmation carries the filing').to.not.equal(undefined);
    return filing!.reference;
  }

  /** From "查询备案" (or another request) to the code sent; resolves with the replies to the code. */
  async function prove(chat: HttpChat, request: string, reference: string): Promise<Partial<Activity>[]> {
    expect(promptOf((await chat.say(request)).replies)).to.equal('lifecycle.find');
    expect(promptOf((await chat.say(reference)).replies)).to.equal('lifecycle.idNumber');
    expect(promptOf((await chat.say(ID)).replies)).to.equal('lifecycle.phone');
    const sent = await chat.say(PHONE);
    expect(textOf(sent.replies)).to.contain('138****5678');
    expect(promptOf(sent.replies)).to.equal('lifecycle.code');
    return (await chat.say(lastCode())).replies;
  }

  it('a person files, then checks the status by reference after proving identity; nothing is shown before', async () => {
    const reference = await file(TMP_OTHER_SCRIPT);
    const chat = new HttpChat([server.base]);
    await chat.say('你好');
    expect(promptOf((await chat.say('查询备案')).replies)).to.equal('lifecycle.find');
    const asked = await chat.say(reference);
    expect(textOf(asked.replies)).to.not.contain('上海市第六人民医院');
    expect(promptOf((await chat.say(ID)).replies)).to.equal('lifecycle.phone');
    const sent = await chat.say(PHONE);
    expect(textOf(sent.replies)).to.not.contain('上海市第六人民医院');
    const code = lastCode();
    expect(code).to.match(/^\d{6}$/);
    const shown = textOf((await chat.say(code)).replies);
    expect(shown).to.contain(reference);
    expect(shown).to.contain('已提交，等待审核');
    expect(shown).to.contain('上海市第六人民医院');
    expect(shown).to.contain('张*');
    expect(shown).to.not.contain(ID);
    expect(shown).to.not.contain(PHONE);
    // No log line holds the code, the ID number or the phone.
    const leaks = server.lines.map((l) => JSON.stringify(l)).filter((l) => l.includes(code) || l.includes(ID) || l.includes(PHONE));
    expect(leaks).to.deep.equal([]);
  });

  /** The agency approves (through the store, as its API does). */
  async function approve(reference: string): Promise<void> {
    await server.app.filings.setStatus(reference, 'EFFECTIVE', { actor: { kind: 'agency', name: 'test-office' } });
  }

  it('a long-term filing cancelled 30 days after its start is refused with the earliest date, and allowed on day 60', async () => {
    const reference = await file(LT_RESIDENT_TO_SUMMARY);
    await approve(reference);
    // Started 2026-12-01; Rizhao: cancel from start + 60 days.
    clock.today = '2026-12-31';
    const early = new HttpChat([server.base]);
    await early.say('你好');
    const refused = await prove(early, '取消备案', reference);
    expect(textOf(refused)).to.contain('最早可在2027年1月30日申请取消');
    expect(refused.map((r) => (r.channelData as { earliest?: string } | undefined)?.earliest).find(Boolean)).to.equal('2027-01-30');
    expect((await server.app.filings.get(reference))!.status).to.equal('EFFECTIVE');

    clock.today = '2027-01-30';
    const later = new HttpChat([server.base]);
    await later.say('你好');
    const asked = await prove(later, '取消备案', reference);
    expect(textOf(asked)).to.contain('社保卡和医保电子凭证在参保地的直接结算功能会恢复');
    expect(promptOf(asked)).to.equal('lifecycle.cancel.confirm');
    const done = await later.say('确定取消');
    expect(textOf(done.replies)).to.contain(`备案 ${reference} 已取消`);
    const cancelled = (await server.app.filings.get(reference))!;
    expect(cancelled.status).to.equal('CANCELLED');
    expect(cancelled.history.at(-1)).to.deep.include({ from: 'EFFECTIVE', to: 'CANCELLED', actor: { kind: 'person' } });
  });

  it('a change asks the filing\'s own question and checks, produces a new reference and marks the old one CHANGED', async () => {
    const reference = await file(LT_RESIDENT_TO_SUMMARY);
    await approve(reference);
    clock.today = '2027-02-01';
    const chat = new HttpChat([server.base]);
    await chat.say('你好');
    const asked = await prove(chat, '变更备案', reference);
    expect(promptOf(asked)).to.equal('lifecycle.change.field');
    expect(promptOf((await chat.say('定点医疗机构')).replies)).to.equal('lifecycle.change.institutions');
    // The filing's checks: four institutions are too many under Rizhao (1 to 3).
    const tooMany = await chat.say('甲医院，乙医院，丙医院，丁医院');
    expect(promptOf(tooMany.replies)).to.equal('lifecycle.change.institutions');
    const done = await chat.say('上海市第六人民医院');
    const filing = done.replies.map((r) => (r.channelData as { filing?: { reference: string; replaces: string } } | undefined)?.filing).find(Boolean)!;
    expect(filing.replaces).to.equal(reference);
    expect(filing.reference).to.not.equal(reference);
    const old = (await server.app.filings.get(reference))!;
    const fresh = (await server.app.filings.get(filing.reference))!;
    expect(old.status).to.equal('CHANGED');
    expect(old.replacedBy).to.equal(fresh.reference);
    expect(fresh.replaces).to.equal(reference);
    // In force at once, as the old one was (no new review): the person is never without a filing in force.
    expect(fresh.status).to.equal('EFFECTIVE');
    expect(fresh.history.map((e) => [e.from, e.to, e.actor.kind, e.reason])).to.deep.equal([[null, 'EFFECTIVE', 'person', `replaces ${reference}`]]);
    expect((fresh.filing as { institutions: string[] }).institutions).to.deep.equal(['上海市第六人民医院']);
    // The old one's validity: a new answer neither lengthens it nor restarts the wait.
    expect((fresh.filing as { startDate: string }).startDate).to.equal((old.filing as { startDate: string }).startDate);
    expect((fresh.filing as { endDate: unknown }).endDate).to.equal((old.filing as { endDate: unknown }).endDate);
    // The old one, checked again, says what replaced it.
    const again = new HttpChat([server.base]);
    await again.say('你好');
    expect(textOf(await prove(again, '查询备案', reference))).to.contain(fresh.reference);
    // The new one can be cancelled the same day: the wait counts from the old start, not from the change.
    const cancel = new HttpChat([server.base]);
    await cancel.say('你好');
    expect(promptOf(await prove(cancel, '取消备案', fresh.reference))).to.equal('lifecycle.cancel.confirm');
  });

  it('a temporary filing changed near its end keeps its end date: a new phone grants no new validity', async () => {
    const reference = await file(TMP_OTHER_SCRIPT);
    await approve(reference);
    const before = (await server.app.filings.get(reference))!.filing as { startDate: string; endDate: string };
    // Five days before it ends.
    clock.today = new Date(Date.parse(`${before.endDate}T00:00:00Z`) - 5 * 86_400_000).toISOString().slice(0, 10);
    const chat = new HttpChat([server.base]);
    await chat.say('你好');
    expect(promptOf(await prove(chat, '变更备案', reference))).to.equal('lifecycle.change.field');
    expect(promptOf((await chat.say('手机号码')).replies)).to.equal('lifecycle.change.phone');
    const done = await chat.say('13700002222');
    const changed = done.replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing).find(Boolean)!;
    const fresh = (await server.app.filings.get(changed.reference))!.filing as { startDate: string; endDate: string; person: { phone: string } };
    expect(fresh.person.phone).to.equal('13700002222');
    expect({ startDate: fresh.startDate, endDate: fresh.endDate }).to.deep.equal({ startDate: before.startDate, endDate: before.endDate });
  });

  it('a wrong code five times locks out, with a clear message, counted in /metrics; the lockout holds for a new conversation', async () => {
    const reference = await file(TMP_OTHER_SCRIPT);
    const chat = new HttpChat([server.base]);
    await chat.say('你好');
    expect(promptOf((await chat.say(reference)).replies), 'a bare reference starts the check').to.equal('lifecycle.idNumber');
    await chat.say(ID);
    await chat.say(PHONE);
    const right = lastCode();
    const wrong = right === '000000' ? '111111' : '000000';
    for (let remaining = 4; remaining >= 1; remaining--) {
      const { replies } = await chat.say(wrong);
      expect(textOf(replies)).to.contain(`还可以再试${remaining}次`);
      expect(promptOf(replies)).to.equal('lifecycle.code');
    }
    const locked = await chat.say(wrong);
    expect(textOf(locked.replies)).to.match(/尝试次数过多.*15分钟后再试/s);
    expect(promptOf(locked.replies)).to.equal('menu.main');

    const other = new HttpChat([server.base]);
    await other.say('你好');
    await other.say('查询备案');
    const refused = await other.say(reference);
    expect(textOf(refused.replies)).to.contain('尝试次数过多');
    expect(promptOf(refused.replies)).to.equal('menu.main');

    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).to.match(/identity_checks_total\{outcome="locked_out"\} [1-9]/);
    expect(metrics).to.match(/identity_checks_total\{outcome="code_wrong"\} [5-9]/);
    expect(metrics).to.match(/identity_checks_total\{outcome="refused_locked"\} [1-9]/);
  });

  it('by ID number when the reference is lost, in English; details that do not match get the same answer as a filing that does not exist', async () => {
    const older = await file(TMP_OTHER_SCRIPT);
    const newer = await file(TMP_OTHER_SCRIPT);
    const chat = new HttpChat([server.base], 'en-US');
    await chat.say('hello');
    expect(promptOf((await chat.say('check my filing')).replies)).to.equal('lifecycle.find');
    expect(promptOf((await chat.say(ID)).replies), 'the ID number was given as the key').to.equal('lifecycle.phone');
    const mismatch = await chat.say('13900001111');
    expect(textOf(mismatch.replies)).to.contain('does not match our records');
    expect(promptOf(mismatch.replies)).to.equal('lifecycle.find');
    await chat.say(ID);
    await chat.say(PHONE);
    const shown = textOf((await chat.say(lastCode())).replies);
    expect(shown).to.contain('submitted, waiting for review');
    // The newest filing is shown; the person's others are named by reference.
    expect(shown).to.contain(`Reference: ${newer}`);
    expect(shown).to.match(/This ID number has these filings too: .*YD/).and.contain(older);
    expect(shown).to.not.contain(ID);
  });
});
