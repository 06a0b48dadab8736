import { expect } from 'chai';
import { ConversationState, MemoryStorage, type Activity, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogContext, WaterfallDialog, type DialogTurnResult } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveLocale, Texts, type Locale, type TextParams } from '../src/content/texts.js';
import { fail, ok } from '../src/domain/result.js';
import { capabilitiesOf } from '../dialogs/channel-capabilities.js';
import { question, type FormContext, type FormProgress } from '../dialogs/form/declaration.js';
import { FormDialog } from '../dialogs/form/form-dialog.js';
import { Form } from '../dialogs/form/form.js';
import { QuestionPrompt, type FormHost, type Voice } from '../dialogs/form/question-prompt.js';
import { choice, text } from '../dialogs/form/recognizers.js';
import { ScriptedUnderstanding } from './support/scripted-understanding.js';

/**
 * The question engine knows nothing of filings: a form over a state of its own (here: looking a filing
 * up by its reference, as issue 11 will), with words of its own, asked through the same prompt — typed
 * values in the state, a reading of free words said back, an invalid answer explained with its example,
 * buttons where the channel shows them and numbered lines elsewhere.
 */

interface LookupState extends FormProgress {
  reference?: string;
  how?: 'REFERENCE' | 'ID_NUMBER';
}

interface LookupContext extends FormContext {
  readonly state: LookupState;
}

const WORDS: Record<Locale, Record<string, unknown>> = {
  'zh-CN': {
    prompts: {
      'lookup.how': { text: '用什么查询？', help: '选一种。', choices: { REFERENCE: '备案编号', ID_NUMBER: '身份证号' } },
      'lookup.reference': { text: '请输入备案编号。', help: '提交时告诉您的编号。', example: 'YD-2026-000123' },
    },
    messages: {
      understood: '好的，按“{answer}”处理。',
      example: '例如：{example}',
      choiceExample: '输入 1，或输入“{label}”',
      previousAnswer: '之前的回答：{answer}',
      stuck: '请拨打 {hotline}。',
      closeCall: { item: '“{answer}”', one: '您是指“{answer}”吗？', many: '您是指{answers}？', or: '还是' },
      confirmReading: { yes: '对' },
    },
    errors: { CHOICE_NOT_RECOGNISED: '没能识别。', EMPTY_ANSWER: '没有收到。', REFERENCE_FORMAT: '编号的格式不对。' },
    commands: { back: { label: '返回' }, help: { label: '帮助' }, keep: { label: '保留' } },
    common: { yes: ['是'], no: ['不是'] },
  },
  'en-US': {
    prompts: {
      'lookup.how': { text: 'Look it up by what?', help: 'Pick one.', choices: { REFERENCE: 'Filing reference number', ID_NUMBER: 'Resident ID number' } },
      'lookup.reference': { text: 'Please type the reference.', help: 'The number you were given.', example: 'YD-2026-000123' },
    },
    messages: {
      understood: 'OK, taking that as "{answer}".',
      example: ' For example: {example}',
      choiceExample: 'type 1, or "{label}"',
      previousAnswer: 'Earlier: {answer}',
      stuck: 'Please call {hotline}.',
      closeCall: { item: '"{answer}"', one: 'Did you mean "{answer}"?', many: 'Did you mean {answers}?', or: ' or ' },
      confirmReading: { yes: 'Yes' },
    },
    errors: { CHOICE_NOT_RECOGNISED: 'Not recognised.', EMPTY_ANSWER: 'Nothing received.', REFERENCE_FORMAT: 'That is not a reference.' },
    commands: { back: { label: 'Back' }, help: { label: 'Help' }, keep: { label: 'Keep' } },
    common: { yes: ['yes'], no: ['no'] },
  },
};

const howChoice = choice<LookupContext, 'REFERENCE' | 'ID_NUMBER'>({ values: () => ['REFERENCE', 'ID_NUMBER'] });
const FORM = new Form<LookupContext>([
  question<LookupContext, 'REFERENCE' | 'ID_NUMBER'>({
    id: 'lookup.how',
    purpose: 'How the filing is looked up.',
    stage: 'lookup',
    recognizer: howChoice,
    applies: () => true,
    get: (c) => c.state.how,
    set: (c, v) => (c.state.how = v),
    show: (v, c) => howChoice.label(v, { id: 'lookup.how', c }),
  }),
  question<LookupContext, string>({
    id: 'lookup.reference',
    purpose: 'The reference of the filing to look up.',
    stage: 'lookup',
    recognizer: text({ parse: (said) => (/^YD-\d{4}-\d{6}$/i.test(said.trim()) ? ok(said.trim().toUpperCase()) : fail('REFERENCE_FORMAT')) }),
    applies: (c) => c.state.how === 'REFERENCE',
    get: (c) => c.state.reference,
    set: (c, v) => (c.state.reference = v),
    show: (v) => v,
  }),
]);

/** A voice of this form's own words: no profile, no agent variants. */
function voiceOf(context: TurnContext, texts: Texts, locale: Locale): Voice {
  return {
    locale,
    capabilities: capabilitiesOf(context),
    hotline: '12393',
    t: (key: string, params: TextParams = {}) => texts.t(locale, key, { hotline: '12393', ...params }),
    has: (key: string) => texts.has(locale, key),
    say: async (said: string, channelData?: Record<string, unknown>) => {
      await context.sendActivity({ type: 'message', text: said, ...(channelData ? { channelData } : {}) });
    },
  };
}

describe('the question engine over a state that is not a filing', () => {
  let dir: string;
  let texts: Texts;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'form-engine-'));
    for (const locale of ['zh-CN', 'en-US'] as const) {
      mkdirSync(join(dir, locale));
      for (const [file, words] of Object.entries(WORDS[locale])) writeFileSync(join(dir, locale, `${file}.json`), JSON.stringify(words));
    }
    texts = new Texts(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function client(channelId: string, understanding = new ScriptedUnderstanding()) {
    const conversationState = new ConversationState(new MemoryStorage());
    const lookup: StatePropertyAccessor<LookupState> = conversationState.createProperty('lookup');
    const seen: { state?: LookupState } = {};
    const host: FormHost<LookupContext> = {
      understanding,
      load: async (context) => {
        const state = await lookup.get(context, { history: [], previous: {} });
        seen.state = state;
        const locale = resolveLocale(context.activity.locale);
        return { c: { state, progress: state, locale, texts }, voice: voiceOf(context, texts, locale) };
      },
    };
    const dialog = new FormDialog<LookupContext>('lookup', FORM, ['lookup'], new Map(FORM.questions.map((q) => [q.id, q])), host);
    return { test: new DialogTestClient(channelId, dialog, undefined, [], conversationState), seen };
  }

  it('asks its questions from its own words, takes typed values, and ends with them in its state', async () => {
    const { test, seen } = client('test');
    const first = (await test.sendActivity('hi')) as Partial<Activity>;
    expect(first.text).to.include('用什么查询？').and.to.include('1. 备案编号');
    expect(first.channelData).to.deep.equal({ promptId: 'lookup.how' });
    const second = (await test.sendActivity('1')) as Partial<Activity>;
    expect(second.channelData).to.deep.include({ promptId: 'lookup.reference' });
    await test.sendActivity('yd-2026-000123');
    expect(test.dialogTurnResult.status).to.equal('complete');
    expect(seen.state).to.deep.include({ how: 'REFERENCE', reference: 'YD-2026-000123', history: ['lookup.how', 'lookup.reference'] });
  });

  it('an answer taken starts the next pass on the same loop: no waterfall ended and another begun per answer, the question begun without step.prompt', async () => {
    const { test, seen } = client('test');
    const begin = WaterfallDialog.prototype.beginDialog;
    const end = WaterfallDialog.prototype.endDialog;
    const prompt = DialogContext.prototype.prompt;
    let begun = 0;
    let ended = 0;
    let prompted = 0;
    DialogContext.prototype.prompt = function (this: DialogContext, ...args: unknown[]) {
      prompted += 1;
      return (prompt as (...a: unknown[]) => Promise<DialogTurnResult>).apply(this, args);
    } as typeof prompt;
    WaterfallDialog.prototype.beginDialog = function (...args) {
      begun += 1;
      return begin.apply(this, args);
    };
    WaterfallDialog.prototype.endDialog = function (...args) {
      ended += 1;
      return end.apply(this, args);
    };
    try {
      await test.sendActivity('hi');
      expect((await test.sendActivity('1')) as Partial<Activity>).to.have.nested.property('channelData.promptId', 'lookup.reference');
      await test.sendActivity('yd-2026-000123');
    } finally {
      WaterfallDialog.prototype.beginDialog = begin;
      WaterfallDialog.prototype.endDialog = end;
      DialogContext.prototype.prompt = prompt;
    }
    expect(test.dialogTurnResult.status).to.equal('complete');
    expect(seen.state).to.deep.include({ how: 'REFERENCE', reference: 'YD-2026-000123' });
    // Begun once when the form began, ended once when it was done (was: once more each for every answer taken).
    expect([begun, ended]).to.deep.equal([1, 1]);
    // Each question begun straight from the loop (step.prompt's own async step and copy of the options skipped).
    expect(prompted).to.equal(0);
  });

  it('reads an answer once a turn: the prompt settles on the reading it made (was: read again, cached, to settle)', async () => {
    const { test } = client('test');
    await test.sendActivity('hi');
    const read = QuestionPrompt.prototype.read;
    let reads = 0;
    QuestionPrompt.prototype.read = function (...args) {
      reads += 1;
      return read.apply(this, args);
    };
    try {
      const next = (await test.sendActivity('1')) as Partial<Activity>;
      expect(next.channelData).to.deep.include({ promptId: 'lookup.reference' });
      expect(reads).to.equal(1);
      const error = (await test.sendActivity('123')) as Partial<Activity>;
      expect(error.channelData).to.deep.include({ promptId: 'lookup.reference', error: 'REFERENCE_FORMAT' });
      expect(reads).to.equal(2);
    } finally {
      QuestionPrompt.prototype.read = read;
    }
  });

  it('an invalid answer: its error and example from the form\'s words, the same question again', async () => {
    const { test } = client('test');
    await test.sendActivity('hi');
    await test.sendActivity('备案编号');
    const error = (await test.sendActivity('123')) as Partial<Activity>;
    expect(error.text).to.equal('编号的格式不对。例如：YD-2026-000123');
    expect(error.channelData).to.deep.include({ promptId: 'lookup.reference', error: 'REFERENCE_FORMAT' });
    expect((test.getNextReply() as Partial<Activity>).channelData).to.deep.include({ promptId: 'lookup.reference' });
  });

  it('a reading of free words is said back; on a channel with buttons the choices are buttons, in English too', async () => {
    const understanding = new ScriptedUnderstanding().choiceAt('lookup.how', 'with the number they gave me', { status: 'confident', value: 'REFERENCE', score: 0.9 });
    const { test } = client('webchat', understanding);
    const first = (await test.sendActivity({ type: 'message', text: 'hi', locale: 'en-US' })) as Partial<Activity>;
    expect(first.suggestedActions!.actions.map((a) => a.title)).to.deep.equal(['Filing reference number', 'Resident ID number', 'Back', 'Help']);
    const said = (await test.sendActivity({ type: 'message', text: 'with the number they gave me', locale: 'en-US' })) as Partial<Activity>;
    expect(said.text).to.equal('OK, taking that as "Filing reference number".');
    expect((test.getNextReply() as Partial<Activity>).channelData).to.deep.include({ promptId: 'lookup.reference' });
  });
});
