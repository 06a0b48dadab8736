import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { checkAdmissionDate, checkStartDate, parseDate, startDateRulesFor } from '../src/domain/dates.js';
import { loadProfiles } from '../src/domain/profile.js';
import { checkResidentId } from '../src/domain/resident-id.js';
import { Chat, TODAY } from './support/chat.js';
import { openingZh, TMP_OTHER_FROM_HAS_REFERRAL, type TextStep as Step, upTo } from './support/paths.js';

/**
 * The example given with an error re-prompt must be an answer the question accepts: the QA review found
 * "开始日期不能早于 2026-12-02。例如：明天，或 2026-12-01" and, for a retroactive filing, "tomorrow" as the
 * example of a start on or before admission. Read back from the bot's own replies.
 */

const rizhao = loadProfiles().get('rizhao')!;

const opening = (now: string, filer = '本人'): Step[] => [
  ...openingZh(filer),
  [now, now === '已住院，还没出院' ? 'situation.admissionDate' : 'situation.longTerm'],
];
const toStartDate = upTo(TMP_OTHER_FROM_HAS_REFERRAL, 'details.startDate');
const PLANNED: Step[] = [...opening('计划去外地看病或居住'), ...toStartDate];
const IN_HOSPITAL: Step[] = [...opening('已住院，还没出院'), ['11月20日', 'situation.longTerm'], ...toStartDate];

/** The error reply's code and the dates of its example ("例如：明天，或 2026-12-01"). */
function errorExample(replies: Partial<Activity>[], prefer: 'future' | 'past'): { error: string; dates: string[]; example: string } {
  const reply = Chat.replyWith(replies, 'error')!;
  const example = reply.text!.split('例如：')[1]!;
  const dates = example.split('，或').map((part) => {
    const parsed = parseDate(part, { locale: 'zh-CN', today: TODAY, prefer });
    expect(parsed.ok, `"${part}"`).to.equal(true);
    return (parsed as { value: string }).value;
  });
  return { error: (reply.channelData as { error: string }).error, dates, example };
}

describe('examples with an error: each is an answer the question accepts', () => {
  it('planned start too early ("昨天"): the example dates are today or later', async () => {
    const chat = new Chat();
    await chat.follow(PLANNED);
    const { error, dates, example } = errorExample(await chat.say('昨天'), 'future');
    expect(error).to.equal('START_TOO_EARLY');
    const rules = startDateRulesFor(rizhao, 'TMP_OTHER', TODAY);
    for (const date of dates) expect(checkStartDate(date, rules), example).to.deep.include({ ok: true });
  });

  it('retroactive start after admission ("明天", admitted 11-20): the examples are the admission day and the day before', async () => {
    const chat = new Chat();
    await chat.follow(IN_HOSPITAL);
    const { error, dates, example } = errorExample(await chat.say('明天'), 'past');
    expect(error).to.equal('START_AFTER_ADMISSION');
    expect(dates).to.deep.equal(['2026-11-20', '2026-11-19']);
    const rules = startDateRulesFor(rizhao, 'TMP_OTHER', TODAY, '2026-11-20');
    for (const date of dates) expect(checkStartDate(date, rules), example).to.deep.include({ ok: true });
  });

  it('admission date in the future: the example dates are today or earlier', async () => {
    const chat = new Chat();
    await chat.follow(opening('已住院，还没出院'));
    const { error, dates, example } = errorExample(await chat.say('下个月1号'), 'past');
    expect(error).to.equal('ADMISSION_IN_FUTURE');
    for (const date of dates) expect(checkAdmissionDate(date, TODAY), example).to.deep.include({ ok: true });
  });

  it('a wrong agent ID number: the example ID passes the ID check', async () => {
    const chat = new Chat();
    await chat.follow([
      ...opening('计划去外地看病或居住', '为他人代办'),
      ...toStartDate.slice(0, -1),
      ['13812345678', 'details.agentName'],
      ['王小明', 'details.agentIdNumber'],
    ]);
    const reply = Chat.replyWith(await chat.say('110105194912310021'), 'error')!;
    expect((reply.channelData as { error: string }).error).to.equal('ID_CHECK_DIGIT');
    const example = reply.text!.split('例如：')[1]!.trim();
    expect(checkResidentId(example, TODAY)).to.deep.include({ ok: true });
  });
});

describe('a retroactive start so early that the filing would not cover the admission', () => {
  it('edited at the summary to 2024-01-01: refused at the question, naming the earliest start', async () => {
    const chat = new Chat();
    await chat.follow([...IN_HOSPITAL, ['2026-11-20', 'details.institutions'], ['复旦大学附属华山医院', 'review.confirm'], ['修改信息', 'review.editField'], ['开始日期', 'details.startDate']]);
    const replies = await chat.say('2024-01-01');
    const reply = Chat.replyWith(replies, 'error')!;
    expect((reply.channelData as { error: string }).error).to.equal('START_TOO_EARLY');
    expect(reply.text).to.include(chat.texts.t('zh-CN', 'errors.START_TOO_EARLY', { earliest: '2025年11月21日' }));
    expect(Chat.promptOf(replies)).to.equal('details.startDate');
    await chat.follow([['2025-11-21', 'review.confirm']]);
    const done = await chat.say('确认提交');
    expect(Chat.channelData(done, 'filing')).to.not.equal(undefined);
  });
});

describe('the submission check names the start date when it no longer covers the admission', () => {
  it('start 2025-11-21 accepted (admitted 11-20), then the admission edited to 11-24: the problem is the start date', async () => {
    const chat = new Chat();
    await chat.follow([...IN_HOSPITAL, ['2025-11-21', 'details.institutions'], ['复旦大学附属华山医院', 'review.confirm'], ['修改信息', 'review.editField'], ['入院日期', 'situation.admissionDate'], ['2026-11-24', 'review.confirm']]);
    const replies = await chat.say('确认提交');
    expect(Chat.channelData(replies, 'filing')).to.equal(undefined);
    const problem = Chat.replyWith(replies, 'problem')!;
    expect((problem.channelData as { problem: string }).problem).to.equal('START_TOO_EARLY');
    expect(problem.text).to.include(chat.texts.t('zh-CN', 'labels.details.startDate'));
    expect(problem.text).not.to.include(chat.texts.t('zh-CN', 'labels.situation.admissionDate'));
  });
});
