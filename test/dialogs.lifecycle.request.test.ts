import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { FOLDS_TO_Y, lifecycleRequest } from '../dialogs/lifecycle/lifecycle-request.js';
import { CANCEL_FILING_DIALOG } from '../dialogs/lifecycle/cancel-filing-dialog.js';
import { CHECK_FILING_DIALOG } from '../dialogs/lifecycle/check-filing-dialog.js';
import { checkSymbol } from '../src/filings/reference.js';

/**
 * lifecycleRequest's cheap checks keep what it recognises: words without a character that folds to y hold
 * no reference and are not folded (FOLDS_TO_Y must list every such character of this Node's Unicode), and
 * the advertised words are looked up once for all three before which one.
 */
describe('lifecycleRequest: the checks before the work', () => {
  const texts = new Texts();
  const noIntent = () => undefined;

  it('FOLDS_TO_Y holds exactly the characters whose NFKC form has a y or Y', () => {
    const missing: string[] = [];
    const wrong: string[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const char = String.fromCodePoint(c);
      const folds = /y/i.test(char.normalize('NFKC'));
      if (folds && !FOLDS_TO_Y.test(char)) missing.push(c.toString(16));
      if (!folds && FOLDS_TO_Y.test(char)) wrong.push(c.toString(16));
    }
    expect({ missing, wrong }).to.deep.equal({ missing: [], wrong: [] });
  });

  const tail = `ABC12${checkSymbol('20261201ABC12')}`;
  const fullwidth = (text: string) => text.replace(/[0-9A-Za-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  for (const written of [`YD20261201${tail}`, fullwidth(`yd20261201${tail.toLowerCase()}`), `𝐘𝐃20261201${tail}`, `ⓨⓓ-20261201-${tail.toLowerCase()}`, `我的编号是 yd 20261201 ${tail}`]) {
    it(`a reference written as ${written} is still a check`, () => {
      const request = lifecycleRequest(written, noIntent, texts);
      expect(request).to.deep.include({ dialog: CHECK_FILING_DIALOG, exact: true });
      expect(request?.options).to.deep.equal({ reference: `YD20261201-${tail}` });
    });
  }

  it('the advertised words in either language, and nothing for an answer', () => {
    expect(lifecycleRequest('取消备案', noIntent, texts)).to.deep.include({ dialog: CANCEL_FILING_DIALOG, exact: true });
    expect(lifecycleRequest(texts.list('en-US', 'lifecycle.words.checkFiling')[0]!, noIntent, texts)).to.deep.include({ dialog: CHECK_FILING_DIALOG, exact: true });
    expect(lifecycleRequest('张三', noIntent, texts)).to.equal(undefined);
    expect(lifecycleRequest('13812345678', () => 'cancelFiling', texts)).to.deep.include({ dialog: CANCEL_FILING_DIALOG, exact: false });
  });
});
