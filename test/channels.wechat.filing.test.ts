import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { normalizeAnswer } from '../dialogs/form/recognition.js';
import { CATEGORY_PATHS, TMP_OTHER_TO_SUMMARY } from './support/paths.js';
import { oneWeChatApp, WeChatSender, type PostResult } from './support/wechat.js';

/**
 * A person files in every category over /wechat in secure mode, against the real server: the category
 * scripts of test/support/paths.ts, followed once choosing every choice by its number and once saying
 * every choice in words. WeChat shows no promptId, so each step's question is read from the turn log.
 */

const texts = new Texts();
type Variant = 'by number' | 'in words';

/** The numbered lines of a reply ("   2. 否" → [2, "否"]); the last list wins (the question's choices come after a summary's rows). */
function numbered(text: string | undefined): Map<number, string> {
  return new Map([...(text ?? '').matchAll(/^\s*(\d{1,2})\. (.+)$/gm)].map((m) => [Number(m[1]), m[2]!.trim()]));
}

/** The numbered rows of a text summary: the first list of the reply. */
function summaryRows(text: string | undefined): Map<number, string> {
  const rows = new Map<number, string>();
  for (const [n, label] of [...(text ?? '').matchAll(/^\s*(\d{1,2})\. (.+)$/gm)].map((m) => [Number(m[1]), m[2]!.trim()] as const)) if (!rows.has(n)) rows.set(n, label);
  return rows;
}

/** The answer as the variant says it: a choice's label becomes its number, or a number its label. */
function answerAs(variant: Variant, said: string, last: PostResult | undefined): { text: string; changed: boolean } {
  const choices = numbered(last?.text);
  if (variant === 'by number') {
    // The choice the words name: its label exactly, or the one label that holds them ("是" in "是，已经退休").
    const word = normalizeAnswer(said);
    const exact = [...choices].filter(([, label]) => normalizeAnswer(label) === word);
    const holding = [...choices].filter(([, label]) => word !== '' && normalizeAnswer(label).includes(word));
    const hit = exact.length === 1 ? exact[0] : holding.length === 1 ? holding[0] : undefined;
    return hit ? { text: String(hit[0]), changed: true } : { text: said, changed: false };
  }
  const label = /^\d$/.test(said) ? choices.get(Number(said)) : undefined;
  return label ? { text: label, changed: true } : { text: said, changed: false };
}

describe('WeChat: a person files in every category over /wechat (secure mode), by number or in words', () => {
  const wechat = oneWeChatApp();

  for (const path of CATEGORY_PATHS) {
    for (const variant of ['by number', 'in words'] as const) {
      it(`${path.name}, ${variant}`, async () => {
        const person = new WeChatSender(wechat.server.base, undefined, 'secure');
        let last: PostResult | undefined;
        let changed = 0;
        for (const [said, next] of path.steps) {
          const answer = answerAs(variant, said, last);
          if (answer.changed) changed += 1;
          last = await person.say(answer.text);
          expect(last.encrypted, 'the reply is encrypted as the request was').to.equal(true);
          expect(wechat.waitingAt(), `"${answer.text}" → ${last.text}`).to.equal(next);
          expect(Buffer.byteLength(last.text ?? '', 'utf8')).to.be.at.most(2048);
        }
        expect(changed, `answers said ${variant}`).to.be.at.least(variant === 'by number' ? 5 : 1);
        // The summary is text, its rows numbered for 修改N; the confirmation's choices numbered too.
        expect(last!.text).to.include(texts.t('zh-CN', 'messages.summaryEditHint')).and.to.include(texts.t('zh-CN', 'messages.replyWithNumber'));
        const submit = answerAs(variant, '确认提交', last).text;
        const done = await person.say(submit);
        const reference = /YD\d{8}-[0-9A-Z]+/.exec(done.text ?? '')?.[0];
        expect(reference, done.text).to.be.a('string');
        const stored = await wechat.server.app.filings.get(reference!);
        expect(stored?.category).to.equal(path.category);
        path.filing?.(stored!.filing as Record<string, unknown>);
        expect(wechat.waitingAt()).to.equal('menu.main');
      });
    }
  }

  it('at the text summary, "修改<number>" asks that answer again and the summary comes back after it', async () => {
    const person = new WeChatSender(wechat.server.base);
    let last: PostResult | undefined;
    for (const [said] of TMP_OTHER_TO_SUMMARY) last = await person.say(said);
    const rows = summaryRows(last!.text);
    const phone = [...rows].find(([, row]) => row.startsWith(texts.t('zh-CN', 'labels.details.phone')))?.[0];
    expect(phone, last!.text).to.be.a('number');
    await person.say(`修改${phone}`);
    expect(wechat.waitingAt()).to.equal('details.phone');
    const back = await person.say('13912345678');
    expect(wechat.waitingAt()).to.equal('review.confirm');
    expect(back.text).to.include('139****5678');
  });
});
