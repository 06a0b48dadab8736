import { createRequire } from 'node:module';
import { ComponentRegistration, type TurnContext } from 'botbuilder';
import * as registrationImport from 'botbuilder-dialogs/lib/dialogsComponentRegistration.js';

/**
 * The CommonJS module's own exports object, which botbuilder-dialogs reads its class from. Imported statically
 * so that a bundle (npm start's) gives the copy of botbuilder-dialogs it carries — a require() at run time
 * would load, and patch, a second copy from node_modules. As an ES module (and in the bundle) the import's
 * default is that object; where the file is compiled to CommonJS (the tests' loader) require() gives it.
 */
const registrationModule = ((registrationImport as { default?: unknown }).default ??
  createRequire(import.meta.url)('botbuilder-dialogs/lib/dialogsComponentRegistration.js')) as Record<string, unknown>;
import { isComponentMemoryScopes, isComponentPathResolvers, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';

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
