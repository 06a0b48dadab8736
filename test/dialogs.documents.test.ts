import { expect } from 'chai';
import { documentsFor } from '../src/domain/documents.js';
import { loadProfiles } from '../src/domain/profile.js';
import { Chat } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, openingZh, TMP_OTHER_TO_SUMMARY, type TextStep as Step, upTo } from './support/paths.js';

/**
 * What backs a filing (domain.md §7) and why it is this category (§3): the documents are listed when the
 * person chooses between documents and a commitment and again with the confirmation; the commitment's
 * text is shown before it is chosen and its version and time are stored; a referral hears it needs the
 * referral certificate; the stored filing carries the answers and reasons that decided the category.
 */

const profiles = loadProfiles();
const rizhao = profiles.get('rizhao')!;

const opening = upTo(LT_RESIDENT_TO_SUMMARY, 'situation.longTerm');
const person = (scheme: string, next: string): Step[] => [
  [scheme, 'details.personName'],
  ['李秀英', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['2026-12-01', next],
];
const LT_RESIDENT_TO_COMMITMENT = upTo(LT_RESIDENT_TO_SUMMARY, 'details.commitment');

const label = (chat: Chat, key: string, params = {}) => chat.texts.t('zh-CN', `labels.${key}`, params);
const documentsOf = (chat: Chat, category: Parameters<typeof documentsFor>[0]) =>
  documentsFor(category, rizhao).documents.map((code) => label(chat, `documents.${code}`)).join(chat.texts.t('zh-CN', 'common.listSeparator'));

async function submit(chat: Chat) {
  const done = await chat.say('确认提交');
  const reference = Chat.channelData<{ reference: string }>(done, 'filing')!.reference;
  return { text: Chat.textOf(done), filing: (await chat.filings.get(reference))!.filing as Record<string, unknown> };
}

describe('documents and the personal commitment (domain.md §7, §6.1)', () => {
  it('the choice lists the documents of the category and shows the commitment text before it is chosen', async () => {
    const chat = new Chat();
    const replies = await chat.follow(LT_RESIDENT_TO_COMMITMENT);
    const text = Chat.textOf(replies);
    expect(text).to.include(label(chat, 'documents.RESIDENCE_PROOF')).and.to.include(label(chat, 'documents.IDENTITY'));
    expect(text).to.include(label(chat, 'commitment.text'));
  });

  it('签署个人承诺书: the filing stores the commitment with its text version and time; the confirmation repeats the text', async () => {
    const chat = new Chat();
    await chat.follow([...LT_RESIDENT_TO_COMMITMENT, ['签署个人承诺书', 'review.confirm']]);
    const before = Date.now();
    const { text, filing } = await submit(chat);
    expect(filing.commitment).to.equal(true);
    const signature = filing.commitmentSignature as { at: string; textVersion: string };
    expect(signature.textVersion).to.equal(label(chat, 'commitment.version'));
    expect(Date.parse(signature.at)).to.be.within(before - 1000, Date.now() + 1000);
    expect(text).to.include(label(chat, 'commitment.signed', { version: signature.textVersion, commitmentText: label(chat, 'commitment.text') }));
  });

  it('提供证明材料: the confirmation lists the documents to have ready; no commitment is stored', async () => {
    const chat = new Chat();
    await chat.follow([...LT_RESIDENT_TO_COMMITMENT, ['提供证明材料', 'review.confirm']]);
    const { text, filing } = await submit(chat);
    expect(filing.commitment).to.equal(false);
    expect(filing).not.to.have.property('commitmentSignature');
    expect(text).to.include(label(chat, 'documents.chosen', { documents: documentsOf(chat, 'LT_RESIDENT'), agency: rizhao.agency.value['zh-CN'] }));
  });

  it('a referral is told it needs the referral certificate: when asked for the hospital and with the confirmation', async () => {
    const chat = new Chat();
    const ask = await chat.follow([
      ...opening,
      ['否', 'situation.hasReferral'],
      ['有转诊证明', 'outcome.understood'],
      ['我已了解，继续', 'details.scheme'],
      ...person('职工医保', 'details.referringHospital'),
    ]);
    expect(Chat.textOf(ask)).to.include('转诊转院证明');
    await chat.follow([
      ['日照市人民医院', 'details.institutions'],
      ['复旦大学附属中山医院', 'review.confirm'],
    ]);
    const { text } = await submit(chat);
    expect(text).to.include(label(chat, 'documents.REFERRAL_CERTIFICATE'));
    expect(text).to.include(label(chat, 'documents.prepare', { documents: documentsOf(chat, 'TMP_REFERRAL'), agency: rizhao.agency.value['zh-CN'] }));
  });

  it('a resettled retiree under Rizhao (no commitment allowed) hears the hukou documents with the confirmation', async () => {
    const chat = new Chat();
    await chat.follow([
      ...opening,
      ['是', 'situation.retired'],
      ['是', 'situation.hukouMoved'],
      ['已迁户口', 'outcome.understood'],
      ['我已了解，继续', 'details.scheme'],
      ...person('城乡居民医保', 'details.address'),
      ['浦东新区世纪大道100号3号楼201室', 'details.institutions'],
      ['复旦大学附属中山医院', 'review.confirm'],
    ]);
    const { text, filing } = await submit(chat);
    expect(text).to.include(label(chat, 'documents.HUKOU_PAGES'));
    // B8: the answers that make this a resettled retiree are in the record.
    expect(filing.basis).to.deep.equal({
      answers: { insuranceActive: true, now: 'PLANNING', longTerm: true, retired: true, hukouMoved: true },
      reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'RETIRED_HUKOU_MOVED'],
    });
  });
});

describe('the classification basis in the stored filing', () => {
  it('a stationed employee: dispatched by the employer, in the employee scheme, insured', async () => {
    const chat = new Chat();
    await chat.follow([
      ...opening,
      ['是', 'situation.retired'],
      ['否', 'situation.dispatchedByEmployer'],
      ['是', 'situation.scheme'],
      ['职工医保', 'outcome.understood'],
      ['我已了解，继续', 'details.personName'],
      ['张三', 'details.idNumber'],
      ['11010519491231002X', 'details.phone'],
      ['13812345678', 'details.startDate'],
      ['2026-12-01', 'details.address'],
      ['浦东新区世纪大道100号3号楼201室', 'details.employerName'],
      ['日照港集团有限公司', 'details.institutions'],
      ['复旦大学附属中山医院', 'details.commitment'],
      ['提供证明材料', 'review.confirm'],
    ]);
    const { filing, text } = await submit(chat);
    expect(filing.category).to.equal('LT_WORKER');
    expect(filing.basis).to.deep.equal({
      answers: { insuranceActive: true, now: 'PLANNING', longTerm: true, retired: false, dispatchedByEmployer: true },
      reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'DISPATCHED_BY_EMPLOYER'],
    });
    expect(text).to.include(label(chat, 'documents.EMPLOYMENT_PROOF'));
  });

  it('a retroactive self-referral: in hospital, short stay, no referral', async () => {
    const chat = new Chat();
    await chat.follow([
      ...opening.slice(0, -1),
      ['已住院，还没出院', 'situation.admissionDate'],
      ['11月20日', 'situation.longTerm'],
      ['否', 'situation.hasReferral'],
      ['没有', 'outcome.understood'],
      ['我已了解，继续', 'details.scheme'],
      ...person('职工医保', 'details.institutions').map(([say, next]): Step => (say === '2026-12-01' ? ['2026-11-20', next] : [say, next])),
      ['复旦大学附属中山医院', 'review.confirm'],
    ]);
    const { filing } = await submit(chat);
    expect(filing.basis).to.deep.equal({
      answers: { insuranceActive: true, now: 'IN_HOSPITAL', longTerm: false, hasReferral: false },
      reasons: ['CROSS_PROVINCE', 'IN_HOSPITAL_RETROACTIVE', 'SHORT_STAY', 'NO_REFERRAL'],
    });
  });
});

describe('what to prepare is told before submitting: on the summary, with how and where to hand it in', () => {
  const handIn = (agency: string) => rizhao.documentsHandIn.value['zh-CN'].replaceAll('{agency}', agency);
  const summaryOf = (replies: Awaited<ReturnType<Chat['say']>>) => {
    const summary = Chat.replyWith(replies, 'summary')!;
    return `${summary.text ?? ''}${summary.speak ?? ''}`;
  };

  it('documents chosen: which ones, and the profile’s words on handing them in, naming its agency — on the summary, before "确认提交"', async () => {
    const chat = new Chat();
    const replies = await chat.follow([...LT_RESIDENT_TO_COMMITMENT, ['提供证明材料', 'review.confirm']]);
    const summary = summaryOf(replies);
    expect(summary).to.include(chat.texts.t('zh-CN', 'messages.prepareHeading'));
    expect(summary).to.include(label(chat, 'documents.chosen', { documents: documentsOf(chat, 'LT_RESIDENT') }));
    expect(summary).to.include(handIn(rizhao.agency.value['zh-CN']));
    expect(chat.created, 'nothing submitted yet').to.have.length(0);
  });

  it('the commitment signed: it replaces the residence proof; only an identity document to have ready', async () => {
    const chat = new Chat();
    const summary = summaryOf(await chat.follow(LT_RESIDENT_TO_SUMMARY));
    expect(summary).to.include(label(chat, 'documents.commitmentInstead', { proof: label(chat, 'documents.RESIDENCE_PROOF'), identity: label(chat, 'documents.IDENTITY') }));
    expect(summary).not.to.include(handIn(rizhao.agency.value['zh-CN']));
  });

  it('a category without proof (self-referral): nothing but an identity document, said so', async () => {
    const chat = new Chat();
    const summary = summaryOf(await chat.follow(TMP_OTHER_TO_SUMMARY));
    expect(summary).to.include(label(chat, 'documents.none', { identity: label(chat, 'documents.IDENTITY') }));
  });

  it('on a card: a group after the answers, without an edit link', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    const replies = await chat.follow([...LT_RESIDENT_TO_COMMITMENT, ['提供证明材料', 'review.confirm']]);
    const card = Chat.replyWith(replies, 'summary')!.attachments![0]!.content as { body: Array<{ id?: string; items?: Array<{ type: string; text?: string }> }> };
    const prepare = card.body.find((b) => b.id === 'summary-prepare')!;
    expect(card.body.at(-1)).to.equal(prepare);
    expect(prepare.items!.map((i) => i.type)).to.deep.equal(['TextBlock', 'TextBlock', 'TextBlock']);
    expect(prepare.items!.map((i) => i.text).join('\n')).to.include(handIn(rizhao.agency.value['zh-CN']));
  });

  it('insured where no profile speaks for them: the words name their own agency, never Rizhao’s', async () => {
    const chat = new Chat();
    const replies = await chat.follow([...openingZh('本人', '青岛'), ...LT_RESIDENT_TO_COMMITMENT.slice(openingZh().length), ['提供证明材料', 'review.confirm']]);
    const summary = summaryOf(replies);
    expect(summary).to.include(handIn(rizhao.fallbackContact.agency['zh-CN'])).and.not.include(rizhao.agency.value['zh-CN']);
  });
});
