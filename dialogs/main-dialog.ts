import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, Dialog, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { LOCALES, type Texts } from '../src/content/texts.js';
import type { Intent, IntentReading } from '../src/nlu/understanding.js';
import { ASKINGS, CONFIRM, FAQ_LIST, FAQ_MENU, FAQ_MORE, FAQ_TOPIC, MENU, START_OVER, UNDERSTOOD } from './conversation-askings.js';
import type { DialogDeps } from './dialog-deps.js';
import { FILING_DIALOG, FilingDialog } from './filing-dialog.js';
import { FILING_FORM } from './filing-form.js';
import { newFilingState } from './filing-state.js';
import { openingSaidBack, questionWithFiling, readOpening } from './opening-facts.js';
import { keepOpeningFacts } from './situation-questions.js';
import { recordReading } from './funnel.js';
import { isTaken, normalizeAnswer } from './form/recognition.js';
import { choiceLabel, exactChoice } from './form/recognizers.js';
import { asked, QuestionPrompt } from './form/question-prompt.js';
import { waitingPrompt, type WaitingPrompt } from './form/waiting.js';
import { keepEarlierAnswer } from './questions-dialog.js';
import { emergencyAdvice, emergencyLines } from './outcome-dialog.js';
import { emergencyApplies } from '../src/domain/classify.js';
import { openForEdit } from './review-dialog.js';
import { clearFiling, hasAnswersToLose } from './start-over.js';
import { filingHost, TurnKit } from './turn-kit.js';
import { CancelFilingDialog } from './lifecycle/cancel-filing-dialog.js';
import { ChangeFilingDialog } from './lifecycle/change-filing-dialog.js';
import { CheckFilingDialog } from './lifecycle/check-filing-dialog.js';
import { isLifecyclePrompt } from './lifecycle/lifecycle-askings.js';
import { lifecycleContext } from './lifecycle/lifecycle-host.js';
import { lifecycleRequest, type LifecycleRequest } from './lifecycle/lifecycle-request.js';
import { turnIntentReader } from './form/turn-intents.js';
import { askForPerson } from './handoff-request.js';
import { asksReceiptBySms, menuAfterSubmit, textReceipt } from './lifecycle/receipt-by-sms.js';

export const MAIN_DIALOG = 'main';
const START_OVER_DIALOG = `${MAIN_DIALOG}.startOver`;
const FAQ_DIALOG = 'faq';

/** The commands understood at any question, typed or as a button. */
export const COMMANDS = ['help', 'back', 'cancel', 'human', 'language', 'emergency', 'keep'] as const;
export type Command = (typeof COMMANDS)[number];

/**
 * The command an intent told in free words is. The FAQ is answered where it is asked; checking, cancelling
 * and changing a filing (or a bare reference) start their dialogs (dialogs/lifecycle/) over what is asked.
 */
const COMMAND_OF_INTENT: Partial<Record<Intent, Command>> = {
  emergency: 'emergency',
  human: 'human',
  help: 'help',
  back: 'back',
  restart: 'cancel',
  language: 'language',
  keep: 'keep',
};

/** A bare "?" is all punctuation: compared as typed (folded to half-width), not normalised away. */
const foldCommandWord = (word: string) => normalizeAnswer(word) || word.normalize('NFKC').trim();

/** A command word: its command, and the languages whose words for that command list it. */
interface CommandWord {
  command: Command;
  locales: Array<(typeof LOCALES)[number]>;
}

/** Every command's label and words in both languages, folded, made once per Texts (asked on every message). */
const commandWords = new WeakMap<Texts, Map<string, CommandWord>>();

function commandsOf(texts: Texts): Map<string, CommandWord> {
  let words = commandWords.get(texts);
  if (!words) {
    words = new Map();
    // In the order of COMMANDS: a word listed for two commands goes to the first, as before.
    for (const command of COMMANDS) {
      for (const locale of LOCALES) {
        for (const word of [texts.t(locale, `commands.${command}.label`), ...texts.list(locale, `commands.${command}.words`)]) {
          const folded = foldCommandWord(word);
          if (!folded) continue;
          const known = words.get(folded);
          if (!known) words.set(folded, { command, locales: [locale] });
          else if (known.command === command && !known.locales.includes(locale)) known.locales.push(locale);
        }
      }
    }
    commandWords.set(texts, words);
  }
  return words;
}

/** The command word the text is, if any. */
function commandWordOf(kit: TurnKit, text: string): CommandWord | undefined {
  const said = foldCommandWord(text);
  return said ? commandsOf(kit.deps.texts).get(said) : undefined;
}

export function recogniseCommand(kit: TurnKit, text: string): Command | undefined {
  return commandWordOf(kit, text)?.command;
}

/** The language a language command's words switch to: away from the language whose commands list them. */
function languageCommandTarget(kit: TurnKit, text: string): (typeof LOCALES)[number] | undefined {
  const word = commandWordOf(kit, text);
  if (word?.command !== 'language' || word.locales.length !== 1) return undefined;
  return LOCALES.find((locale) => locale !== word.locales[0]);
}

/** "Submit" (and not a menu choice) typed after the filing went in. */
function isSubmit(kit: TurnKit, text: string): boolean {
  const texts = kit.deps.texts;
  return exactChoice(text, CONFIRM.id, ['submit', 'edit', 'restart'], texts) === 'submit' && exactChoice(text, MENU.id, ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN'], texts) === undefined;
}

/** Readings that make the words an answer to the question waiting (an intent does not take them). */
const ANSWER_READINGS = new Set(['understood', 'confirm', 'close']);

/** Asked again from the state after a language switch (the stage shows what comes with it: the summary, the consequences). */
const drivenByState = (promptId: string) => FILING_FORM.byId(promptId) !== undefined || [MENU.id, UNDERSTOOD.id, CONFIRM.id].includes(promptId);

/**
 * The root: welcome and main menu (start a filing, emergency advice, questions, a person), and what a
 * person may want at any question — help, back, start over, talk to a person, switch language, emergency
 * advice, keep an earlier answer, a common question — typed as a command word or said in their own words.
 * An answer is never taken for an interruption: the question waiting reads the text first.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(new QuestionPrompt(ASKINGS, filingHost(deps)));
    this.addDialog(new FilingDialog(deps));
    this.addDialog(new FaqDialog(deps));
    this.addDialog(new CheckFilingDialog(deps));
    this.addDialog(new CancelFilingDialog(deps));
    this.addDialog(new ChangeFilingDialog(deps));
    this.addDialog(new WaterfallDialog(`${MAIN_DIALOG}.steps`, [this.menu.bind(this), this.route.bind(this), this.again.bind(this)]));
    this.addDialog(new WaterfallDialog(START_OVER_DIALOG, [this.confirmStartOver.bind(this), this.startOverOrCarryOn.bind(this)]));
    this.initialDialogId = `${MAIN_DIALOG}.steps`;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const handled = await this.interrupt(innerDc);
    return handled ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(dc: DialogContext): Promise<DialogTurnResult | undefined> {
    const activity = dc.context.activity;
    if (activity.type !== ActivityTypes.Message) return undefined;
    const kit = await TurnKit.load(dc.context, this.deps);
    const editField = (activity.value as { editField?: unknown } | undefined)?.editField;
    if (typeof editField === 'string') {
      if (openForEdit(kit, editField)) return this.restart(dc);
      if (!kit.state.active && kit.state.submitted) {
        // An edit button of an old summary card, after the filing went in: it cannot be changed here.
        const { reference } = kit.state.submitted;
        await kit.say(kit.t('errors.EDIT_AFTER_SUBMIT', { reference }), { error: 'EDIT_AFTER_SUBMIT', reference });
        return this.restart(dc);
      }
      await kit.say(kit.t('errors.EDIT_NOT_AVAILABLE'), { error: 'EDIT_NOT_AVAILABLE' });
      return this.askAgain(dc);
    }
    const text = activity.text ?? '';
    if (!kit.state.active && kit.state.submitted && isSubmit(kit, text)) {
      // "Submit" again after the filing went in (a double click, a resent message): the same filing, told again.
      const filing = kit.state.submitted;
      await kit.say(kit.t('messages.alreadySubmitted', { reference: filing.reference }), { filing, repeated: true });
      return this.restart(dc);
    }
    if (!kit.state.active && kit.state.submitted && asksReceiptBySms(kit, text)) {
      // The reference by SMS, offered on the menu after submitting.
      await textReceipt(kit);
      return this.restart(dc);
    }
    const waiting = waitingPrompt(dc);
    const reading = waiting ? (await waiting.prompt.read(dc.context, waiting.state, waiting.options)).recognition : undefined;
    // A button, a number or a choice's own words answer the question, even when they are a command word too (急诊 at "what is happening now").
    if (reading?.status === 'exact') return undefined;
    const command = recogniseCommand(kit, text);
    if (command) return this.command(dc, kit, command, waiting);
    // 查询备案 / 取消备案 / 变更备案, or a bare reference, at any question (not over their own questions): that dialog, then the question again.
    const intentOf = turnIntentReader(dc.context, this.deps.understanding, kit.locale);
    const request = isLifecyclePrompt(waiting?.options.promptId) ? undefined : lifecycleRequest(text, (t) => intentOf(t)?.intent, kit.deps.texts);
    if (request && (request.exact || !(reading && ANSWER_READINGS.has(reading.status)))) return dc.beginDialog(request.dialog, request.options);
    const intent = intentOf(text);
    if (!intent || waiting?.prompt.askingOf(waiting.options.promptId).answersIntents?.includes(intent.intent)) return undefined;
    // A reading of the words as an answer (taken, to confirm, or close) is not stolen by an intent, except
    // an emergency: care comes first. Only words that answer nothing, or free text, give way. A common
    // question that also answers ("已经住院了，现在备案还来得及吗" at "what is happening now") gets its answer first.
    if (reading && ANSWER_READINGS.has(reading.status) && intent.intent !== 'emergency') {
      if (intent.intent === 'faq') await this.sayFaq(kit, intent);
      return undefined;
    }
    if (intent.intent === 'faq') return this.answerFaq(dc, kit, intent);
    // A hello or a thank-you: answered kindly, the question asked again (not counted as a failed answer).
    if (intent.intent === 'greeting' || intent.intent === 'thanks') {
      // At the menu nothing is under way: a hello is welcomed with what the bot can do, not "let's carry on";
      // a thank-you ("没有了 谢谢" after submitting) is answered with a kind closing.
      const atMenu = waiting?.options.promptId === MENU.id;
      const words = atMenu ? (intent.intent === 'greeting' ? 'greetingAtStart' : 'thanksAtMenu') : intent.intent;
      await kit.say(kit.t(`messages.smallTalk.${words}`), { smallTalk: intent.intent });
      return this.askAgain(dc);
    }
    const asCommand = COMMAND_OF_INTENT[intent.intent];
    return asCommand ? this.command(dc, kit, asCommand, waiting, intent) : undefined;
  }

  private async command(dc: DialogContext, kit: TurnKit, command: Command, waiting: WaitingPrompt | undefined, intent?: IntentReading): Promise<DialogTurnResult | undefined> {
    const asking = waiting?.options.promptId;
    // Back or start over at a question of checking, cancelling or changing a filing leaves that, not the filing under way.
    if ((command === 'back' || command === 'cancel') && isLifecyclePrompt(asking)) {
      delete kit.state.lifecycle;
      await kit.say(kit.t('lifecycle.left'), { lifecycle: 'left' });
      return dc.endDialog();
    }
    switch (command) {
      case 'help': {
        const own = waiting ? waiting.prompt.askingOf(asking!) : undefined;
        // A question about a filing being changed is helped under that filing's profile (its institutions' limits).
        const params = { ...(own?.params?.(isLifecyclePrompt(asking) ? lifecycleContext(kit, this.deps) : kit.q) ?? {}), ...(waiting?.options.params ?? {}) };
        const help = asking && kit.has(`prompts.${asking}.help`) ? kit.t(`prompts.${asking}.help`, params) : kit.t('messages.generalHelp');
        const example = asking && kit.has(`prompts.${asking}.example`) ? `\n${kit.t('messages.example', { example: kit.t(`prompts.${asking}.example`, params) }).trim()}` : '';
        await kit.say(help + example, { help: asking ?? 'general' });
        return this.askAgain(dc);
      }
      case 'back': {
        const last = kit.state.history.at(-1);
        if (last && last === kit.state.saidBack) recordReading(dc.context, last, 'undone');
        if (last === UNDERSTOOD.id) {
          // Back across the outcome: its consequences are shown again, to accept (or compare) once more.
          kit.state.previous[last] = choiceLabel(kit.deps.texts, kit.locale, last, 'accept');
          delete kit.state.acceptedCategory;
          kit.state.history = kit.state.history.slice(0, -1);
          delete kit.state.editing;
          return this.restart(dc);
        }
        const question = last ? FILING_FORM.byId(last) : undefined;
        if (!question) {
          await kit.say(kit.t('messages.nothingToGoBackTo'));
          return this.restart(dc);
        }
        // Asked again with the earlier answer offered; the answer itself is kept until a new valid one arrives.
        FILING_FORM.reopen(question, kit.q);
        delete kit.state.editing;
        return this.restart(dc);
      }
      case 'keep': {
        // Keep the earlier answer of a question opened again (back, edit) and move on.
        if (!asking || !FILING_FORM.isReopened(asking, kit.q)) return undefined;
        await keepEarlierAnswer({ c: kit.q, voice: kit }, asking);
        return this.restart(dc);
      }
      case 'emergency': {
        // Where an emergency is the answer (the menu, "what is happening now"), the question takes it.
        if (waiting?.prompt.askingOf(asking!).answersIntents?.includes('emergency')) return undefined;
        // On a guided call the agent reads it to the caller, who speaks rather than types (spoken.emergencyThen).
        await sayEmergency(kit, [kit.t(kit.capabilities.spoken ? 'spoken.emergencyThen' : 'commands.emergency.then')]);
        return this.askAgain(dc);
      }
      case 'cancel': {
        // A filing with answers asks first; asked to start over while confirming, the person meant it.
        if (hasAnswersToLose(kit) && asking !== START_OVER.id) return dc.beginDialog(START_OVER_DIALOG, { where: asking ?? 'unknown' });
        await clearFiling(kit, asking ?? 'unknown');
        await dc.cancelAllDialogs();
        return dc.beginDialog(`${MAIN_DIALOG}.steps`, { fresh: true });
      }
      case 'human':
        // In the queue, the question waits (unasked) until the person is handed back or leaves.
        if (await askForPerson(kit, intent ? 'words' : 'command', asking)) return Dialog.EndOfTurn;
        return this.askAgain(dc);
      case 'language': {
        this.switchLanguage(kit, intent);
        await kit.say(kit.t('messages.languageSwitched'));
        // The question waiting, in the new language: a question of the filing from the state (with what its
        // stage shows before it), any other as it was asked.
        return !asking || drivenByState(asking) ? this.restart(dc) : this.askAgain(dc);
      }
    }
  }

  private switchLanguage(kit: TurnKit, intent?: IntentReading): void {
    const other = kit.locale === 'en-US' ? 'zh-CN' : 'en-US';
    // A command word names where it goes ("English" is a word of zh-CN's to leave it), and so do words the
    // understanding reads ("I want English"): that language, even the one already spoken (a WeChat person who
    // wrote English first and types "English"); else the other one.
    const named = intent ? intent.locale : languageCommandTarget(kit, kit.context.activity.text ?? '');
    kit.state.locale = named ?? other;
    // An outcome still being decided on is told again in the new language; a settled one is not.
    if (!kit.state.acceptedCategory) delete kit.state.announced;
  }

  /** A common question asked in words at any question: its answer, then the question waiting again. */
  private async answerFaq(dc: DialogContext, kit: TurnKit, intent: IntentReading): Promise<DialogTurnResult | undefined> {
    if (!(await this.sayFaq(kit, intent))) return undefined;
    return this.askAgain(dc);
  }

  /** The answer of a common question's topic, when it is one of the FAQ's; whether it was said. */
  private async sayFaq(kit: TurnKit, intent: IntentReading): Promise<boolean> {
    if (!intent.topic || !kit.deps.texts.list(kit.locale, 'faq.topics').includes(intent.topic)) return false;
    await sayFaqAnswer(kit, intent.topic);
    return true;
  }

  /** Asks the question being asked once more, as it was (also one that is not driven by the state, like the field to edit). */
  private async askAgain(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  /**
   * Starts over from the state: the person lands on the first unanswered question (or the menu). The
   * message of this turn was handled already (a command, an edit): the menu does not read it again.
   */
  private async restart(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.cancelAllDialogs();
    return dc.beginDialog(`${MAIN_DIALOG}.steps`, { handled: true });
  }

  /** "This clears everything you entered: start over?" — pushed over the question being asked. */
  private async confirmStartOver(step: WaterfallStepContext): Promise<DialogTurnResult> {
    (step.values as Record<string, unknown>).where = (step.options as { where?: string } | undefined)?.where ?? 'unknown';
    return step.prompt(QuestionPrompt.ID, asked({ promptId: START_OVER.id }));
  }

  private async startOverOrCarryOn(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (step.result === true) {
      await clearFiling(kit, String((step.values as Record<string, unknown>).where));
      await step.cancelAllDialogs();
      return step.beginDialog(`${MAIN_DIALOG}.steps`, { fresh: true });
    }
    // Carry on: the question the person was at, from the state, with nothing lost.
    await step.cancelAllDialogs();
    return step.beginDialog(`${MAIN_DIALOG}.steps`, { handled: true });
  }

  private async menu(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (kit.state.active) return step.next('FILE');
    const text = step.context.activity.type === ActivityTypes.Message ? (step.context.activity.text ?? '') : '';
    const fresh = (step.options as { fresh?: boolean } | undefined)?.fresh === true;
    // (Read once: "English" at the menu, already switched by the command, would switch back here.)
    const handled = (step.options as { handled?: boolean } | undefined)?.handled === true;
    if (text && !fresh && !handled) {
      // The first words may already say what the person wants: a menu choice (an emergency told in words
      // goes straight to the advice), a common question, the other language, help.
      const intentOf = turnIntentReader(step.context, this.deps.understanding, kit.locale);
      const request = lifecycleRequest(text, (t) => intentOf(t)?.intent, kit.deps.texts);
      if (request?.exact) return step.next(request);
      const chosen = this.menuChoice(kit, text);
      if (chosen) return step.next(chosen);
      if (request) return step.next(request);
      await this.firstWords(kit, text, intentOf);
    }
    // Greeted once: the menu after an answer, an outcome or a submission only asks what else; right after the welcome it does not greet again.
    const variant = fresh ? 'again' : step.context.activity.type !== ActivityTypes.Message ? 'afterWelcome' : undefined;
    // Right after a submission, "anything else?" also offers the reference by SMS.
    const afterSubmit = (step.options as { afterSubmit?: boolean } | undefined)?.afterSubmit === true ? await menuAfterSubmit(kit, MENU.id) : undefined;
    if (afterSubmit) return step.prompt(QuestionPrompt.ID, asked({ promptId: MENU.id, ...afterSubmit }));
    return step.prompt(QuestionPrompt.ID, asked({ promptId: MENU.id, ...(variant ? { textKey: `prompts.${MENU.id}.${variant}` } : {}) }));
  }

  /** The menu choice the words name (exactly, or read with confidence), if any. */
  private menuChoice(kit: TurnKit, text: string): string | undefined {
    const read = MENU.recognizer.recognize(text, { id: MENU.id, c: kit.q, understanding: this.deps.understanding, intentOf: turnIntentReader(kit.context, this.deps.understanding, kit.locale) });
    return isTaken(read) ? read.value : undefined;
  }

  /** First words that are not a menu choice: a common question is answered, the language switched, help given — then the menu. */
  private async firstWords(kit: TurnKit, text: string, intentOf: (text: string) => IntentReading | undefined): Promise<void> {
    const command = recogniseCommand(kit, text);
    const intent = command ? undefined : intentOf(text);
    if (intent?.intent === 'faq' && intent.topic && kit.deps.texts.list(kit.locale, 'faq.topics').includes(intent.topic)) await sayFaqAnswer(kit, intent.topic);
    else if (command === 'language' || intent?.intent === 'language') {
      this.switchLanguage(kit, intent);
      await kit.say(kit.t('messages.languageSwitched'));
    } else if (command === 'help' || intent?.intent === 'help') await kit.say(kit.t('messages.generalHelp'), { help: 'general' });
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (typeof step.result === 'object' && step.result !== null) {
      const request = step.result as LifecycleRequest;
      return step.beginDialog(request.dialog, request.options);
    }
    switch (step.result) {
      case 'FILE':
        if (!kit.state.active) {
          Object.assign(kit.state, newFilingState(kit.state.locale));
          await this.answerQuestionAlongside(step, kit);
          await this.takeOpeningAnswers(step, kit);
        }
        return step.beginDialog(FILING_DIALOG);
      case 'EMERGENCY':
        await sayEmergency(kit);
        return step.next();
      case 'FAQ':
        return step.beginDialog(FAQ_DIALOG);
      default:
        if (await askForPerson(kit, 'menu', undefined)) return Dialog.EndOfTurn;
        return step.next();
    }
  }

  /**
   * The words that started the filing ("我想给我妈办个异地就医备案", "我在日照参保，想去上海看病，帮我办备案") answer
   * who files and the places where they state them (dialogs/opening-facts.ts): said back in one message, then skipped.
   * A place they name by a name several places share ("going to Yiwu") is asked with those places to choose from.
   */
  private async takeOpeningAnswers(step: WaterfallStepContext, kit: TurnKit): Promise<void> {
    const activity = step.context.activity;
    if (activity.type !== ActivityTypes.Message || !activity.text) return;
    const c = kit.q;
    const { answers, offers } = readOpening(activity.text, c, this.deps.understanding);
    for (const answer of answers) {
      FILING_FORM.byId(answer.id)!.set(c, answer.value);
      FILING_FORM.settle(answer.id, c);
      recordReading(step.context, answer.id, 'understood');
    }
    // A place named by a name several places share: its question, when asked, offers them.
    for (const { id, candidates, note } of offers) {
      c.progress.offers = { ...c.progress.offers, [id]: { candidates, note } };
      recordReading(step.context, id, 'close');
    }
    // Said back together, in one message; the facts for later questions they state (held until consent) after
    // it — in the same message after one answer said in a line, in one of their own after several in a list.
    const said = openingSaidBack(answers, c);
    const intentOf = turnIntentReader(step.context, this.deps.understanding, kit.locale);
    const facts = keepOpeningFacts(activity.text, { id: 'situation.filerMode', c, understanding: this.deps.understanding, intentOf });
    const promptId = answers.at(-1)?.id ?? 'situation.filerMode';
    if (facts && said && answers.length === 1) {
      const text = kit.t(facts.saidAfter.key, { ...facts.saidAfter.params, said: kit.t(said.key, said.params) });
      await kit.say(text, { promptId, noted: true });
    } else {
      if (said) await kit.say(kit.t(said.key, said.params), { promptId, understood: true });
      const also = said ? facts?.saidToo : facts?.said;
      if (also) await kit.say(kit.t(also.key, also.params), { promptId, noted: true });
    }
    if (said) kit.state.saidBack = answers.at(-1)!.id;
  }

  /** A common question asked with the words that started the filing ("…想在杭州看病能直接刷卡吗"): answered first, then the filing goes on. */
  private async answerQuestionAlongside(step: WaterfallStepContext, kit: TurnKit): Promise<void> {
    const activity = step.context.activity;
    if (activity.type !== ActivityTypes.Message || !activity.text) return;
    const intentOf = turnIntentReader(step.context, this.deps.understanding, kit.locale);
    const topic = questionWithFiling(activity.text, { c: kit.q, understanding: this.deps.understanding, intentOf });
    if (!topic) return;
    await sayFaqAnswer(kit, topic);
    await kit.say(kit.t('messages.faqThenFiling'));
  }

  private async again(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const submitted = (step.result as { kind?: string } | undefined)?.kind === 'submitted';
    return step.replaceDialog(`${MAIN_DIALOG}.steps`, { fresh: true, ...(submitted ? { afterSubmit: true } : {}) });
  }
}

/**
 * The emergency advice, at once (the menu choice, or the emergency command at any question): get
 * treatment first. Where the profile deems an emergency filed, it is told as the emergency outcome, with
 * its category and reason; elsewhere only the advice, and the filing questions settle the category.
 */
async function sayEmergency(kit: TurnKit, after: string[] = []): Promise<void> {
  if (!emergencyApplies(kit.profile)) {
    await kit.say([emergencyAdvice(kit), ...after].join('\n\n'));
    return;
  }
  const reasons = ['EMERGENCY_DEEMED_FILED'];
  await kit.say([...emergencyLines(kit, reasons), ...after].join('\n\n'), { category: 'TMP_EMERGENCY', reasons });
}

/** A common question's answer (content: faq.answers.<topic>), quoting the region profile. */
async function sayFaqAnswer(kit: TurnKit, topic: string): Promise<void> {
  await kit.say(kit.t(`faq.answers.${topic}`, faqParams(kit)), { faq: topic, profile: kit.profile.id });
}

/** Common questions, answered from content/locales/<locale>/faq.json. */
class FaqDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(FAQ_DIALOG);
    this.addDialog(new QuestionPrompt(ASKINGS, filingHost(deps)));
    this.addDialog(new WaterfallDialog(`${FAQ_DIALOG}.steps`, [this.ask.bind(this), this.answer.bind(this)]));
    this.initialDialogId = `${FAQ_DIALOG}.steps`;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as { again?: boolean; more?: boolean } | undefined;
    if (options?.more === true) return step.prompt(QuestionPrompt.ID, asked({ promptId: FAQ_MORE.id }));
    return step.prompt(QuestionPrompt.ID, asked({ promptId: FAQ_TOPIC.id, ...(options?.again === true ? { textKey: `prompts.${FAQ_TOPIC.id}.again` } : {}) }));
  }

  /**
   * The answer, then the topics again (another question, or back to the menu) where they are buttons; where
   * they would be every topic as numbered lines again (WeChat), a short question: the list, or the menu.
   */
  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === FAQ_MENU) return step.endDialog();
    if (step.result === FAQ_LIST) return step.replaceDialog(`${FAQ_DIALOG}.steps`, { again: true });
    const kit = await TurnKit.load(step.context, this.deps);
    await sayFaqAnswer(kit, String(step.result));
    return step.replaceDialog(`${FAQ_DIALOG}.steps`, kit.capabilities.buttons ? { again: true } : { more: true });
  }
}

/** The policy an FAQ answer quotes, from the region profile (never written into the answers). */
export function faqParams(kit: TurnKit): Record<string, string | number> {
  const p = kit.profile;
  const profile = p.name[kit.locale];
  // "Rizhao's rules" / "the national rules": how content names a profile's rules (labels.profileRules.<id>, else the default wording).
  const profileRules = kit.has(`labels.profileRules.${p.id}`) ? kit.t(`labels.profileRules.${p.id}`) : kit.t('labels.profileRules.default', { profile });
  const fragment = (key: string, params: Record<string, string | number> = {}) => kit.t(`faq.fragments.${key}`, { profile, profileRules, ...params });
  const days = p.longTerm.minDaysBeforeCancel.value;
  const months = p.longTerm.maxMonthsBeforeChangeOrCancel.value;
  const cancelRule =
    days !== null ? fragment('cancel.AFTER_DAYS', { days }) : months !== null ? fragment('cancel.CAP_MONTHS', { months }) : fragment('cancel.NO_WAIT');
  const name = (category: keyof typeof p.categories) => p.categories[category].name[kit.locale];
  const withCommitment = (Object.keys(p.categories) as Array<keyof typeof p.categories>).filter((c) => p.categories[c].offered && p.categories[c].commitmentAllowed);
  const institutions = p.designatedInstitutions;
  return {
    profile,
    profileRules,
    agency: p.agency.value[kit.locale],
    retireeName: name('LT_RETIREE'),
    residentName: name('LT_RESIDENT'),
    workerName: name('LT_WORKER'),
    retireeHukou: fragment(`retireeHukou.${String(p.retireeRequiresHukouMoved.value)}`, { retireeName: name('LT_RETIREE'), residentName: name('LT_RESIDENT') }),
    commitmentRule:
      withCommitment.length > 0
        ? fragment('commitment.SOME', { names: withCommitment.map(name).join(kit.t('common.alternativesSeparator')) })
        : fragment('commitment.NONE'),
    emergencyRule: fragment(`emergency.${String(p.emergency.deemedFiled.value)}`),
    institutionsRule:
      institutions.required.value && institutions.max > 0
        ? fragment('institutions.REQUIRED', { min: institutions.min, max: institutions.max })
        : fragment('institutions.NOT_REQUIRED'),
    intraProvinceRule: fragment(`intraProvince.${String(p.scopes.intraProvinceFilingRequired.value)}`),
    longTermCard: fragment(`longTermCard.${p.longTerm.insuredPlaceCard.value}`),
    temporaryCard: fragment(`temporaryCard.${p.temporary.insuredPlaceCard.value}`),
    referralName: p.categories.TMP_REFERRAL.name[kit.locale],
    referralMonths: p.categories.TMP_REFERRAL.validityMonths ?? '',
    otherName: p.categories.TMP_OTHER.name[kit.locale],
    otherMonths: p.categories.TMP_OTHER.validityMonths ?? '',
    multipleVisits: fragment(`multipleVisits.${String(p.temporary.multipleVisits.value)}`),
    cancelRule,
  };
}
