import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { callScript } from '../src/channels/hotline/call-script.js';
import { escapeHtml } from '../src/channels/web/page.js';
import { LOCALES, Texts } from '../src/content/texts.js';
import { CATEGORY_IDS } from '../src/domain/categories.js';
import { loadProfiles } from '../src/domain/profile.js';
import { createUnderstanding } from '../src/nlu/index.js';
import { promptCatalog } from '../dialogs/conversation-askings.js';

/**
 * The hotline's printable script (npm run script:export): generated from the question declarations, it
 * covers every promptId in its spoken form, and per region profile the decision tree down to every outcome
 * the profile can reach, with what each filing means.
 */
const texts = new Texts();
const profiles = loadProfiles();
const deps = { texts, profiles, understanding: createUnderstanding(), today: '2026-11-24' };
const promptIds = Object.keys(promptCatalog());

describe('hotline script export', function () {
  this.timeout(60_000);
  const pages = new Map<string, string>();
  before(async () => {
    for (const locale of LOCALES) pages.set(locale, await callScript(deps, locale));
  });

  it('every promptId has a spoken form in both languages (content/locales/<locale>/spoken.json)', () => {
    for (const locale of LOCALES) {
      const missing = promptIds.filter((id) => !texts.has(locale, `spoken.prompts.${id}`));
      expect(missing, locale).to.deep.equal([]);
    }
  });

  for (const locale of LOCALES) {
    it(`${locale}: covers every promptId, each with its spoken form and its choices`, () => {
      const html = pages.get(locale)!;
      for (const id of promptIds) {
        const section = new RegExp(`<section class="asking" id="prompt-${id.replace(/\./g, '\\.')}" data-prompt="${id.replace(/\./g, '\\.')}">([\\s\\S]*?)</section>`).exec(html);
        expect(section, id).to.not.equal(null);
        expect(section![1], `${id}: spoken form`).to.match(/<p class="spoken">[^<]+<\/p>/);
      }
      // A choice question lists its choices by their labels.
      const menu = new RegExp('data-prompt="menu\\.main">([\\s\\S]*?)</section>').exec(html)![1]!;
      for (const value of ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN']) expect(menu).to.include(escapeHtml(texts.t(locale, `prompts.menu.main.choices.${value}`)));
      expect(html, 'the spoken form of the long-term question, with the profile\'s number').to.include(escapeHtml(texts.t(locale, 'spoken.prompts.situation.longTerm', { days: profiles.get('rizhao')!.longTermMinDays.value })));
    });

    it(`${locale}: per profile, the tree reaches every category the profile offers and the outcomes that end a call, each with what to read`, () => {
      const html = pages.get(locale)!;
      for (const profile of profiles.values()) {
        const start = html.indexOf(`data-profile="${profile.id}"`);
        expect(start, profile.id).to.be.above(0);
        const end = html.indexOf('<section class="profile"', start + 1);
        const part = html.slice(start, end < 0 ? undefined : end);
        const reached = new Set([...part.matchAll(/data-outcome="([A-Z_]+)"/g)].map((m) => m[1]));
        for (const kind of ['NO_FILING_NEEDED', 'CANNOT_FILE', 'MANUAL_REIMBURSEMENT']) expect(reached, `${profile.id}: ${kind}`).to.include(kind);
        for (const category of CATEGORY_IDS.filter((c) => profile.categories[c].offered)) {
          expect(reached, `${profile.id}: ${category}`).to.include(category);
          if (category !== 'TMP_EMERGENCY') expect(part, `${profile.id}: what ${category} means`).to.include(`id="consequences-${profile.id}-${category}"`);
        }
        // Every question of the procedure appears in the tree with its choices.
        for (const id of ['situation.insuranceActive', 'situation.now', 'situation.admissionDate', 'situation.longTerm', 'situation.retired', 'situation.dispatchedByEmployer', 'situation.scheme', 'situation.hasReferral']) {
          expect(part, `${profile.id}: ${id}`).to.include(`<div class="node" data-prompt="${id}">`);
        }
        expect(part, `${profile.id}: its name`).to.include(escapeHtml(profile.name[locale]));
      }
    });

    it(`${locale}: no placeholder left unfilled, no script on the page`, () => {
      const html = pages.get(locale)!;
      expect(html).not.to.match(/\{[A-Za-z]\w*\}/);
      expect(html).not.to.match(/<script/i);
    });
  }

  it('the Rizhao tree asks about the hukou (its profile requires a moved hukou for a resettled retiree); the national one does not', () => {
    const html = pages.get('zh-CN')!;
    const rizhao = html.slice(html.indexOf('data-profile="rizhao"'));
    const national = html.slice(html.indexOf('data-profile="national"'), html.indexOf('data-profile="rizhao"') > html.indexOf('data-profile="national"') ? html.indexOf('data-profile="rizhao"') : undefined);
    expect(profiles.get('rizhao')!.retireeRequiresHukouMoved.value).to.equal(true);
    expect(rizhao).to.include('data-prompt="situation.hukouMoved"');
    expect(profiles.get('national')!.retireeRequiresHukouMoved.value).to.equal(false);
    expect(national).not.to.include('<div class="node" data-prompt="situation.hukouMoved"');
  });

  it('npm run script:export -- --out FILE writes the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'script-export-'));
    try {
      const out = join(dir, 'script.html');
      await promisify(execFile)('npm', ['run', '-s', 'script:export', '--', '--out', out, '--today', '2026-11-24'], { cwd: new URL('..', import.meta.url).pathname });
      expect(readFileSync(out, 'utf8')).to.equal(pages.get('zh-CN'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
