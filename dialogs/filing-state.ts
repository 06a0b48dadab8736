import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../src/domain/calendar.js';
import type { CategoryId } from '../src/domain/categories.js';
import type { Situation } from '../src/domain/situation.js';
import type { Locale } from '../src/content/texts.js';
import type { FormProgress } from './form/declaration.js';

/**
 * Everything a person has told us in one conversation, kept in conversation state. The dialogs are
 * driven by it: each stage asks its first unanswered question, so "back", "edit" and a restart after
 * a deploy all land on the right question without losing what was already given.
 */
export const FILING_STATE_VERSION = 2;

export interface Details {
  personName?: string;
  idNumber?: string;
  phone?: string;
  agentName?: string;
  agentIdNumber?: string;
  agentPhone?: string;
  agentRelationship?: string;
  startDate?: IsoDate;
  address?: string;
  employerName?: string;
  referringHospital?: string;
  institutions?: string[];
  commitment?: boolean;
}

/** How the situation was told after consent: step by step, or in one's own words (the facts it gave). */
export type Intake = { mode: 'GUIDED' } | { mode: 'DESCRIBED'; facts: Array<keyof Situation> };

/** The conversation's state; it is also the filing form's progress (history, answers opened again, the edit). */
export interface FilingState extends FormProgress {
  v: number;
  /** The language the person chose; otherwise the activity's locale decides. */
  locale?: Locale;
  /** A filing is under way (the menu is skipped and the person continues where they stopped). */
  active: boolean;
  situation: Partial<Situation>;
  consent?: { personalInfo: boolean; at: string };
  /** Facts of the situation said before consent: held apart, taken once the person agrees, dropped if they decline (keepFacts). */
  heldFacts?: Partial<Situation>;
  /** The category whose consequences the person said they understand. */
  acceptedCategory?: CategoryId;
  /** The outcome last announced ("kind|reasons|profile[|fallback]"), said once and again only when it, or whose rules apply, changes. */
  announced?: string;
  /** How the situation was told after consent (see Intake). */
  intake?: Intake;
  details: Details;
  idempotencyKey: string;
  /** The filing this conversation submitted last; `texted` once its reference was sent by SMS (dialogs/lifecycle/receipt-by-sms.ts). */
  submitted?: { reference: string; category: string; status: string; texted?: boolean };
  /**
   * The submitted filing a change is being asked about (dialogs/lifecycle/): its reference, profile and what
   * may change; its end date's bounds when it may change, else why not (an error code). No personal data.
   */
  lifecycle?: {
    reference: string;
    profileId: string;
    changeable: string[];
    endDate?: { current: string; earliest: string; latest: string };
    endDateRefused?: { error: string; params?: Record<string, string> };
  };
  /** Filings whose identity check this conversation passed, until `until` (ms since the epoch): asked about again meanwhile, not checked again. */
  proven?: { references: string[]; until: number };
  /** The person asked for a person and is in the handoff queue or with an agent (src/handoff/): their messages go there. */
  handoff?: { id: string };
}

export function newFilingState(locale?: Locale): FilingState {
  return {
    v: FILING_STATE_VERSION,
    ...(locale ? { locale } : {}),
    active: false,
    situation: {},
    details: {},
    history: [],
    previous: {},
    idempotencyKey: randomUUID(),
  };
}

/** The fields every new state has (newFilingState without a locale). */
const FRESH_FIELDS = Object.keys(newFilingState()) as ReadonlyArray<keyof FilingState>;

/**
 * True for a state written by a NEWER version than this one (during a rolling deploy, an old instance
 * may meet it): it must not be read as an older state and "migrated" down, losing what it holds.
 */
export function isNewerFilingState(raw: unknown): boolean {
  const v = raw && typeof raw === 'object' ? (raw as { v?: unknown }).v : undefined;
  return typeof v === 'number' && v > FILING_STATE_VERSION;
}

/**
 * Brings a stored state from an older version forward, keeping the answers that still mean the same.
 * Returns the state and whether it had to be migrated.
 *
 * Version 1 kept the question being asked (`asking`), invalid answers per question (`failures`) and places
 * offered (`suggestions`) in the state: they now live with the waiting prompt, and are dropped. A version 1
 * conversation past consent had no description question: it goes on step by step.
 */
export function upgradeFilingState(raw: unknown): { state: FilingState; migrated: boolean } {
  if (!raw || typeof raw !== 'object') return { state: newFilingState(), migrated: false };
  const old = raw as Partial<FilingState> & { v?: number };
  if (old.v === FILING_STATE_VERSION) {
    // The current version (every turn): the stored object itself when it has every field a new state has,
    // so that a turn neither copies it nor mints an idempotency key only to drop it.
    if (FRESH_FIELDS.every((field) => Object.hasOwn(old, field))) return { state: old as FilingState, migrated: false };
    return { state: { ...newFilingState(), ...old } as FilingState, migrated: false };
  }
  const fresh = newFilingState();
  const state: FilingState = {
    ...fresh,
    active: Boolean(old.active ?? (old.history && old.history.length > 0)),
    situation: typeof old.situation === 'object' && old.situation ? { ...old.situation } : {},
    details: typeof old.details === 'object' && old.details ? { ...old.details } : {},
    history: Array.isArray(old.history) ? old.history.filter((h) => typeof h === 'string') : [],
    ...(old.locale ? { locale: old.locale } : {}),
    ...(old.consent ? { consent: old.consent } : {}),
    ...(old.consent?.personalInfo ? { intake: { mode: 'GUIDED' } as const } : {}),
    ...(typeof old.acceptedCategory === 'string' ? { acceptedCategory: old.acceptedCategory } : {}),
    ...(typeof old.announced === 'string' ? { announced: old.announced } : {}),
    ...(old.previous && typeof old.previous === 'object' ? { previous: { ...old.previous } } : {}),
    ...(Array.isArray(old.reopened) ? { reopened: old.reopened.filter((r) => typeof r === 'string') } : {}),
    ...(typeof old.editing === 'string' ? { editing: old.editing } : {}),
    ...(old.submitted ? { submitted: old.submitted } : {}),
    ...(old.idempotencyKey ? { idempotencyKey: old.idempotencyKey } : {}),
  };
  return { state, migrated: true };
}
