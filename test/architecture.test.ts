import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

/** Data moves one way: channels → bot → dialogs → domain; nothing below imports from above. */
describe('the architecture: nothing below imports from above', () => {
  const rules: Array<{ layer: string; mayNotImport: RegExp; why: string }> = [
    { layer: 'src/domain', mayNotImport: /^(botbuilder|restify|ioredis|lowdb|pino)|\/(bot|channels|state|filings|ops|content)\/|dialogs\//, why: 'the domain is pure rules, reused by every channel' },
    { layer: 'dialogs', mayNotImport: /^restify|\/channels\/|\/state\/|\/ops\//, why: 'dialogs know the domain and content, not channels or stores' },
    { layer: 'src/filings', mayNotImport: /^botbuilder|\/bot\/|\/channels\/|dialogs\//, why: 'the filing store knows nothing of conversations' },
  ];
  for (const rule of rules) {
    it(`${rule.layer}: ${rule.why}`, () => {
      const offending = sources(rule.layer).flatMap((file) =>
        importsOf(file)
          .filter((spec) => rule.mayNotImport.test(spec))
          .map((spec) => `${relative(ROOT, join(ROOT, file))} imports ${spec}`),
      );
      expect(offending).to.deep.equal([]);
      expect(sources(rule.layer).length).to.be.greaterThan(0);
    });
  }

  it('no list mark written in the dialogs: a bulleted line takes its mark from content (common.bullet, dialogs/bullet-list.ts)', () => {
    const offending = sources('dialogs').filter((file) => /[•·▪◦‣]\s/u.test(readFileSync(join(ROOT, file), 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')));
    expect(offending).to.deep.equal([]);
  });

  it('no policy literal in the domain: the long-term threshold, cancel wait and validity come from the profile', () => {
    const offending = sources('src/domain').filter((file) => /\b(180|60|365)\b/.test(readFileSync(join(ROOT, file), 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')));
    expect(offending).to.deep.equal([]);
  });
});

/** The console's page scripts (public/agent/): the shell, console.js, gives the panels its helpers (window.agentConsole). */
describe('the console page: the panels share the shell\'s helpers', () => {
  const scripts = readdirSync(join(ROOT, 'public/agent')).filter((name) => name.endsWith('.js'));
  it('only console.js builds elements (el) and fills {placeholders}; the panels take agentConsole.el and agentConsole.sentence', () => {
    const own = scripts.filter((name) => {
      const text = readFileSync(join(ROOT, 'public/agent', name), 'utf8');
      return /function el\s*\(|document\.createElement\(|\\\{\(\\w\+\)\\\}/.test(text);
    });
    expect(scripts).to.include.members(['console.js', 'guided-call.js', 'handoff.js']);
    expect(own).to.deep.equal(['console.js']);
  });
});
