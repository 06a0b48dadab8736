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
   * The values each version of a profile stands for (a digest of its file without the `source` notes and the
   * version itself): a filing records the version it was made under, so a value that changes without a new
   * version would leave filings naming rules they were not made under. Changing a profile: raise its
   * `version` (README "Region profiles") and put the new digest here beside it; earlier versions stay listed.
   */
  const VERSIONS: Record<string, Record<string, string>> = {
    national: { '2022.2': '61ebf8d25aaeed65' },
    rizhao: { '2026.2': 'cb38b17caa5c8547', '2026.3': '83dc7a17e66ddb86' },
  };

  it('a profile\'s values change only with its version (a filing names the version it was made under)', () => {
    const strip = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'source' && k !== 'version').map(([k, x]) => [k, strip(x)])) : v;
    for (const [id, profile] of profiles) {
      const raw = JSON.parse(readFileSync(join(DEFAULT_REGIONS_DIR, `${id}.json`), 'utf8')) as unknown;
      const digest = createHash('sha256').update(JSON.stringify(strip(raw))).digest('hex').slice(0, 16);
      expect(VERSIONS[id]?.[profile.version], `${id} ${profile.version}: its values changed (digest ${digest}); raise its version and list the digest`).to.equal(digest);
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
