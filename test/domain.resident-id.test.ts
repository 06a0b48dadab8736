import { expect } from 'chai';
import { checkResidentId, maskResidentId } from '../src/domain/resident-id.js';

// Check characters below were computed independently (ISO 7064 MOD 11-2) when the cases were written;
// 11010519491231002X and 440524188001010014 are the examples printed in GB 11643-1999.
const TODAY = '2026-11-24';

describe('resident identity number (GB 11643-1999)', () => {
  describe('a valid number gives its normalised form, birth date and sex', () => {
    const valid: Array<[string, string, string, string, 'M' | 'F']> = [
      ['the standard example (Beijing, 1949, woman, check X)', '11010519491231002X', '11010519491231002X', '1949-12-31', 'F'],
      ['a Rizhao number, man', '371102199003071239', '371102199003071239', '1990-03-07', 'M'],
      ['born on 29 February of a leap year, woman (digit 17 even)', '371102200002294567', '371102200002294567', '2000-02-29', 'F'],
      ['an address code that no longer exists (371200 莱芜市) is still fine', '371200198001010035', '371200198001010035', '1980-01-01', 'M'],
      ['a Hong Kong residence permit (81)', '810000198001010022', '810000198001010022', '1980-01-01', 'F'],
      ['a Taiwan residence permit (83)', '830000199511200035', '830000199511200035', '1995-11-20', 'M'],
      ['a Taiwan GB/T 2260 prefix (71)', '710000200101010050', '710000200101010050', '2001-01-01', 'M'],
      ['born today', '371102202611240029', '371102202611240029', TODAY, 'F'],
      ['lower-case x becomes X', '11010519491231002x', '11010519491231002X', '1949-12-31', 'F'],
      ['surrounding and inner spaces are removed', '  110105 19491231 002X ', '11010519491231002X', '1949-12-31', 'F'],
      ['said in number words, 叉 for X (the hotline agent types what they hear)', '幺幺零幺零五 幺九四九幺二三幺 零零两叉', '11010519491231002X', '1949-12-31', 'F'],
      ['number words in groups with dashes', '三七一一零二-一九九零零三零七-一二三九', '371102199003071239', '1990-03-07', 'M'],
      ['full-width digits typed with a Chinese keyboard', '３７１１０２１９９００３０７１２３９', '371102199003071239', '1990-03-07', 'M'],
      // Read after NFKC, separators anywhere: what the masks of logs and transcripts must find too (test/ops.redact.test.ts).
      ['a space after every character', '1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X', '11010519491231002X', '1949-12-31', 'F'],
      ['a space before the X, ideographic spaces, an em dash', '1101\u30000519\u30004912—31002 X', '11010519491231002X', '1949-12-31', 'F'],
      ['circled digits and a Roman numeral Ⅹ', '①①⓪①⓪⑤①⑨④⑨①②③①⓪⓪②Ⅹ', '11010519491231002X', '1949-12-31', 'F'],
    ];
    for (const [name, input, number, birthDate, sex] of valid) {
      it(name, () => {
        expect(checkResidentId(input, TODAY)).to.deep.equal({ ok: true, value: { number, birthDate, sex } });
      });
    }
  });

  describe('an invalid number is refused with the reason', () => {
    const invalid: Array<[string, string, string]> = [
      ['nothing typed', '', 'ID_EMPTY'],
      ['only spaces', '   ', 'ID_EMPTY'],
      ['an old 15-digit number', '110105491231002', 'ID_FIFTEEN_DIGITS'],
      ['17 characters', '37110219900307123', 'ID_FORMAT'],
      ['19 characters', '3711021990030712390', 'ID_FORMAT'],
      ['a letter other than X', '37110219900307123A', 'ID_FORMAT'],
      ['X before the last place', '3711021990030712X9', 'ID_FORMAT'],
      ['a dash inside', '371102-19900307123', 'ID_FORMAT'],
      // Not separators to the check (nor, then, to the masks of logs and transcripts, which read what it reads).
      ['commas between the groups', '110105,19491231,002X', 'ID_FORMAT'],
      ['full-width commas between the groups', '110105，19491231，002X', 'ID_FORMAT'],
      ['dots between the groups', '110105.19491231.002X', 'ID_FORMAT'],
      ['a province prefix that does not exist (18)', '18990119900101001X', 'ID_PROVINCE'],
      ['a province prefix that does not exist (00)', '000000199003071239', 'ID_PROVINCE'],
      ['30 February', '37110219900230001X', 'ID_BIRTH_DATE'],
      ['29 February 1900 (not a leap year)', '371102190002290017', 'ID_BIRTH_DATE'],
      ['born before 1900', '371102189912310015', 'ID_BIRTH_DATE'],
      ["the standard's own 1880 example is before 1900", '440524188001010014', 'ID_BIRTH_DATE'],
      ['month 13', '371102199013071234', 'ID_BIRTH_DATE'],
      ['born tomorrow', '371102202611250024', 'ID_BIRTH_FUTURE'],
      ['one digit mistyped', '371102199003071249', 'ID_CHECK_DIGIT'],
      ['two neighbouring digits swapped', '371120199003071239', 'ID_CHECK_DIGIT'],
      ['wrong check character', '110105194912310021', 'ID_CHECK_DIGIT'],
    ];
    for (const [name, input, error] of invalid) {
      it(`${name} → ${error}`, () => {
        const result = checkResidentId(input, TODAY);
        expect(result.ok).to.equal(false);
        if (!result.ok) expect(result.error).to.equal(error);
      });
    }

    it('a wrong length reports how many characters were typed', () => {
      expect(checkResidentId('37110219900307123', TODAY)).to.deep.equal({ ok: false, error: 'ID_FORMAT', params: { length: 17 } });
    });
  });

  describe('masking for display and logs', () => {
    it('keeps the first four and last four characters of a full number', () => {
      expect(maskResidentId('11010519491231002X')).to.equal('1101**********002X');
      expect(maskResidentId('11010519491231002x')).to.equal('1101**********002X');
    });
    it('keeps the length, so a 15-digit number masks to 15 characters with 7 hidden', () => {
      const masked = maskResidentId('110105491231002');
      expect(masked).to.equal('1101*******1002');
    });
    it('never shows the birth date', () => {
      expect(maskResidentId('371102199003071239')).not.to.contain('19900307');
      expect(maskResidentId('371102199003071239')).to.equal('3711**********1239');
    });
    it('hides most of a short string too', () => {
      expect(maskResidentId('12345')).to.equal('1***5');
      expect(maskResidentId('12')).to.equal('**');
      expect(maskResidentId('')).to.equal('');
    });
  });
});
