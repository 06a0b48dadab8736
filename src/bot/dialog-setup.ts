import { createRequire } from 'node:module';
import { ComponentRegistration, type TurnContext } from 'botbuilder';
import * as registrationImport from 'botbuilder-dialogs/lib/dialogsComponentRegistration.js';
import { Dialog, DialogContainer, DialogContext, DialogSet, DialogStateManager, isComponentMemoryScopes, isComponentPathResolvers, type DialogStateManagerConfiguration, type MemoryScope } from 'botbuilder-dialogs';

/**
 * The CommonJS module's own exports object, which botbuilder-dialogs reads its class from. Imported statically
 * so that a bundle (npm start's) gives the copy of botbuilder-dialogs it carries — a require() at run time
 * would load, and patch, a second copy from node_modules. As an ES module (and in the bundle) the import's
 * default is that object; where the file is compiled to CommonJS (the tests' loader) require() gives it.
 */
const registrationModule = ((registrationImport as { default?: unknown }).default ??
  createRequire(import.meta.url)('botbuilder-dialogs/lib/dialogsComponentRegistration.js')) as Record<string, unknown>;

type RegistrationClass = (new () => object) & { [REUSED]?: true };

const REUSED = Symbol.for('beian.reusedDialogsComponentRegistration');

/**
 * botbuilder-dialogs (4.23) registers its memory scopes anew for every DialogContext it makes: the
 * DialogStateManager constructor runs `ComponentRegistration.add(new DialogsComponentRegistration())`, and
 * each DialogsComponentRegistration is a ServiceCollection with a dependency graph and the factories of the
 * memory scopes and path resolvers. A turn of the filing dialogs makes a dozen DialogContexts (the set, each
 * component's inner context, each waterfall step), and each of these registrations is thrown away at once:
 * ComponentRegistration keeps one per class name, and the scopes are built from it once a turn.
 *
 * All of them are alike (the same services, configured the same way, nothing kept between calls), so the
 * module's class is replaced with one whose `new` gives the instance made first. What DialogStateManager
 * reads from it — a fresh set of memory scopes and path resolvers, once a turn — is unchanged. Idempotent;
 * returns false (and changes nothing) when the module does not look as expected, e.g. after an upgrade.
 */
export function reuseDialogsComponentRegistration(): boolean {
  const module = registrationModule as unknown as { DialogsComponentRegistration?: RegistrationClass };
  if (!module || typeof module !== 'object' || Object.isFrozen(module)) return false;
  const Original = module.DialogsComponentRegistration;
  if (typeof Original !== 'function') return false;
  if (Original[REUSED]) return true;
  const one = new Original();
  // A constructor that returns an object gives that object to `new`; instanceof still holds (same prototype).
  const Reused = function DialogsComponentRegistration() {
    return one;
  } as unknown as RegistrationClass;
  Reused.prototype = Original.prototype;
  Reused[REUSED] = true;
  module.DialogsComponentRegistration = Reused;
  return true;
}

/** Where DialogStateManager looks for a turn's memory scopes and path resolvers (botbuilder-dialogs 4.23), building them when absent. */
const CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

let shared: DialogStateManagerConfiguration | undefined;

/**
 * Puts the dialogs' memory configuration on the turn before its first DialogContext. Otherwise the first
 * DialogContext of every turn builds it: a ServiceCollection instantiating nine memory scopes (one after a
 * zod parse of the settings) and five path resolvers, all stateless, then kept on turnState for the turn's
 * other contexts. They are made once for the process instead, as DialogStateManager makes them (from every
 * registered component). A turn that brings scopes or resolvers of its own on turnState is left alone.
 */
export function shareDialogMemory(context: TurnContext): void {
  const state = context.turnState;
  if (state.has(CONFIGURATION_KEY) || state.has('memoryScopes') || state.has('pathResolvers')) return;
  state.set(CONFIGURATION_KEY, (shared ??= dialogMemoryConfiguration()));
}

function dialogMemoryConfiguration(): DialogStateManagerConfiguration {
  const { DialogsComponentRegistration } = registrationModule as unknown as { DialogsComponentRegistration: new () => ComponentRegistration };
  // As DialogStateManager does first: the dialogs' own component is registered.
  ComponentRegistration.add(new DialogsComponentRegistration());
  const components = ComponentRegistration.components;
  return {
    memoryScopes: components.filter((c) => isComponentMemoryScopes(c)).flatMap((c) => c.getMemoryScopes()),
    pathResolvers: components.filter((c) => isComponentPathResolvers(c)).flatMap((c) => c.getPathResolvers()),
  };
}

/** Paths remembered at most (the dialogs' own are a few dozen: `turn.activity`, `dialog._tracker.paths`, …). */
const MAX_REMEMBERED_PATHS = 1_000;

type PathSegments = (string | number)[];
type PathMethods = {
  parsePath(this: DialogStateManager, path: string, allowNestedPaths?: boolean): PathSegments;
  transformPath(this: DialogStateManager, path: string): string;
  getMemoryScope(this: DialogStateManager, name: string): MemoryScope | undefined;
  [REMEMBERS]?: true;
};

const REMEMBERS = Symbol.for('beian.rememberedDialogMemoryPaths');

/**
 * Every DialogContext botbuilder-dialogs (4.23) makes sets `turn.activity` through its DialogStateManager
 * (a turn makes about ten), and every read or write of memory parses its path anew: the path resolvers
 * run over it, it is split character by character (twice: once more to look for watched paths, after
 * reading `dialog._tracker.paths`, parsed as well), and the scope is looked for by comparing lower-cased
 * names. That was about 40 µs and 16 KB of strings a turn, always for the same dozen paths.
 *
 * What a path without brackets parses to depends on its characters alone (a bracket may hold a nested
 * path, read from memory at the time: those are parsed every time, as before); how the shared
 * configuration's resolvers transform a path, and which of its scopes a name finds, depend on the name
 * alone (the configuration is made once, shareDialogMemory). So each is worked out once and remembered
 * (a copy of the segments is handed out, as a fresh parse would be); a DialogStateManager on another
 * configuration (a turn that brings its own) is served as before. A path that fails to parse still throws
 * every time. Idempotent; returns false (and changes nothing) when the class does not look as expected.
 */
export function rememberDialogMemoryPaths(): boolean {
  const proto = DialogStateManager.prototype as unknown as PathMethods;
  if (proto[REMEMBERS]) return true;
  const { parsePath, transformPath, getMemoryScope } = proto;
  if (typeof parsePath !== 'function' || typeof transformPath !== 'function' || typeof getMemoryScope !== 'function') return false;
  const parsed = new Map<string, PathSegments>();
  const transformed = new Map<string, string>();
  const scopes = new Map<string, MemoryScope | undefined>();
  const remember = <V>(map: Map<string, V>, key: string, value: V): V => {
    if (map.size < MAX_REMEMBERED_PATHS) map.set(key, value);
    return value;
  };
  proto.parsePath = function (path, allowNestedPaths = true) {
    if (typeof path !== 'string' || path.includes('[')) return parsePath.call(this, path, allowNestedPaths);
    const segments = parsed.get(path) ?? remember(parsed, path, parsePath.call(this, path, allowNestedPaths));
    return segments.slice();
  };
  proto.transformPath = function (path) {
    if (this.configuration !== shared || typeof path !== 'string') return transformPath.call(this, path);
    return transformed.get(path) ?? remember(transformed, path, transformPath.call(this, path));
  };
  proto.getMemoryScope = function (name) {
    if (this.configuration !== shared || typeof name !== 'string') return getMemoryScope.call(this, name);
    return scopes.has(name) ? scopes.get(name) : remember(scopes, name, getMemoryScope.call(this, name));
  };
  proto[REMEMBERS] = true;
  return true;
}

/** A dialog's event hooks, as botbuilder-dialogs calls them. */
type EventHooks = Record<'onDialogEvent' | 'onPreBubbleEvent' | 'onPostBubbleEvent', unknown>;

/**
 * botbuilder-dialogs (4.23) marks a turn as having dispatched `activityReceived` with a Symbol of its own
 * module on turnState; found once by letting a DialogContext with an empty stack dispatch it (synchronously,
 * before its first await), undefined when that does not work as expected.
 */
const activityReceivedKey: symbol | undefined = (() => {
  try {
    const turnState = new Map<unknown, unknown>();
    const context = { activity: { type: 'message' }, turnState } as unknown as TurnContext;
    const dc = new DialogContext(new DialogSet(), context, { dialogStack: [] });
    void dc.continueDialog().catch(() => undefined);
    const keys = [...turnState.keys()].filter((k): k is symbol => typeof k === 'symbol' && k.description === 'ActivityReceivedEmitted');
    return keys.length === 1 && turnState.get(keys[0]) === true ? keys[0] : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Whether no dialog in a set (and the sets of the containers in it, all the way down) does anything when an
 * event reaches it: its event hooks are botbuilder's base Dialog's and DialogContainer's (which bubble the
 * event on and react to `versionChanged` only) or among `inertHooks` (a prompt's own pre-bubble hook that
 * returns false).
 */
export function ignoresDialogEvents(set: DialogSet, inertHooks: readonly unknown[] = []): boolean {
  const base = Dialog.prototype as unknown as EventHooks;
  const container = DialogContainer.prototype as unknown as EventHooks;
  const inert = (dialog: Dialog): boolean => {
    const hooks = dialog as unknown as EventHooks;
    return (
      (hooks.onDialogEvent === base.onDialogEvent || hooks.onDialogEvent === container.onDialogEvent) &&
      (hooks.onPreBubbleEvent === base.onPreBubbleEvent || inertHooks.includes(hooks.onPreBubbleEvent)) &&
      (hooks.onPostBubbleEvent === base.onPostBubbleEvent || inertHooks.includes(hooks.onPostBubbleEvent))
    );
  };
  const seen = new Set<Dialog>();
  const walk = (dialogs: DialogSet): boolean =>
    dialogs.getDialogs().every((dialog) => {
      if (seen.has(dialog)) return true;
      seen.add(dialog);
      return inert(dialog) && (!(dialog instanceof DialogContainer) || walk(dialog.dialogs));
    });
  return walk(set);
}

/**
 * The first DialogContext.continueDialog of a turn dispatches `activityReceived` from the innermost active
 * dialog up to the root (so that a stock prompt may recognise an interruption): it makes a DialogContext
 * for each level of the stack on the way down, then passes the event through each level's onDialogEvent,
 * onPreBubbleEvent and onPostBubbleEvent on the way up — four async calls a level, about 50 µs and 30 KB a
 * turn for the filing dialogs' four or five levels. When no dialog of the set reacts to an event
 * (ignoresDialogEvents), the dispatch changes nothing and answers false: this marks it as done for the turn,
 * as continueDialog itself does before dispatching. Returns false when botbuilder's mark was not found.
 */
export function skipActivityReceived(context: TurnContext): boolean {
  if (activityReceivedKey === undefined) return false;
  context.turnState.set(activityReceivedKey, true);
  return true;
}
