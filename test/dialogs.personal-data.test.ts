import { TestAdapter, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import { personalAnswerMask, withoutPartedPairs } from '../dialogs/personal-data.js';
import { noteAnswered } from '../dialogs/form/answered.js';

/** The mask this turn's message is shown back with, having been read as an answer to `promptId`. */
function shownBack(promptId: string, text: string): string {
  const context = new TurnContext(new TestAdapter(), { type: 'message', text });
  noteAnswered(context, promptId);
  const mask = personalAnswerMask(context);
  if (!mask) throw new Error(`no mask for ${promptId}`);
  return mask(text);
}

/** Whether every bracket and double quote in `s` has its partner (( and （ alike). */
function balanced(s: string): boolean {
  const pairs: Record<string, string> = { ')': '(', '）': '(', ']': '[', '】': '【', '」': '「', '』': '『', '》': '《', '”': '“' };
  const open: string[] = [];
  for (const c of Array.from(s.replace(/"[^"]*"/g, ''))) {
    if ('(（[【「『《“'.includes(c)) open.push(c === '（' ? '(' : c);
    else if (c in pairs && open.pop() !== pairs[c]) return false;
  }
  return open.length === 0 && !s.replace(/"[^"]*"/g, '').includes('"');
}

describe('personal answers shown back: a mask never parts a bracket or a quote from its partner', () => {
  const cases: Array<[string, string, string]> = [
    ['details.address', '山东省（日照市东港区）海曲中路88号', '山东省*日照****'],
    ['details.address', '山东省日照（东港区）', '山东省日照*****'],
    ['details.address', '（日照）东港区', '（日照）东港****'],
    ['details.address', '“海曲中路88号”', '*海曲中路****'],
    ['details.phone', '（138）1234567', '***********7'],
    ['details.phone', '(13812345678)', '138****5678'],
    ['details.phone', '“13812345678”', '“***********”'],
    ['details.idNumber', '“11010519491231002X”', '“110************02X”'],
    ['details.personName', '张三（小名）', '张*****'],
    ['details.personName', 'John (Jack) Smith', 'J*** (J***) S****'],
    ['details.agentName', "O'Brien", "O'B****"],
    ['lifecycle.change.address', '山东省日照（东港区）', '山东省日照*****'],
    ['lifecycle.phone', '（138）1234567', '***********7'],
  ];
  for (const [promptId, typed, shown] of cases) {
    it(`${promptId}: ${typed} → ${shown}`, () => expect(shownBack(promptId, typed)).to.equal(shown));
  }

  it('whatever is typed in brackets or quotes, at whichever personal question, is shown back balanced', () => {
    const prompts = ['details.personName', 'details.idNumber', 'details.phone', 'details.address', 'details.agentPhone', 'lifecycle.idNumber', 'lifecycle.change.address'];
    const answers = ['13812345678', '1381234567', '11010519491231002X', '110105194912310', '山东省日照市东港区海曲中路88号', '日照', '张三', 'John Smith'];
    const wrappers: Array<[string, string]> = [['(', ')'], ['（', '）'], ['(', '）'], ['[', ']'], ['【', '】'], ['「', '」'], ['《', '》'], ['“', '”'], ['"', '"']];
    const unbalanced: string[] = [];
    for (const promptId of prompts) {
      for (const answer of answers) {
        for (const [open, close] of wrappers) {
          const chars = Array.from(answer);
          for (const typed of [`${open}${answer}${close}`, `${chars.slice(0, 3).join('')}${open}${chars.slice(3).join('')}${close}`, `${open}${chars.slice(0, 2).join('')}${close}${chars.slice(2).join('')}`]) {
            const shown = shownBack(promptId, typed);
            if (!balanced(shown)) unbalanced.push(`${promptId}: ${typed} → ${shown}`);
          }
        }
      }
    }
    expect(unbalanced).to.deep.equal([]);
  });

  it('withoutPartedPairs keeps pairs, masks what lost its partner, and leaves apostrophes alone', () => {
    expect(withoutPartedPairs('（日照）东港****')).to.equal('（日照）东港****');
    expect(withoutPartedPairs('山东省（日照****')).to.equal('山东省*日照****');
    expect(withoutPartedPairs('日照）东港')).to.equal('日照*东港');
    expect(withoutPartedPairs('“日照”「东港')).to.equal('“日照”*东港');
    expect(withoutPartedPairs('"日照" "东港')).to.equal('"日照" *东港');
    expect(withoutPartedPairs('（日照]')).to.equal('*日照*');
    expect(withoutPartedPairs("O'B****")).to.equal("O'B****");
  });
});
