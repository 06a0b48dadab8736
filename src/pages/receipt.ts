import { fill, type Locale, type Texts } from '../content/texts.js';
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

  // Who the filing is for, masked: the receipt may be printed, shared or left on a counter; the reference
  // is what finds the filing, and the person recognises theirs by the surname and the last digits.
  const rows: Array<{ key: string; label: string; value: string; lines?: string[] }> = [
    { key: 'category', label: r('category'), value: profile.categories[category].name[locale] },
    { key: 'status', label: r('status'), value: r(`statuses.${stored.status}`) },
    { key: 'submittedAt', label: r('submittedAt'), value: naturalTime(stored.createdAt, locale) },
    { key: 'person', label: r('person'), value: f.person?.name ? maskPersonName(f.person.name) : '' },
    { key: 'idNumber', label: r('idNumber'), value: f.person?.idNumber ? maskResidentId(f.person.idNumber) : '' },
    { key: 'phone', label: r('phone'), value: f.person?.phone ? maskMobile(f.person.phone) : '' },
    ...(agent && f.agent?.name ? [{ key: 'agent', label: r('agent'), value: maskPersonName(f.agent.name) }] : []),
    { key: 'insuredPlace', label: r('insuredPlace'), value: place(f.insuredPlace) },
    { key: 'treatmentPlace', label: r('treatmentPlace'), value: place(f.treatmentPlace) },
    { key: 'startDate', label: r('startDate'), value: f.startDate ? naturalDate(f.startDate, locale) : '' },
    { key: 'validity', label: r('validity'), value: f.endDate ? r('validityFixed', { endDate: naturalDate(f.endDate, locale) }) : r('validityOpen') },
    ...(institutions.length > 0 ? [{ key: 'institutions', label: r('institutions'), value: institutions.join(separator), lines: institutions }] : []),
  ].filter((row) => row.value !== '');

  // The profile's own words, naming the agency as it speaks to this person.
  const profileWords = (words: Record<Locale, string>) => fill(words[locale], { agency: profile.agency.value[locale], hotline: profile.hotline.value, hours: profile.hotlineHours.value[locale] });

  // What to prepare and bring: the category's documents and how to hand them in (or the commitment signed
  // in their place), then the hospital visit.
  const bring: string[] = [];
  if (f.commitment === true && f.commitmentSignature) bring.push(say('labels.commitment.signed', { version: f.commitmentSignature.textVersion, commitmentText: texts.t(locale, 'labels.commitment.text') }));
  else if (documentsFor(category, profile).proof.length > 0) {
    const documents = documentsFor(category, profile).documents.map((code) => texts.t(locale, `labels.documents.${code}`)).join(separator);
    bring.push(say(f.commitment === false ? 'labels.documents.chosen' : 'labels.documents.prepare', { documents }));
    bring.push(profileWords(profile.documentsHandIn.value));
  }
  bring.push(say('messages.whatToBring'));

  const consequences = f.startDate
    ? consequencesOf(category, profile, { start: f.startDate }, { retroactive: f.retroactive === true, ...(institutions.length > 0 ? { chosenInstitutions: institutions.length } : {}) })
    : undefined;
  // The institutions and the validity are rows above: each fact once (a fixed validity still says a new filing is needed after it).
  const shownAbove = new Set(['CHOSEN_INSTITUTIONS', 'VALIDITY_FIXED', 'VALIDITY_OPEN_ENDED']);
  const next = [
    profileWords(profile.afterSubmit.value),
    ...(f.endDate ? [r('renew')] : []),
    ...(consequences?.items ?? [])
      .filter((item) => !shownAbove.has(item.code))
      .map((item) => say(`consequences.${item.code}`, { institutions: institutions.join(separator), ...naturalParams(item.params ?? {}, locale) })),
  ];

  return {
    locale,
    title: r('title'),
    lead: r('lead'),
    highlight: { label: r('reference'), value: stored.reference, copy: texts.t(locale, 'pages.copy'), copied: texts.t(locale, 'pages.copied') },
    sections: [
      { key: 'details', heading: r('detailsHeading'), rows },
      { key: 'bring', heading: r('bringHeading'), items: bring },
      { key: 'next', heading: r('nextHeading'), items: next },
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
