import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { HttpChat } from './support/http-chat.js';
import { agency, DESK, fileOverHttp, startAgencyServer, type AgencyServer } from './support/agency.js';

/**
 * The store's side of a change, over HTTP with the real server: the agency approves a filing, the person
 * changes their phone through 变更备案 (identity-checked), and the agency sees a new filing that replaces
 * the old one and the old one CHANGED with replacedBy — set in one durable step — each with its history.
 */
const promptOf = (replies: Partial<Activity>[]) => (replies.at(-1)?.channelData as { promptId?: string } | undefined)?.promptId;

describe('a change seen from the agency’s side', function () {
  this.timeout(60_000);
  let server: AgencyServer;
  let dir: string;
  let smsFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agency-change-'));
    smsFile = join(dir, 'sms.jsonl');
    server = await startAgencyServer({ SMS_FILE_PATH: smsFile });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lastCode = () => {
    if (!existsSync(smsFile)) return '';
    const lines = readFileSync(smsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { to: string; text: string; purpose: string });
    return /\d{6}/.exec(lines.filter((l) => l.purpose === 'code').at(-1)?.text ?? '')?.[0] ?? '';
  };

  it('the person’s change makes a new filing replacing the approved one; the old one reads CHANGED with replacedBy', async () => {
    const old = await fileOverHttp(server.base);
    expect((await agency(server.base, DESK.key, 'POST', `/agency/v1/filings/${old}/status`, { status: 'EFFECTIVE', requestId: 'c-1' })).status).to.equal(200);

    const chat = new HttpChat([server.base]);
    await chat.say('你好');
    expect(promptOf((await chat.say('变更备案')).replies)).to.equal('lifecycle.find');
    expect(promptOf((await chat.say(old)).replies)).to.equal('lifecycle.idNumber');
    expect(promptOf((await chat.say('11010519491231002X')).replies)).to.equal('lifecycle.phone');
    expect(promptOf((await chat.say('13812345678')).replies)).to.equal('lifecycle.code');
    expect(promptOf((await chat.say(lastCode())).replies)).to.equal('lifecycle.change.field');
    expect(promptOf((await chat.say('手机号码')).replies)).to.equal('lifecycle.change.phone');
    const done = await chat.say('13900001111');
    const changed = done.replies.map((r) => (r.channelData as { filing?: { reference: string; replaces?: string } } | undefined)?.filing).find(Boolean);
    expect(changed?.replaces).to.equal(old);

    const before = (await agency(server.base, DESK.key, 'GET', `/agency/v1/filings/${old}`)).json;
    expect(before).to.deep.include({ status: 'CHANGED', replacedBy: changed!.reference });
    expect(before.history.map((e: { to: string }) => e.to)).to.deep.equal(['SUBMITTED', 'EFFECTIVE', 'CHANGED']);
    expect(before.history.at(-1).actor).to.deep.equal({ kind: 'person' });
    const after = (await agency(server.base, DESK.key, 'GET', `/agency/v1/filings/${changed!.reference}`)).json;
    expect(after).to.deep.include({ status: 'EFFECTIVE', replaces: old, channel: 'emulator' });
    expect(after.filing.person.phone).to.equal('13900001111');
  });
});
