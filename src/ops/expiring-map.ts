/**
 * A map in this process's memory whose entries live a while after they were last set: the map's lifetime
 * (`ttlMs`), or the entry's own, given when it is set (a store told each entry's lifetime by its caller).
 * An entry read after its time is gone (deleted then); each `set` also drops the expired ones nobody asks
 * for. Setting an entry moves it to the end, so with one lifetime the map is in the order entries expire
 * and a sweep stops at the first that lives: amortised constant work a write, however many entries there
 * are. With lifetimes that differ, an expired entry behind one that lives waits for it (or for being read):
 * what is held is still bounded by the entries set within the longest lifetime.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  /** `ttlMs`: the lifetime of an entry set without its own; none: every `set` gives one. */
  constructor(
    private readonly ttlMs?: number,
    private readonly now: () => number = Date.now,
  ) {
    if (ttlMs !== undefined) checkLifetime(ttlMs);
  }

  /** The entry's value while it lives; undefined (and the entry dropped) once it expired. */
  get(key: K): V | undefined {
    const found = this.entries.get(key);
    if (found === undefined) return undefined;
    if (found.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return found.value;
  }

  /** Sets the entry, to live `ttlMs` (the map's lifetime by default) from now, again if it was there, and drops the expired. */
  set(key: K, value: V, ttlMs: number | undefined = this.ttlMs): void {
    checkLifetime(ttlMs);
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + ttlMs });
    this.sweep(now);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** How many entries are held, the expired not yet dropped among them. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops the expired entries: those at the start of the map, up to the first that lives. */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}

/** Zero would keep nothing, NaN or Infinity nothing that ever goes: none of them is a lifetime (nor is no lifetime at all). */
function checkLifetime(ttlMs: number | undefined): asserts ttlMs is number {
  if (!(ttlMs !== undefined && ttlMs > 0 && Number.isFinite(ttlMs))) throw new RangeError(`an ExpiringMap's entries live a while (ttlMs ${ttlMs})`);
}
