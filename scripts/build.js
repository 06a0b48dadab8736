/**
 * The compiled build that `npm start` runs, made with esbuild (a dependency, so that a production install
 * without the dev dependencies builds too; types are checked by `npm run typecheck` and `npm test`, not here):
 *
 *   dist/server.cjs  the server (src/index.ts) and the packages it imports in one CommonJS file: a start
 *                    reads and compiles one file instead of resolving and reading about 2,000 modules.
 *                    Native packages stay outside (BUNDLE_EXTERNAL). Each of the project's modules in it
 *                    sees as its `import.meta.url` the URL it has in dist/src/…, so paths relative to a
 *                    module (content/, public/, the model cache) are the same as in the transpiled tree.
 *   dist/server.cjs.v8   V8's compiled code of the bundle as far as a start gets before listening, made by
 *                    the build (one start that stops there): `npm start` (runServer) hands it to V8, which
 *                    then skips parsing and compiling most of the bundle (about 0.4 s of CPU a start).
 *   dist/src/…, dist/dialogs/…, dist/bench/…
 *                    each source transpiled alone (what the benchmark's servers run, so that a profile
 *                    names every package; and what the model cache hashes, src/nlu/model-cache.ts)
 *   dist/content, dist/public   links to the folders of the same name (dist/src/… sits one folder deeper)
 *   dist/.cache/nlu-models/     the trained language models, so that a start reads them instead of training
 *
 *   node scripts/build.js          # build now (npm run build; also `npm install`/`npm ci`, the prepare script)
 *   import { ensureBuilt }         # build only when a source is newer than the last build (npm start, the bench)
 *
 * dist is a link to the build (dist.<time>-<pid>/ beside it). A build is made in a folder of its own and
 * swapped in when whole, by renaming a new link over dist (atomic): a start, or a build, at the same time as
 * a build never runs a half-written one; of two builds at once the last to finish stays. The build that was
 * replaced is kept (a start may be reading it), older ones are removed once their builder has exited.
 *
 * Plain JavaScript, so that it runs before anything is compiled. Importing it is cheap (esbuild is loaded
 * only to build): `npm start` checks staleness on every start.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script, constants as vmConstants } from 'node:vm';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The current build: a link to a folder beside it (BUILD_FOLDER), swapped when a build is whole. */
export const DIST = join(ROOT, 'dist');
/** The bundled server `npm start` runs, and V8's code cache of it (in each build: `<build>/server.cjs.v8`). */
export const SERVER = join(DIST, 'server.cjs');
/** Set in the build's one start that makes the code cache. */
const PRIME = 'BUILD_PRIME_CODE_CACHE';
/** Written last in a build: the build is whole, and when it was made. */
const STAMP = join(DIST, '.built');
/** The folders builds are made in, beside dist: dist.<time>-<pid of the builder>. */
const BUILD_FOLDER = /^dist\.[0-9a-z]+-(\d+)$/;
const SELF = fileURLToPath(import.meta.url);
/** Transpiled one by one into dist/ (folders: every .ts file in them). */
const TRANSPILED = ['src', 'dialogs', join('bench', 'project-server.ts'), join('bench', 'reference-bot.ts'), join('bench', 'is-main.ts'), join('bench', 'redis-bytes.ts'), join('test', 'support', 'redis-commands.ts')];
/** What the build reads: a change to any of these makes the build stale. */
const SOURCES = [...TRANSPILED, 'tsconfig.json', 'package-lock.json', join('scripts', 'build.js')];
/** Packages left out of the bundle (native code, loaded from node_modules at run time). */
const BUNDLE_EXTERNAL = ['@node-rs/jieba', '@node-rs/jieba/*', 'dtrace-provider'];

/** Calls `visit` with every file under the given paths (files or folders) that ends in one of `endings`. */
function eachFile(paths, endings, visit) {
  const walk = (path, isDirectory) => {
    if (isDirectory) {
      for (const entry of readdirSync(path, { withFileTypes: true })) walk(join(path, entry.name), entry.isDirectory());
    } else if (endings.some((ending) => path.endsWith(ending))) visit(path);
  };
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(join(ROOT, path));
    } catch {
      continue;
    }
    walk(join(ROOT, path), stat.isDirectory());
  }
}

/** True when dist/ is missing or older than a source (a few milliseconds: one stat per source file). */
export function isStale() {
  let built;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  if (!existsSync(SERVER)) return true;
  let stale = false;
  eachFile(SOURCES, ['.ts', '.json', '.js'], (path) => {
    if (!stale && statSync(path).mtimeMs > built) stale = true;
  });
  return stale;
}

/**
 * An esbuild plugin: the project's modules in the bundle keep the `import.meta.url` of their transpiled
 * file (dist/src/x/y.js), relative to the bundle's own URL.
 */
function moduleUrls(bundleUrl) {
  const project = new RegExp(`^${ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(src|dialogs)\\${sep}.*\\.ts$`);
  return {
    name: 'module-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!project.test(args.path)) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const transpiled = relative(ROOT, args.path).replace(/\.ts$/, '.js').split(sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${transpiled}`)}, ${bundleUrl}).href`), loader: 'ts' };
      });
    },
  };
}

/**
 * Recognizers-text packages that a start need not evaluate (about 0.1 s of CPU: they build their tables of
 * expressions when loaded): botbuilder-dialogs loads them for prompts this bot does not use, and
 * src/domain/dates.ts needs date-time only once the server is idle. In the bundle each of them, imported
 * from outside these packages, is a module of getters that loads the real one on the first read of an
 * export; only `Culture`'s culture codes (`Culture.Chinese`…, read by botbuilder-dialogs when loaded) come
 * from the small base package, where they are the same (checked here: otherwise the package is bundled as is).
 */
const LAZY_PACKAGES = /^@microsoft\/recognizers-text-(suite|date-time|number|choice)$/;

function lazyRecognizers() {
  return {
    name: 'lazy-recognizers',
    setup(build) {
      build.onResolve({ filter: LAZY_PACKAGES }, async (args) => {
        if (args.pluginData?.real || /[\\/]node_modules[\\/]@microsoft[\\/]recognizers-text/.test(args.importer)) return undefined;
        const real = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: relative(ROOT, real.path).split(sep).join('/'), namespace: 'lazy-recognizers', pluginData: { file: real.path } };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-recognizers' }, (args) => {
        const file = args.pluginData.file;
        const require = createRequire(file);
        const real = require(file);
        const base = require('@microsoft/recognizers-text');
        const codes = Object.keys(base.Culture).filter((name) => typeof base.Culture[name] === 'string');
        if (!real.Culture || codes.some((name) => real.Culture[name] !== base.Culture[name])) {
          return { contents: `module.exports = require(${JSON.stringify(file)});`, loader: 'js', resolveDir: dirname(file) };
        }
        const names = Object.keys(real).filter((name) => name !== '__esModule' && name !== 'Culture');
        return {
          loader: 'js',
          resolveDir: dirname(file),
          contents: [
            'let real;',
            `const load = () => (real ??= require(${JSON.stringify(file)}));`,
            "const base = require('@microsoft/recognizers-text');",
            `const codes = new Set(${JSON.stringify(codes)});`,
            'const Culture = new Proxy(base.Culture, { get: (target, name) => (codes.has(name) ? target[name] : load().Culture[name]) });',
            "Object.defineProperty(exports, '__esModule', { value: true });",
            "Object.defineProperty(exports, 'Culture', { enumerable: true, get: () => Culture });",
            `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
          ].join('\n'),
        };
      });
    },
  };
}

/** Builds now. Returns false (with esbuild's messages on stderr) when it failed. */
export async function build({ quiet = false } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('build: esbuild is not installed (npm ci)\n');
    return false;
  }
  const started = Date.now();
  // Made beside dist (the links to content/ and public/, and the source maps' paths, are relative), swapped in when whole.
  const out = join(ROOT, `dist.${started.toString(36)}-${process.pid}`);
  mkdirSync(out);
  let swapped = false;
  try {
    if (!(await buildInto(esbuild, out))) return false;
    swapIn(out);
    swapped = true;
  } catch (err) {
    process.stderr.write(`build: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  } finally {
    if (!swapped && !isCurrent(out)) rmSync(out, { recursive: true, force: true });
  }
  if (!quiet) process.stderr.write(`build: compiled into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}

/** The whole build in `out`: the per-file output, the bundle, the links, the models, the code cache, and last the stamp. */
async function buildInto(esbuild, out) {
  const entryPoints = [];
  eachFile(TRANSPILED, ['.ts'], (path) => {
    if (!path.endsWith('.d.ts')) entryPoints.push(path);
  });
  const common = { platform: 'node', target: 'node20', format: 'esm', logLevel: 'warning', sourcemap: true, sourcesContent: false };
  try {
    await Promise.all([
      esbuild.build({ ...common, entryPoints, outdir: out, outbase: ROOT }),
      esbuild.build({
        ...common,
        entryPoints: [join(ROOT, 'src', 'index.ts')],
        outfile: join(out, 'server.cjs'),
        bundle: true,
        format: 'cjs', // V8's code cache (vm.Script) is for scripts, not ES modules
        external: BUNDLE_EXTERNAL,
        // ES modules among the packages (and the project's, moduleUrls) ask for import.meta.url: the bundle's.
        define: { 'import.meta.url': '__bundleUrl' },
        banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
        plugins: [moduleUrls('__bundleUrl'), lazyRecognizers()],
      }),
    ]);
  } catch {
    return false; // esbuild printed why
  }
  for (const folder of ['content', 'public']) symlinkSync(join('..', folder), join(out, folder), 'dir');
  // The trained language models for the compiled code (<build>/.cache/nlu-models/): a start reads them instead of
  // training. Those of the current build come along (a model's file is named by what it was trained from).
  if (existsSync(join(DIST, '.cache'))) cpSync(join(DIST, '.cache'), join(out, '.cache'), { recursive: true });
  const nlu = pathToFileURL(join(out, 'src', 'nlu', 'index.js')).href;
  spawnSync(process.execPath, ['--input-type=module', '-e', `const { createUnderstanding } = await import(${JSON.stringify(nlu)}); createUnderstanding().warmUp();`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  primeCodeCache(out);
  writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
  return true;
}

/** Whether dist links to `out`. */
function isCurrent(out) {
  try {
    return readlinkSync(DIST) === basename(out);
  } catch {
    return false;
  }
}

/**
 * Makes `out` the current build: a new link renamed over dist (rename replaces it atomically). A dist of the
 * layout before this one (a folder, not a link) is moved aside first. Then removes the builds no longer used.
 */
function swapIn(out) {
  let previous;
  try {
    previous = readlinkSync(DIST);
  } catch (err) {
    if (err?.code === 'EINVAL') {
      // A folder: moved aside (removed below), dist missing for a moment, once.
      previous = `dist.${Date.now().toString(36)}-${process.pid}old`;
      renameSync(DIST, join(ROOT, previous));
    } else if (err?.code !== 'ENOENT') throw err;
  }
  const link = join(ROOT, `${basename(out)}.link`);
  rmSync(link, { force: true });
  symlinkSync(basename(out), link, 'dir');
  renameSync(link, DIST);
  removeOldBuilds([basename(out), previous]);
}

/**
 * Removes the build folders beside dist other than `keep` (the current build, and the one it replaced: a
 * start may have chosen it a moment ago), each once its builder has exited: a build still being made (by
 * another build at the same time) is left to it.
 */
function removeOldBuilds(keep) {
  for (const name of readdirSync(ROOT)) {
    const match = BUILD_FOLDER.exec(name) ?? /^dist\.[0-9a-z]+-\d+old$/.exec(name);
    if (!match || keep.includes(name)) continue;
    const builder = Number(match[1] ?? 0);
    if (builder && builder !== process.pid && isAlive(builder)) continue;
    rmSync(join(ROOT, name), { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err?.code === 'EPERM';
  }
}

/**
 * Makes CODE_CACHE: one start of the bundle with the embedded defaults (a throwaway folder for the filings
 * and the key, nothing else from this environment) that writes V8's code once the app is made and stops
 * before serving. Without it (it failed) a start compiles everything, as without a cache.
 */
function primeCodeCache(out) {
  const dir = mkdtempSync(join(tmpdir(), 'build-prime-'));
  try {
    const run = spawnSync(process.execPath, [SELF, '--prime', out], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', [PRIME]: '1', PORT: '0', LOG_LEVEL: 'silent', FILINGS_PATH: join(dir, 'filings.json'), WEB_TOKEN_SECRET: 'p'.repeat(48) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (run.status !== 0) process.stderr.write('build: the code cache could not be made (starts compile the whole bundle)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the bundle of the build `dir` links to (dist: SERVER) as a CommonJS module, through vm.Script so that
 * V8 takes its code from the build's code cache when that was made from this bundle (it is newer, and V8
 * accepts it: same V8, same flags). The bundle and its cache are read from the build dist links to now (a
 * build swapped in meanwhile leaves that one whole); the module is named by its path through dist. In the
 * build's priming start (PRIME set, `dir` the build being made), writes the cache once the bundle's
 * synchronous start (configuration, the app) has run, and exits.
 */
export function runServer(dir = DIST) {
  const build = realpathSync(dir);
  const server = join(dir, 'server.cjs');
  const codeCache = join(build, 'server.cjs.v8');
  const source = readFileSync(join(build, 'server.cjs'), 'utf8');
  let cachedData;
  try {
    if (!process.env[PRIME] && statSync(codeCache).mtimeMs >= statSync(join(build, 'server.cjs')).mtimeMs) cachedData = readFileSync(codeCache);
  } catch {
    // no cache: compile
  }
  const script = new Script(Module.wrap(source), {
    filename: server,
    ...(cachedData ? { cachedData } : {}),
    // import() of a package left out of the bundle, as in any module
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (process.env['BUILD_REPORT_CODE_CACHE']) process.stderr.write(`build: code cache ${cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'none'}\n`);
  const module = new Module(server);
  module.filename = server;
  module.paths = Module._nodeModulePaths(dir);
  script.runInThisContext().call(module.exports, module.exports, createRequire(server), module, server, dir);
  module.loaded = true;
  if (process.env[PRIME]) {
    writeFileSync(codeCache, script.createCachedData());
    process.exit(0);
  }
}

/**
 * Builds when stale (in a child process: the build is asynchronous, this is not). Returns 'compiled' when
 * dist/ is current, 'sources' when it is not and cannot be built: the caller then runs the sources through tsx.
 */
export function ensureBuilt() {
  if (!isStale()) return 'compiled';
  process.stderr.write('build: the sources changed since the last build (or there is none): compiling…\n');
  const run = spawnSync(process.execPath, [SELF], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  return run.status === 0 && !isStale() ? 'compiled' : 'sources';
}

if (process.argv[1] === SELF) {
  // `--prime <build>`: the build's priming start (primeCodeCache).
  if (process.argv[2] === '--prime') runServer(process.argv[3]);
  else process.exit((await build()) ? 0 : 1);
}
