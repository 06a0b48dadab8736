import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { expect } from 'chai';
import { CONFIRM, EDIT_PREFIX } from '../dialogs/conversation-askings.js';
import type { FilingContext } from '../dialogs/filing-context.js';
import type { FilingState } from '../dialogs/filing-state.js';
import { DEFAULT_LOCALES_DIR, Texts } from '../src/content/texts.js';
import { createUnderstanding } from '../src/nlu/index.js';
import { Chat, TODAY } from './support/chat.js';
import { AGENT_IN_HOSPITAL, LT_RESIDENT_TO_SUMMARY, TMP_OTHER_TO_SUMMARY } from './support/paths.js';

/**
 * The summary is shown once: on channels that render Adaptive Cards (Web Chat, Direct Line, Teams, the
 * Emulator) as the card alone, its text spoken and kept as the card's fallback; elsewhere as text. An
 * edit button of an old card clicked after the filing went in gets a polite answer with the reference.
 */

describe('the summary is shown once', () => {
  for (const channelId of ['webchat', 'directline', 'msteams', 'emulator']) {
    it(`${channelId}: the card alone, with the text as speak and fallback`, async () => {
      const chat = new Chat({ channelId });
      const replies = await chat.follow(TMP_OTHER_TO_SUMMARY);
      const summary = Chat.replyWith(replies, 'summary')!;
      expect(summary.attachments).to.have.length(1);
      expect(summary.attachments![0]!.contentType).to.equal('application/vnd.microsoft.card.adaptive');
      expect(summary.text ?? '', 'no second copy of the summary as text').to.equal('');
      const intro = chat.texts.t('zh-CN', 'messages.summaryIntro', { category: '自主转诊人员' });
      expect(summary.speak).to.include(intro).and.to.include('138****5678');
      const card = summary.attachments![0]!.content as { fallbackText?: string };
      expect(card.fallbackText).to.include(intro).and.to.include('138****5678').and.not.to.include('13812345678');
      expect(Chat.textOf(replies).split(intro).length - 1, 'the summary intro is not in any text').to.equal(0);
    });
  }

  it('a channel without cards: the summary as text, no card, its rows numbered for "修改N"', async () => {
    const chat = new Chat({ channelId: 'test' });
    const replies = await chat.follow(TMP_OTHER_TO_SUMMARY);
    const summary = Chat.replyWith(replies, 'summary')!;
    expect(summary.attachments ?? []).to.have.length(0);
    expect(summary.text).to.include(chat.texts.t('zh-CN', 'messages.summaryIntro', { category: '自主转诊人员' })).and.to.include('138****5678');
    const rows = (summary.channelData as { summary: string[] }).summary;
    expect(summary.text).to.include(`2. ${chat.texts.t('zh-CN', `labels.${rows[1]}`)}`).and.to.include(chat.texts.t('zh-CN', 'messages.summaryEditHint'));
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.replyWithNumber'));
  });

  for (const [said, row] of [['修改2', 1], ['改 第3项', 2], ['change 4', 3], ['修改参保人手机', -1]] as const) {
    it(`a text summary: "${said}" opens that answer at once, and the summary comes back after it`, async () => {
      const chat = new Chat({ channelId: 'test' });
      const replies = await chat.follow(TMP_OTHER_TO_SUMMARY);
      const rows = (Chat.replyWith(replies, 'summary')!.channelData as { summary: string[] }).summary;
      const id = row >= 0 ? rows[row]! : 'details.phone';
      expect(rows).to.include(id);
      if (row < 0) expect(chat.texts.t('zh-CN', `labels.${id}`)).to.equal('参保人手机');
      await chat.follow([[said, id]]);
      if (id === 'details.phone') await chat.follow([['13912345678', 'review.confirm']]);
    });
  }
});

describe('"change item N": the words around the number are content\'s (prompts.review.confirm.itemNumber), in both languages', () => {
  let dir: string;
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a word put in content is taken (第2行, row 2), a word taken out of it is not (item 2)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'item-words-'));
    cpSync(DEFAULT_LOCALES_DIR, dir, { recursive: true });
    for (const [locale, words] of [['zh-CN', { before: ['第'], after: ['行'] }], ['en-US', { before: ['row'], after: [] }]] as const) {
      const file = join(dir, locale, 'prompts.json');
      const prompts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
      prompts['review.confirm']!['itemNumber'] = words;
      writeFileSync(file, JSON.stringify(prompts));
    }
    const storage = new MemoryStorage();
    const chat = new Chat({ channelId: 'test', storage });
    const replies = await chat.follow(TMP_OTHER_TO_SUMMARY);
    const rows = (Chat.replyWith(replies, 'summary')!.channelData as { summary: string[] }).summary;
    const state = ((await storage.read(['test/conversations/Convo1/']))['test/conversations/Convo1/'] as { filing: FilingState }).filing;
    const c: FilingContext = { state, progress: state, profile: chat.profiles.get('rizhao')!, locale: 'zh-CN', today: TODAY, texts: new Texts(dir) };
    const understanding = createUnderstanding();
    const read = (text: string) => CONFIRM.recognizer.recognize(text, { id: CONFIRM.id, c, understanding, intentOf: (t) => understanding.intent(t, 'zh-CN') });
    expect(read('修改第2行')).to.deep.equal({ status: 'exact', value: `${EDIT_PREFIX}${rows[1]}` });
    expect(read('change row 3')).to.deep.equal({ status: 'exact', value: `${EDIT_PREFIX}${rows[2]}` });
    expect(read('change item 3')).not.to.deep.include({ value: `${EDIT_PREFIX}${rows[2]}` });
  });
});

describe('an edit button of an old summary card', () => {
  it('after the filing was submitted: it was submitted and cannot be changed here, with the reference', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const done = await chat.say('确认提交');
    const reference = Chat.channelData<{ reference: string }>(done, 'filing')!.reference;
    const replies = await chat.say({ value: { editField: 'details.phone' } });
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'errors.EMPTY_ANSWER'));
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'errors.EDIT_AFTER_SUBMIT', { reference }));
    expect(Chat.channelData(replies, 'error')).to.equal('EDIT_AFTER_SUBMIT');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
    expect(chat.created).to.have.length(1);
  });

  it('during a filing, for an answer that no longer applies: said so, and the same question again', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const replies = await chat.say({ value: { editField: 'details.address' } });
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'errors.EMPTY_ANSWER'));
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'errors.EDIT_NOT_AVAILABLE'));
    expect(Chat.promptOf(replies)).to.equal('review.confirm');
  });
});

describe('the person’s own review before submitting: names and the address in full, the ID number and phones masked', () => {
  for (const channelId of ['webchat', 'test']) {
    it(`${channelId}: 李秀英 and 浦东新区世纪大道100号3号楼201室 as typed (a typo would show), 1101**********002X and 138****5678 masked`, async () => {
      const chat = new Chat({ channelId });
      const replies = await chat.follow(LT_RESIDENT_TO_SUMMARY);
      const summary = Chat.replyWith(replies, 'summary')!;
      const shown = `${summary.text ?? ''}\n${JSON.stringify(summary.attachments ?? [])}`;
      expect(shown).to.include('李秀英').and.include('浦东新区世纪大道100号3号楼201室');
      expect(shown).to.include('1101**********002X').and.include('138****5678');
      expect(shown).not.to.include('11010519491231002X').and.not.include('13812345678');
    });
  }

  it('filing for someone else: both names in full, every ID number and phone masked', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    const replies = await chat.follow(AGENT_IN_HOSPITAL);
    const shown = JSON.stringify(Chat.replyWith(replies, 'summary')!.attachments);
    expect(shown).to.include('李秀英').and.include('王小明');
    expect(shown).to.include('1101**********002X').and.include('1101**********4514').and.include('139****5678');
    expect(shown).not.to.include('110101199003074514').and.not.include('13912345678');
  });

  it('only on the summary: an answer opened again is offered back masked, as everywhere else', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(LT_RESIDENT_TO_SUMMARY);
    const again = await chat.say({ value: { editField: 'details.personName' } });
    expect(Chat.textOf(again)).to.include(chat.texts.t('zh-CN', 'messages.previousAnswer', { answer: '李**' })).and.not.include('李秀英');
  });
});

/** The Adaptive Card elements and actions the page's own renderer draws (public/web/chat-ui.js); anything else shows the fallbackText. */
const DRAWN = new Set(['AdaptiveCard', 'TextBlock', 'Container', 'ColumnSet', 'Column', 'FactSet', 'ActionSet', 'Action.Submit', 'Action.ShowCard']);
function typesIn(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) typesIn(n, into);
  else if (node && typeof node === 'object') {
    const { type, ...rest } = node as { type?: unknown };
    if (typeof type === 'string') into.add(type);
    for (const v of Object.values(rest)) typesIn(v, into);
  }
  return into;
}

describe('the confirmation is the filing’s receipt', () => {
  interface Card {
    fallbackText?: string;
    speak?: string;
    body: Array<{ type: string; id?: string; text?: string; size?: string; weight?: string; facts?: Array<{ title: string; value: string }>; items?: Array<{ text?: string }> }>;
  }

  it('webchat: one card with the reference in large type, category, status, start, validity, institutions, what to prepare and bring, what happens next; channelData.filing on the same activity', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const replies = await chat.say('确认提交');
    const confirmation = Chat.replyWith(replies, 'filing')!;
    const filing = (confirmation.channelData as { filing: { reference: string; category: string; status: string } }).filing;
    expect(filing).to.deep.include({ category: 'TMP_OTHER', status: 'SUBMITTED' });
    expect(confirmation.attachments).to.have.length(1);
    expect(confirmation.text ?? '', 'the card alone').to.equal('');
    const card = confirmation.attachments![0]!.content as Card;
    const reference = card.body.find((b) => b.text === filing.reference)!;
    expect(reference).to.deep.include({ size: 'ExtraLarge', weight: 'Bolder' });
    const facts = card.body.find((b) => b.type === 'FactSet')!.facts!;
    const t = (key: string) => chat.texts.t('zh-CN', `pages.receipt.${key}`);
    expect(facts.map((f) => f.title)).to.deep.equal(['category', 'status', 'startDate', 'validity', 'institutions'].map(t));
    expect(facts.map((f) => f.value)).to.include.members(['自主转诊人员', t('statuses.SUBMITTED'), '2026年11月25日', t('validityFixed').replace('{endDate}', '2027年11月24日'), '上海市第六人民医院']);
    const next = card.body.find((b) => b.id === 'receipt-next')!.items!.map((i) => i.text).join('\n');
    const rizhao = chat.profiles.get('rizhao')!;
    expect(next).to.include(rizhao.afterSubmit.value['zh-CN'].replace('{agency}', rizhao.agency.value['zh-CN']));
    expect(card.body.find((b) => b.id === 'receipt-bring')!.items!.map((i) => i.text).join('\n')).to.include(chat.texts.t('zh-CN', 'messages.whatToBring'));
    expect(card.fallbackText).to.include(filing.reference).and.equal(confirmation.speak);
    expect([...typesIn(card)].filter((type) => !DRAWN.has(type)), 'only what the page draws').to.deep.equal([]);
  });

  it('says what the filing is, not who it is for: no name, ID number or phone, not even masked (it is what people screenshot and send on)', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(AGENT_IN_HOSPITAL);
    const card = JSON.stringify(Chat.replyWith(await chat.say('确认提交'), 'filing')!.attachments);
    for (const personal of ['李', '王小明', '1101**', '138****', '139****', '11010519491231002X', '13812345678']) expect(card, personal).not.to.include(personal);
  });

  it('a channel without cards: the same receipt as text, with channelData.filing', async () => {
    const chat = new Chat({ channelId: 'test' });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const confirmation = Chat.replyWith(await chat.say('确认提交'), 'filing')!;
    const { reference } = (confirmation.channelData as { filing: { reference: string } }).filing;
    expect(confirmation.attachments ?? []).to.have.length(0);
    expect(confirmation.text).to.include(reference).and.include(chat.texts.t('zh-CN', 'pages.receipt.bringHeading')).and.include(chat.texts.t('zh-CN', 'pages.receipt.nextHeading'));
  });

  it('the summary card too uses only what the page draws', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    const replies = await chat.follow(AGENT_IN_HOSPITAL);
    const card = Chat.replyWith(replies, 'summary')!.attachments![0]!.content;
    expect([...typesIn(card)].filter((type) => !DRAWN.has(type))).to.deep.equal([]);
    expect((card as Card).fallbackText).to.not.equal(undefined);
  });
});
