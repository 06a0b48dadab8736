import type { IsoDate } from '../src/domain/calendar.js';
import type { RegionProfile } from '../src/domain/profile.js';
import type { FormContext } from './form/declaration.js';
import type { FilingState } from './filing-state.js';

/**
 * What the filing's questions see of a turn: the conversation's state (which is also the form's progress),
 * the person's region profile, language and today's date.
 */
export interface FilingContext extends FormContext {
  readonly state: FilingState;
  readonly profile: RegionProfile;
  readonly today: IsoDate;
}
