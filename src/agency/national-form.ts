import type { StoredFiling } from '../filings/filing-store.js';

/**
 * A day's filings as CSV in the layout of the national filing form (shared/domain.md §6.1, the platform
 * table out_appy_d 异地申请信息表; the agent's columns agnter_*, §6.2): one row per filing, the platform's
 * column names as the header, codes as the platform writes them where domain.md gives them (险种 310/390/
 * 340, 证件类型 居民身份证 01) and this bot's own where the national code list is UNCONFIRMED (备案类型
 * and 代办人关系 as the filing keeps them). Staff only: it holds every personal field, in full.
 */
export const NATIONAL_FORM_COLUMNS = [
  'reference',
  'status',
  'created_at',
  'filer_mode',
  'psn_name',
  'psn_cert_type',
  'certno',
  'gend',
  'brdy',
  'tel',
  'insu_admdvs',
  'insutype',
  'emp_name',
  'rloc_admdvs',
  'filing_category',
  'resout_addr',
  'begndate',
  'enddate',
  'admission_date',
  'trafout_fixmedins_name',
  'designated_institutions',
  'commitment_signed',
  'agnter_name',
  'agnter_cert_type',
  'agnter_certno',
  'agnter_tel',
  'agnter_rlts',
  'replaces',
] as const;

const INSUTYPE: Record<string, string> = { EMPLOYEE: '310', RESIDENT: '390', RETIRED_CADRE: '340' };
/** 居民身份证 (the only certificate this bot takes). */
const RESIDENT_ID_CERT = '01';

type Any = Record<string, unknown>;
const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Sex and birth date from a resident ID number (domain.md §6.3): 1 male, 2 female; YYYY-MM-DD. */
function fromId(id: unknown): { gend: string; brdy: string } {
  if (typeof id !== 'string' || !/^\d{17}[\dX]$/.test(id)) return { gend: '', brdy: '' };
  return { gend: Number(id[16]) % 2 === 1 ? '1' : '2', brdy: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` };
}

export function nationalFormRow(stored: StoredFiling): Record<(typeof NATIONAL_FORM_COLUMNS)[number], string> {
  const f = stored.filing as Any;
  const person = (f['person'] ?? {}) as Any;
  const agent = f['agent'] as Any | undefined;
  const { gend, brdy } = fromId(person['idNumber']);
  return {
    reference: stored.reference,
    status: stored.status,
    created_at: stored.createdAt,
    filer_mode: str(f['filerMode']),
    psn_name: str(person['name']),
    psn_cert_type: RESIDENT_ID_CERT,
    certno: str(person['idNumber']),
    gend,
    brdy,
    tel: str(person['phone']),
    insu_admdvs: str(f['insuredPlace']),
    insutype: INSUTYPE[str(f['scheme'])] ?? '',
    emp_name: str((f['employer'] as Any | undefined)?.['name']),
    rloc_admdvs: str(f['treatmentPlace']),
    filing_category: stored.category,
    resout_addr: str(f['address']),
    begndate: str(f['startDate']),
    enddate: str(f['endDate']),
    admission_date: str(f['admissionDate']),
    trafout_fixmedins_name: str(f['referringHospital']),
    designated_institutions: Array.isArray(f['institutions']) ? (f['institutions'] as unknown[]).map(str).join('；') : '',
    commitment_signed: f['commitment'] === true ? '1' : f['commitment'] === false ? '0' : '',
    agnter_name: str(agent?.['name']),
    agnter_cert_type: agent ? RESIDENT_ID_CERT : '',
    agnter_certno: str(agent?.['idNumber']),
    agnter_tel: str(agent?.['phone']),
    agnter_rlts: str(agent?.['relationship']),
    replaces: stored.replaces ?? '',
  };
}

/**
 * One CSV field (RFC 4180: quoted when it holds a comma, quote or line break). A field that a
 * spreadsheet would run as a formula (= + - @ at its start, or a tab / carriage return) gets a leading
 * apostrophe: the export is opened in spreadsheets, and its values came from people.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function nationalFormHeader(): string {
  return csvLine(NATIONAL_FORM_COLUMNS);
}

export function nationalFormLine(stored: StoredFiling): string {
  const row = nationalFormRow(stored);
  return csvLine(NATIONAL_FORM_COLUMNS.map((c) => row[c]));
}
