import { expect } from 'chai';
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
