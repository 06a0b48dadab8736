import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, Dialog, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { LOCALES, type Texts } from '../src/content/texts.js';
import { AnswerPrompt, parseAnswer, questionActivity, type AskSpec } from './ask.js';
import type { DialogDeps } from './dialog-deps.js';
import { FILING_DIALOG, FilingDialog } from './filing-dialog.js';
import { newFilingState } from './filing-state.js';
import { choiceLabel, normalizeAnswer } from './question.js';
import { isReopened, questionById, reopenQuestion } from './questions.js';
import { keepEarlierAnswer } from './questions-dialog.js';
import { emergencyLines, UNDERSTOOD } from './outcome-dialog.js';
import { emergencyApplies } from '../src/domain/classify.js';
import { CONFIRM, openForEdit } from './review-dialog.js';
import { clearFiling, hasAnswersToLose, START_OVER } from './start-over.js';
import { TurnKit } from './turn-kit.js';

export const MAIN_DIALOG = 'main';
const START_OVER_DIALOG = `${MAIN_DIALOG}.startOver`;
const FAQ_DIALOG = 'faq';
/** The promptId of the FAQ's topic question. */
export const FAQ_TOPIC = 'faq.topic';
/** The FAQ topic choice that goes back to the main menu. */
export const FAQ_MENU = 'MENU';

export const MENU: AskSpec = { promptId: 'menu.main', choices: ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN'] };

/** The commands understood at any question, typed or as a button. */
export const COMMANDS = ['help', 'back', 'cancel', 'human', 'language', 'emergency', 'keep'] as const;
export type Command = (typeof COMMANDS)[number];

/** A bare "?" is all punctuation: compared as typed (folded to half-width), not normalised away. */
const foldCommandWord = (word: string) => normalizeAnswer(word) || word.normalize('NFKC').trim();

/** Every command's label and words in both languages, folded, made once per Texts (asked on every message). */
const commandWords = new WeakMap<Texts, Map<string, Command>>();

function commandsOf(texts: Texts): Map<string, Command> {
  let words = commandWords.get(texts);
  if (!words) {
    words = new Map();
    // In the order of COMMANDS: a word listed for two commands goes to the first, as before.
    for (const command of COMMANDS) {
      for (const locale of LOCALES) {
        for (const word of [texts.t(locale, `commands.${command}.label`), ...texts.list(locale, `commands.${command}.words`)]) {
          const folded = foldCommandWord(word);
          if (folded && !words.has(folded)) words.set(folded, command);
        }
      }
    }
    commandWords.set(texts, words);
  }
  return words;
}

export function recogniseCommand(kit: TurnKit, text: string): Command | undefined {
  const said = foldCommandWord(text);
  return said ? commandsOf(kit.deps.texts).get(said) : undefined;
}

function isSubmit(kit: TurnKit, text: string): boolean {
  const choice = parseAnswer(text, kit, CONFIRM);
  return choice.ok && choice.value === 'submit' && !parseAnswer(text, kit, MENU).ok;
}

/**
 * The root: welcome and main menu (start a filing, emergency advice, questions, a person), and the
 * commands that work at any question — help, back, cancel / start over, talk to a person, switch language.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(new AnswerPrompt(deps));
    this.addDialog(new FilingDialog(deps));
    this.addDialog(new FaqDialog(deps));
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
    if (!kit.state.active && kit.state.submitted && isSubmit(kit, activity.text ?? '')) {
      // "Submit" again after the filing went in (a double click, a resent message): the same filing, told again.
      const filing = kit.state.submitted;
      await kit.say(kit.t('messages.alreadySubmitted', { reference: filing.reference }), { filing, repeated: true });
      return this.restart(dc);
    }
    const command = recogniseCommand(kit, activity.text ?? '');
    switch (command) {
      case undefined:
        return undefined;
      case 'help': {
        const asking = kit.state.asking;
        const params = (asking ? questionById(asking)?.params?.(kit.q) : undefined) ?? {};
        const help = asking && kit.has(`prompts.${asking}.help`) ? kit.t(`prompts.${asking}.help`, params) : kit.t('messages.generalHelp');
        const example = asking && kit.has(`prompts.${asking}.example`) ? `\n${kit.t('messages.example', { example: kit.t(`prompts.${asking}.example`, params) }).trim()}` : '';
        await kit.say(help + example, { help: asking ?? 'general' });
        return this.askAgain(dc);
      }
      case 'back': {
        const last = kit.state.history.at(-1);
        if (last === UNDERSTOOD.promptId) {
          // Back across the outcome: its consequences are shown again, to accept (or compare) once more.
          kit.state.previous[last] = choiceLabel(kit.deps.texts, kit.locale, last, 'accept');
          delete kit.state.acceptedCategory;
          kit.state.history = kit.state.history.slice(0, -1);
          delete kit.state.editing;
          return this.restart(dc);
        }
        const question = last ? questionById(last) : undefined;
        if (!question) {
          await kit.say(kit.t('messages.nothingToGoBackTo'));
          return this.restart(dc);
        }
        // Asked again with the earlier answer offered; the answer itself is kept until a new valid one arrives.
        reopenQuestion(question, kit.q);
        delete kit.state.editing;
        return this.restart(dc);
      }
      case 'keep': {
        // Keep the earlier answer of a question opened again (back, edit) and move on.
        const asking = kit.state.asking;
        if (!asking || !isReopened(asking, kit.q)) return undefined;
        await keepEarlierAnswer(kit, asking);
        return this.restart(dc);
      }
      case 'emergency': {
        const asking = kit.state.asking;
        // At the menu, or where it answers the question itself (正在急诊 at "what is happening now"), it is an answer.
        if (asking === MENU.promptId) return undefined;
        const question = asking ? questionById(asking) : undefined;
        if (question?.kind === 'choice' && question.parse(activity.text ?? '', kit.q).ok) return undefined;
        await sayEmergency(kit, [kit.t('commands.emergency.then')]);
        return this.askAgain(dc);
      }
      case 'cancel': {
        // A filing with answers asks first; asked to start over while confirming, the person meant it.
        if (hasAnswersToLose(kit) && kit.state.asking !== START_OVER.promptId) return dc.beginDialog(START_OVER_DIALOG);
        await clearFiling(kit, kit.state.asking ?? 'unknown');
        await dc.cancelAllDialogs();
        return dc.beginDialog(`${MAIN_DIALOG}.steps`, { fresh: true });
      }
      case 'human':
        await kit.say(kit.t('messages.human'), { handoff: { hotline: kit.profile.hotline.value } });
        return this.askAgain(dc);
      case 'language': {
        kit.state.locale = kit.locale === 'en-US' ? 'zh-CN' : 'en-US';
        // An outcome still being decided on is told again in the new language; a settled one is not.
        if (!kit.state.acceptedCategory) delete kit.state.announced;
        await kit.say(kit.t('messages.languageSwitched'));
        return this.restart(dc);
      }
    }
  }

  /** Asks the question being asked once more, as it was (also one that is not driven by the state, like the field to edit). */
  private async askAgain(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  /** Starts over from the state: the person lands on the first unanswered question (or the menu). */
  private async restart(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.cancelAllDialogs();
    return dc.beginDialog(`${MAIN_DIALOG}.steps`);
  }

  /** "This clears everything you entered: start over?" — pushed over the question being asked. */
  private async confirmStartOver(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    (step.values as Record<string, unknown>).where = kit.state.asking ?? 'unknown';
    return step.prompt(AnswerPrompt.ID, { prompt: questionActivity(kit, START_OVER), validations: START_OVER });
  }

  private async startOverOrCarryOn(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const choice = parseAnswer(String(step.result), kit, START_OVER);
    if (choice.ok && choice.value === 'yes') {
      await clearFiling(kit, String((step.values as Record<string, unknown>).where));
      await step.cancelAllDialogs();
      return step.beginDialog(`${MAIN_DIALOG}.steps`, { fresh: true });
    }
    // Carry on: the question the person was at, from the state, with nothing lost.
    await step.cancelAllDialogs();
    return step.beginDialog(`${MAIN_DIALOG}.steps`);
  }

  private async menu(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    if (kit.state.active) return step.next('FILE');
    const text = step.context.activity.type === ActivityTypes.Message ? (step.context.activity.text ?? '') : '';
    const fresh = (step.options as { fresh?: boolean } | undefined)?.fresh === true;
    const direct = text ? parseAnswer(text, kit, MENU) : undefined;
    if (direct?.ok && !fresh) return step.next(direct.value);
    // Greeted once: the menu after an answer, an outcome or a submission only asks what else; right after the welcome it does not greet again.
    const variant = fresh ? 'again' : step.context.activity.type !== ActivityTypes.Message ? 'afterWelcome' : undefined;
    const ask: AskSpec = variant ? { ...MENU, textKey: `prompts.${MENU.promptId}.${variant}` } : MENU;
    return step.prompt(AnswerPrompt.ID, { prompt: questionActivity(kit, ask), validations: ask });
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const choice = MENU.choices!.includes(String(step.result)) ? String(step.result) : parseAnswer(String(step.result), kit, MENU);
    const value = typeof choice === 'string' ? choice : choice.ok ? String(choice.value) : '';
    switch (value) {
      case 'FILE':
        if (!kit.state.active) Object.assign(kit.state, newFilingState(kit.state.locale));
        return step.beginDialog(FILING_DIALOG);
      case 'EMERGENCY':
        await sayEmergency(kit);
        return step.next();
      case 'FAQ':
        return step.beginDialog(FAQ_DIALOG);
      default:
        await kit.say(kit.t('messages.human'), { handoff: { hotline: kit.profile.hotline.value } });
        return step.next();
    }
  }

  private async again(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.replaceDialog(`${MAIN_DIALOG}.steps`, { fresh: true });
  }
}

/**
 * The emergency advice, at once (the menu choice, or the emergency command at any question): get
 * treatment first. Where the profile deems an emergency filed, it is told as the emergency outcome, with
 * its category and reason; elsewhere only the advice, and the filing questions settle the category.
 */
async function sayEmergency(kit: TurnKit, after: string[] = []): Promise<void> {
  if (!emergencyApplies(kit.profile)) {
    await kit.say([kit.t('messages.emergencyAdvice'), ...after].join('\n\n'));
    return;
  }
  const reasons = ['EMERGENCY_DEEMED_FILED'];
  await kit.say([...emergencyLines(kit, reasons), ...after].join('\n\n'), { category: 'TMP_EMERGENCY', reasons });
}

/** Common questions, answered from content/locales/<locale>/faq.json. */
class FaqDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(FAQ_DIALOG);
    this.addDialog(new AnswerPrompt(deps));
    this.addDialog(new WaterfallDialog(`${FAQ_DIALOG}.steps`, [this.ask.bind(this), this.answer.bind(this)]));
    this.initialDialogId = `${FAQ_DIALOG}.steps`;
  }

  /** The topics from content, and last "back to the menu" (FAQ_MENU). */
  private topics(kit: TurnKit, again = false): AskSpec {
    return {
      promptId: FAQ_TOPIC,
      choices: [...kit.deps.texts.list(kit.locale, 'faq.topics'), FAQ_MENU],
      ...(again ? { textKey: `prompts.${FAQ_TOPIC}.again` } : {}),
    };
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const spec = this.topics(kit, (step.options as { again?: boolean } | undefined)?.again === true);
    return step.prompt(AnswerPrompt.ID, { prompt: questionActivity(kit, spec), validations: spec });
  }

  /** The answer, then the topics again (another question, or back to the menu). */
  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kit = await TurnKit.load(step.context, this.deps);
    const choice = parseAnswer(String(step.result), kit, this.topics(kit));
    if (!choice.ok || choice.value === FAQ_MENU) return step.endDialog();
    await kit.say(kit.t(`faq.answers.${String(choice.value)}`, faqParams(kit)), { faq: choice.value, profile: kit.profile.id });
    return step.replaceDialog(`${FAQ_DIALOG}.steps`, { again: true });
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
