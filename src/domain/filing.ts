import { z } from 'zod';
import { compareDates, isIsoDate, type IsoDate } from './calendar.js';
import { groupOf, isCategory } from './categories.js';
import { scopeOf } from './classify.js';
import { consequencesOf } from './consequences.js';
import { checkAdmissionDate, checkStartDate, startDateRulesFor } from './dates.js';
import { checkPersonName } from './person-name.js';
import { checkMobile } from './phone.js';
import type { RegionProfile } from './profile.js';
import { checkResidentId } from './resident-id.js';
import { REASON_CODES } from './situation.js';
import type { Check } from './result.js';

/**
 * The filing record (shared/domain.md §6): one zod schema per filing category, discriminated by
 * `category`, built for one region profile and one "today" (Asia/Shanghai). Parsing normalises the
 * personal fields (ID number upper-case X, mobile digits only, name spacing) and checks every rule
 * across fields. Every issue message is an error code that content/ renders (never a sentence);
 * `validateFiling` turns zod issues into { field, code, params }.
 *
 * TMP_EMERGENCY is deemed filed and has no record; the non-category outcomes have none either.
 */

/** The categories that have a filing record (all but the deemed-filed emergency). */
export const FILABLE_CATEGORIES = ['LT_RETIREE', 'LT_RESIDENT', 'LT_WORKER', 'TMP_REFERRAL', 'TMP_OTHER'] as const;
export type FilableCategory = (typeof FILABLE_CATEGORIES)[number];

export function isFilable(kind: string): kind is FilableCategory {
  return (FILABLE_CATEGORIES as readonly string[]).includes(kind);
}

/** 代办人关系 (domain.md §6.2; the platform code list is UNCONFIRMED). */
export const AGENT_RELATIONSHIPS = ['SPOUSE', 'CHILD', 'PARENT', 'OTHER_RELATIVE', 'EMPLOYER_STAFF', 'OTHER'] as const;
export type AgentRelationship = (typeof AGENT_RELATIONSHIPS)[number];

/** Lengths of the free-text fields (domain.md §6.1: address 5–200 characters). */
export const FIELD_LIMITS = {
  address: { min: 5, max: 200 },
  employerName: { min: 2, max: 100 },
  referringHospital: { min: 2, max: 100 },
  institution: { min: 2, max: 100 },
} as const;

/** A string field checked by one of the domain's checkers; the output is the checker's normalised value. */
function checked<T, U = T>(check: (input: string) => Check<T>, pick: (value: T) => U = (v) => v as unknown as U) {
  return z.string().transform((input, ctx) => {
    const result = check(input);
    if (result.ok) return pick(result.value);
    ctx.addIssue({ code: 'custom', message: result.error, ...(result.params ? { params: result.params } : {}) });
    return z.NEVER;
  });
}

const PLACE_CODE = /^\d{6}$/;

/**
 * The answers to the decision procedure a filing's basis records (domain.md §3, §6.5): insured, what is
 * happening now, and the answers each category rests on. The one list of them: the dialogs take the keys
 * from here (and each question that asks one declares `basis.answers.<key>` as its field).
 */
export const BASIS_ANSWERS = z
  .object({
    insuranceActive: z.boolean(),
    now: z.enum(['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID']),
    longTerm: z.boolean().optional(),
    retired: z.boolean().optional(),
    hukouMoved: z.boolean().optional(),
    dispatchedByEmployer: z.boolean().optional(),
    hasReferral: z.boolean().optional(),
    /** Told in a description (no question asks it): a student living there long-term is a long-term resident. */
    student: z.boolean().optional(),
  })
  .strict();
export type BasisAnswers = z.infer<typeof BASIS_ANSWERS>;
export const BASIS_ANSWER_KEYS = Object.keys(BASIS_ANSWERS.shape) as Array<keyof BasisAnswers>;

/** A hotline agent's account id, as src/agents/ accepts it. */
const AGENT_ACCOUNT_ID = /^[a-z0-9][a-z0-9._-]{1,31}$/;

const text = (limits: { min: number; max: number }) => z.string().trim().min(limits.min).max(limits.max);

function categoryOptions(today: IsoDate) {
  const identity = () => ({
    name: checked(checkPersonName),
    idNumber: checked((s) => checkResidentId(s, today), (id) => id.number),
    phone: checked(checkMobile),
  });
  const common = {
    filerMode: z.enum(['SELF', 'AGENT']),
    person: z.object(identity()).strict(),
    agent: z.object({ ...identity(), relationship: z.enum(AGENT_RELATIONSHIPS) }).strict().optional(),
    insuredPlace: z.string().regex(PLACE_CODE),
    treatmentPlace: z.string().regex(PLACE_CODE),
    scheme: z.enum(['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE']),
    scope: z.enum(['INTRA_PROVINCE', 'CROSS_PROVINCE']),
    retroactive: z.boolean(),
    startDate: z.iso.date(),
    admissionDate: z.iso.date().optional(),
    institutions: z.array(text(FIELD_LIMITS.institution)).optional(),
    commitment: z.boolean().optional(),
    /**
     * The personal commitment signed in place of proof documents (domain.md §6.1 commitment_signed):
     * when (the submission that carried it) and which version of the text the person was shown.
     */
    commitmentSignature: z.object({ at: z.iso.datetime({ offset: true }), textVersion: z.string().min(1) }).strict().optional(),
    /**
     * Why this category: the answers to the decision procedure that decided it (only those the procedure
     * reached) and the reason codes the person was told (domain.md §3, §6.5).
     */
    basis: z.object({ answers: BASIS_ANSWERS, reasons: z.array(z.enum(REASON_CODES)).min(1) }).strict(),
    consent: z
      .object({
        personalInfo: z.literal(true, { error: 'CONSENT_REQUIRED' }),
        at: z.iso.datetime({ offset: true }),
        /** Given orally on the hotline: to which agent (account id) and when. */
        givenOrally: z.object({ agent: z.string().regex(AGENT_ACCOUNT_ID), at: z.iso.datetime({ offset: true }) }).strict().optional(),
      })
      .strict(),
    /** Taken on the hotline by an agent (a guided call); absent when the person filed themselves. */
    channel: z.literal('hotline').optional(),
    /** The account id of the hotline agent who took it. */
    hotlineAgent: z.string().regex(AGENT_ACCOUNT_ID).optional(),
    profileId: z.string(),
    profileVersion: z.string(),
  };
  const longTerm = { ...common, endDate: z.null(), address: text(FIELD_LIMITS.address) };
  const temporary = { ...common, endDate: z.iso.date() };
  return {
    LT_RETIREE: z.object({ ...longTerm, category: z.literal('LT_RETIREE') }).strict(),
    LT_RESIDENT: z.object({ ...longTerm, category: z.literal('LT_RESIDENT') }).strict(),
    LT_WORKER: z.object({ ...longTerm, category: z.literal('LT_WORKER'), employer: z.object({ name: text(FIELD_LIMITS.employerName) }).strict() }).strict(),
    TMP_REFERRAL: z.object({ ...temporary, category: z.literal('TMP_REFERRAL'), referringHospital: text(FIELD_LIMITS.referringHospital) }).strict(),
    TMP_OTHER: z.object({ ...temporary, category: z.literal('TMP_OTHER') }).strict(),
  };
}

type Options = ReturnType<typeof categoryOptions>;
type FilingOption = Options[FilableCategory];

/** The schema's type, whatever the profile (the profile changes rules and which categories parse, not the shape). */
export type FilingSchema = z.ZodDiscriminatedUnion<[FilingOption, ...FilingOption[]], 'category'>;
/** What the dialog assembles and hands to the schema. */
export type FilingDraft = z.input<FilingSchema>;
/** A validated, normalised filing: what the filing store keeps. */
export type Filing = z.output<FilingSchema>;

/** The end date a filing must carry: the computed last valid day for temporary filings, null for long-term. */
export function expectedEndDate(category: FilableCategory, profile: RegionProfile, startDate: IsoDate): IsoDate | null {
  const validity = consequencesOf(category, profile, { start: startDate }).validity;
  return validity.kind === 'FIXED' ? validity.endDate : null;
}

type Ctx = z.RefinementCtx;
const issue = (ctx: Ctx, path: (string | number)[], message: string, params?: Record<string, string | number>) =>
  ctx.addIssue({ code: 'custom', path, message, ...(params ? { params } : {}) });

/** The rules across fields, for one category under one profile. */
function crossFieldRules(category: FilableCategory, profile: RegionProfile, today: IsoDate) {
  return (f: z.output<FilingOption>, ctx: Ctx): void => {
    // Who files.
    if (f.filerMode === 'AGENT' && f.agent === undefined) issue(ctx, ['agent'], 'AGENT_REQUIRED');
    if (f.filerMode === 'SELF' && f.agent !== undefined) issue(ctx, ['agent'], 'AGENT_NOT_EXPECTED');
    if (f.agent && typeof f.agent.idNumber === 'string' && f.agent.idNumber === f.person.idNumber) issue(ctx, ['agent', 'idNumber'], 'AGENT_IS_PERSON');

    // Where: the scope follows from the places, and the profile must require a filing for it.
    // (Refinements also run after non-fatal field issues such as a bad place code: guard every input.)
    const scope = PLACE_CODE.test(f.insuredPlace) && PLACE_CODE.test(f.treatmentPlace) ? scopeOf(f.insuredPlace, f.treatmentPlace) : f.scope;
    if (scope === 'SAME_AREA') issue(ctx, ['treatmentPlace'], 'SAME_POOLING_AREA');
    else if (scope !== f.scope) issue(ctx, ['scope'], 'SCOPE_MISMATCH', { expected: scope });
    else if (scope === 'INTRA_PROVINCE' && !profile.scopes.intraProvinceFilingRequired.value) issue(ctx, ['scope'], 'INTRA_PROVINCE_FILING_NOT_REQUIRED');
    else if (scope === 'CROSS_PROVINCE' && !profile.scopes.crossProvinceFilingRequired.value) issue(ctx, ['scope'], 'CROSS_PROVINCE_FILING_NOT_REQUIRED');

    // A stationed worker is in the employee scheme (domain.md §6.1 insutype 310).
    if (category === 'LT_WORKER' && f.scheme !== 'EMPLOYEE') issue(ctx, ['scheme'], 'WORKER_NEEDS_EMPLOYEE_SCHEME');

    // When: planned filings start within the profile's window; a retroactive one on or before admission.
    if (f.retroactive) {
      if (f.admissionDate === undefined) issue(ctx, ['admissionDate'], 'ADMISSION_DATE_REQUIRED');
      else {
        const admission = checkAdmissionDate(f.admissionDate, today);
        if (!admission.ok) issue(ctx, ['admissionDate'], admission.error, admission.params);
      }
    } else if (f.admissionDate !== undefined) {
      issue(ctx, ['admissionDate'], 'ADMISSION_DATE_NOT_EXPECTED');
    }
    // A retroactive filing must still be valid on the admission day: too early a start is the start
    // date's fault (START_TOO_EARLY on startDate), never the admission date's.
    const start = checkStartDate(f.startDate, startDateRulesFor(profile, category, today, f.retroactive ? f.admissionDate : undefined));
    if (!start.ok) issue(ctx, ['startDate'], start.error, start.params);
    if (isIsoDate(f.startDate)) {
      const expected = expectedEndDate(category, profile, f.startDate);
      if (expected === null && f.endDate !== null) issue(ctx, ['endDate'], 'END_DATE_MUST_BE_EMPTY');
      if (expected !== null && f.endDate !== expected) issue(ctx, ['endDate'], 'END_DATE_MUST_BE', { endDate: expected });
    }

    // Designated institutions: min..max distinct names when the profile requires them, else none.
    const { required, min, max } = profile.designatedInstitutions;
    if (required.value) {
      const list = f.institutions ?? [];
      if (list.length < Math.max(min, 1) || list.length > max) issue(ctx, ['institutions'], 'INSTITUTIONS_COUNT', { min: Math.max(min, 1), max, count: list.length });
      else if (new Set(list).size !== list.length) issue(ctx, ['institutions'], 'INSTITUTIONS_DUPLICATE');
    } else if (f.institutions !== undefined) {
      issue(ctx, ['institutions'], 'INSTITUTIONS_NOT_USED');
    }

    // A personal commitment only where the profile lets it replace proof for this category, and then
    // with its signature (time and text version); no signature without a commitment.
    if (f.commitment === true && !profile.categories[category].commitmentAllowed) issue(ctx, ['commitment'], 'COMMITMENT_NOT_ALLOWED');
    else if (f.commitment === true && f.commitmentSignature === undefined) issue(ctx, ['commitmentSignature'], 'FIELD_REQUIRED');
    if (f.commitment !== true && f.commitmentSignature !== undefined) issue(ctx, ['commitmentSignature'], 'FIELD_NOT_EXPECTED', { keys: 'commitmentSignature' });

    // The basis must be the one that decides this category: insured and filing (planned or in hospital,
    // matching `retroactive`), long-term or not by the group, and the answer each category rests on.
    const a = f.basis.answers;
    const contradicts = (field: string) => issue(ctx, ['basis', 'answers', field], 'FIELD_INVALID');
    if (!a.insuranceActive) contradicts('insuranceActive');
    // (A profile without a deemed-filed emergency files one as TMP_OTHER, and a long-term stay falls
    // back to TMP_OTHER when the profile offers no long-term category: those are not contradictions.)
    if (f.retroactive ? a.now !== 'IN_HOSPITAL' : a.now !== 'PLANNING' && a.now !== 'EMERGENCY_NOW') contradicts('now');
    if (groupOf(category) === 'LONG_TERM' && a.longTerm !== true) contradicts('longTerm');
    if (category === 'TMP_REFERRAL' && a.longTerm !== false) contradicts('longTerm');
    if (category === 'LT_RETIREE' && a.retired !== true) contradicts('retired');
    if (category === 'LT_RETIREE' && profile.retireeRequiresHukouMoved.value && a.hukouMoved !== true) contradicts('hukouMoved');
    if (category === 'LT_WORKER' && a.dispatchedByEmployer !== true) contradicts('dispatchedByEmployer');
    if (category === 'TMP_REFERRAL' && a.hasReferral !== true) contradicts('hasReferral');

    // The profile the record was made under.
    if (f.profileId !== profile.id || f.profileVersion !== profile.version) {
      issue(ctx, ['profileVersion'], 'PROFILE_MISMATCH', { profileId: profile.id, profileVersion: profile.version });
    }
  };
}

/**
 * The filing schema for one profile and one day: a union, discriminated by `category`, of the
 * categories the profile offers (TMP_EMERGENCY never has one). A draft for any other category fails
 * with CATEGORY_NOT_FILABLE on `category`.
 */
export function buildFilingSchema(profile: RegionProfile, today: IsoDate): FilingSchema {
  // Building compiles every category's schema (milliseconds a submit); a profile's schema of the day is kept.
  let byDay = builtSchemas.get(profile);
  if (!byDay) builtSchemas.set(profile, (byDay = new Map()));
  let schema = byDay.get(today);
  if (!schema) {
    schema = newFilingSchema(profile, today);
    byDay.clear();
    byDay.set(today, schema);
  }
  return schema;
}

/** The schemas built, by profile (the object loaded at start: a changed profile is another object) and day. */
const builtSchemas = new WeakMap<RegionProfile, Map<IsoDate, FilingSchema>>();

function newFilingSchema(profile: RegionProfile, today: IsoDate): FilingSchema {
  if (!isIsoDate(today)) throw new RangeError(`buildFilingSchema: today is not an ISO date: ${today}`);
  const all = categoryOptions(today);
  const offered = FILABLE_CATEGORIES.filter((c) => profile.categories[c].offered);
  if (offered.length === 0) throw new Error(`buildFilingSchema: region profile "${profile.id}" offers no category with a filing record`);
  const options = offered.map((c) => (all[c] as FilingOption).superRefine(crossFieldRules(c, profile, today)) as FilingOption);
  return z.discriminatedUnion('category', options as [FilingOption, ...FilingOption[]], { error: () => 'CATEGORY_NOT_FILABLE' });
}

/**
 * The schema of one category. Throws a clear Error for TMP_EMERGENCY (deemed filed: nothing to submit),
 * for outcomes that are not a category (NO_FILING_NEEDED, MANUAL_REIMBURSEMENT, CANNOT_FILE) and for a
 * category the profile does not offer.
 */
export function filingSchemaFor(kind: string, profile: RegionProfile, today: IsoDate): FilingOption {
  if (kind === 'TMP_EMERGENCY') throw new Error('filingSchemaFor: TMP_EMERGENCY is deemed filed; there is no filing record to submit');
  if (!isCategory(kind)) throw new Error(`filingSchemaFor: "${kind}" is not a filing category; there is no filing record to submit`);
  if (!profile.categories[kind].offered) throw new Error(`filingSchemaFor: region profile "${profile.id}" does not offer ${kind}`);
  const category = kind as FilableCategory;
  return (categoryOptions(today)[category] as FilingOption).superRefine(crossFieldRules(category, profile, today)) as FilingOption;
}

/** One problem with a draft: the field (dotted path), an error code content/ renders, and its params. */
export interface FilingIssue {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export type FilingCheck =
  | { ok: true; value: Filing }
  | { ok: false; error: string; params: Record<string, string | number>; issues: FilingIssue[] };

const CODE = /^[A-Z][A-Z0-9_]+$/;

function valueAt(draft: unknown, path: PropertyKey[]): unknown {
  let v: unknown = draft;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** A zod issue as a FilingIssue: our own codes as they are, zod's own issues as generic codes. */
function toFilingIssue(i: z.core.$ZodIssue, draft: unknown): FilingIssue {
  const field = i.path.map(String).join('.');
  if (CODE.test(i.message)) {
    const params = (i as { params?: Record<string, string | number> }).params;
    return params ? { field, code: i.message, params } : { field, code: i.message };
  }
  if (i.code !== 'unrecognized_keys' && valueAt(draft, i.path) === undefined) return { field, code: 'FIELD_REQUIRED' };
  switch (i.code) {
    case 'unrecognized_keys':
      return { field, code: 'FIELD_NOT_EXPECTED', params: { keys: i.keys.join(', ') } };
    case 'too_small':
      return { field, code: 'TOO_SHORT', params: { min: Number(i.minimum) } };
    case 'too_big':
      return { field, code: 'TOO_LONG', params: { max: Number(i.maximum) } };
    default:
      return { field, code: 'FIELD_INVALID' };
  }
}

/**
 * Validates a draft against the profile's schema. The rules across fields (agent vs filer mode, scope,
 * dates, institutions, commitment, profile) are checked when no field is missing or of the wrong type
 * (zod skips refinements after such issues), so a draft with a missing field reports that first.
 * On failure, `error`/`params` describe the first issue
 * (with `field` among the params) so the result reads like a Check; `issues` lists them all.
 */
export function validateFiling(draft: unknown, profile: RegionProfile, today: IsoDate): FilingCheck {
  const parsed = buildFilingSchema(profile, today).safeParse(draft);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => toFilingIssue(i, draft));
  const first = issues[0]!;
  return { ok: false, error: first.code, params: { ...(first.params ?? {}), field: first.field }, issues };
}
