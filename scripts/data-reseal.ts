/**
 * Seals every filing again under the current DATA_ENCRYPTION_KEY: the last step of a key rotation, after
 * which the older key can leave DATA_ENCRYPTION_KEYS (docs/operations.md, "Security model: data at rest").
 *
 *   npm run -s data:reseal
 *
 * Reads the same configuration as the bot (FILINGS_URL or FILINGS_PATH, the data keys). With PostgreSQL
 * it may run while the bot runs (once every instance has the new key as DATA_ENCRYPTION_KEY); the
 * FILINGS_PATH file belongs to one process, so stop the bot first. Prints how many filings changed.
 */
import { dirname, join, resolve } from 'node:path';
import { loadConfig, ConfigError } from '../src/config.js';
import { createFilingStore } from '../src/filings/index.js';
import { dataKeyRingFor, LOCAL_KEY_FILE } from '../src/privacy/data-keys.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { ring } = dataKeyRingFor(config.dataEncryption, join(dirname(resolve(config.filings.path)), LOCAL_KEY_FILE));
  const store = createFilingStore({ path: config.filings.path, url: config.filings.url, keys: ring });
  try {
    const changed = await store.reseal();
    process.stdout.write(`${changed} filing(s) sealed again under data key ${ring.current.id}\n`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? '' : 'data:reseal failed: '}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
