import { DataKeyRing } from '../../src/privacy/data-keys.js';

/** Fixed data keys for tests (never used anywhere else): the current one and an older one. */
export const TEST_DATA_KEY = 'dGVzdC1vbmx5LWRhdGEta2V5LTAwMDAwMDAwMDAwMDA';
export const OLD_TEST_DATA_KEY = 'b2xkLXRlc3Qtb25seS1kYXRhLWtleS0wMDAwMDAwMDA';

/** The ring the store tests seal with. */
export const TEST_KEYS = DataKeyRing.fromText(TEST_DATA_KEY);
