import { normaliseResidentId } from '../domain/resident-id.js';
import type { DataKeyRing } from '../privacy/data-keys.js';
import { FieldCipher } from '../privacy/field-cipher.js';
import { SealedFields } from '../privacy/sealed-fields.js';

/**
 * The personal fields of a filing record (src/domain/filing.ts): the insured person's and the agent's
 * name, resident ID number and phone, and the address. Every store keeps them sealed (AES-256-GCM under
 * DATA_ENCRYPTION_KEY, together in one envelope per filing); everything else of the record stays readable
 * for the agency's queries.
 */
export const PERSONAL_FILING_FIELDS = [
  'person.name',
  'person.idNumber',
  'person.phone',
  'agent.name',
  'agent.idNumber',
  'agent.phone',
  'address',
] as const;

/** The field a filing is found by when its reference is lost: the insured person's resident ID number. */
export const LOOKUP_ID_FIELD = 'person.idNumber';

/** What a store keeps beside a sealed filing. */
export interface SealedRecord<T> {
  /** The filing with its personal fields sealed (in one envelope, `$sealed`, bound to the reference). */
  filing: T;
  /** The key they are sealed with. */
  keyId: string;
  /** The keyed hash of the insured person's ID number (undefined when the filing has none). */
  personIdHash: string | undefined;
}

const ID_HASH_PURPOSE = 'resident-id';

/**
 * Seals and opens the personal fields of filings for a store, and computes the keyed hash that finds a
 * filing by ID number: HMAC-SHA256 of the normalised number (spaces gone, upper-case X, half-width
 * digits) under a key derived from the data key. The raw number is never indexed, stored or logged.
 * A filing's sealed fields are bound to its reference: copied into another filing, they do not open.
 */
export class FilingSealer {
  readonly #fields: SealedFields;
  readonly #cipher: FieldCipher;

  constructor(keys: DataKeyRing) {
    this.#cipher = new FieldCipher(keys);
    this.#fields = new SealedFields(this.#cipher, PERSONAL_FILING_FIELDS);
  }

  /** The id of the key new filings are sealed with. */
  get keyId(): string {
    return this.#cipher.keyId;
  }

  /** The filing of `reference` sealed under the current key (in clear, or sealed under an older key, before). */
  seal<T>(filing: T, reference: string): SealedRecord<T> {
    const plain = this.open(filing, reference);
    const id = SealedFields.at(plain, LOOKUP_ID_FIELD);
    return {
      filing: this.#fields.seal(plain, context(reference)),
      keyId: this.#cipher.keyId,
      personIdHash: typeof id === 'string' && id !== '' ? this.#cipher.lookupHash(ID_HASH_PURPOSE, normaliseResidentId(id)) : undefined,
    };
  }

  /** The filing with its personal fields in clear. Throws DataKeyError for a key that is not configured. */
  open<T>(filing: T, reference: string): T {
    return this.#fields.open(filing, context(reference));
  }

  /** True when the filing has a personal field in clear or sealed under another key than the current one. */
  needsReseal(filing: unknown, keyId: string | undefined): boolean {
    return keyId !== this.#cipher.keyId || this.#fields.needsReseal(filing);
  }

  /**
   * A free text kept with the filing of `reference` (a status change's reason, where to send notices)
   * sealed under the current key, bound to the filing and to what it is (`purpose`).
   */
  sealText(plain: string, reference: string, purpose: string): string {
    return this.#cipher.seal(plain, `${context(reference)}:${purpose}`);
  }

  /** The text of sealText (a text in clear comes back as it is). */
  openText(value: string, reference: string, purpose: string): string {
    return this.#cipher.open(value, `${context(reference)}:${purpose}`);
  }

  /**
   * The hashes a lookup by this ID number asks for: one under each key of the ring (a filing is hashed
   * under the key it was sealed with). Empty for a string that cannot be an ID number.
   */
  idHashes(idNumber: string): string[] {
    if (typeof idNumber !== 'string') return [];
    const n = normaliseResidentId(idNumber);
    if (!/^\d{17}[\dX]$/.test(n)) return [];
    return this.#cipher.lookupHashes(ID_HASH_PURPOSE, n);
  }
}

const context = (reference: string): string => `filing:${reference}`;
