import { expect } from 'chai';
import { outcomeOfCall, type CallRecord, type GuidedCallOutcome } from '../src/channels/hotline/call-store.js';
import { Texts } from '../src/content/texts.js';
import { emulatorMessage, postMessages } from './support/app-server.js';
import { LT_RESIDENT_TO_SUMMARY, TMP_OTHER_DETAILS, TMP_OTHER_TO_SUMMARY } from './support/paths.js';
import { AgentClient, AGENTS, oneInstanceWithWangSignedIn, twoInstancesOnOneRedis } from './support/agents.js';

/**
 * The hotline's guided call over HTTP on the real app server: an agent runs the same dialogs for a caller
 * through /agent/api/calls — spoken forms, choices, the caller's own words, the outcome script and its
 * tick, an answer changed from the side panel, the submission recorded as taken on the hotline by that
 * agent with the consent given orally — and only that agent may continue, pause or resume the call.
 */

const texts = new Texts();
const zh = (key: string, params = {}) => texts.t('zh-CN', key, params);

/** A caller filing a short self-referred stay (TMP_OTHER, Rizhao → Shanghai), up to the summary: what the agent records at each question. */
const TO_SUMMARY: Array<[answer: string, next: string]> = [
  ['办理异地就医备案', 'situation.filerMode'],
  ['为本人办理', 'situation.insuredPlace'],
  ['日照', 'situation.treatmentPlace'],
  ['上海', 'consent.personalInfo'],
  ['同意', 'situation.intake'],
  ['一步一步回答', 'situation.insuranceActive'],
  ['是，正常参保', 'situation.now'],
  ['计划去外地看病或居住', 'situation.longTerm'],
  ['否，短期看病', 'situation.hasReferral'],
  ['没有，自己去', 'outcome.understood'],
  ...TMP_OTHER_DETAILS,
];

/**
 * Two quick clicks on one call: two answers posted at once (the last question before the outcome, and going
 * on past the outcome) and then the "script read" tick. The call's record keeps what each turn wrote: the
 * outcome script told by one is not overwritten by the other's copy of the call read before it.
 */
async function twoClicksAtOnce(agent: AgentClient, other: AgentClient = agent): Promise<void> {
  const call = (await agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
  for (const [answer] of TO_SUMMARY.slice(0, 9)) expect((await agent.call('POST', `calls/${call}/say`, { text: answer })).status, answer).to.equal(200);
  const [first, second] = await Promise.all([agent.call('POST', `calls/${call}/say`, { text: '没有，自己去' }), other.call('POST', `calls/${call}/say`, { text: '我已了解，继续' })]);
  expect([first.status, second.status]).to.deep.equal([200, 200]);
  // Whichever ran first (the second answer to the question before the outcome is asked again), the outcome
  // script was told in one of them and must stay in the call, and the list says where the call waits.
  const again = await agent.call('GET', `calls/${call}`);
  expect(again.json['question']['promptId']).to.be.oneOf(['details.scheme', 'outcome.understood']);
  expect(again.json['script']?.['outcome'], 'the outcome script one turn told is kept').to.equal('TMP_OTHER');
  expect((await agent.call('POST', `calls/${call}/script-read`)).status).to.equal(200);
  const listed = (await agent.call('GET', 'calls')).json['calls'].find((c: { id: string }) => c.id === call);
  expect(listed['waiting']).to.equal(again.json['question']['promptId']);
  expect(listed['waitingLabel'], 'named in the call\'s language').to.equal(texts.t('zh-CN', listed['waiting'] === 'outcome.understood' ? 'console.call.answerLabels.outcome.understood' : 'labels.details.scheme'));
}

describe('hotline: a guided call (HTTP)', () => {
  const signedIn = oneInstanceWithWangSignedIn();

  it('needs a signed-in agent: 401 without a session, 403 without the CSRF token', async () => {
    expect((await new AgentClient(signedIn.server.base).call('POST', 'calls', { locale: 'zh-CN' })).status).to.equal(401);
    expect((await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' }, { 'X-CSRF-Token': 'nope' })).status).to.equal(403);
  });

  it('from the menu to a submitted filing: each question with its spoken form, the outcome script ticked, one answer changed from the side panel; the filing records the hotline, the agent and the oral consent', async () => {
    const start = await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' });
    expect(start.status).to.equal(201);
    const call = start.json['call']['id'] as string;
    expect(start.json['question']).to.include({ promptId: 'menu.main', spoken: zh('spoken.prompts.menu.main') });
    expect(start.json['question']['choices']).to.include(zh('prompts.menu.main.choices.FILE'));
    // The call opens with the hotline's own words to the caller, not the chat's welcome (which names typed commands).
    expect(start.json['said']).to.deep.equal([{ text: zh('spoken.opening'), kind: 'said' }]);
    expect(JSON.stringify(start.json)).not.to.include('English').and.not.to.include('帮助');

    let screen: Record<string, any> = start.json;
    for (const [answer, next] of TO_SUMMARY) {
      const r = await signedIn.agent.call('POST', `calls/${call}/say`, { text: answer });
      expect(r.status, answer).to.equal(200);
      screen = r.json;
      expect(screen['question']?.['promptId'], `after "${answer}"`).to.equal(next);
      if (next === 'outcome.understood') {
        expect(screen['script']['outcome']).to.equal('TMP_OTHER');
        expect(screen['script']['lines'].join('\n')).to.include('自主转诊人员');
        expect(screen['scriptGate']).to.equal('outcome.understood');
        const read = await signedIn.agent.call('POST', `calls/${call}/script-read`);
        expect(read.json['script']['read']['agent']).to.equal(AGENTS.wang.id);
      }
    }
    // Progress, the spoken form of a question with a placeholder, the consent as given orally.
    expect(screen['question']['progress']).to.include({ step: 6, of: 6, stage: 'review' });
    expect(screen['consent']).to.include({ given: true, agent: AGENTS.wang.id });
    const phoneRow = (s: Record<string, any>) => (s['answers'] as Array<Record<string, any>>).find((a) => a['id'] === 'details.phone')!;
    expect(phoneRow(screen)['value']).to.equal('138****5678');
    expect(phoneRow(screen)['editable']).to.equal(true);

    // The side panel: change the phone; the question is asked again (its earlier answer offered), then back to the summary.
    const edit = await signedIn.agent.call('POST', `calls/${call}/edit`, { question: 'details.phone' });
    expect(edit.json['question']['promptId']).to.equal('details.phone');
    expect(edit.json['question']['spoken']).to.include(zh('spoken.prompts.details.phone')).and.include('138****5678');
    const changed = await signedIn.agent.call('POST', `calls/${call}/say`, { text: '13912345678' });
    expect(changed.json['question']['promptId']).to.equal('review.confirm');
    expect(phoneRow(changed.json)['value']).to.equal('139****5678');

    const submitted = await signedIn.agent.call('POST', `calls/${call}/say`, { text: zh('prompts.review.confirm.choices.submit') });
    const reference = submitted.json['filing']['reference'] as string;
    expect(reference).to.match(/^YD\d{8}-/);
    const stored = await signedIn.server.app.filings.get(reference);
    expect(stored!.filing).to.include({ channel: 'hotline', hotlineAgent: AGENTS.wang.id, category: 'TMP_OTHER' });
    const consent = stored!.filing['consent'] as Record<string, any>;
    expect(consent['givenOrally']).to.deep.equal({ agent: AGENTS.wang.id, at: consent['at'] });
    expect((stored!.filing['person'] as Record<string, unknown>)['phone']).to.equal('13912345678');

    const metrics = await (await fetch(`${signedIn.server.base}/metrics`)).text();
    expect(metrics).to.match(/guided_calls_total\{outcome="submitted"\} 1/).and.match(/guided_calls_started_total [1-9]/);
    // Audited by opaque ids: the caller's name, ID number and phone never reach the log.
    const log = JSON.stringify(signedIn.server.lines);
    for (const secret of ['张三', '11010519491231002X', '13812345678', '13912345678', reference]) expect(log).not.to.include(secret);
    const audits = signedIn.server.lines.filter((l) => l['msg'] === 'agent audit' && l['call'] === call).map((l) => l['audit']);
    expect(audits).to.include.members(['call_start', 'call_answer', 'call_consent', 'call_script_read', 'call_edit', 'call_submit']);
    expect(signedIn.server.lines.find((l) => l['audit'] === 'call_answer' && l['call'] === call && l['prompt'] === 'details.phone'), 'an answer audited by the question it answers').to.not.equal(undefined);
  });

  it('the summary on the call screen shows the name and address in full (the agent reads them back); nothing of it reaches the log, nor what the caller said', async () => {
    const call = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    let screen: Record<string, any> = {};
    for (const [answer, next] of LT_RESIDENT_TO_SUMMARY.slice(1)) {
      screen = (await signedIn.agent.call('POST', `calls/${call}/say`, { text: answer })).json;
      expect(screen['question']?.['promptId'], `after "${answer}"`).to.equal(next);
    }
    const summary = (screen['said'] as Array<{ text: string; kind: string }>).filter((s) => s.kind === 'summary').map((s) => s.text).join('\n');
    expect(summary).to.include('李秀英').and.include('浦东新区世纪大道100号3号楼201室');
    // Shown again, and a request refused (the call paused) with what the caller said in it.
    expect((await signedIn.agent.call('GET', `calls/${call}`)).status).to.equal(200);
    expect((await signedIn.agent.call('POST', `calls/${call}/pause`)).status).to.equal(200);
    expect((await signedIn.agent.call('POST', `calls/${call}/say`, { text: '李秀英 11010519491231002X' })).status).to.equal(409);
    const log = JSON.stringify(signedIn.server.lines);
    expect(signedIn.server.lines.filter((l) => l['call'] === call).length, 'the call was audited').to.be.greaterThan(5);
    for (const secret of ['李秀英', '秀英', '浦东新区世纪大道', '世纪大道100号', '11010519491231002X', '13812345678']) expect(log, secret).not.to.include(secret);
  });

  it('a filing a person makes on their own (here over /api/messages) records no channel and no agent: the operator is only on guided calls', async () => {
    let reference: string | undefined;
    const conversation = { id: `self-${Date.now()}` };
    for (const [say] of [...TMP_OTHER_TO_SUMMARY, ['提交', '']] as const) {
      const r = await postMessages(signedIn.server.base, emulatorMessage(say, { conversation, from: { id: 'person' } }));
      for (const a of (r.json()['activities'] as Array<Record<string, any>>) ?? []) reference ??= a['channelData']?.['filing']?.['reference'];
    }
    const stored = await signedIn.server.app.filings.get(reference!);
    expect(stored!.filing['channel']).to.equal(undefined);
    expect(stored!.filing['hotlineAgent']).to.equal(undefined);
    expect(stored!.filing['consent']).to.have.keys('personalInfo', 'at');
  });

  it('only the agent who started a call may continue it; paused, it takes no answers until that agent resumes it', async () => {
    const start = await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' });
    const call = start.json['call']['id'] as string;
    await signedIn.agent.call('POST', `calls/${call}/say`, { text: '办理异地就医备案' });
    await signedIn.agent.call('POST', `calls/${call}/say`, { text: '为本人办理' });

    const other = new AgentClient(signedIn.server.base);
    await other.signIn(AGENTS.li);
    for (const [method, path] of [['GET', `calls/${call}`], ['POST', `calls/${call}/say`], ['POST', `calls/${call}/pause`], ['POST', `calls/${call}/end`]] as const) {
      expect((await other.call(method, path, method === 'POST' ? { text: '日照' } : undefined)).status, `${method} ${path}`).to.equal(403);
    }
    expect((await other.call('GET', 'calls')).json['calls'].map((c: { id: string }) => c.id)).not.to.include(call);

    const paused = await signedIn.agent.call('POST', `calls/${call}/pause`);
    expect(paused.json['call']['status']).to.equal('paused');
    expect((await signedIn.agent.call('POST', `calls/${call}/say`, { text: '日照' })).status).to.equal(409);
    expect((await other.call('POST', `calls/${call}/resume`)).status).to.equal(403);
    const listed = (await signedIn.agent.call('GET', 'calls')).json['calls'].find((c: { id: string }) => c.id === call);
    expect(listed['status']).to.equal('paused');

    const resumed = await signedIn.agent.call('POST', `calls/${call}/resume`);
    expect(resumed.json['call']['status']).to.equal('active');
    expect(resumed.json['question']['promptId'], 'the question it paused at, asked again').to.equal('situation.insuredPlace');
    expect(resumed.json['answers'].map((a: { id: string }) => a.id)).to.deep.equal(['situation.filerMode']);
    expect((await signedIn.agent.call('POST', `calls/${call}/say`, { text: '日照' })).json['question']['promptId']).to.equal('situation.treatmentPlace');

    const ended = await signedIn.agent.call('POST', `calls/${call}/end`);
    expect(ended.json['call']['status']).to.equal('ended');
    const metrics = await (await fetch(`${signedIn.server.base}/metrics`)).text();
    expect(metrics).to.match(/guided_calls_total\{outcome="abandoned"\} 1/);
  });

  it('a caller who declines consent: recorded as declined, the call counted as declined when it ends', async () => {
    const call = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    for (const text of ['办理异地就医备案', '为本人办理', '日照', '上海']) await signedIn.agent.call('POST', `calls/${call}/say`, { text });
    const declined = await signedIn.agent.call('POST', `calls/${call}/say`, { text: '不同意' });
    expect(declined.json['consent']).to.include({ given: false, agent: AGENTS.wang.id });
    await signedIn.agent.call('POST', `calls/${call}/end`);
    expect(await (await fetch(`${signedIn.server.base}/metrics`)).text()).to.match(/guided_calls_total\{outcome="declined"\} 1/);
  });

  it('resumed right after the consent (the last answer has no label of its own): the recap names the last answer that has one, and the question is asked again', async () => {
    const call = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    for (const text of ['办理异地就医备案', '为本人办理', '日照', '上海', '同意']) await signedIn.agent.call('POST', `calls/${call}/say`, { text });
    await signedIn.agent.call('POST', `calls/${call}/pause`);
    const resumed = await signedIn.agent.call('POST', `calls/${call}/resume`);
    expect(resumed.json['said'].map((s: { kind: string }) => s.kind)).not.to.include('error');
    expect(resumed.json['said'][0]['text']).to.include(zh('labels.situation.treatmentPlace'));
    expect(resumed.json['question']['promptId']).to.equal('situation.intake');
  });

  it('a caller who asks for a person (人工服务) is not queued for a handoff: the agent is told they are that person, and the call goes on', async () => {
    const call = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    for (const text of ['办理异地就医备案', '为本人办理']) await signedIn.agent.call('POST', `calls/${call}/say`, { text });
    const asked = await signedIn.agent.call('POST', `calls/${call}/say`, { text: '人工服务' });
    expect(asked.json['said'].map((s: { text: string }) => s.text)).to.deep.equal([zh('spoken.humanInCall')]);
    expect(asked.json['question']['promptId']).to.equal('situation.insuredPlace');
    const queue = await signedIn.agent.call('GET', 'queue');
    if (queue.status === 200) expect(JSON.stringify(queue.json)).not.to.include(call);
  });

  it('a call in English: the spoken forms and choices in English, the caller\'s English words understood', async () => {
    const en = (key: string, params = {}) => texts.t('en-US', key, params);
    const start = await signedIn.agent.call('POST', 'calls', { locale: 'en-US' });
    expect(start.json['call']['locale']).to.equal('en-US');
    expect(start.json['question']['spoken']).to.equal(en('spoken.prompts.menu.main'));
    expect(start.json['said']).to.deep.equal([{ text: en('spoken.opening'), kind: 'said' }]);
    expect(JSON.stringify(start.json)).not.to.include('中文').and.not.to.include('"help"');
    const call = start.json['call']['id'] as string;
    await signedIn.agent.call('POST', `calls/${call}/say`, { text: en('prompts.menu.main.choices.FILE') });
    const filer = await signedIn.agent.call('POST', `calls/${call}/say`, { text: "it's for me" });
    expect(filer.json['question']['promptId']).to.equal('situation.insuredPlace');
    expect(filer.json['question']['spoken']).to.equal(en('spoken.prompts.situation.insuredPlace'));
    expect(filer.json['answers'][0]).to.include({ id: 'situation.filerMode', value: en('prompts.situation.filerMode.choices.SELF') });
  });

  it('the caller switches to English after consenting: the consent stays recorded as given', async () => {
    const call = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    for (const text of ['办理异地就医备案', '为本人办理', '日照', '上海', '同意']) await signedIn.agent.call('POST', `calls/${call}/say`, { text });
    const switched = await signedIn.agent.call('POST', `calls/${call}/say`, { text: 'English' });
    expect(switched.json['question']['spoken']).to.equal(texts.t('en-US', 'spoken.prompts.situation.intake', { place: 'Shanghai' }));
    expect(switched.json['consent']).to.include({ given: true });
    expect(signedIn.server.lines.filter((l) => l['audit'] === 'call_consent' && l['call'] === call).map((l) => l['outcome'])).to.deep.equal(['given_orally']);
  });

  it('an outcome that needs no filing (treated where insured): its script to read, and the call counted as no_filing when it ends', async () => {
    const call = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    let screen: Record<string, any> = {};
    for (const text of ['办理异地就医备案', '为本人办理', '日照', '日照']) screen = (await signedIn.agent.call('POST', `calls/${call}/say`, { text })).json;
    expect(screen['script']['outcome']).to.equal('NO_FILING_NEEDED');
    expect(screen['script']['lines'].join('\n')).to.include(zh('reasons.SAME_POOLING_AREA'));
    expect(screen['consent'], 'no consent was asked').to.equal(undefined);
    expect((await signedIn.agent.call('POST', `calls/${call}/script-read`)).status).to.equal(200);
    await signedIn.agent.call('POST', `calls/${call}/end`);
    expect(await (await fetch(`${signedIn.server.base}/metrics`)).text()).to.match(/guided_calls_total\{outcome="no_filing"\} 1/);
  });

  it('two answers for one call posted at once (two quick clicks): they run one after the other and neither write is lost', async () => {
    for (let round = 0; round < 3; round++) await twoClicksAtOnce(signedIn.agent);
  });

  it('an unknown call is 404; bad input is 400', async () => {
    expect((await signedIn.agent.call('GET', 'calls/00000000-0000-0000-0000-000000000000')).status).to.equal(404);
    const call = (await signedIn.agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    expect((await signedIn.agent.call('POST', `calls/${call}/say`, { text: '' })).status).to.equal(400);
    expect((await signedIn.agent.call('POST', `calls/${call}/edit`, { question: '../../etc' })).status).to.equal(400);
  });
});

describe('hotline: a guided call across two instances on one Redis', () => {
  const instances = twoInstancesOnOneRedis('hotline');

  it('started on one instance, paused there and resumed and continued on the other, with every answer kept', async () => {
    const onOne = new AgentClient(instances.one.base);
    await onOne.signIn(AGENTS.wang);
    const onTwo = Object.assign(new AgentClient(instances.two.base), { cookie: onOne.cookie, csrf: onOne.csrf });
    const call = (await onOne.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    for (const text of ['办理异地就医备案', '为本人办理', '日照']) await onOne.call('POST', `calls/${call}/say`, { text });
    await onOne.call('POST', `calls/${call}/pause`);
    const listed = (await onTwo.call('GET', 'calls')).json['calls'].find((c: { id: string }) => c.id === call);
    expect(listed).to.include({ status: 'paused', waiting: 'situation.treatmentPlace', waitingLabel: zh('labels.situation.treatmentPlace') });
    const resumed = await onTwo.call('POST', `calls/${call}/resume`);
    expect(resumed.json['question']['promptId']).to.equal('situation.treatmentPlace');
    expect(resumed.json['answers'].map((a: { id: string }) => a.id)).to.deep.equal(['situation.filerMode', 'situation.insuredPlace']);
    const next = await onTwo.call('POST', `calls/${call}/say`, { text: '上海' });
    expect(next.json['question']['promptId']).to.equal('consent.personalInfo');
    // Another agent on the other instance is refused there too.
    const li = new AgentClient(instances.two.base);
    await li.signIn(AGENTS.li);
    expect((await li.call('POST', `calls/${call}/say`, { text: '同意' })).status).to.equal(403);
  });

  it('two answers for one call posted at once, one on each instance: neither write is lost', async () => {
    const onOne = new AgentClient(instances.one.base);
    await onOne.signIn(AGENTS.wang);
    const onTwo = Object.assign(new AgentClient(instances.two.base), { cookie: onOne.cookie, csrf: onOne.csrf });
    for (let round = 0; round < 3; round++) await twoClicksAtOnce(onOne, onTwo);
  });
});

describe('hotline: how a call that ends ended (outcomeOfCall)', () => {
  const call: CallRecord = { id: 'c', agentId: 'a', locale: 'zh-CN', status: 'ended', startedAt: '', updatedAt: '' };
  const consent = (given: boolean) => ({ given, agent: 'a', at: '' });
  const script = (outcome: string) => ({ outcome, lines: [] });
  const filing = { reference: 'YD1', category: 'LT_RESIDENT', status: 'submitted' };

  for (const [what, record, outcome] of [
    ['a filing submitted, whatever else', { ...call, filing, handled: ['check'], consent: consent(true), script: script('LT_RESIDENT') }, 'submitted'],
    ['a filing of before checked, cancelled or changed', { ...call, handled: ['cancel'], consent: consent(false), script: script('NO_FILING_NEEDED') }, 'existing_filing'],
    ['consent declined', { ...call, consent: consent(false), script: script('NO_FILING_NEEDED') }, 'declined'],
    ['an outcome told that needs no filing', { ...call, consent: consent(true), script: script('NO_FILING_NEEDED') }, 'no_filing'],
    ['an outcome told that cannot be filed', { ...call, script: script('CANNOT_FILE') }, 'no_filing'],
    ['a category told, nothing filed', { ...call, consent: consent(true), script: script('LT_RESIDENT') }, 'abandoned'],
    ['nothing done', call, 'abandoned'],
  ] as Array<[string, CallRecord, GuidedCallOutcome]>) {
    it(`${what}: ${outcome}`, () => {
      expect(outcomeOfCall(record)).to.equal(outcome);
    });
  }
});
