import { checkMobile } from '../../src/domain/phone.js';
import { checkResidentId } from '../../src/domain/resident-id.js';

/** The personal numbers an answer may be by mistake: a mobile phone number, a resident ID number. */
export type PersonalNumber = 'phone' | 'idNumber';

/** Any date will do: a number whose birth date is after it still looks like an ID number (see below). */
const ANY_DAY = '2000-01-01';

/**
 * Which personal number the whole answer looks like, if any: a mainland mobile number as the phone check
 * reads it, or an ID number of the right shape whose first two digits are a province (a wrong birth date
 * or check digit is still an ID number typed, with a typo). For a question that refused it, to say what
 * it looks like ("这看起来是手机号码") instead of only why it is no answer. Never the number itself.
 */
export function personalNumberIn(text: string): PersonalNumber | undefined {
  if (checkMobile(text).ok) return 'phone';
  const id = checkResidentId(text, ANY_DAY);
  return id.ok || ['ID_BIRTH_DATE', 'ID_BIRTH_FUTURE', 'ID_CHECK_DIGIT'].includes(id.error) ? 'idNumber' : undefined;
}
