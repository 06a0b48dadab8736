import type { FieldCipher } from './field-cipher.js';

/**
 * Sealing chosen fields of a JSON object, named by dotted paths (`person.idNumber`,
 * `filing.details.phone`). Only string values are sealed; a path that is absent, or holds anything but
 * a string, is left alone. The object given is never changed: the copy shares everything but the
 * objects along the sealed paths, so a big object costs no more than its personal fields.
 *
 * The path, with `labelPrefix` before it, is the label authenticated with each value.
 */
export class SealedFields {
  readonly #paths: ReadonlyArray<readonly string[]>;

  constructor(
    readonly cipher: FieldCipher,
    readonly paths: readonly string[],
    readonly labelPrefix = '',
  ) {
    this.#paths = paths.map((p) => p.split('.'));
  }

  /** A copy with every listed string field sealed (fields already sealed stay as they are). */
  seal<T>(value: T): T {
    return this.#map(value, (text, label) => (this.cipher.isSealed(text) ? text : this.cipher.seal(text, label)));
  }

  /** A copy with every listed field opened (fields in clear, from before sealing, stay as they are). */
  open<T>(value: T): T {
    return this.#map(value, (text, label) => this.cipher.open(text, label));
  }

  /** A copy with every listed field sealed under the current key, opening those sealed with another. */
  reseal<T>(value: T): T {
    const current = this.cipher.keyId;
    return this.#map(value, (text, label) =>
      this.cipher.isSealed(text) && this.cipher.keyIdOf(text) === current ? text : this.cipher.seal(this.cipher.open(text, label), label),
    );
  }

  /** True when some listed field is in clear or sealed with a key other than the current one. */
  needsReseal(value: unknown): boolean {
    let stale = false;
    this.#map(value, (text) => {
      if (this.cipher.keyIdOf(text) !== this.cipher.keyId) stale = true;
      return text;
    });
    return stale;
  }

  /** The string at a path (sealed or not), or undefined. */
  static at(value: unknown, path: string): unknown {
    let v: unknown = value;
    for (const key of path.split('.')) v = isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined;
    return v;
  }

  #map<T>(value: T, change: (text: string, label: string) => string): T {
    let result: unknown = value;
    for (const path of this.#paths) result = replaceAt(result, path, 0, (text) => change(text, this.labelPrefix + path.join('.')));
    return result as T;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `value` with the string at `path[i…]` changed, copying only the objects along the path (and only if it changed). */
function replaceAt(value: unknown, path: readonly string[], i: number, change: (text: string) => string): unknown {
  if (!isObject(value)) return value;
  const key = path[i]!;
  if (!Object.hasOwn(value, key)) return value;
  const inner = value[key];
  const next = i === path.length - 1 ? (typeof inner === 'string' ? change(inner) : inner) : replaceAt(inner, path, i + 1, change);
  return next === inner ? value : { ...value, [key]: next };
}
