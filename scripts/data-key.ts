/**
 * Prints a new data key for DATA_ENCRYPTION_KEY (32 random bytes, base64url) on one line:
 *
 *   npm run -s data:key
 *
 * Keep it in the secret store the bot's other secrets live in. See docs/operations.md, "Security model:
 * data at rest", for rotating it.
 */
import { newDataKey } from '../src/privacy/data-keys.js';

process.stdout.write(`${newDataKey()}\n`);
