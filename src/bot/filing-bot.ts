import { ActivityHandler, ActivityTypes, HandoffEventNames, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import { resolveLocale, type Texts } from '../content/texts.js';
import type { DialogDeps } from '../../dialogs/dialog-deps.js';
import { FILING_STATE_VERSION, isNewerFilingState, newFilingState, upgradeFilingState, type FilingState } from '../../dialogs/filing-state.js';
import { CONTINUED_CONVERSATION_KEY, TURN_OUTCOME_KEY } from '../ops/turn-state-keys.js';
import { MAIN_DIALOG, MainDialog } from '../../dialogs/main-dialog.js';
import { FILING_FORM } from '../../dialogs/filing-form.js';
import { waitingPromptId } from '../../dialogs/form/waiting.js';
import { TurnKit } from '../../dialogs/turn-kit.js';
import { flushFunnel } from '../../dialogs/funnel.js';
import { maskTypedPhone, PERSONAL_DETAIL_FIELDS, personalAnswerMask } from '../../dialogs/personal-data.js';
import { maskResidentId } from '../domain/resident-id.js';
import { replaceIdAndPhoneNumbers } from '../ops/redact.js';
import { relayWhileHandedOff } from '../../dialogs/handoff-relay.js';
import { draftView } from '../../dialogs/handoff-draft.js';
import type { DraftView } from '../handoff/handoff.js';
import { ignoresDialogEvents, rememberDialogMemoryPaths, reuseDialogsComponentRegistration, shareDialogMemory, skipActivityReceived } from './dialog-setup.js';
import { QuestionPrompt } from '../../dialogs/form/question-prompt.js';

/**
 * Bump when the dialogs change shape (ids, steps): a stored dialog stack from another version is
 * dropped — the answers are kept — and the person is taken to their first unanswered question.
 */
export const DIALOGS_VERSION = 2;

/** turnState key: the person left the conversation (WeChat's unsubscribe): its state is forgotten, not saved. */
const FORGET_KEY = Symbol('filing-bot.forget');

/** A person who comes back after this long gets a one-line recap before the next question. */
const RECAP_AFTER_MS = 30 * 60 * 1000;

/** One answer of a filing under way, as the hotline console's side panel shows it (see FilingBot.answersOf). */
export interface AnswerRow {
  id: string;
  label: string | undefined;
  value: string;
  /** For a choice, which one (its key: agree, PLANNING, yes), whatever its words in either language: decisions go by it, not by `value`. */
  choice?: string;
  editable: boolean;
}

interface TurnMeta {
  dialogsVersion: number;
  lastSeen: number;
}

/** Told after each successful turn which question the filing now waits at (undefined: no filing under way). */
export interface TurnEndWatcher {
  afterTurn(conversation: string, step: string | undefined): Promise<void>;
}

export type BotDeps = Omit<DialogDeps, 'filingState'> & { waitingWatch?: TurnEndWatcher };

/**
 * The bot: runs the main dialog for every message, greets new members, and keeps the persisted state
 * safe across deploys (versioned) and long pauses (a recap). Channel-agnostic: every adapter calls run().
 */
export class FilingBot extends ActivityHandler {
  /**
   * The fields of a conversation's stored state that hold personal data (the answers in the `filing`
   * property), as dotted paths from the stored item: the state store keeps them sealed (SealedStorage).
   */
  static readonly sealedStateFields: readonly string[] = PERSONAL_DETAIL_FIELDS.map((field) => `filing.details.${field}`);

  readonly filingState: StatePropertyAccessor<FilingState>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly meta: StatePropertyAccessor<TurnMeta>;
  private readonly dialogs: DialogSet;
  /** No dialog reacts to an event on its way up (the dispatch of `activityReceived` is skipped): see dialog-setup. */
  private readonly eventsIgnored: boolean;
  private readonly deps: DialogDeps;
  private readonly waitingWatch: TurnEndWatcher | undefined;

  constructor(
    private readonly conversationState: ConversationState,
    deps: BotDeps,
    private readonly now: () => number = Date.now,
  ) {
    super();
    reuseDialogsComponentRegistration();
    rememberDialogMemoryPaths();
    this.filingState = conversationState.createProperty<FilingState>('filing');
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.meta = conversationState.createProperty<TurnMeta>('meta');
    const { waitingWatch, ...dialogDeps } = deps;
    this.waitingWatch = waitingWatch;
    this.deps = { ...dialogDeps, filingState: this.filingState };
    this.dialogs = new DialogSet(this.dialogState).add(new MainDialog(this.deps));
    // The question prompt's pre-bubble hook answers false (the dialogs above read the answer first).
    this.eventsIgnored = ignoresDialogEvents(this.dialogs, [(QuestionPrompt.prototype as unknown as { onPreBubbleEvent: unknown }).onPreBubbleEvent]);

    this.onMembersAdded(async (context, next) => {
      const others = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient?.id);
      if (others.length > 0) {
        const kit = await TurnKit.load(context, this.deps);
        if (!kit.state.active && waitingPromptId(await this.dialogState.get(context)) !== undefined) {
          // Opened again where no filing is under way (the menu, after a submission): that question again, no second welcome.
          await this.reprompt(context);
        } else if (!kit.state.active) {
          // A guided call opens with what the agent says to the caller (the chat's welcome names typed commands).
          await kit.say(kit.t(kit.capabilities.spoken ? 'spoken.opening' : 'messages.welcome'));
          await this.runDialogs(context);
        } else {
          // The chat was opened again mid-filing: say where we are and ask the waiting question again.
          await kit.say(this.welcomeBack(kit, waitingPromptId(await this.dialogState.get(context))));
          await this.reprompt(context);
        }
      }
      await next();
    });
    this.onMessage(this.#onMessage);
    // An organisation's own agent hub says how the handoff goes (Bot Framework handoff protocol): done, the assistant carries on.
    this.onEvent(async (context, next) => {
      if (context.activity.name === HandoffEventNames.HandoffStatus && this.deps.handoff) {
        if ((await this.deps.handoff.hubStatus(context)) === 'resume') await this.resume(context, undefined);
      }
      await next();
    });
    // The person themselves left a one-to-one conversation (unfollowed the WeChat account): forget it.
    this.onMembersRemoved(async (context, next) => {
      const { from, conversation } = context.activity;
      if (!conversation?.isGroup && (context.activity.membersRemoved ?? []).some((m) => m.id === from?.id)) context.turnState.set(FORGET_KEY, true);
      await next();
    });
  }

  /** A message: handed off to a person, the message is theirs (or the word that leaves the queue); otherwise the dialogs. */
  readonly #onMessage = async (context: TurnContext, next: () => Promise<void>): Promise<void> => {
    const relay = await relayWhileHandedOff(context, this.deps, this.incomingTextMask(context));
    if (relay === 'left') await this.resume(context, undefined);
    else if (relay === 'none') await this.runDialogs(context);
    await next();
  };

  /**
   * ActivityHandler's dispatch of the turn (run, onTurnActivity, the Turn handlers, the type's handlers,
   * then the Dialog handlers: each an async step of its own, about a dozen generators and promises a
   * message), taken straight to the message handler when it is the only handler on that path (nothing was
   * registered with onTurn, onDialog or a second onMessage) and the dispatch is botbuilder's own (no
   * subclass or patch replaced a method on that path: see dispatchesAsBotbuilder): what runs, and in what
   * order, is the same.
   */
  #dispatch(context: TurnContext): Promise<void> {
    const { Turn, Message, Dialog } = this.handlers;
    const direct =
      context?.activity?.type === ActivityTypes.Message &&
      !Turn?.length &&
      !Dialog?.length &&
      Message?.length === 1 &&
      Message[0] === this.#onMessage &&
      dispatchesAsBotbuilder(this);
    return direct ? this.#onMessage(context, nothingNext) : super.run(context);
  }

  get texts(): Texts {
    return this.deps.texts;
  }

  /**
   * Runs one turn and saves the state only when the turn succeeded: after a failure the stored state
   * is the one from before the turn, so the person's retry of the same message repeats the same step
   * (a repeated submit finds the same idempotency key and the same filing).
   */
  override async run(context: TurnContext): Promise<void> {
    if (await this.writtenByNewerVersion(context)) {
      // A rolling deploy: a newer instance already handled this conversation. Touch nothing (an older
      // reading would drop what it does not know) and ask for the message again; the next one will
      // most likely land on a new instance.
      context.turnState.set(TURN_OUTCOME_KEY, 'busy');
      if (context.activity.type === 'message') {
        const locale = await this.localeOf(context);
        await context.sendActivity({ type: 'message', text: this.deps.texts.t(locale, 'system.shuttingDown'), locale, channelData: { system: 'newerVersion' } });
      }
      return;
    }
    const wasFiling = (await this.filingState.get(context))?.active === true;
    await this.#dispatch(context);
    if (context.turnState.get(FORGET_KEY) === true) {
      // Everything the conversation kept (answers, dialog stack) is deleted; a filing under way stops waiting.
      await this.conversationState.delete(context);
      if (wasFiling) await this.waitingWatch?.afterTurn(`${context.activity.channelId}:${context.activity.conversation?.id}`, undefined);
      return;
    }
    await this.conversationState.saveChanges(context, false);
    // Counted only now that the turn's state is saved: a failed turn, retried, counts its steps once.
    flushFunnel(context, this.deps.funnel);
    await this.noteWhereItWaits(context, wasFiling);
  }

  /**
   * Tells the waiting watch the question a filing under way now waits at, or that a filing just ended.
   * Turns outside a filing (the menu, the FAQ) have nothing to tell, and cost no store call.
   */
  private async noteWhereItWaits(context: TurnContext, wasFiling: boolean): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (!this.waitingWatch || !conversationId) return;
    const filing = await this.filingState.get(context);
    const step = filing?.active ? waitingPromptId(await this.dialogState.get(context)) : undefined;
    if (step === undefined && !wasFiling) return;
    await this.waitingWatch.afterTurn(`${context.activity.channelId}:${conversationId}`, step);
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const lost = await this.stateWasLost(context);
    const { state: filing, migrated } = upgradeFilingState(await this.filingState.get(context));
    await this.filingState.set(context, filing);
    const meta = await this.meta.get(context, { dialogsVersion: DIALOGS_VERSION, lastSeen: this.now() });
    const kit = await TurnKit.load(context, this.deps);
    // Said before anything else: otherwise a person halfway through a filing would land on the menu silently.
    if (lost) await kit.say(kit.t('system.stateLost'), { system: 'stateLost' });

    if (migrated || meta.dialogsVersion !== DIALOGS_VERSION) {
      await this.dialogState.delete(context);
      if (filing.active) await kit.say(kit.t('messages.serviceUpdated'));
    } else if (filing.active && this.now() - meta.lastSeen > RECAP_AFTER_MS) {
      await kit.say(this.welcomeBack(kit, waitingPromptId(await this.dialogState.get(context))));
      await this.dialogState.delete(context);
    }
    await this.meta.set(context, { dialogsVersion: DIALOGS_VERSION, lastSeen: this.now() });
    filing.v = FILING_STATE_VERSION;

    const dc = await this.dialogContext(context);
    let result;
    try {
      result = await dc.continueDialog();
    } catch (error) {
      if (!isStaleDialogStack(error)) throw error;
      // A stack written by other dialogs: keep the answers, start again from the state.
      await this.dialogState.delete(context);
      await kit.say(kit.t('messages.serviceUpdated'));
      const fresh = await this.dialogContext(context);
      await fresh.beginDialog(MAIN_DIALOG);
      return;
    }
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(MAIN_DIALOG);
  }

  /**
   * The assistant takes the conversation back from a person (handed back, finished, or the person left the
   * queue): at the question the agent chose, opened again with its answer offered, or else where it waited
   * (the first unanswered question, or the menu). Saves the state: it may run outside run() (the desk's turn).
   */
  async resume(context: TurnContext, at: string | undefined, { keepHandoff = false }: { keepHandoff?: boolean } = {}): Promise<void> {
    const kit = await TurnKit.load(context, this.deps);
    // Kept while the agent fills the form in for the person: only the question is asked again.
    if (!keepHandoff) delete kit.state.handoff;
    const question = at ? FILING_FORM.byId(at) : undefined;
    if (question && question.applies(kit.q) && FILING_FORM.isAnswered(question, kit.q)) FILING_FORM.reopen(question, kit.q);
    const dc = await this.dialogContext(context);
    try {
      await dc.cancelAllDialogs();
    } catch (error) {
      if (!isStaleDialogStack(error)) throw error;
      await this.dialogState.delete(context);
    }
    await (await this.dialogContext(context)).beginDialog(MAIN_DIALOG, { handled: true });
    await this.conversationState.saveChanges(context, false);
  }

  /** The draft filing as the handoff console shows it (where it waits, the category, the answers masked). */
  async draftOf(context: TurnContext): Promise<DraftView> {
    const kit = await TurnKit.load(context, this.deps);
    return draftView(kit, waitingPromptId(await this.dialogState.get(context)));
  }

  /** The turn's root DialogContext, on the process's shared dialog memory configuration (src/bot/dialog-setup.ts). */
  private dialogContext(context: TurnContext): Promise<DialogContext> {
    shareDialogMemory(context);
    if (this.eventsIgnored) skipActivityReceived(context);
    return this.dialogs.createContext(context);
  }

  /** Asks the question the conversation waits at again (or starts the dialogs when none waits). */
  private async reprompt(context: TurnContext): Promise<void> {
    const dc = await this.dialogContext(context);
    try {
      if (dc.activeDialog) return await dc.repromptDialog();
    } catch (error) {
      if (!isStaleDialogStack(error)) throw error;
      await this.dialogState.delete(context);
    }
    await this.runDialogs(context);
  }

  /**
   * A message in a conversation its channel knows was under way (CONTINUED_CONVERSATION_KEY), yet no
   * state at all: the store lost it (a Redis without persistence restarted, or evicted the keys).
   */
  private async stateWasLost(context: TurnContext): Promise<boolean> {
    if (context.activity.type !== 'message' || context.turnState.get(CONTINUED_CONVERSATION_KEY) !== true) return false;
    return (await this.meta.get(context)) === undefined;
  }

  /**
   * The line that carries on a filing: how many answers, the last named one, and the question waiting
   * (labels.<promptId>) — never "from the beginning" while a question of the filing waits. On a guided call
   * the agent's words (spoken.welcomeBack).
   */
  private welcomeBack(kit: TurnKit, waiting: string | undefined): string {
    return kit.t(kit.capabilities.spoken ? 'spoken.welcomeBack' : 'messages.welcomeBack', { recap: this.recap(kit, waiting) });
  }

  private recap(kit: TurnKit, waiting: string | undefined): string {
    const answered = FILING_FORM.answered(kit.q);
    // The last answer that has a name (the consent and the description have none).
    const last = answered.filter((q) => kit.has(`labels.${q.id}`)).at(-1);
    const next = waiting !== undefined && kit.has(`labels.${waiting}`) ? kit.t(`labels.${waiting}`) : undefined;
    if (last && next) return kit.t('messages.recapAndWaiting', { count: answered.length, last: kit.t(`labels.${last.id}`), waiting: next });
    if (last) return kit.t('messages.recap', { count: answered.length, last: kit.t(`labels.${last.id}`) });
    return next ? kit.t('messages.recapWaiting', { waiting: next }) : kit.t('messages.recapNone');
  }

  private async writtenByNewerVersion(context: TurnContext): Promise<boolean> {
    const meta = await this.meta.get(context);
    return isNewerFilingState(await this.filingState.get(context)) || (meta !== undefined && meta.dialogsVersion > DIALOGS_VERSION);
  }

  /**
   * How a channel that keeps a transcript (the web page replays it on every reload) is to store the
   * person's message of this turn, once the turn has run: an answer to a personal question masked as
   * such (a name, an address), and resident ID and mobile numbers masked wherever they appear.
   */
  incomingTextMask(context: TurnContext): (text: string) => string {
    const personal = personalAnswerMask(context);
    return (text) => replaceIdAndPhoneNumbers(personal ? personal(text) : text, maskResidentId, maskTypedPhone);
  }

  /**
   * Every answer of the filing under way, in the order the form asks them, as the person's summary shows it
   * (an ID number and phones masked, names in full) and whether it can be changed (an activity with value
   * `{ editField: <id> }` opens it, and the filing comes back to where it was): for the hotline console's
   * side panel, read after a turn. `label` is undefined for an answer without one (the consent); `choice` is the
   * choice's key for an answer that is a choice.
   */
  async answersOf(context: TurnContext): Promise<AnswerRow[]> {
    const kit = await TurnKit.load(context, this.deps);
    const c = kit.q;
    return FILING_FORM.answered(c).map((q) => {
      const value = q.get(c);
      const choice = q.recognizer.choiceOf?.(value);
      return {
        id: q.id,
        label: kit.has(`labels.${q.id}`) ? kit.t(`labels.${q.id}`) : undefined,
        value: q.review ? q.review(value, c) : q.show(value, c),
        ...(choice === undefined ? {} : { choice }),
        editable: q.editable,
      };
    });
  }

  /** Whether a filing is under way in this conversation (read after a turn): not before it begins, nor once it is submitted or ended. */
  async filingUnderWay(context: TurnContext): Promise<boolean> {
    return (await TurnKit.load(context, this.deps)).state.active;
  }

  /** The locale a reply goes out in, for code outside the dialogs (the error handler). */
  async localeOf(context: TurnContext): Promise<ReturnType<typeof resolveLocale>> {
    try {
      const state = (await this.filingState.get(context)) ?? newFilingState();
      return state.locale ?? resolveLocale(context.activity.locale);
    } catch {
      return resolveLocale(context.activity.locale);
    }
  }
}

/** The end of the message handler's chain when nothing follows it (what botbuilder's empty Dialog step does). */
const nothingNext = (): Promise<void> => Promise.resolve();

/** The methods ActivityHandler looks up on the bot as it dispatches a message (run → onTurnActivity → onMessageActivity → handle, defaultNextEvent). */
const DISPATCH_METHODS = ['onTurnActivity', 'onMessageActivity', 'defaultNextEvent', 'handle'] as const;
type DispatchMethods = Record<(typeof DISPATCH_METHODS)[number], unknown>;

/** Those methods as botbuilder ships them, taken when this module loads (before any later patch of the prototype). */
const BOTBUILDER_DISPATCH = Object.fromEntries(DISPATCH_METHODS.map((name) => [name, (ActivityHandler.prototype as unknown as DispatchMethods)[name]])) as DispatchMethods;

/**
 * True when a bot dispatches a message as botbuilder does: none of the methods on the message's path was
 * replaced (a subclass's override, one set on the instance, a patch of ActivityHandler's prototype), so
 * calling the one message handler directly runs exactly what botbuilder's dispatch would.
 */
function dispatchesAsBotbuilder(bot: ActivityHandler): boolean {
  const own = bot as unknown as DispatchMethods;
  for (const name of DISPATCH_METHODS) if (own[name] !== BOTBUILDER_DISPATCH[name]) return false;
  return true;
}

function isStaleDialogStack(error: unknown): boolean {
  return error instanceof Error && /A dialog with an id of '.*' wasn't found|Can't find a dialog with an id/.test(error.message);
}
