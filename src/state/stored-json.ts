import type { StoreItem } from 'botbuilder';

/**
 * What the stores of the state chain tell one another about an item, so that a turn serialises its state
 * once: the JSON text (without the eTag) an item was stored as, kept beside the item, never on it.
 *
 * - A store that reads JSON notes the text beside the item it parsed (RedisStorage, ExpiringMemoryStorage);
 *   a store that hands on a copy of an item notes the same text beside its copy (SealedStorage, both ways).
 * - JsonCheckedConversationState, given an item with its stored text, does not serialise it to find out at
 *   saveChanges whether the turn changed it: it writes it unconditionally and the store compares.
 * - A store that serialises an item for an unconditional write (eTag `*` or none) skips the write when the
 *   text is the one noted beside it (nothing changed since it was read or last written), and notes the
 *   text it wrote. A conditional write (a named eTag) is always made: its conflict check must run.
 *
 * An item whose text is not noted (a new one, or from a store that does not take part) is written as any.
 */
const stored = new WeakMap<object, string>();

/** A stored item as a store reads it: its JSON parsed, the text noted beside it, and its eTag. */
export function parseStoredItem(json: string, eTag: string | undefined): StoreItem {
  const item = JSON.parse(json) as StoreItem;
  item.eTag = eTag as string;
  noteStoredJson(item, json);
  return item;
}

/** The JSON text the item was read or last written as, if a store noted it. */
export function storedJsonOf(item: object | undefined): string | undefined {
  return item === undefined ? undefined : stored.get(item);
}

/** Notes `json` as what `item` is stored as. */
export function noteStoredJson(item: object, json: string): void {
  stored.set(item, json);
}

/** Notes beside `to` the text noted beside `from` (a copy of it), if any. */
export function carryStoredJson(from: object, to: object): void {
  const json = stored.get(from);
  if (json !== undefined && from !== to) stored.set(to, json);
}

/** Forgets what `item` is stored as: its next unconditional write is made whatever it holds. */
export function forgetStoredJson(item: object): void {
  stored.delete(item);
}

/** True for a write BotState makes: no eTag or `*` (no conflict check). */
export function isUnconditional(eTag: unknown): boolean {
  return typeof eTag !== 'string' || eTag === '*' || eTag === '';
}
