import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfiles, ProfileError, profileFor, DEFAULT_REGIONS_DIR } from '../src/domain/profile.js';

describe('region profiles are data', () => {
  const profiles = loadProfiles();

  it('ships the rizhao (default) and national profiles, both valid', () => {
    expect([...profiles.keys()]).to.include.members(['rizhao', 'national']);
    expect(profiles.get('rizhao')!.insuredPlaceCode).to.equal('371100');
  });

  it('rizhao suspends the home card for long-term filings; national keeps it usable (双向)', () => {
    expect(profiles.get('rizhao')!.longTerm.insuredPlaceCard.value).to.equal('SUSPENDED');
    expect(profiles.get('national')!.longTerm.insuredPlaceCard.value).to.equal('USABLE');
  });

  it('picks the profile of the insured place, else the default', () => {
    expect(profileFor(profiles, '371100', 'national').id).to.equal('rizhao');
    expect(profileFor(profiles, '110000', 'rizhao').id).to.equal('rizhao');
    expect(profileFor(profiles, undefined, 'national').id).to.equal('national');
  });

  /**
   * The values each version of a profile stands for: a digest of its file without the `source` notes and the
   * version itself, in a canonical form (the keys of every object sorted, arrays kept in order), so that only a
   * change of value demands a version, never moving keys about in the file. A filing records the version it was
   * made under, so a value that changes without a new version would leave filings naming rules they were not
   * made under. Changing a profile: raise its `version` (README "Region profiles") and put the new digest here
   * beside it; earlier versions stay listed. (The digests were taken of each version's file in git history:
   * national 2022.2 and rizhao 2026.2 as of b67ec98, rizhao 2026.3 as of 0649d4b; before the keys were sorted
   * they read 61ebf8d25aaeed65, cb38b17caa5c8547 and 83dc7a17e66ddb86.)
   */
  const VERSIONS: Record<string, Record<string, string>> = {
    national: { '2022.2': '2e35127a6859c28a' },
    rizhao: { '2026.2': '2acc7c2ce5b6862c', '2026.3': '7e90dc458c3fa699' },
  };

  /** The JSON of `v` without `source` and `version`, every object's keys in sorted order (code unit order). */
  const canonicalJson = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const keys = Object.keys(v).filter((k) => k !== 'source' && k !== 'version').sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  };
  const digestOf = (raw: unknown): string => createHash('sha256').update(canonicalJson(raw)).digest('hex').slice(0, 16);
  const rawProfile = (id: string): unknown => JSON.parse(readFileSync(join(DEFAULT_REGIONS_DIR, `${id}.json`), 'utf8'));

  it('a profile\'s values change only with its version (a filing names the version it was made under)', () => {
    expect(profiles.size).to.be.greaterThan(0);
    for (const [id, profile] of profiles) {
      const digest = digestOf(rawProfile(id));
      expect(VERSIONS[id]?.[profile.version], `${id} ${profile.version}: its values changed (digest ${digest}); raise its version and list the digest`).to.equal(digest);
    }
  });

  it('the digest reads values, not the order of keys: keys reordered keep it, a value changed or a key renamed does not', () => {
    /** Every object's keys in reverse order of the file, at every depth. */
    const reordered = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reordered) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)])) : v;
    for (const id of profiles.keys()) {
      const raw = rawProfile(id) as { longTerm: { insuredPlaceCard: { value: string } } };
      const moved = reordered(raw);
      expect(JSON.stringify(moved), `${id}: the keys did move`).to.not.equal(JSON.stringify(raw));
      expect(digestOf(moved), `${id}: keys reordered`).to.equal(digestOf(raw));
      const changed = structuredClone(raw);
      changed.longTerm.insuredPlaceCard.value = changed.longTerm.insuredPlaceCard.value === 'USABLE' ? 'SUSPENDED' : 'USABLE';
      expect(digestOf(changed), `${id}: a value changed`).to.not.equal(digestOf(raw));
      const renamed = JSON.parse(JSON.stringify(raw).replace('"insuredPlaceCard"', '"insuredPlaceCards"')) as unknown;
      expect(digestOf(renamed), `${id}: a key renamed`).to.not.equal(digestOf(raw));
      const sourceOnly = structuredClone(raw) as { longTerm: { insuredPlaceCard: { source?: string } } };
      sourceOnly.longTerm.insuredPlaceCard.source = 'another note';
      expect(digestOf(sourceOnly), `${id}: a source note alone`).to.equal(digestOf(raw));
    }
  });

  it('a bad profile fails loading with a message naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regions-'));
    const raw = JSON.parse(readFileSync(join(DEFAULT_REGIONS_DIR, 'rizhao.json'), 'utf8'));
    raw.longTerm.minDaysBeforeCancel.value = 'sixty';
    writeFileSync(join(dir, 'rizhao.json'), JSON.stringify(raw));
    expect(() => loadProfiles(dir)).to.throw(ProfileError, /rizhao\.json: field "longTerm\.minDaysBeforeCancel\.value"/);
  });

  it('a value without a source note is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regions-'));
    const raw = JSON.parse(readFileSync(join(DEFAULT_REGIONS_DIR, 'national.json'), 'utf8'));
    delete raw.longTermMinDays.source;
    writeFileSync(join(dir, 'national.json'), JSON.stringify(raw));
    expect(() => loadProfiles(dir)).to.throw(ProfileError, /longTermMinDays\.source/);
  });
});
