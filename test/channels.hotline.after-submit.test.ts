import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer, type AppServer } from './support/app-server.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { Chat } from './support/chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';

/**
 * A caller who filed before rings to check their filing (HTTP on the real server, /agent/api/calls): the
 * filing told after the identity check is not a filing submitted in the call — the call records no
 * submission, audits none, and when it ends it is counted as a call about a filing already made.
 */
describe('hotline: a call about a filing already submitted (HTTP)', function () {
  this.timeout(60_000);
  let server: AppServer;
  let dir: string;
  const lastCode = () => {
    const file = join(dir, 'sms.jsonl');
    const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    return /\d{6}/.exec((JSON.parse(lines.at(-1) ?? '{}') as { text?: string }).text ?? '')?.[0] ?? '';
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-after-submit-'));
    server = await startAppServer({ SMS_FILE_PATH: join(dir, 'sms.jsonl'), ...(await agentAccountsEnv()) });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checking a filing: told to the caller, not recorded or counted as a submission of the call', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_SCRIPT);
    const made = Chat.channelData<{ reference: string }>(await chat.say('确认提交'), 'filing')!.reference;
    // Filed again on the server the call runs on (the chat has a store of its own).
    const record = (await chat.filings.get(made))!;
    const { stored } = await server.app.filings.submit({ idempotencyKey: `after-submit-${made}`, category: record.category, profileId: record.profileId, profileVersion: record.profileVersion, filing: record.filing });
    const agent = new AgentClient(server.base);
    await agent.signIn(AGENTS.wang);
    const call = (await agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    const say = async (text: string) => (await agent.call('POST', `calls/${call}/say`, { text })).json as Record<string, any>;
    expect((await say('查一下我的备案'))['question']['promptId']).to.equal('lifecycle.find');
    await say(stored.reference.toLowerCase());
    await say('110105 19491231 002X');
    expect((await say('138 1234 5678'))['question']['promptId']).to.equal('lifecycle.code');
    const told = await say(lastCode());
    expect(JSON.stringify(told['said'])).to.include(stored.reference);
    expect(told['filing'], 'no filing was submitted in this call').to.equal(undefined);
    const ended = await agent.call('POST', `calls/${call}/end`);
    expect(ended.json['filing']).to.equal(undefined);
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).to.match(/guided_calls_total\{outcome="submitted"\} 0/).and.match(/guided_calls_total\{outcome="existing_filing"\} 1/);
    const audits = server.lines.filter((l) => l['msg'] === 'agent audit').map((l) => l['audit']);
    expect(audits).not.to.include('call_submit');
    expect(audits).to.include('call_existing_filing');

    // Then a cancel the filing's status refuses (submitted, not yet in force): a call about that filing too, not abandoned.
    const second = (await agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    const sayTo = async (text: string) => (await agent.call('POST', `calls/${second}/say`, { text })).json as Record<string, any>;
    await sayTo('我想把备案取消了');
    await sayTo(stored.reference);
    await sayTo('11010519491231002X');
    await sayTo('13812345678');
    const refused = await sayTo(lastCode());
    expect(refused['question']['promptId']).to.equal('menu.main');
    await agent.call('POST', `calls/${second}/end`);
    expect(await (await fetch(`${server.base}/metrics`)).text()).to.match(/guided_calls_total\{outcome="existing_filing"\} 2/).and.match(/guided_calls_total\{outcome="abandoned"\} 0/);
  });
});
