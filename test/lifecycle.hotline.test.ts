import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Texts } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { startAgencyServer, type AgencyServer } from './support/agency.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { validityEndDate } from '../src/domain/calendar.js';
import { Chat } from './support/chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';

/**
 * The change flow on the hotline (real server, /agent/api/calls): an agent changes a caller's temporary
 * filing's end date under the national rules, the caller proving who they are with the code texted to
 * their phone (read from the embedded SMS file); the new filing carries the new end date, the old one is
 * CHANGED (refusals and Rizhao's rules: test/dialogs.lifecycle.end-date.test.ts).
 */
const texts = new Texts();
const national = loadProfiles().get('national')!;
const ID = '11010519491231002X';
const PHONE = '13812345678';

describe('hotline: a guided call changes a filing\'s end date (HTTP)', function () {
  this.timeout(90_000);
  let server: AgencyServer;
  let dir: string;
  const smsFile = () => join(dir, 'sms.jsonl');
  const lastCode = () => {
    const lines = existsSync(smsFile()) ? readFileSync(smsFile(), 'utf8').trim().split('\n') : [];
    return /\d{6}/.exec((JSON.parse(lines.at(-1) ?? '{}') as { text?: string }).text ?? '')?.[0] ?? '';
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lifecycle-hotline-'));
    server = await startAgencyServer({ SMS_FILE_PATH: join(dir, 'sms.jsonl'), DEFAULT_REGION: 'national', ...(await agentAccountsEnv()) });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * An approved TMP_OTHER filing of an insured place without a profile (Beijing: national rules), valid the
   * national 6 months from 2026-11-25: made in a chat (Rizhao) and filed again as Beijing's on the server.
   */
  async function nationalTemporary(): Promise<string> {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_SCRIPT);
    const made = (await chat.filings.get(Chat.channelData<{ reference: string }>(await chat.say('确认提交'), 'filing')!.reference))!;
    const { institutions: _none, ...record } = made.filing as Record<string, unknown> & { startDate: string };
    const { stored } = await server.app.filings.submit({
      idempotencyKey: 'hotline-national',
      category: made.category,
      profileId: 'national',
      profileVersion: national.version,
      filing: { ...record, insuredPlace: '110000', endDate: validityEndDate(record.startDate, 6), profileId: 'national', profileVersion: national.version },
    });
    await server.app.filings.setStatus(stored.reference, 'EFFECTIVE', { actor: { kind: 'agency' } });
    return stored.reference;
  }

  it('the agent records the caller\'s words; the new end date is on a new filing, the old one CHANGED', async () => {
    const reference = await nationalTemporary();
    const agent = new AgentClient(server.base);
    await agent.signIn(AGENTS.wang);
    const call = (await agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    const say = async (text: string) => (await agent.call('POST', `calls/${call}/say`, { text })).json as Record<string, any>;
    expect((await say('变更备案'))['question']['promptId']).to.equal('lifecycle.find');
    await say(reference);
    await say(ID);
    expect((await say(PHONE))['question']['promptId']).to.equal('lifecycle.code');
    const field = await say(lastCode());
    expect(field['question']['promptId']).to.equal('lifecycle.change.field');
    expect(field['question']['choices']).to.include(texts.t('zh-CN', 'prompts.lifecycle.change.field.choices.endDate'));
    const asked = await say(texts.t('zh-CN', 'prompts.lifecycle.change.field.choices.endDate'));
    expect(asked['question']).to.include({ promptId: 'lifecycle.change.endDate' });
    expect(asked['question']['spoken']).to.include('2027年5月24日').and.include('2027年11月24日');
    const tooLate = await say('后年1月1日');
    expect(JSON.stringify(tooLate['said'])).to.include('不能晚于 2027年11月24日');
    expect(tooLate['question']['promptId']).to.equal('lifecycle.change.endDate');
    const done = await say('明年9月底');
    expect(JSON.stringify(done['said'])).to.include('有效期到 2027年9月30日');
    const old = (await server.app.filings.get(reference))!;
    expect(old.status).to.equal('CHANGED');
    const fresh = (await server.app.filings.get(old.replacedBy!))!;
    expect(fresh.filing).to.include({ endDate: '2027-09-30', startDate: '2026-11-25' });
    expect(fresh.origin?.channel, 'its notices go by text message').to.equal('hotline');
    expect(JSON.stringify(done)).to.not.include(PHONE).and.not.include(ID);
  });
});
