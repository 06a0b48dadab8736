/**
 * Writes content/prompt-catalog.json from the declarations (dialogs/conversation-askings.ts): every
 * promptId the dialogs can send, with its purpose. The hotline console and analytics read it;
 * test/content.test.ts checks it is up to date.
 *
 *   npm run generate:prompt-catalog
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promptCatalog } from '../dialogs/conversation-askings.js';

export const PROMPT_CATALOG_PATH = 'content/prompt-catalog.json';

/** The file's text: a comment, then every promptId with its purpose, in conversation order. */
export function promptCatalogFile(): string {
  const catalog = {
    $comment:
      'Every promptId the dialogs can send (channelData.promptId), with the question\'s purpose. Generated from the declarations in dialogs/ by npm run generate:prompt-catalog (do not edit by hand); test/content.test.ts checks it is up to date. Words per locale: content/locales/<locale>/prompts.json under the same id.',
    prompts: promptCatalog(),
  };
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('..', import.meta.url).pathname;
  writeFileSync(`${root}${PROMPT_CATALOG_PATH}`, promptCatalogFile());
  console.log(`wrote ${PROMPT_CATALOG_PATH}: ${Object.keys(promptCatalog()).length} prompts`);
}
