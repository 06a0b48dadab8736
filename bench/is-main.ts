import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Whether the module at `moduleUrl` is the one Node was asked to run. Node names the main module by its real
 * path, and the compiled build is reached through the `dist` link (scripts/build.js), so the command line's
 * path is resolved before comparing.
 */
export function isMain(moduleUrl: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
