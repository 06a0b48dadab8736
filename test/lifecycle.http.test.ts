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
});
