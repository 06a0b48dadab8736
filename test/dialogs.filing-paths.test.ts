import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { AGENT_IN_HOSPITAL, LT_WORKER_TO_NAME, openingZh, type Step } from './support/paths.js';

/**
 * Complete conversations from the first message to a stored filing, one per category, read as the
 * script a hotline agent would follow: each line is what the person says and the question that follows.
 */
interface Path {
  name: string;
  locale?: string;
  steps: Step[];
  category: string;
  /** Checks on the stored filing. */
  filing?: (f: Record<string, unknown>) => void;
}

const person: Step[] = [
  ['职工医保', 'details.personName'],
  ['张三', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['138 1234 5678', 'details.startDate'],
];

const PATHS: Path[] = [
  {
    name: 'retired, household registration moved → LT_RETIREE',
    category: 'LT_RETIREE',
    steps: [
      ...openingZh(),
      ['计划去外地看病或居住', 'situation.longTerm'],
      ['是', 'situation.retired'],
      ['是', 'situation.hukouMoved'],
      ['是', 'outcome.understood'],
      ['我已了解，继续', 'details.scheme'],
      ...person,
      ['明天', 'details.address'],
      ['浦东新区世纪大道100号3号楼201室', 'details.institutions'],
      ['复旦大学附属中山医院，上海市第六人民医院', 'review.confirm'],
    ],
    filing: (f) => expect(JSON.stringify(f)).to.include('2026-11-25'),
  },
  {
    name: 'retired, hukou not moved → LT_RESIDENT (Rizhao requires a moved hukou)',
    category: 'LT_RESIDENT',
    steps: [
      ...openingZh(),
      ['1', 'situation.longTerm'],
      ['嗯', 'situation.retired'],
      ['对', 'situation.hukouMoved'],
      ['没有', 'outcome.understood'],
      ['1', 'details.scheme'],
      ...person,
      ['2026-12-01', 'details.address'],
      ['浦东新区世纪大道100号3号楼201室', 'details.institutions'],
      ['中山医院', 'details.commitment'],
      ['签署个人承诺书', 'review.confirm'],
    ],
  },
  {
    name: 'employee sent by the employer → LT_WORKER',
    category: 'LT_WORKER',
    steps: [
      ...LT_WORKER_TO_NAME,
      ...person.slice(1),
      ['下周一', 'details.address'],
      ['上海市浦东新区张江路88号', 'details.employerName'],
      ['日照港集团有限公司', 'details.institutions'],
      ['上海市东方医院', 'details.commitment'],
      ['提供证明材料', 'review.confirm'],
    ],
    filing: (f) => expect(f).to.deep.include({ employer: { name: '日照港集团有限公司' }, scheme: 'EMPLOYEE' }),
  },
  {
    name: 'short stay with a hospital referral → TMP_REFERRAL',
    category: 'TMP_REFERRAL',
    steps: [
      ...openingZh(),
      ['1', 'situation.longTerm'],
      ['否', 'situation.hasReferral'],
      ['有', 'outcome.understood'],
      ['继续', 'details.scheme'],
      ...person,
      ['下个月1号', 'details.referringHospital'],
      ['日照市人民医院', 'details.institutions'],
      ['复旦大学附属中山医院', 'review.confirm'],
    ],
    filing: (f) => expect(JSON.stringify(f)).to.include('2026-12-01'),
  },
  {
    name: 'short stay on one\'s own → TMP_OTHER (自主转诊)',
    category: 'TMP_OTHER',
    steps: [
      ...openingZh(),
      ['1', 'situation.longTerm'],
      ['不是', 'situation.hasReferral'],
      ['没有', 'outcome.understood'],
      ['1', 'details.scheme'],
      ...person,
      ['今天', 'details.institutions'],
      ['上海市第六人民医院', 'review.confirm'],
    ],
  },
  {
    name: 'filing for a parent who is in hospital, not yet discharged → retroactive TMP_OTHER with agent details',
    category: 'TMP_OTHER',
    steps: AGENT_IN_HOSPITAL,
    filing: (f) =>
      expect(f).to.deep.include({
        retroactive: true,
        admissionDate: '2026-11-20',
        startDate: '2026-11-20',
        agent: { name: '王小明', idNumber: '110101199003074514', phone: '13912345678', relationship: 'CHILD' },
      }),
  },
];

describe('the filing conversation: a complete path for every category (zh-CN, Rizhao profile)', () => {
  for (const path of PATHS) {
    it(path.name, async () => {
      const chat = new Chat({ locale: path.locale ?? 'zh-CN' });
      await chat.follow(path.steps);
      const done = await chat.say('确认提交');
      const filing = Chat.channelData<{ reference: string; category: string; status: string }>(done, 'filing');
      expect(filing, Chat.textOf(done)).to.include({ category: path.category, status: 'SUBMITTED' });
      expect(Chat.textOf(done)).to.include(filing!.reference);
      const stored = await chat.filings.get(filing!.reference);
      expect(stored?.category).to.equal(path.category);
      expect(stored?.profileId).to.equal('rizhao');
      path.filing?.(stored!.filing as Record<string, unknown>);
      // The conversation goes back to the menu and a new filing starts clean.
      expect(Chat.promptOf(done)).to.equal('menu.main');
    });
  }
});
