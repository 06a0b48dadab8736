import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import { lifecycleRequest } from '../dialogs/lifecycle/lifecycle-request.js';
import { CANCEL_FILING_DIALOG } from '../dialogs/lifecycle/cancel-filing-dialog.js';
import { CHECK_FILING_DIALOG } from '../dialogs/lifecycle/check-filing-dialog.js';
import { checkSymbol } from '../src/filings/reference.js';

/** lifecycleRequest: a reference however it is written, the advertised words in either language. */
describe('lifecycleRequest: a reference, the advertised words', () => {
  const texts = new Texts();
  const noIntent = () => undefined;

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
