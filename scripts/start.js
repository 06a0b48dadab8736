/**
 * `npm start`: the bot from its compiled JavaScript (dist/src/index.js), building it first when a source is
 * newer than the last build (scripts/build.js). Where the compiler is not installed and dist/ is stale or
 * missing, the sources run through tsx instead, as before, with one line saying so.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DIST, ROOT, ensureBuilt } from './build.js';

if (ensureBuilt() === 'compiled') {
  await import(pathToFileURL(join(DIST, 'src', 'index.js')).href);
} else {
  process.stderr.write('start: no compiled build and no TypeScript compiler to make one: running the sources through tsx\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'src', 'index.ts')).href);
}
