/**
 * `npm start`: the bot from its compiled bundle (dist/server.cjs, with V8's code cache: scripts/build.js),
 * building it first when a source is newer than the last build (`npm install` builds too). Where it cannot
 * be built (esbuild missing), the sources run through tsx instead, with one line saying so.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT, ensureBuilt, runServer } from './build.js';

if (ensureBuilt() === 'compiled') {
  runServer();
} else {
  process.stderr.write('start: no compiled build and it could not be made: running the sources through tsx\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'src', 'index.ts')).href);
}
