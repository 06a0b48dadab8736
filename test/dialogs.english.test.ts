import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { openingEn, openingZh, type Step } from './support/paths.js';

/**
 * The conversation in English: a person whose activity locale is English hears every question, choice,
 * error and outcome in English, and can switch language at any question without losing an answer.
 */

/** Han characters in a reply, apart from the one word that names the other language ("中文"). */
const hanOutsideLanguageWord = (text: string) => text.replace(/中文/g, '').match(/\p{Script=Han}+/gu) ?? [];

interface EnglishPath {
  name: string;
  locale: string;
  steps: Step[];
  category: string;
  filing: Record<string, unknown>;
}

const PATHS: EnglishPath[] = [
  {
    name: 'a retiree whose household registration moved to Shanghai files as a resettled retiree (LT_RETIREE)',
    locale: 'en-US',
    category: 'LT_RETIREE',
    steps: [
      ['hello', 'menu.main'],
      ['File for treatment elsewhere', 'situation.filerMode'],
      ...openingEn().slice(2), // the rest of the English opening
      ['Planning ahead', 'situation.longTerm'],
      ['yes', 'situation.retired'],
      ['yep', 'situation.hukouMoved'],
      ['sure', 'outcome.understood'],
      ['I understand, continue', 'details.scheme'],
      ['Employee insurance', 'details.personName'],
      ['Zhang San', 'details.idNumber'],
      ['11010519491231002X', 'details.phone'],
      ['138 1234 5678', 'details.startDate'],
      ['tomorrow', 'details.address'],
      ['100 Century Avenue, Pudong, Building 3, Room 201', 'details.institutions'],
      ['Zhongshan Hospital, Shanghai Sixth People\'s Hospital', 'review.confirm'],
    ],
    filing: {
      startDate: '2026-11-25',
      endDate: null,
      scheme: 'EMPLOYEE',
      institutions: ['Zhongshan Hospital', 'Shanghai Sixth People\'s Hospital'],
      person: { name: 'Zhang San', idNumber: '11010519491231002X', phone: '13812345678' },
    },
  },
  {
    name: 'a son files for his mother already in a Beijing hospital with a referral (retroactive TMP_REFERRAL, agent details)',
    locale: 'en-GB',
    category: 'TMP_REFERRAL',
    steps: [
      ['hi', 'menu.main'],
      ['1', 'situation.filerMode'],
      ['For someone else', 'situation.insuredPlace'],
      ['rizhao', 'situation.treatmentPlace'],
      ['Beijing', 'consent.personalInfo'],
      ['1', 'situation.intake'],
      ['1', 'situation.insuranceActive'],
      ['yes', 'situation.now'],
      ['In hospital, not discharged', 'situation.admissionDate'],
      ['20 Nov', 'situation.longTerm'],
      ['nope', 'situation.hasReferral'],
      ['Yes, referred', 'outcome.understood'],
      ['1', 'details.scheme'],
      ['Resident insurance', 'details.personName'],
      ['Li Xiuying', 'details.idNumber'],
      ['11010519491231002x', 'details.phone'],
      ['138 1234 5678', 'details.agentName'],
      ['Wang Xiaoming', 'details.agentIdNumber'],
      ['110101199003074514', 'details.agentPhone'],
      ['13912345678', 'details.agentRelationship'],
      ['Child', 'details.startDate'],
      ['20 November 2026', 'details.referringHospital'],
      ['Rizhao People\'s Hospital', 'details.institutions'],
      ['Peking Union Medical College Hospital', 'review.confirm'],
    ],
    filing: {
      retroactive: true,
      admissionDate: '2026-11-20',
      startDate: '2026-11-20',
      endDate: '2027-11-19',
      scheme: 'RESIDENT',
      referringHospital: 'Rizhao People\'s Hospital',
      agent: { name: 'Wang Xiaoming', idNumber: '110101199003074514', phone: '13912345678', relationship: 'CHILD' },
    },
  },
];

describe('the filing conversation in English (activity locale en-*)', () => {
  for (const path of PATHS) {
    it(path.name, async () => {
      const chat = new Chat({ locale: path.locale });
      await chat.follow(path.steps);
      const done = await chat.say('Submit');
      const filing = Chat.channelData<{ reference: string; category: string; status: string }>(done, 'filing');
      expect(filing, Chat.textOf(done)).to.include({ category: path.category, status: 'SUBMITTED' });
      expect(Chat.textOf(done)).to.include(filing!.reference);
      const stored = await chat.filings.get(filing!.reference);
      expect(stored?.category).to.equal(path.category);
      expect(stored?.filing).to.deep.include(path.filing);
      expect(Chat.promptOf(done)).to.equal('menu.main');

      // Everything the bot said was English: the category by its English name, no Chinese sentence.
      const english = chat.profiles.get('rizhao')!.categories[path.category as 'TMP_REFERRAL'].name['en-US'];
      expect(Chat.textOf(done)).to.include(english);
      for (const reply of chat.transcript) {
        expect(hanOutsideLanguageWord(reply.text ?? ''), reply.text).to.deep.equal([]);
      }
    });
  }
});

describe('switching language mid-way keeps every answer', () => {
  it('"English" at the phone question, "中文" at the summary: the same question in the new language, nothing asked twice', async () => {
    const chat = new Chat({ locale: 'zh-CN' });
    await chat.follow([
      ...openingZh(),
      ['1', 'situation.longTerm'],
      ['否', 'situation.hasReferral'],
      ['没有', 'outcome.understood'],
      ['继续', 'details.scheme'],
      ['职工医保', 'details.personName'],
      ['张三', 'details.idNumber'],
      ['11010519491231002X', 'details.phone'],
    ]);

    const switched = await chat.say('English');
    expect(Chat.textOf(switched)).to.include(chat.texts.t('en-US', 'messages.languageSwitched'));
    expect(Chat.promptOf(switched)).to.equal('details.phone');
    expect(Chat.textOf(switched)).to.include(chat.texts.t('en-US', 'prompts.details.phone.text'));

    // English from here on, although the activity still says zh-CN.
    await chat.follow([
      ['138 1234 5678', 'details.startDate'],
      ['tomorrow', 'details.institutions'],
    ]);
    const summary = await chat.say('Shanghai Sixth People\'s Hospital');
    expect(Chat.promptOf(summary)).to.equal('review.confirm');
    const english = Chat.textOf(summary);
    // Every answer given in Chinese is still there, shown in English.
    for (const shown of ['For myself', 'Rizhao, Shandong', 'Shanghai', 'No, a short stay', 'Employee insurance', '1101**********002X', '138****5678', '25 November 2026']) {
      expect(english).to.include(shown);
    }
    expect(english).not.to.match(/：/, 'English rows use an English colon');

    const back = await chat.say('中文');
    expect(Chat.textOf(back)).to.include(chat.texts.t('zh-CN', 'messages.languageSwitched'));
    expect(Chat.promptOf(back)).to.equal('review.confirm');
    expect(Chat.textOf(back)).to.include('山东省日照市').and.to.include('职工医保').and.to.include('Shanghai Sixth People\'s Hospital');
    // The outcome was settled before the switch: it is not announced again.
    expect(Chat.channelData(back, 'category')).to.equal(undefined);

    const done = await chat.say('确认提交');
    const filing = Chat.channelData<{ reference: string; category: string }>(done, 'filing');
    expect(filing?.category).to.equal('TMP_OTHER');
    const stored = await chat.filings.get(filing!.reference);
    expect(stored?.filing).to.deep.include({
      filerMode: 'SELF',
      insuredPlace: '371100',
      treatmentPlace: '310000',
      scheme: 'EMPLOYEE',
      startDate: '2026-11-25',
      person: { name: '张三', idNumber: '11010519491231002X', phone: '13812345678' },
    });
  });

  it('a switch at a choice question re-asks it with English choices, and English answers are understood', async () => {
    const chat = new Chat({ locale: 'zh-CN' });
    await chat.follow([
      ['你好', 'menu.main'],
      ['1', 'situation.filerMode'],
    ]);
    const switched = await chat.say('english');
    expect(Chat.promptOf(switched)).to.equal('situation.filerMode');
    expect(Chat.textOf(switched)).to.include('For myself').and.to.include('For someone else');
    await chat.follow([
      ['For myself', 'situation.insuredPlace'],
      ['Rizhao', 'situation.treatmentPlace'],
    ]);
  });
});
