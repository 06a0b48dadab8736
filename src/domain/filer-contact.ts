/**
 * Who filed and how to reach them unasked: the phone the filer gave — the agent's when an agent (代办人)
 * filed for the insured person, else the insured person's own (shared/domain.md §6.1, §6.2). Personal
 * data: never logged.
 */
export interface FilerContactRecord {
  filerMode?: unknown;
  person?: { phone?: unknown } | null;
  agent?: { phone?: unknown } | null;
}

/** The filer's phone on file, or undefined when the record has none. */
export function filersPhone(filing: FilerContactRecord | null | undefined): string | undefined {
  if (!filing) return undefined;
  const phone = filing.filerMode === 'AGENT' ? (filing.agent?.phone ?? filing.person?.phone) : filing.person?.phone;
  return typeof phone === 'string' && phone !== '' ? phone : undefined;
}
