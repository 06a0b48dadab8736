import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { CATEGORY_IDS, type CategoryId } from './categories.js';
import { DOCUMENT_CODES } from './documents.js';
import { openingHoursSchema } from './opening-hours.js';

/**
 * A region policy profile: every policy number or switch the assistant uses, for one insured pooling
 * area, as data in content/regions/<id>.json. Each value carries a short note of where it comes from.
 */
const sourced = <T extends z.ZodType>(value: T) => z.object({ value, source: z.string().min(3) }).strict();

const localized = z.object({ 'zh-CN': z.string().min(1), 'en-US': z.string().min(1) }).strict();

const categoryRule = z
  .object({
    offered: z.boolean(),
    name: localized,
    /** Months a temporary filing stays valid; null for long-term (open-ended) and emergency. */
    validityMonths: z.number().int().positive().nullable(),
    /** A personal commitment (承诺书) may replace proof documents. */
    commitmentAllowed: z.boolean(),
    /** The documents that prove the category, beside an identity document (domain.md §7). */
    proof: z.array(z.enum(DOCUMENT_CODES)),
    source: z.string().min(3),
  })
  .strict();

export const profileSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().min(1),
    effectiveFrom: z.iso.date(),
    name: localized,
    /** 6-digit code of the insured pooling area this profile speaks for; null for a baseline. */
    insuredPlaceCode: z.string().regex(/^\d{6}$/).nullable(),
    hotline: sourced(z.string().min(3)),
    /** When the hotline answers, in words (the page's header and the privacy notice show it). */
    hotlineHours: sourced(localized),
    /**
     * The same hours as data, for the chat's live handoff to a person (src/handoff/): ISO weekdays
     * (1 = Monday) and periods in Asia/Shanghai time. Absent: whether an agent is signed in alone decides.
     */
    hotlineSchedule: sourced(openingHoursSchema).optional(),
    agency: sourced(localized),
    /**
     * Who to point a person to when this profile speaks for an insured place that has no profile of its
     * own (a fallback): their own insured place's agency and a hotline that reaches it — never this
     * profile's agency, which does not decide for them (domain.md Decisions 6, 7) — and when that hotline
     * answers, in words.
     */
    fallbackContact: z.object({ agency: localized, hotline: z.string().min(3), hotlineHours: localized, source: z.string().min(3) }).strict(),
    /** The youngest age at which someone may file for another person. */
    agentMinAge: sourced(z.number().int().positive()),
    /** How long the agency keeps a submitted filing, in words (the privacy notice). */
    filingRetention: sourced(localized),
    /**
     * What happens once a filing is submitted: who reviews it and how the person hears (the confirmation
     * and the receipt). Words may name {agency}: the agency as it speaks to the person (a fallback's own).
     */
    afterSubmit: sourced(localized),
    /**
     * How and where the documents a filing needs are handed in (told on the summary before submitting, on
     * the confirmation and the receipt); may name {agency} as afterSubmit does.
     */
    documentsHandIn: sourced(localized),
    scopes: z
      .object({
        intraProvinceFilingRequired: sourced(z.boolean()),
        crossProvinceFilingRequired: sourced(z.boolean()),
      })
      .strict(),
    categories: z.object(Object.fromEntries(CATEGORY_IDS.map((id) => [id, categoryRule])) as Record<CategoryId, typeof categoryRule>).strict(),
    longTermMinDays: sourced(z.number().int().positive()),
    retireeRequiresHukouMoved: sourced(z.boolean()),
    longTerm: z
      .object({
        insuredPlaceCard: sourced(z.enum(['SUSPENDED', 'USABLE'])),
        /** Days after the start before a long-term filing may be cancelled; null when no wait. */
        minDaysBeforeCancel: sourced(z.number().int().nonnegative().nullable()),
        /** The most months the insured place may make a person wait to change or cancel; null if unset. */
        maxMonthsBeforeChangeOrCancel: sourced(z.number().int().positive().nullable()),
      })
      .strict(),
    temporary: z
      .object({
        insuredPlaceCard: sourced(z.enum(['SUSPENDED', 'USABLE'])),
        multipleVisits: sourced(z.boolean()),
        /**
         * Days after the start before a temporary filing may be cancelled (null: no wait), and whether a
         * source confirms it. Unconfirmed (domain.md §4.3), the bot claims neither a wait nor its absence:
         * it tells the person to confirm with their insured place's agency.
         */
        minDaysBeforeCancel: z.object({ value: z.number().int().nonnegative().nullable(), confirmed: z.boolean(), source: z.string().min(3) }).strict(),
        /**
         * Whether a person may change the end date of a temporary filing (a change: a new filing that
         * replaces it), and the bounds of the new end date: not before today, nor before start +
         * minValidityMonths (null: the start), nor after start + maxValidityMonths (src/domain/lifecycle.ts).
         */
        endDateChange: z
          .object({
            allowed: sourced(z.boolean()),
            minValidityMonths: sourced(z.number().int().positive().nullable()),
            maxValidityMonths: sourced(z.number().int().positive()),
          })
          .strict()
          .refine((e) => e.minValidityMonths.value === null || e.minValidityMonths.value <= e.maxValidityMonths.value, {
            message: 'minValidityMonths must not exceed maxValidityMonths',
            path: ['minValidityMonths'],
          }),
      })
      .strict(),
    emergency: z
      .object({
        deemedFiled: sourced(z.boolean()),
        /** Days after admission to file afterwards; null when no post-filing is required. */
        postFilingDays: sourced(z.number().int().positive().nullable()),
      })
      .strict(),
    designatedInstitutions: z
      .object({ required: sourced(z.boolean()), min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
      .strict()
      .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['min'] }),
    startDate: z
      .object({
        /** How many days before today a planned (not retroactive) filing may start. */
        maxDaysBack: sourced(z.number().int().nonnegative()),
        /** How many days ahead a filing may start. */
        maxDaysAhead: sourced(z.number().int().nonnegative()),
      })
      .strict(),
  })
  .strict();

export type RegionProfile = z.infer<typeof profileSchema>;

export class ProfileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`region profile ${file}: field "${field}": ${detail}`);
    this.name = 'ProfileError';
  }
}

/** Parses one profile; a bad one throws a ProfileError naming the file and the first bad field. */
export function parseProfile(raw: unknown, file: string): RegionProfile {
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProfileError(file, issue.path.join('.') || '(root)', issue.message);
  }
  if (parsed.data.id !== basename(file, '.json')) {
    throw new ProfileError(file, 'id', `must match the file name (${basename(file, '.json')})`);
  }
  return parsed.data;
}

export const DEFAULT_REGIONS_DIR = new URL('../../content/regions/', import.meta.url).pathname;

/** Loads every content/regions/*.json, validated; throws on the first bad file. */
export function loadProfiles(dir: string = DEFAULT_REGIONS_DIR): Map<string, RegionProfile> {
  const profiles = new Map<string, RegionProfile>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ProfileError(file, '(file)', `not valid JSON: ${(e as Error).message}`);
    }
    const profile = parseProfile(raw, file);
    profiles.set(profile.id, profile);
  }
  return profiles;
}

/** The profile that speaks for an insured place, or the default one. */
export function profileFor(profiles: Map<string, RegionProfile>, insuredPlaceCode: string | undefined, defaultId: string): RegionProfile {
  return resolveProfile(profiles, insuredPlaceCode, defaultId).profile;
}

/**
 * The profile whose rules apply to an insured place, and whether it is a fallback: the insured place is
 * known and has no profile of its own, so another profile's rules are quoted for it. While the insured
 * place is not known yet the default profile speaks as itself.
 */
export function resolveProfile(
  profiles: Map<string, RegionProfile>,
  insuredPlaceCode: string | undefined,
  defaultId: string,
): { profile: RegionProfile; fallback: boolean } {
  for (const p of profiles.values()) if (insuredPlaceCode && p.insuredPlaceCode === insuredPlaceCode) return { profile: p, fallback: false };
  const profile = profiles.get(defaultId);
  if (!profile) throw new Error(`default region profile "${defaultId}" is not among ${[...profiles.keys()].join(', ')}`);
  return { profile, fallback: insuredPlaceCode !== undefined && profile.insuredPlaceCode !== insuredPlaceCode };
}

/**
 * The profile as it speaks to one person: its rules unchanged, but when it is a fallback its agency,
 * hotline and the hotline's hours are replaced by its `fallbackContact` (the person's own insured place's
 * agency, the national hotline), so nothing said names an agency that does not decide for them.
 */
export function speakingProfile(profile: RegionProfile, fallback: boolean): RegionProfile {
  if (!fallback) return profile;
  let speaking = asFallback.get(profile);
  if (!speaking) {
    const { agency, hotline, hotlineHours, source } = profile.fallbackContact;
    speaking = { ...profile, agency: { value: agency, source }, hotline: { value: hotline, source }, hotlineHours: { value: hotlineHours, source } };
    asFallback.set(profile, speaking);
  }
  return speaking;
}

/** Each profile's fallback form, made once (it is asked for with every sentence said). */
const asFallback = new WeakMap<RegionProfile, RegionProfile>();
