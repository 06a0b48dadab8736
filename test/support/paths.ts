import { expect } from 'chai';
import type { Activity } from 'botbuilder';

/**
 * The canonical scripts of a filing conversation, shared by the dialog, content and HTTP tests (and the
 * benchmark): each line is what the person says and the question (promptId) expected next. A test that
 * needs the conversation only up to a question takes `upTo(script, promptId)`.
 */

/** One line of a script: what the person says (text or an activity), and the question expected next. */
export type Step = [say: string | Partial<Activity>, next: string | RegExp];

/** A line of a script that is typed text followed by a known question (usable over HTTP as well). */
export type TextStep = [say: string, next: string];

/** The script up to and including the line after which `promptId` is asked. */
export const upTo = <S extends Step>(steps: S[], promptId: string): S[] => steps.slice(0, steps.findIndex(([, next]) => next === promptId) + 1);

/* ---------- zh-CN ---------- */

/** From the greeting to the first question of the procedure, the situation answered step by step (zh-CN). */
export const openingZh = (filer = '本人', insured = '日照', treatment = '上海'): TextStep[] => [
  ['你好', 'menu.main'],
  ['1', 'situation.filerMode'],
  [filer, 'situation.insuredPlace'],
  [insured, 'situation.treatmentPlace'],
  [treatment, 'consent.personalInfo'],
  ['同意', 'situation.intake'],
  ['一步一步回答', 'situation.insuranceActive'],
  ['是', 'situation.now'],
];

/** A short stay's details, from the outcome understood to the summary (zh-CN). */
export const TMP_OTHER_DETAILS: TextStep[] = [
  ['我已了解，继续', 'details.scheme'],
  ['职工医保', 'details.personName'],
  ['张三', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['明天', 'details.institutions'],
  ['上海市第六人民医院', 'review.confirm'],
];

/** A self-referred short stay, from "no referral" (after "is it a long stay") to the summary (zh-CN). */
export const TMP_OTHER_FROM_HAS_REFERRAL: TextStep[] = [['否', 'situation.hasReferral'], ['没有', 'outcome.understood'], ...TMP_OTHER_DETAILS];

/** A self-referred short stay under the Rizhao profile, up to the summary (zh-CN). */
export const TMP_OTHER_TO_SUMMARY: TextStep[] = [...openingZh(), ['计划去外地看病或居住', 'situation.longTerm'], ...TMP_OTHER_FROM_HAS_REFERRAL];

/**
 * A complete TMP_OTHER filing in Chinese under the Rizhao profile, up to the summary: TMP_OTHER_TO_SUMMARY
 * with the menu chosen by its words and "planning ahead" by its number.
 */
export const TMP_OTHER_SCRIPT: TextStep[] = [
  ['你好', 'menu.main'],
  ['办理异地就医备案', 'situation.filerMode'],
  ...openingZh().slice(2),
  ['1', 'situation.longTerm'],
  ...TMP_OTHER_FROM_HAS_REFERRAL,
];

/** A long-term resident (retired, hukou not moved) under the Rizhao profile, up to the summary (zh-CN). */
export const LT_RESIDENT_TO_SUMMARY: TextStep[] = [
  ...openingZh(),
  ['计划去外地看病或居住', 'situation.longTerm'],
  ['是', 'situation.retired'],
  ['是', 'situation.hukouMoved'],
  ['否', 'outcome.understood'],
  ['我已了解，继续', 'details.scheme'],
  ['城乡居民医保', 'details.personName'],
  ['李秀英', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['2026-12-01', 'details.address'],
  ['浦东新区世纪大道100号3号楼201室', 'details.institutions'],
  ['复旦大学附属中山医院', 'details.commitment'],
  ['签署个人承诺书', 'review.confirm'],
];

/** An employee sent by the employer on employee insurance (LT_WORKER) under the Rizhao profile, up to the person's name (zh-CN). */
export const LT_WORKER_TO_NAME: TextStep[] = [
  ...openingZh(),
  ['1', 'situation.longTerm'],
  ['是', 'situation.retired'],
  ['不是', 'situation.dispatchedByEmployer'],
  ['是', 'situation.scheme'],
  ['职工', 'outcome.understood'],
  ['继续', 'details.personName'],
];

/** A parent on resident insurance and the son filing for her, from the scheme to the start date question (zh-CN). */
export const PARENT_AND_AGENT: TextStep[] = [
  ['城乡居民医保', 'details.personName'],
  ['李秀英', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.agentName'],
  ['王小明', 'details.agentIdNumber'],
  ['110101199003074514', 'details.agentPhone'],
  ['13912345678', 'details.agentRelationship'],
  ['子女', 'details.startDate'],
];

/** An agent filing for a parent in hospital, not yet discharged: every question of the agent and retroactive path (zh-CN). */
export const AGENT_IN_HOSPITAL: TextStep[] = [
  ...openingZh('为他人代办'),
  ['已住院，还没出院', 'situation.admissionDate'],
  ['11月20日', 'situation.longTerm'],
  ['否', 'situation.hasReferral'],
  ['否', 'outcome.understood'],
  ['1', 'details.scheme'],
  ...PARENT_AND_AGENT,
  ['11月20日', 'details.institutions'],
  ['复旦大学附属华山医院', 'review.confirm'],
];

/* ---------- every category ---------- */

/** A complete conversation to a stored filing of one category (zh-CN, Rizhao profile), then "确认提交". */
export interface CategoryPath {
  name: string;
  locale?: string;
  steps: TextStep[];
  category: string;
  /** Checks on the stored filing. */
  filing?: (f: Record<string, unknown>) => void;
}

const person: TextStep[] = [
  ['职工医保', 'details.personName'],
  ['张三', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['138 1234 5678', 'details.startDate'],
];

/** One complete path per filing category, with checks on the stored filing. */
export const CATEGORY_PATHS: CategoryPath[] = [
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

/* ---------- en-US ---------- */

/** From the greeting to the first question of the procedure, the situation answered step by step (en-US). */
export const openingEn = (filer = 'For myself', insured = 'Rizhao', treatment = 'Shanghai'): TextStep[] => [
  ['hi', 'menu.main'],
  ['1', 'situation.filerMode'],
  [filer, 'situation.insuredPlace'],
  [insured, 'situation.treatmentPlace'],
  [treatment, 'consent.personalInfo'],
  ['I agree', 'situation.intake'],
  ['Answer step by step', 'situation.insuranceActive'],
  ['yes', 'situation.now'],
];

/** A self-referred short stay under the Rizhao profile, up to the start date question (en-US). */
export const TMP_OTHER_EN_TO_START_DATE: TextStep[] = [
  ...openingEn(),
  ['1', 'situation.longTerm'],
  ['no', 'situation.hasReferral'],
  ['no', 'outcome.understood'],
  ['1', 'details.scheme'],
  ['1', 'details.personName'],
  ['Zhang San', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
];

/**
 * Answers each question asked with the answer given for it until the outcome is told, and returns the
 * questions asked (in order) and the replies that told the outcome. For conversations whose questions
 * depend on what the understanding makes of a description: a question without an answer here fails.
 */
export async function answerUntilOutcome(
  say: (text: string) => Promise<Partial<Activity>[]>,
  first: Partial<Activity>[],
  answers: Record<string, string>,
): Promise<{ asked: string[]; outcome: Partial<Activity>[] }> {
  const asked: string[] = [];
  let replies = first;
  for (let turn = 0; turn < 12; turn++) {
    if (replies.some((r) => (r.channelData as { category?: string } | undefined)?.category)) return { asked, outcome: replies };
    const waiting = [...replies].reverse().map((r) => (r.channelData as { promptId?: string } | undefined)?.promptId).find(Boolean);
    const answer = waiting ? answers[waiting] : undefined;
    if (answer === undefined) throw new Error(`no answer for ${waiting ?? 'nothing asked'}: ${replies.map((r) => r.text).join('\n')}`);
    asked.push(waiting!);
    replies = await say(answer);
  }
  throw new Error('no outcome after 12 answers');
}
