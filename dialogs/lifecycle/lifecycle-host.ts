import type { TurnContext } from 'botbuilder';
import { resolveProfile, speakingProfile, type RegionProfile } from '../../src/domain/profile.js';
import { FilingStoreError, type StoredFiling } from '../../src/filings/filing-store.js';
import { CLIENT_ADDRESS_KEY } from '../../src/identity/client-address.js';
import type { IdentitySubject } from '../../src/identity/identity-check.js';
import type { DialogDeps } from '../dialog-deps.js';
import type { FilingContext } from '../filing-context.js';
import type { FormHost } from '../form/question-prompt.js';
import { TurnKit } from '../turn-kit.js';

/** The parts of a stored filing the dialogs after submitting read (the filing schema's output, src/domain/filing.ts). */
export interface FiledRecord {
  filerMode?: 'SELF' | 'AGENT';
  person?: { name?: string; idNumber?: string; phone?: string };
  agent?: { name?: string; idNumber?: string; phone?: string };
  insuredPlace?: string;
  treatmentPlace?: string;
  startDate?: string;
  endDate?: string | null;
  address?: string;
  institutions?: string[];
  [field: string]: unknown;
}

export const recordOf = (stored: StoredFiling): FiledRecord => stored.filing as FiledRecord;

/** The region profile a stored filing was made under (its insured place's, or the fallback speaking for it). */
export function profileOf(stored: StoredFiling, deps: Pick<DialogDeps, 'profiles' | 'defaultRegion'>): RegionProfile {
  const { profile, fallback } = resolveProfile(deps.profiles, recordOf(stored).insuredPlace, deps.defaultRegion);
  return speakingProfile(profile, fallback);
}

/**
 * The lifecycle dialogs' host for their question prompts: the filing's context as the filing dialogs see
 * it, with the profile of the filing being changed (its institutions' limits) once one is chosen, and no
 * progress line (these are not steps of a filing).
 */
export function lifecycleHost(deps: DialogDeps): FormHost<FilingContext> {
  return {
    understanding: deps.understanding,
    load: async (context) => {
      const kit = await TurnKit.load(context, deps);
      return { c: lifecycleContext(kit, deps), voice: kit };
    },
  };
}

/** The context the lifecycle questions are asked (and helped) in: the conversation's, under the profile of the filing being changed once one is chosen. */
export function lifecycleContext(kit: TurnKit, deps: Pick<DialogDeps, 'profiles'>): FilingContext {
  const chosen = kit.state.lifecycle ? deps.profiles.get(kit.state.lifecycle.profileId) : undefined;
  return chosen ? { ...kit.q, profile: chosen } : kit.q;
}

/** Who is being checked, for the attempt limits: the filing (when known), the conversation, the client address (when the channel gave it). */
export function subjectOf(context: TurnContext, reference?: string): IdentitySubject {
  const address = context.turnState.get(CLIENT_ADDRESS_KEY) as string | undefined;
  return {
    ...(reference ? { reference } : {}),
    conversation: `${context.activity.channelId ?? ''}:${context.activity.conversation?.id ?? ''}`,
    ...(address ? { address } : {}),
  };
}

/**
 * Moves a filing to `status` as the person's own act (recorded in its history); undefined when the
 * store refuses the transition (it moved on meanwhile, e.g. expired or changed in another conversation).
 */
export async function setStatusByPerson(deps: Pick<DialogDeps, 'filings'>, reference: string, status: 'CANCELLED'): Promise<StoredFiling | undefined> {
  try {
    return await deps.filings.setStatus(reference, status, { actor: { kind: 'person' } });
  } catch (e) {
    if (e instanceof FilingStoreError && e.code === 'ILLEGAL_TRANSITION') return undefined;
    throw e;
  }
}
