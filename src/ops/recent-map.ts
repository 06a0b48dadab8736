/**
 * A map in this process's memory that keeps the `max` entries set most recently: setting one more drops
 * the one set longest ago. For what is kept to be reused, never needed (a cache of clients, of verified
 * tokens): memory stays bounded whatever a caller sends. Reading does not make an entry recent.
 */
export class RecentMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a RecentMap keeps at least one entry (max ${max})`);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Sets the entry as the most recent (again, if it was there), dropping the oldest beyond `max`. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
