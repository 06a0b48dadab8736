import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { MemoryStorage } from 'botbuilder';
import { Chat } from './support/chat.js';
import { AGENT_IN_HOSPITAL, LT_RESIDENT_TO_SUMMARY, LT_WORKER_TO_NAME, openingZh, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo, type Step } from './support/paths.js';

/**
 * Invalid answers at every validated question: each gets a clear, polite sentence in the person's
 * language that says what was wrong, with an example, and the same question again (same promptId);
 * nothing already given is lost; after three failures the hotline is offered. Personal data shown back
 * is masked.
 */

type Locale = 'zh-CN' | 'en-US';

const LT_WORKER: Step[] = [
  ...LT_WORKER_TO_NAME,
  ['张三', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['下周一', 'details.address'],
  ['上海市浦东新区张江路88号', 'details.employerName'],
];

const TMP_REFERRAL: Step[] = [
  ...openingZh(),
  ['1', 'situation.longTerm'],
  ['否', 'situation.hasReferral'],
  ['有', 'outcome.understood'],
  ['继续', 'details.scheme'],
  ['1', 'details.personName'],
  ['张三', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['明天', 'details.referringHospital'],
];

interface FieldCase {
  field: string;
  locale?: Locale;
  /** The script up to the question. */
  reach: Step[];
  /** Wrong answers and the error each gets. */
  wrong: Array<[say: string, error: string]>;
  /** A right answer (or a right way of typing it) and the question that follows. */
  right: [say: string, next: string];
}

const FIELDS: FieldCase[] = [
  {
    field: 'situation.insuredPlace',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace'),
    wrong: [['火星', 'PLACE_NOT_FOUND'], ['山东', 'PLACE_PROVINCE_ONLY'], ['日', 'PLACE_DID_YOU_MEAN']],
    right: ['日照', 'situation.treatmentPlace'],
  },
  {
    field: 'situation.treatmentPlace',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'),
    wrong: [['花果山水帘洞', 'PLACE_NOT_FOUND'], ['江苏省', 'PLACE_PROVINCE_ONLY']],
    right: ['上海', 'consent.personalInfo'],
  },
  {
    field: 'situation.treatmentPlace',
    locale: 'en-US',
    reach: upTo(TMP_OTHER_EN_TO_START_DATE, 'situation.treatmentPlace'),
    wrong: [['Atlantis', 'PLACE_NOT_FOUND'], ['Shandong', 'PLACE_PROVINCE_ONLY'], ['shangai', 'PLACE_DID_YOU_MEAN']],
    right: ['Shanghai', 'consent.personalInfo'],
  },
  {
    field: 'details.idNumber (wrong check digit, 15 digits, future birth, bad province, wrong length; lowercase x accepted)',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'details.idNumber'),
    wrong: [
      ['110105194912310021', 'ID_CHECK_DIGIT'],
      ['110105491231002', 'ID_FIFTEEN_DIGITS'],
      ['110105202801010013', 'ID_BIRTH_FUTURE'],
      ['990105194912310023', 'ID_PROVINCE'],
      ['1101051949', 'ID_FORMAT'],
      ['110105194913310021', 'ID_BIRTH_DATE'],
    ],
    right: ['11010519491231002x', 'details.phone'],
  },
  {
    field: 'details.idNumber',
    locale: 'en-US',
    reach: upTo(TMP_OTHER_EN_TO_START_DATE, 'details.idNumber'),
    wrong: [['110105194912310021', 'ID_CHECK_DIGIT'], ['110105491231002', 'ID_FIFTEEN_DIGITS']],
    right: ['1101 0519 4912 3100 2X', 'details.phone'],
  },
  {
    field: 'details.phone',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'),
    wrong: [['1381234567', 'MOBILE_FORMAT'], ['23812345678', 'MOBILE_FORMAT'], ['0633-8888888', 'MOBILE_FORMAT']],
    right: ['+86 138-1234-5678', 'details.startDate'],
  },
  {
    field: 'details.personName',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'details.personName'),
    wrong: [['张3', 'NAME_CHARACTERS'], ['张'.repeat(51), 'NAME_TOO_LONG']],
    right: ['阿依古丽·买买提', 'details.idNumber'],
  },
  {
    field: 'details.agentName',
    reach: upTo(AGENT_IN_HOSPITAL, 'details.agentName'),
    wrong: [['王小明123', 'NAME_CHARACTERS']],
    right: ['王小明', 'details.agentIdNumber'],
  },
  {
    field: 'details.agentIdNumber (the insured person\'s own number is refused)',
    reach: upTo(AGENT_IN_HOSPITAL, 'details.agentIdNumber'),
    wrong: [['11010519491231002X', 'AGENT_SAME_AS_PERSON'], ['110101199003074515', 'ID_CHECK_DIGIT']],
    right: ['110101199003074514', 'details.agentPhone'],
  },
  {
    field: 'details.agentPhone',
    reach: upTo(AGENT_IN_HOSPITAL, 'details.agentPhone'),
    wrong: [['139123', 'MOBILE_FORMAT']],
    right: ['13912345678', 'details.agentRelationship'],
  },
  {
    field: 'situation.admissionDate',
    reach: upTo(AGENT_IN_HOSPITAL, 'situation.admissionDate'),
    wrong: [['明天', 'ADMISSION_IN_FUTURE'], ['前不久', 'DATE_NOT_RECOGNISED']],
    right: ['11月20日', 'situation.longTerm'],
  },
  {
    field: 'details.startDate (planned: not in the past, not more than a year ahead; "下个月1号" understood)',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'),
    wrong: [['昨天', 'START_TOO_EARLY'], ['2028-01-01', 'START_TOO_LATE'], ['哪天都行', 'DATE_NOT_RECOGNISED']],
    right: ['下个月1号', 'details.institutions'],
  },
  {
    field: 'details.startDate (retroactive: on or before the admission date)',
    reach: upTo(AGENT_IN_HOSPITAL, 'details.startDate'),
    wrong: [['11月22日', 'START_AFTER_ADMISSION'], ['明天', 'START_AFTER_ADMISSION']],
    right: ['11月18日', 'details.institutions'],
  },
  {
    field: 'details.startDate',
    locale: 'en-US',
    reach: TMP_OTHER_EN_TO_START_DATE,
    wrong: [['yesterday', 'START_TOO_EARLY'], ['whenever', 'DATE_NOT_RECOGNISED']],
    right: ['1 December 2026', 'details.institutions'],
  },
  {
    field: 'details.institutions (1 to 3, no repeats)',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'details.institutions'),
    wrong: [
      ['中山医院，华山医院，瑞金医院，仁济医院', 'INSTITUTIONS_COUNT'],
      ['中山医院，中山医院', 'INSTITUTIONS_REPEATED'],
      ['中，华山医院', 'INSTITUTION_NAME'],
    ],
    right: ['中山医院、华山医院、瑞金医院', 'review.confirm'],
  },
  {
    field: 'details.address',
    reach: upTo(LT_RESIDENT_TO_SUMMARY, 'details.address'),
    wrong: [['浦东', 'ADDRESS_LENGTH'], ['浦'.repeat(201), 'ADDRESS_LENGTH']],
    right: ['浦东新区世纪大道100号3号楼201室', 'details.institutions'],
  },
  {
    field: 'details.employerName',
    reach: LT_WORKER,
    wrong: [['港', 'EMPLOYER_LENGTH']],
    right: ['日照港集团有限公司', 'details.institutions'],
  },
  {
    field: 'details.referringHospital',
    reach: TMP_REFERRAL,
    wrong: [['院', 'HOSPITAL_LENGTH']],
    right: ['日照市人民医院', 'details.institutions'],
  },
  {
    field: 'situation.filerMode (a choice: out-of-range number, unknown word)',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.filerMode'),
    wrong: [['5', 'CHOICE_NOT_RECOGNISED'], ['也许吧', 'CHOICE_NOT_RECOGNISED']],
    right: ['2', 'situation.insuredPlace'],
  },
  {
    field: 'situation.longTerm (a yes/no choice typed as a synonym)',
    reach: upTo(TMP_OTHER_TO_SUMMARY, 'situation.longTerm'),
    wrong: [['不知道', 'CHOICE_NOT_RECOGNISED']],
    right: ['嗯', 'situation.retired'],
  },
  {
    field: 'situation.hasReferral',
    locale: 'en-US',
    reach: upTo(TMP_OTHER_EN_TO_START_DATE, 'situation.hasReferral'),
    wrong: [['maybe', 'CHOICE_NOT_RECOGNISED'], ['3', 'CHOICE_NOT_RECOGNISED']],
    right: ['nope', 'outcome.understood'],
  },
  {
    field: 'details.agentRelationship (a choice typed as its text)',
    reach: upTo(AGENT_IN_HOSPITAL, 'details.agentRelationship'),
    // (邻居 is understood as "other" and said back: test/dialogs.understanding.test.ts)
    wrong: [['随便吧', 'CHOICE_NOT_RECOGNISED']],
    right: ['女儿', 'details.startDate'],
  },
  {
    field: 'review.confirm',
    reach: TMP_OTHER_TO_SUMMARY,
    wrong: [['发送吧伙计', 'CHOICE_NOT_RECOGNISED']],
    right: ['2', 'review.editField'],
  },
];

/** The reply that reports an error, and the question asked again after it. */
function errorAndQuestion(replies: Partial<Activity>[]) {
  const error = replies.find((r) => (r.channelData as { error?: string } | undefined)?.error);
  return { error, data: error?.channelData as { promptId?: string; error?: string } | undefined };
}

function example(chat: Chat, locale: Locale, promptId: string): string {
  const own = `prompts.${promptId}.example`;
  return chat.texts.has(locale, own) ? chat.texts.t(locale, own).split('{')[0]! : chat.texts.t(locale, 'messages.choiceExample', { label: '' }).split(/["“]/)[0]!;
}

describe('invalid answers: what was wrong, an example, the same question again', () => {
  for (const c of FIELDS) {
    const locale = c.locale ?? 'zh-CN';
    const promptId = c.reach.at(-1)![1] as string;
    it(`${c.field} (${locale})`, async () => {
      const chat = new Chat({ locale });
      await chat.follow(c.reach);
      for (const [say, code] of c.wrong) {
        const replies = await chat.say(say);
        const { error, data } = errorAndQuestion(replies);
        expect(data, `"${say}": ${Chat.textOf(replies)}`).to.deep.include({ promptId, error: code });
        // The sentence of that error, in the person's language, with an example.
        const sentence = chat.texts.t(locale, `errors.${code}`).split('{')[0]!;
        expect(error!.text).to.include(sentence);
        expect(error!.text).to.include(example(chat, locale, promptId));
        if (locale === 'en-US') expect(error!.text!.replace(/中文/g, '')).not.to.match(/\p{Script=Han}/u);
        expect(Chat.promptOf(replies), `"${say}" is followed by the same question`).to.equal(promptId);
      }
      const next = await chat.say(c.right[0]);
      expect(Chat.promptOf(next), Chat.textOf(next)).to.equal(c.right[1]);
      expect(errorAndQuestion(next).error).to.equal(undefined);
    });
  }
});

describe('an ambiguous or misspelt place: the candidates offered as choices', () => {
  it('"suzhou": 苏州 and 宿州 offered with their provinces; "2" picks 宿州', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace'));
    const replies = await chat.say('suzhou');
    expect(errorAndQuestion(replies).data?.error).to.equal('PLACE_AMBIGUOUS');
    const question = replies.at(-1)!;
    // On a channel without buttons the candidates are numbered lines.
    expect(question.text).to.include('1. 江苏省苏州市').and.to.include('2. 安徽省宿州市');
    await chat.follow([
      ['2', 'situation.treatmentPlace'],
      ['上海', 'consent.personalInfo'],
      ['同意', 'situation.intake'],
      ['一步一步回答', 'situation.insuranceActive'],
      ['是', 'situation.now'],
      ['计划去外地看病或居住', 'situation.longTerm'],
      ['否', 'situation.hasReferral'],
    ]);
    const outcome = await chat.say('没有');
    // Insured in Suzhou, Anhui: not Rizhao, so the default profile speaks and says so.
    expect(Chat.textOf(outcome)).to.include(chat.texts.t('zh-CN', 'messages.outcome.profileFallback', { profile: '日照市', hotline: '12393' }));
  });

  it('in English, "Taizhou": both cities named in English with their province, and buttons on Web Chat', async () => {
    const chat = new Chat({ locale: 'en-US', channelId: 'webchat' });
    await chat.follow(upTo(TMP_OTHER_EN_TO_START_DATE, 'situation.treatmentPlace'));
    const replies = await chat.say('Taizhou');
    const { error } = errorAndQuestion(replies);
    expect(error!.text).to.include('Taizhou, Jiangsu').and.to.include('Taizhou, Zhejiang');
    expect(error!.text).not.to.match(/\p{Script=Han}/u);
    const buttons = replies.at(-1)!.suggestedActions!.actions.map((a) => a.title);
    expect(buttons).to.include.members(['Taizhou, Jiangsu', 'Taizhou, Zhejiang']);
    // The button sends its title back.
    await chat.follow([['Taizhou, Zhejiang', 'consent.personalInfo']]);
  });

  it('a misspelt English name: "did you mean" in English, picked by number', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(TMP_OTHER_EN_TO_START_DATE, 'situation.insuredPlace'));
    const replies = await chat.say('rizao');
    const { error, data } = errorAndQuestion(replies);
    expect(data?.error).to.equal('PLACE_DID_YOU_MEAN');
    expect(error!.text).to.include('Rizhao, Shandong');
    await chat.follow([
      ['1', 'situation.treatmentPlace'],
      ['Shanghai', 'consent.personalInfo'],
    ]);
  });
});

describe('repeated failures and what is kept', () => {
  it('after three wrong answers to one question the hotline is offered, and the answers given before are all kept', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'));
    const stuck = chat.texts.t('zh-CN', 'messages.stuck', { hotline: '0633-12393' });
    expect(Chat.textOf(await chat.say('12'))).not.to.include(stuck);
    expect(Chat.textOf(await chat.say('34'))).not.to.include(stuck);
    const third = await chat.say('56');
    expect(Chat.textOf(third)).to.include(stuck);
    expect(Chat.channelData(third, 'handoff')).to.deep.equal({ hotline: '0633-12393' });
    expect(Chat.promptOf(third)).to.equal('details.phone');
    await chat.follow([
      ['13812345678', 'details.startDate'],
      ['明天', 'details.institutions'],
    ]);
    const summary = await chat.say('上海市第六人民医院');
    expect(Chat.channelData<string[]>(summary, 'summary')).to.deep.equal([
      'situation.filerMode',
      'situation.insuredPlace',
      'situation.treatmentPlace',
      'situation.insuranceActive',
      'situation.now',
      'situation.longTerm',
      'situation.hasReferral',
      'details.scheme',
      'details.personName',
      'details.idNumber',
      'details.phone',
      'details.startDate',
      'details.institutions',
    ]);
  });

  it('in English the offer of help is English too', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(TMP_OTHER_EN_TO_START_DATE, 'details.idNumber'));
    for (const wrong of ['1', '2']) await chat.say(wrong);
    const third = await chat.say('3');
    expect(Chat.textOf(third)).to.include(chat.texts.t('en-US', 'messages.stuck', { hotline: '0633-12393' }));
  });
});

describe('personal data shown back is masked', () => {
  it('no reply after the ID number and phone were given shows them in full (summary, back, edit, submission)', async () => {
    const chat = new Chat();
    await chat.follow(upTo(AGENT_IN_HOSPITAL, 'details.idNumber'));
    const from = chat.transcript.length;
    await chat.follow(AGENT_IN_HOSPITAL.slice(upTo(AGENT_IN_HOSPITAL, 'details.idNumber').length));
    await chat.follow([
      ['返回上一步', 'details.institutions'],
      ['复旦大学附属华山医院', 'review.confirm'],
      [{ value: { editField: 'details.agentIdNumber' } }, 'details.agentIdNumber'],
      ['110101199003074514', 'review.confirm'],
    ]);
    await chat.say('确认提交');
    const said = chat.transcript.slice(from).map((r) => `${r.text ?? ''} ${JSON.stringify(r.attachments ?? [])} ${JSON.stringify(r.channelData ?? {})}`).join('\n');
    for (const secret of ['11010519491231002X', '110101199003074514', '13812345678', '13912345678']) expect(said).not.to.include(secret);
    expect(said).to.include('1101**********002X').and.to.include('138****5678').and.to.include('139****5678');
  });

  it('the summary card on Web Chat is masked as well', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const card = JSON.stringify(chat.transcript.filter((r) => r.attachments?.length).at(-1)!.attachments);
    expect(card).to.include('1101**********002X').and.not.to.include('11010519491231002X').and.not.to.include('13812345678');
  });
});

describe('the check at submission speaks the person\'s words, never a code', () => {
  it('a stored answer that no longer passes (a phone saved before a rule changed): the field and the reason, then the summary', async () => {
    const storage = new MemoryStorage();
    const chat = new Chat({ storage });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    // Reach into the stored conversation state, as an older version of the bot might have left it.
    const keys = Object.keys((storage as unknown as { memory: Record<string, string> }).memory);
    const key = keys.find((k) => k.includes('conversations'))!;
    const stored = (await storage.read([key]))[key] as { filing: { details: { phone: string } } };
    stored.filing.details.phone = '12345';
    await storage.write({ [key]: { ...stored, eTag: '*' } });

    const replies = await chat.say('确认提交');
    const problem = Chat.replyWith(replies, 'error')!;
    expect(problem.channelData).to.deep.include({ error: 'FILING_INVALID', problem: 'MOBILE_FORMAT' });
    expect(problem.text).to.include('参保人手机').and.to.include(chat.texts.t('zh-CN', 'errors.MOBILE_FORMAT'));
    expect(problem.text).not.to.match(/[A-Z]{3,}_[A-Z_]+/);
    expect(Chat.promptOf(replies)).to.equal('review.confirm');
    expect(chat.created).to.have.length(0);
  });
});
