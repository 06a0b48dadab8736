import { createRequire } from 'node:module';

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
  const require = createRequire(import.meta.url);
  let module: { DialogsComponentRegistration?: RegistrationClass };
  try {
    module = require('botbuilder-dialogs/lib/dialogsComponentRegistration.js') as typeof module;
  } catch {
    return false;
  }
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
