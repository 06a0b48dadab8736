import { ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { forgetStoredJson, storedJsonOf } from './stored-json.js';

/**
 * A conversation's state as this turn holds it, and its JSON (without the eTag) as read or last saved;
 * undefined when the store noted the text it read (see stored-json.ts): the store compares at the write.
 */
interface Held {
  state: Record<string, unknown>;
  json: string | undefined;
}

/**
 * botbuilder's ConversationState (same storage key, same reads, writes and deletes), whose "did the turn
 * change it?" is a plain JSON comparison of the state as read and as it is at saveChanges. BotState itself
 * hashes the whole state (JSON.stringify with a replacer function, then SHA-256) when it is read, again at
 * saveChanges and once more after the write: three serialisations and three hashes of every conversation's
 * state on every turn. This hashes nothing; what is written, and when, is the same. When the store beneath
 * noted the JSON it read the state from (RedisStorage and ExpiringMemoryStorage do, through SealedStorage:
 * src/state/stored-json.ts), the state is written unconditionally at saveChanges and the store, which
 * serialises it anyway, skips the write when the text is the one it read: one serialisation a turn, at
 * save (a value JSON cannot hold fails there as it did here). Over any other store this compares the
 * state's JSON as read and at saveChanges itself.
 *
 * Its properties (createProperty) read and write the state this turn already loaded without going through
 * an async function each time (botbuilder's accessor awaits load() in a generator: a few µs and several
 * promises per call, and a turn makes about sixteen); they behave as botbuilder's BotStatePropertyAccessor.
 */
export class JsonCheckedConversationState extends ConversationState {
  readonly #key = Symbol('conversation state');

  override createProperty<T = any>(name: string): StatePropertyAccessor<T> {
    return new LoadedStateProperty<T>(this, name);
  }

  override async load(context: TurnContext, force = false): Promise<any> {
    const held = context.turnState.get(this.#key) as Held | undefined;
    if (!force && held?.state) return held.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] ?? {}) as Record<string, unknown>;
    context.turnState.set(this.#key, { state, json: storedJsonOf(state) === undefined ? jsonOf(state) : undefined } satisfies Held);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const cached = context.turnState.get(this.#key) as Held | undefined;
    if (!force && !cached) return;
    // The store compares (its noted text) or this does.
    const json = cached?.json === undefined && !force ? undefined : cached ? jsonOf(cached.state) : '{}';
    if (!force && json !== undefined && cached!.json === json) return;
    const key = await this.storageKey(context);
    const held = cached ?? { state: {}, json: '' };
    held.state.eTag = '*';
    if (force) forgetStoredJson(held.state);
    // The stores beneath copy what they write (none changes the item it is given): what was saved is `json`.
    await this.storage.write({ [key]: held.state });
    held.json = storedJsonOf(held.state) === undefined ? json : undefined;
    context.turnState.set(this.#key, held);
  }

  /** Forgets the turn's copy: an empty state, saved at saveChanges. */
  override clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.#key, { state: {}, json: '' } satisfies Held);
    return Promise.resolve();
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.#key);
    const key = await this.storageKey(context);
    await this.storage.delete([key]);
  }

  override get(context: TurnContext): any {
    const held = context.turnState.get(this.#key) as Held | undefined;
    return typeof held === 'object' && typeof held.state === 'object' ? held.state : undefined;
  }
}

/** A property of the conversation state, read from the turn's loaded copy at once (loaded first when it is not). */
class LoadedStateProperty<T> implements StatePropertyAccessor<T> {
  constructor(
    private readonly state: JsonCheckedConversationState,
    readonly name: string,
  ) {}

  get(context: TurnContext): Promise<T | undefined>;
  get(context: TurnContext, defaultValue: T): Promise<T>;
  get(context: TurnContext, defaultValue?: T): Promise<T | undefined> {
    return this.with(context, (state) => {
      if (!Object.prototype.hasOwnProperty.call(state, this.name) && defaultValue !== undefined) {
        // A copy of the default, as BotStatePropertyAccessor makes, so the caller's object is never stored.
        state[this.name] = typeof defaultValue === 'object' ? JSON.parse(JSON.stringify(defaultValue)) : defaultValue;
      }
      return state[this.name] as T | undefined;
    });
  }

  /**
   * The value as this turn already loaded it, without a promise: `{ value }` once the turn's state is
   * loaded, undefined before (then ask `get`). No default is applied.
   */
  loaded(context: TurnContext): { value: T | undefined } | undefined {
    const state = this.state.get(context) as Record<string, unknown> | undefined;
    return state ? { value: state[this.name] as T | undefined } : undefined;
  }

  set(context: TurnContext, value: T): Promise<void> {
    return this.with(context, (state) => {
      state[this.name] = value;
    });
  }

  delete(context: TurnContext): Promise<void> {
    return this.with(context, (state) => {
      if (Object.prototype.hasOwnProperty.call(state, this.name)) delete state[this.name];
    });
  }

  private with<R>(context: TurnContext, use: (state: Record<string, unknown>) => R): Promise<R> {
    const loaded = this.state.get(context) as Record<string, unknown> | undefined;
    if (loaded) {
      try {
        return Promise.resolve(use(loaded));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return this.state.load(context).then((state: Record<string, unknown>) => use(state));
  }
}

/** The state as compared: its JSON without the eTag (which the storage sets, and BotState sets to `*` to save). */
function jsonOf(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}
