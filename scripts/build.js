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
 * Plain JavaScript, so that it runs before anything is compiled. Importing it is cheap (esbuild is loaded
 * only to build): `npm start` checks staleness on every start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script, constants as vmConstants } from 'node:vm';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
/** The bundled server `npm start` runs, and V8's code cache of it. */
export const SERVER = join(DIST, 'server.cjs');
const CODE_CACHE = `${SERVER}.v8`;
/** Set in the build's one start that makes CODE_CACHE. */
const PRIME = 'BUILD_PRIME_CODE_CACHE';
const STAMP = join(DIST, '.built');
const SELF = fileURLToPath(import.meta.url);
/** Transpiled one by one into dist/ (folders: every .ts file in them). */
const TRANSPILED = ['src', 'dialogs', join('bench', 'project-server.ts'), join('bench', 'reference-bot.ts'), join('test', 'support', 'redis-commands.ts')];
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
  rmSync(STAMP, { force: true });
  rmSync(CODE_CACHE, { force: true });
  const entryPoints = [];
  eachFile(TRANSPILED, ['.ts'], (path) => {
    if (!path.endsWith('.d.ts')) entryPoints.push(path);
  });
  const common = { platform: 'node', target: 'node20', format: 'esm', logLevel: 'warning', sourcemap: true, sourcesContent: false };
  try {
    await Promise.all([
      esbuild.build({ ...common, entryPoints, outdir: DIST, outbase: ROOT }),
      esbuild.build({
        ...common,
        entryPoints: [join(ROOT, 'src', 'index.ts')],
        outfile: SERVER,
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
  for (const folder of ['content', 'public']) {
    const link = join(DIST, folder);
    try {
      lstatSync(link);
    } catch {
      symlinkSync(join('..', folder), link, 'dir');
    }
  }
  mkdirSync(DIST, { recursive: true });
  // The trained language models for the compiled code (dist/.cache/nlu-models/): a start reads them instead of training.
  const nlu = pathToFileURL(join(DIST, 'src', 'nlu', 'index.js')).href;
  spawnSync(process.execPath, ['--input-type=module', '-e', `const { createUnderstanding } = await import(${JSON.stringify(nlu)}); createUnderstanding().warmUp();`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  primeCodeCache();
  if (!quiet) process.stderr.write(`build: compiled into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}

/**
 * Makes CODE_CACHE: one start of the bundle with the embedded defaults (a throwaway folder for the filings
 * and the key, nothing else from this environment) that writes V8's code once the app is made and stops
 * before serving. Without it (it failed) a start compiles everything, as without a cache.
 */
function primeCodeCache() {
  const dir = mkdtempSync(join(tmpdir(), 'build-prime-'));
  try {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
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
 * Runs the bundle (SERVER) as a CommonJS module, through vm.Script so that V8 takes its code from CODE_CACHE
 * when that was made from this bundle (it is newer, and V8 accepts it: same V8, same flags). In the build's
 * priming start (PRIME set), writes the cache once the bundle's synchronous start (configuration, the app)
 * has run, and exits.
 */
export function runServer() {
  const source = readFileSync(SERVER, 'utf8');
  let cachedData;
  try {
    if (!process.env[PRIME] && statSync(CODE_CACHE).mtimeMs >= statSync(SERVER).mtimeMs) cachedData = readFileSync(CODE_CACHE);
  } catch {
    // no cache: compile
  }
  const script = new Script(Module.wrap(source), {
    filename: SERVER,
    ...(cachedData ? { cachedData } : {}),
    // import() of a package left out of the bundle, as in any module
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = new Module(SERVER);
  module.filename = SERVER;
  module.paths = Module._nodeModulePaths(DIST);
  script.runInThisContext().call(module.exports, module.exports, createRequire(SERVER), module, SERVER, DIST);
  module.loaded = true;
  if (process.env[PRIME]) {
    const temporary = `${CODE_CACHE}.${process.pid}`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, CODE_CACHE);
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
  process.exit((await build()) ? 0 : 1);
}
