/**
 * The compiled build that `npm start` runs: `tsc -p tsconfig.build.json` into dist/ (emit only: the
 * types are checked by `npm run typecheck` and `npm test`), plus two links, dist/content → content and
 * dist/public → public, so that the compiled code finds them where the sources do (paths are relative to
 * each module, and dist/src/… sits one folder deeper than src/…).
 *
 *   node scripts/build.js          # build now (npm run build)
 *   import { ensureBuilt }         # build only when a source is newer than the last build (npm start, the bench)
 *
 * Plain JavaScript, so that it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
/** What the build reads: a change to any of these makes the build stale. */
const SOURCES = ['src', 'dialogs', 'bench', join('test', 'support', 'redis-commands.ts'), 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest modification time (ms) of the .ts files and configuration the build reads. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else if (path.endsWith('.ts') || path.endsWith('.json')) newest = Math.max(newest, stat.mtimeMs);
  };
  for (const source of SOURCES) visit(join(ROOT, source));
  return newest;
}

/** True when dist/ is missing or older than a source. */
export function isStale() {
  if (!existsSync(STAMP)) return true;
  return newestSource() > statSync(STAMP).mtimeMs;
}

/** The TypeScript compiler, or undefined when it is not installed (`npm ci --omit=dev`). */
function compiler() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

/** Builds now. Returns false (with the compiler's output on stderr) when it failed or there is no compiler. */
export function build({ quiet = false } = {}) {
  const tsc = compiler();
  if (!tsc) return false;
  const started = Date.now();
  rmSync(STAMP, { force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) return false;
  for (const folder of ['content', 'public']) {
    const link = join(DIST, folder);
    try {
      lstatSync(link);
    } catch {
      symlinkSync(join('..', folder), link, 'dir');
    }
  }
  mkdirSync(DIST, { recursive: true });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  // The trained language models for the compiled code (dist/.cache/nlu-models/): a start reads them instead of training.
  const nlu = pathToFileURL(join(DIST, 'src', 'nlu', 'index.js')).href;
  spawnSync(process.execPath, ['--input-type=module', '-e', `const { createUnderstanding } = await import(${JSON.stringify(nlu)}); createUnderstanding().warmUp();`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!quiet) process.stderr.write(`build: compiled into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}

/**
 * Builds when stale. Returns 'compiled' when dist/ is current, 'sources' when it is not and cannot be
 * built (no compiler installed): the caller then runs the sources through tsx.
 */
export function ensureBuilt() {
  if (!isStale()) return 'compiled';
  process.stderr.write('build: the sources changed since the last build (or there is none): compiling…\n');
  return build() ? 'compiled' : 'sources';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(build() ? 0 : 1);
}
