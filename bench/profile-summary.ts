/**
 * Where the time of a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --compare --cpu-prof DIR`)
 * goes, by package: self time of every sampled function, summed by where its code lives — a package in
 * node_modules (by name), the project's own folders (src/…, dialogs/), Node's internals, GC, and idle.
 *
 *   node --import=tsx bench/profile-summary.ts DIR-or-FILE… [--top N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMain } from './is-main.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
export interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package (or place) a script URL belongs to. */
export function placeOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program (native, unattributed)';
    return functionName ? `native: ${functionName}` : 'native';
  }
  if (url.startsWith('node:')) return 'node: internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const project = /\/(?:dist\/)?((?:src|dialogs|bench|test|scripts)\/[^/]+)/.exec(url);
  if (project) return `project: ${project[1]!.replace(/\.(ts|js)$/, '')}`;
  return url;
}

/** Milliseconds of self time by place, and the total; with `from`/`to` (µs, the profile's clock), only samples between. */
export function byPlace(profile: Profile, from = -Infinity, to = Infinity, place = placeOf): { total: number; places: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const places = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = nodes.get(id);
    if (!node) return;
    const where = place(node.callFrame.url, node.callFrame.functionName);
    places.set(where, (places.get(where) ?? 0) + ms);
    total += ms;
  });
  return { total, places };
}

/** A table of the places taking the most of the busy (non-idle) time. */
export function summary(profiles: Profile[], top = 25): string {
  const places = new Map<string, number>();
  let busy = 0;
  for (const profile of profiles) {
    for (const [place, ms] of byPlace(profile).places) {
      if (place === 'idle') continue;
      places.set(place, (places.get(place) ?? 0) + ms);
      busy += ms;
    }
  }
  // The project's own folders also summed as one line.
  const project = [...places].filter(([p]) => p.startsWith('project: ')).reduce((a, [, ms]) => a + ms, 0);
  const rows = [...places].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(([place, ms]) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${place}`);
  lines.push(`${((100 * project) / busy).toFixed(1).padStart(5)}%  ${project.toFixed(0).padStart(7)} ms  (the project's own code, all folders)`);
  return `busy ${busy.toFixed(0)} ms in ${profiles.length} profile(s)\n${lines.join('\n')}`;
}

/** The file (project code) or package a script URL belongs to. */
const fileOf = (url: string, functionName: string): string => {
  const project = /\/(?:dist\/)?((?:src|dialogs)\/.+)\.(?:ts|js)$/.exec(url);
  return project && !url.includes('/node_modules/') ? project[1]! : placeOf(url, functionName);
};

/** Where the work of one turn goes: what NLU, masking and sealing take (by file), and the packages taking most. */
export const TURN_PARTS: Array<[label: string, test: (file: string) => boolean]> = [
  ['natural-language understanding (src/nlu, @node-rs/jieba)', (f) => f.startsWith('src/nlu/') || f === '@node-rs/jieba'],
  ['masking personal data (src/ops/redact, dialogs/personal-data, masks in src/domain)', (f) => f === 'src/ops/redact' || f === 'dialogs/personal-data'],
  ['sealing personal data (src/privacy, sealed storage and filings; JavaScript only, not the native cipher)', (f) => f.startsWith('src/privacy/') || f === 'src/state/sealed-storage' || f === 'src/filings/sealed-filing'],
];

/** Self time per turn (ms) by place within [from, to], the parts above first, then the top places. */
export function perTurn(profile: Profile, from: number, to: number, turns: number, top = 12): string {
  const { places } = byPlace(profile, from, to);
  places.delete('idle');
  const busy = [...places.values()].reduce((a, b) => a + b, 0);
  const line = (label: string, ms: number) => `${(ms / turns).toFixed(3).padStart(7)} ms/turn ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${label}`;
  const files = byPlace(profile, from, to, fileOf).places;
  const parts = TURN_PARTS.map(([label, test]) => line(label, [...files].filter(([f]) => test(f)).reduce((a, [, ms]) => a + ms, 0)));
  const project = [...places].filter(([p]) => p.startsWith('project: ')).reduce((a, [, ms]) => a + ms, 0);
  const rows = [...places].sort((a, b) => b[1] - a[1]).slice(0, top).map(([p, ms]) => line(p, ms));
  return [`${(busy / turns).toFixed(3)} ms of sampled CPU per turn`, ...parts, line("the project's own code, all folders", project), '  by place:', ...rows.map((r) => `  ${r}`)].join('\n');
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const files = args.flatMap((arg) => (statSync(arg).isDirectory() ? readdirSync(arg).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(arg, f)) : [arg]));
  process.stdout.write(`${summary(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Profile), top)}\n`);
}
