import type { Outcome, Situation } from '../src/domain/situation.js';
import type { RegionProfile } from '../src/domain/profile.js';
import type { FilingContext } from './filing-context.js';
import { currentOutcome } from './situation-questions.js';

/** An outcome worked out, and what it was worked out from: the situation's answers as they were (a flat copy) and the profile. */
interface Worked {
  answers: Partial<Situation>;
  profile: RegionProfile;
  outcome: Outcome | undefined;
}

const worked = new WeakMap<object, Worked>();

/**
 * currentOutcome(c), worked out again only when the situation's answers (all plain values) or the profile
 * changed since it was last worked out for this situation object. The form asks it for every details
 * question it looks at (is the category accepted? does the filing end here?): a turn at the details asked
 * the decision procedure the same thing up to some thirty times. The outcome is shared: callers only read it.
 */
export function settledOutcome(c: FilingContext): Outcome | undefined {
  const situation = c.state.situation;
  const known = worked.get(situation);
  if (known && known.profile === c.profile && sameAnswers(known.answers, situation)) return known.outcome;
  const outcome = currentOutcome(c);
  worked.set(situation, { answers: { ...situation }, profile: c.profile, outcome });
  return outcome;
}

function sameAnswers(was: Partial<Situation>, now: Partial<Situation>): boolean {
  let count = 0;
  for (const key in now) {
    if (!Object.hasOwn(now, key)) continue;
    count += 1;
    if (!Object.hasOwn(was, key) || was[key as keyof Situation] !== now[key as keyof Situation]) return false;
  }
  return count === Object.keys(was).length;
}
