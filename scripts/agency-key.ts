/**
 * Makes an API key for the agency's back office or review page:
 *
 *   npm run -s agency:key -- NAME
 *
 * prints the key on its first line (give it to its holder once; it is not kept anywhere) and, on the
 * second, the entry to add to AGENCY_API_KEYS (comma-separated): NAME and the key's SHA-256, which is all
 * the bot keeps. NAME is what the audit trail records as the actor (e.g. review-desk-1, back-office).
 */
import { newAgencyKey } from '../src/agency/keys.js';

const name = process.argv[2];
if (name === undefined || process.argv.length > 3) {
  process.stderr.write('usage: npm run -s agency:key -- NAME   (NAME: 1 to 64 letters, digits, . _ or -)\n');
  process.exit(2);
}
try {
  const { key, entry } = newAgencyKey(name);
  process.stdout.write(`${key}\n${entry}\n`);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
