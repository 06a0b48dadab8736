import type { Locale, Texts } from '../content/texts.js';
import { isCategory, type CategoryId } from '../domain/categories.js';
import { consequencesOf } from '../domain/consequences.js';
import { placeByCode } from '../domain/divisions.js';
import { documentsFor } from '../domain/documents.js';
import { maskPersonName } from '../domain/person-name.js';
import { maskMobile } from '../domain/phone.js';
import { resolveProfile, speakingProfile, type RegionProfile } from '../domain/profile.js';
import { maskResidentId } from '../domain/resident-id.js';
import type { StoredFiling } from '../filings/filing-store.js';
import { naturalDate, naturalParams, naturalTime } from '../content/natural.js';
import type { DocumentView } from './document.js';

export interface ReceiptSources {
  profiles: Map<string, RegionProfile>;
  defaultRegion: string;
  texts: Texts;
}

/** The parts of a stored filing the receipt reads (the filing schema's output; see src/domain/filing.ts). */
interface FiledRecord {
  filerMode?: 'SELF' | 'AGENT';
  person?: { name?: string; idNumber?: string; phone?: string };
  agent?: { name?: string; relationship?: string };
  insuredPlace?: string;
  treatmentPlace?: string;
  startDate?: string;
  endDate?: string | null;
  retroactive?: boolean;
  institutions?: string[];
  commitment?: boolean;
  commitmentSignature?: { textVersion: string };
}

/**
 * A filing's receipt (/receipt/<reference>): the reference in large type, the category, status,
 * validity and institutions, the person's ID and mobile masked as on the summary, what to bring, and
 * what happens next (the profile's afterSubmit and the category's consequences) — every word from
 * content/ and the filing's region profile, dates as people read them.
 */
export function receiptOf(stored: StoredFiling, locale: Locale, sources: ReceiptSources): DocumentView | undefined {
  const { texts } = sources;
  if (!isCategory(stored.category)) return undefined;
  const category: CategoryId = stored.category;
  const f = stored.filing as FiledRecord;
  const resolved = resolveProfile(sources.profiles, f.insuredPlace, sources.defaultRegion);
  const profile = speakingProfile(resolved.profile, resolved.fallback);
  const agent = f.filerMode === 'AGENT';
  // Filing for someone else, a sentence about the insured person has its own words (agent.<key>).
  const say = (key: string, params: Record<string, string | number> = {}) => {
    const variant = agent && texts.has(locale, `agent.${key}`) ? `agent.${key}` : key;
    return texts.t(locale, variant, { agency: profile.agency.value[locale], hotline: profile.hotline.value, hours: profile.hotlineHours.value[locale], ...params });
  };
  const r = (key: string, params: Record<string, string | number> = {}) => say(`pages.receipt.${key}`, params);
  const place = (code: string | undefined) => {
    const p = code ? placeByCode(code) : undefined;
    if (!p) return code ?? '';
    if (locale === 'en-US') return p.kind === 'city' ? `${p.en}, ${placeByCode(p.provinceCode)?.en ?? ''}` : p.en;
    return p.kind === 'city' ? `${p.provinceName}${p.name}` : p.name;
  };
  const separator = texts.t(locale, 'common.listSeparator');
  const institutions = f.institutions ?? [];

  const rows: Array<{ label: string; value: string; lines?: string[] }> = [
    { label: r('category'), value: profile.categories[category].name[locale] },
    { label: r('status'), value: r(`statuses.${stored.status}`) },
    { label: r('submittedAt'), value: naturalTime(stored.createdAt, locale) },
    { label: r('person'), value: f.person?.name ? maskPersonName(f.person.name) : '' },
    { label: r('idNumber'), value: f.person?.idNumber ? maskResidentId(f.person.idNumber) : '' },
    { label: r('phone'), value: f.person?.phone ? maskMobile(f.person.phone) : '' },
    ...(agent && f.agent?.name ? [{ label: r('agent'), value: maskPersonName(f.agent.name) }] : []),
    { label: r('insuredPlace'), value: place(f.insuredPlace) },
    { label: r('treatmentPlace'), value: place(f.treatmentPlace) },
    { label: r('startDate'), value: f.startDate ? naturalDate(f.startDate, locale) : '' },
    { label: r('validity'), value: f.endDate ? r('validityFixed', { endDate: naturalDate(f.endDate, locale) }) : r('validityOpen') },
    ...(institutions.length > 0 ? [{ label: r('institutions'), value: institutions.join(separator), lines: institutions }] : []),
  ].filter((row) => row.value !== '');

  // What to bring: the category's documents (or the commitment signed in their place), then the hospital visit.
  const bring: string[] = [];
  if (f.commitment === true && f.commitmentSignature) bring.push(say('labels.commitment.signed', { version: f.commitmentSignature.textVersion, commitmentText: texts.t(locale, 'labels.commitment.text') }));
  else if (documentsFor(category, profile).proof.length > 0) {
    const documents = documentsFor(category, profile).documents.map((code) => texts.t(locale, `labels.documents.${code}`)).join(separator);
    bring.push(say(f.commitment === false ? 'labels.documents.chosen' : 'labels.documents.prepare', { documents }));
  }
  bring.push(say('messages.whatToBring'));

  const consequences = f.startDate
    ? consequencesOf(category, profile, { start: f.startDate }, { retroactive: f.retroactive === true, ...(institutions.length > 0 ? { chosenInstitutions: institutions.length } : {}) })
    : undefined;
  const next = [
    profile.afterSubmit.value[locale],
    ...(consequences?.items ?? [])
      .filter((item) => item.code !== 'CHOSEN_INSTITUTIONS') // the institutions are listed above
      .map((item) => say(`consequences.${item.code}`, { institutions: institutions.join(separator), ...naturalParams(item.params ?? {}, locale) })),
  ];

  return {
    locale,
    title: r('title'),
    lead: r('lead'),
    highlight: { label: r('reference'), value: stored.reference, copy: texts.t(locale, 'pages.copy'), copied: texts.t(locale, 'pages.copied') },
    sections: [
      { heading: r('detailsHeading'), rows },
      { heading: r('bringHeading'), items: bring },
      { heading: r('nextHeading'), items: next },
    ],
    notes: [r('contact')],
    controls: { back: texts.t(locale, 'pages.back'), print: texts.t(locale, 'pages.print') },
  };
}

/** The page shown instead of a receipt (no data): it cannot be shown, or its link has expired. */
export function receiptProblem(kind: 'notFound' | 'expired', locale: Locale, texts: Texts): DocumentView {
  return {
    locale,
    title: texts.t(locale, 'pages.receipt.title'),
    sections: [],
    notes: [texts.t(locale, `pages.receipt.${kind}`)],
    controls: { back: texts.t(locale, 'pages.back') },
  };
}
