import { ActivityTypes, MessageFactory, type Activity, type CardAction, type TurnContext } from 'botbuilder';
import { ChoiceFactory, Dialog, Prompt, type DialogContext, type DialogEvent, type DialogTurnResult, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';
import type { Locale, TextParams } from '../../src/content/texts.js';
import type { Understanding } from '../../src/nlu/understanding.js';
import type { ChannelCapabilities } from '../channel-capabilities.js';
import { recordReading } from '../funnel.js';
import { noteAnswered } from './answered.js';
import type { Asking, FormContext } from './declaration.js';
import { choiceNumber, isTaken, normalizeAnswer, type FactsAlongside, type LabelScope, type Recognition, type RecognizeScope } from './recognition.js';
import { yesNoWord } from './recognizers.js';
import type { ReadingStatus } from './readings.js';
import { turnIntentReader } from './turn-intents.js';
import { personalNumberIn, type PersonalNumber } from './looks-like.js';

/** After this many invalid answers to one question, the person is offered help and the hotline. */
export const FAILURES_BEFORE_HELP = 3;

/** How the bot speaks in a turn: the person's language, what their channel shows, the words from content. */
export interface Voice {
  readonly locale: Locale;
  readonly capabilities: ChannelCapabilities;
  /** The hotline offered to someone who is stuck. */
  readonly hotline: string;
  t(key: string, params?: TextParams): string;
  has(key: string): boolean;
  /** Sends a message; channelData carries the machine-readable contract. */
  say(text: string, channelData?: Record<string, unknown>): Promise<void>;
}

/** One turn of a form: its context (the state it fills) and the voice. */
export interface FormTurn<C extends FormContext> {
  c: C;
  voice: Voice;
}

/** Where an asking stands in the form it belongs to: step n of N, and the step's name (its words: labels.steps.<stage>). */
export interface FormStep {
  step: number;
  of: number;
  stage: string;
}

/** What a prompt needs from the dialogs that use it: the understanding, and each turn's context and voice. */
export interface FormHost<C extends FormContext> {
  readonly understanding: Understanding;
  load(context: TurnContext): Promise<FormTurn<C>>;
  /**
   * The step an asking belongs to, shown with it ("第 2 步，共 6 步：您的情况", content: messages.progress)
   * and sent as channelData.progress; undefined for askings outside the form's steps.
   */
  progress?(promptId: string, c: C): FormStep | undefined;
}

/** What a dialog passes to step.prompt(QuestionPrompt.ID, …): which asking, and how its words read this time. */
export interface AskOptions extends PromptOptions {
  promptId: string;
  /** Words other than prompts.<id>.text (the menu shown again says less than the first time). */
  textKey?: string;
  /** Placeholders beside the asking's own. */
  params?: TextParams;
}

/** The options of step.prompt(QuestionPrompt.ID, asked({ promptId })). */
export function asked(options: AskOptions): PromptOptions {
  return options;
}

/** What the prompt remembers between turns while it waits: the readings offered, one to confirm, failures. */
interface AskState {
  /** Close readings (or places) offered as choices: picked by number, name or, for one, a yes. */
  offered?: unknown[];
  /** A reading shown for confirmation: taken on a yes. */
  pending?: unknown;
  failures?: number;
}

/** A recognition, and whether it picked a reading offered or confirmed one shown before. */
export interface PromptReading {
  recognition: Recognition<unknown>;
  from?: 'offered' | 'pending';
}

/** turnState key: this turn's readings, by promptId (an interruption check and the prompt share one). */
const READINGS_KEY = Symbol('question-prompt.readings');

/**
 * The one prompt every question goes through, for any form: it asks an Asking (its words, its choices as
 * buttons or numbered lines, back and help, an earlier answer to keep), and its onRecognize runs the
 * asking's recogniser once, so the waterfall step gets the typed value in step.result. What happens
 * next follows how sure the reading is: an exact answer is taken; a confident reading of free words is
 * taken and said back; close readings are offered as buttons; a reading to confirm is shown with a yes;
 * anything else is refused politely with an example, and after repeated failures help and the hotline
 * are offered. Each reading is counted per question and status.
 */
export class QuestionPrompt<C extends FormContext> extends Prompt<unknown> {
  static readonly ID = 'question';

  constructor(
    private readonly askings: ReadonlyMap<string, Asking<C, any>>,
    private readonly host: FormHost<C>,
  ) {
    super(QuestionPrompt.ID);
  }

  /** The asking behind a promptId. */
  askingOf(promptId: string): Asking<C, any> {
    const asking = this.askings.get(promptId);
    if (!asking) throw new Error(`QuestionPrompt: no asking "${promptId}"`);
    return asking;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const { options, state } = dc.activeDialog!.state as { options: AskOptions; state: AskState };
    // Read once (the dialogs above may have read it already this turn), then settled on that reading.
    const reading = await this.read(dc.context, state, options);
    if (await this.settle(dc.context, state, options, reading)) return dc.endDialog(isTaken(reading.recognition) ? reading.recognition.value : undefined);
    return Dialog.EndOfTurn;
  }

  /** Interruptions are decided by the dialogs above (which ask `read` first); nothing to recognise on the way up. */
  protected override async onPreBubbleEvent(_dc: DialogContext, _event: DialogEvent): Promise<boolean> {
    return false;
  }

  protected override async onPrompt(context: TurnContext, state: object, options: PromptOptions, _isRetry: boolean): Promise<void> {
    const turn = await this.host.load(context);
    await this.offerEarlierReadings(turn, state as AskState, options as AskOptions);
    await context.sendActivity(this.activity(turn, options as AskOptions, state as AskState));
  }

  /** Readings of the answer made before the asking was asked (FormProgress.offers): offered as its choices, once, and why said first. */
  private async offerEarlierReadings({ c, voice }: FormTurn<C>, state: AskState, options: AskOptions): Promise<void> {
    const offer = c.progress.offers?.[options.promptId];
    if (!offer) return;
    delete c.progress.offers![options.promptId];
    if (Object.keys(c.progress.offers!).length === 0) delete c.progress.offers;
    state.offered = offer.candidates;
    if (offer.note) {
      const params = { ...this.params(this.askingOf(options.promptId), c, options), ...(offer.note.params ?? {}) };
      await voice.say(voice.t(`errors.${offer.note.error}`, params), { promptId: options.promptId, error: offer.note.error });
    }
  }

  protected override async onRecognize(context: TurnContext, state: object, options: PromptOptions): Promise<PromptRecognizerResult<unknown>> {
    const { recognition } = await this.read(context, state, options as AskOptions);
    return isTaken(recognition) ? { succeeded: true, value: recognition.value } : { succeeded: false };
  }

  /**
   * How this turn's text reads as an answer to the waiting asking: recognised once per turn, so the
   * dialogs above may ask first (is it an answer, or an interruption?) at no second cost.
   */
  async read(context: TurnContext, state: object, options: AskOptions): Promise<PromptReading> {
    const text = (context.activity.text ?? '').trim();
    let readings = context.turnState.get(READINGS_KEY) as Map<string, PromptReading> | undefined;
    if (!readings) context.turnState.set(READINGS_KEY, (readings = new Map()));
    const key = `${options.promptId}\u0000${text}`;
    let reading = readings.get(key);
    if (!reading) {
      reading = await this.readFresh(context, text, state as AskState, options);
      readings.set(key, reading);
    }
    return reading;
  }

  private async readFresh(context: TurnContext, text: string, state: AskState, options: AskOptions): Promise<PromptReading> {
    if (!text) return { recognition: { status: 'invalid', error: 'EMPTY_ANSWER' } };
    const { c, voice } = await this.host.load(context);
    const asking = this.askingOf(options.promptId);
    const scope: RecognizeScope<C> = { ...this.scope(asking, c), understanding: this.host.understanding, intentOf: turnIntentReader(context, this.host.understanding, c.locale) };
    if (state.pending !== undefined) {
      const word = yesNoWord(text, c.texts) ?? (normalizeAnswer(text) === normalizeAnswer(voice.t('messages.confirmReading.yes')) ? 'yes' : undefined);
      if (word === 'yes') return { recognition: { status: 'exact', value: state.pending }, from: 'pending' };
      if (word === 'no') return { recognition: { status: 'invalid', error: 'NOT_CONFIRMED' } };
    }
    const offered = state.offered ?? [];
    if (offered.length > 0) {
      const index = choiceNumber(text, offered.length);
      const said = normalizeAnswer(text);
      const named = offered.find((value) => [asking.recognizer.label(value, scope), ...(asking.recognizer.names?.(value, scope) ?? [])].some((name) => normalizeAnswer(name) === said));
      const picked = index !== undefined ? offered[index] : (named ?? (offered.length === 1 && yesNoWord(text, c.texts) === 'yes' ? offered[0] : undefined));
      if (picked !== undefined) return { recognition: { status: 'exact', value: picked }, from: 'offered' };
    }
    const said = state.pending === undefined && offered.length === 0 ? scope : { ...scope, ...(state.pending !== undefined ? { pending: state.pending } : {}), ...(offered.length > 0 ? { offered } : {}) };
    return { recognition: asking.recognizer.recognize(text, said) };
  }

  /**
   * After the reading: an answer taken (counted, said back when it was a reading of free words), or what
   * to do about one that was not (offer the close readings, show the reading to confirm, or say what was
   * wrong), and the question again. True when an answer was taken.
   */
  private async settle(context: TurnContext, state: AskState, options: AskOptions, { recognition, from }: PromptReading): Promise<boolean> {
    noteAnswered(context, options.promptId);
    const turn = await this.host.load(context);
    const asking = this.askingOf(options.promptId);
    const scope = this.scope(asking, turn.c);
    const count = (status: ReadingStatus) => recordReading(context, options.promptId, status);
    const alongside = 'alongside' in recognition ? recognition.alongside : undefined;
    // Facts for other questions said in the same words are kept whatever becomes of the answer.
    alongside?.keep(turn.c);
    if (isTaken(recognition)) {
      count(from === 'pending' ? 'confirmed' : from === 'offered' ? 'picked' : recognition.status);
      const saidBack = recognition.status === 'understood' && from === undefined && asking.readBack !== false;
      if (saidBack) {
        const said = recognition.said ?? { key: 'messages.understood', params: { answer: asking.recognizer.label(recognition.value, scope) } };
        let text = turn.voice.t(said.key, said.params);
        if (alongside) text = turn.voice.t(alongside.saidAfter.key, { ...(alongside.saidAfter.params ?? {}), said: text });
        await turn.voice.say(text, { promptId: options.promptId, understood: true, ...(alongside ? { noted: true } : {}) });
        turn.c.progress.saidBack = options.promptId;
      } else {
        delete turn.c.progress.saidBack;
        if (alongside) await this.sayAlongside(turn, alongside, options);
      }
      return true;
    }
    delete state.offered;
    delete state.pending;
    switch (recognition.status) {
      case 'close':
        count('close');
        if (alongside) await this.sayAlongside(turn, alongside, options);
        state.offered = recognition.candidates;
        if (recognition.note) {
          const note = turn.voice.t(`errors.${recognition.note.error}`, { ...this.params(asking, turn.c, options), ...(recognition.note.params ?? {}) });
          await turn.voice.say(note, { promptId: options.promptId, error: recognition.note.error });
        }
        break;
      case 'confirm':
        count('confirm');
        state.pending = recognition.value;
        break;
      case 'invalid':
        count('invalid');
        const looksLike = personalNumberIn((context.activity.text ?? '').trim());
        await this.explain(turn, asking, options, state, recognition, looksLike !== asking.takes ? looksLike : undefined);
        break;
      case 'noted':
        count('invalid');
        recognition.keep(turn.c);
        await turn.voice.say(turn.voice.t(recognition.said.key, recognition.said.params), { promptId: options.promptId, noted: true });
        break;
    }
    await context.sendActivity(this.activity(turn, options, state));
    return false;
  }

  /** Facts said along with an answer, said on their own ("好的，记下了：有转诊。"). */
  private async sayAlongside({ voice }: FormTurn<C>, alongside: FactsAlongside, options: AskOptions): Promise<void> {
    await voice.say(voice.t(alongside.said.key, alongside.said.params), { promptId: options.promptId, noted: true });
  }

  /**
   * What was wrong, with an example; after repeated failures, help and the hotline too. An answer that is a
   * phone or ID number (`looksLike`) is told so first ("这看起来是手机号码…"), never shown.
   */
  private async explain(
    { c, voice }: FormTurn<C>,
    asking: Asking<C, unknown>,
    options: AskOptions,
    state: AskState,
    wrong: { error: string; params?: TextParams },
    looksLike?: PersonalNumber,
  ): Promise<void> {
    const failures = (state.failures ?? 0) + 1;
    state.failures = failures;
    const params = this.params(asking, c, options);
    // A question put back is answered with what the question means (its help), where content has one.
    const asked = wrong.error === 'ASKED_BACK' && voice.has(`prompts.${asking.id}.help`);
    let text = asked
      ? voice.t('errors.ASKED_BACK', { meaning: voice.t(`prompts.${asking.id}.help`, params) })
      : voice.t(`errors.${wrong.error === 'ASKED_BACK' ? 'CHOICE_NOT_RECOGNISED' : wrong.error}`, { ...params, ...(wrong.params ?? {}) });
    if (looksLike) text = voice.t(`messages.looksLike.${looksLike}`, { error: text });
    const example = this.example(asking, c, voice, params);
    if (example) text += voice.t('messages.example', { example });
    const stuck = failures >= FAILURES_BEFORE_HELP;
    // On a guided call the agent is the hotline: their own words (spoken.stuck), not the citizen's "call the hotline", nor its number in channelData.
    if (stuck) text += `\n\n${voice.t(voice.capabilities.spoken ? 'spoken.stuck' : 'messages.stuck')}`;
    await voice.say(text, { promptId: options.promptId, error: wrong.error, ...(looksLike ? { looksLike } : {}), ...(stuck && !voice.capabilities.spoken ? { handoff: { hotline: voice.hotline } } : {}) });
  }

  /** An example answer: the asking's own from content, or for a choice its first choice. */
  private example(asking: Asking<C, unknown>, c: C, voice: Voice, params: TextParams): string | undefined {
    if (voice.has(`prompts.${asking.id}.example`)) return voice.t(`prompts.${asking.id}.example`, params);
    const scope = this.scope(asking, c);
    const first = asking.recognizer.choices?.(scope)[0];
    return first === undefined ? undefined : voice.t('messages.choiceExample', { label: asking.recognizer.label(first, scope) });
  }

  /**
   * The activity that asks: the question (with the earlier answer when it was opened again), the close
   * readings offered ("您是指…？"), or a reading to confirm; choices as buttons where the channel shows
   * them, numbered lines elsewhere; channelData.promptId always, and where the asking is one of its form's
   * steps, that step as the first line and as channelData.progress = { step, of, stage }.
   */
  activity({ c, voice }: FormTurn<C>, options: AskOptions, state: AskState): Partial<Activity> {
    const asking = this.askingOf(options.promptId);
    const scope = this.scope(asking, c);
    const params = this.params(asking, c, options);
    const label = (value: unknown) => asking.recognizer.label(value, scope);
    const choices = asking.recognizer.choices?.(scope) ?? [];
    let text: string;
    let labels: string[];
    const channelData: Record<string, unknown> = { promptId: asking.id };
    if (state.pending !== undefined && asking.recognizer.confirmation) {
      const sentence = asking.recognizer.confirmation(state.pending, scope);
      text = voice.t(sentence.key, { ...params, ...(sentence.params ?? {}) });
      labels = [voice.t('messages.confirmReading.yes'), ...choices.map(label)];
      channelData.confirming = true;
    } else if (state.offered && state.offered.length > 0) {
      labels = state.offered.map(label);
      // A choice asks which of its readings was meant; free text (a place) asks its question again, the candidates as its choices.
      text = asking.recognizer.choices ? closeCall(voice, labels) : voice.t(options.textKey ?? `prompts.${asking.id}.text`, params);
      channelData.offered = true;
    } else {
      text = voice.t(options.textKey ?? `prompts.${asking.id}.text`, params);
      const previous = c.progress.previous[asking.id];
      if (previous) text += `\n\n${voice.t('messages.previousAnswer', { answer: previous })}`;
      labels = choices.map(label);
    }
    // Read aloud by an agent (the hotline): the question's spoken form, else its words as they are.
    if (voice.capabilities.spoken) channelData.spoken = spokenForm(voice, asking.id, text, channelData, params, c.progress.previous[asking.id]);
    const extra: string[] = [];
    if ((c.progress.reopened ?? []).includes(asking.id) && state.pending === undefined && !state.offered) extra.push(voice.t('commands.keep.label'));
    const nav = asking.nav !== false ? ['back', 'help'].map((command) => voice.t(`commands.${command}.label`)) : [];
    // The step goes with the question itself, not with a follow-up about an answer (which reading was meant, is this right).
    const progress = channelData.offered || channelData.confirming ? undefined : this.host.progress?.(asking.id, c);
    if (progress) {
      channelData.progress = progress;
      const line = voice.t('messages.progress', { step: progress.step, of: progress.of, stage: voice.t(`labels.steps.${progress.stage}`) });
      if (line) text = `${line}\n${text}`;
    }
    const numberHint = voice.has('messages.replyWithNumber') ? voice.t('messages.replyWithNumber') : undefined;
    const activity = choicesActivity(voice.capabilities, text, labels, extra, nav, channelData, numberHint);
    // The language its words are in (not the incoming message's, which botbuilder would copy: the page's).
    activity.locale = voice.locale;
    return activity;
  }

  private params(asking: Asking<C, unknown>, c: C, options: AskOptions): TextParams {
    return { ...(asking.params?.(c) ?? {}), ...(options.params ?? {}) };
  }

  private scope(asking: Asking<C, unknown>, c: C): LabelScope<C> {
    return { id: asking.id, c };
  }
}

/**
 * What an agent reads aloud for a question (channelData.spoken): its spoken form (spoken.prompts.<id>, with
 * the question's placeholders) and the earlier answer when it is asked again; a follow-up about an answer
 * (which reading was meant, is this right) as it is written.
 */
function spokenForm(voice: Voice, id: string, text: string, channelData: Record<string, unknown>, params: TextParams, previous: string | undefined): string {
  if (channelData.offered || channelData.confirming || !voice.has(`spoken.prompts.${id}`)) return text;
  const spoken = voice.t(`spoken.prompts.${id}`, params);
  return previous ? `${spoken}\n${voice.t('spoken.previousAnswer', { answer: previous })}` : spoken;
}

/** "您是指“A”吗？" / "您是指“A”还是“B”？" */
function closeCall(voice: Voice, labels: string[]): string {
  const quoted = labels.map((answer) => voice.t('messages.closeCall.item', { answer }));
  return quoted.length === 1 ? voice.t('messages.closeCall.one', { answer: labels[0]! }) : voice.t('messages.closeCall.many', { answers: quoted.join(voice.t('messages.closeCall.or')) });
}

/**
 * A message with choices: on a channel that shows buttons every choice travels as a suggested action,
 * whatever its length (the before, extra and nav buttons around them); elsewhere the choices are numbered
 * lines in the text (and a number picks one), followed by `numberHint` ("回复数字选择") when given.
 */
export function choicesActivity(
  capabilities: ChannelCapabilities,
  text: string,
  labels: string[],
  before: string[],
  nav: string[],
  channelData: Record<string, unknown>,
  numberHint?: string,
): Partial<Activity> {
  let activity: Partial<Activity>;
  if (capabilities.buttons) {
    const actions: CardAction[] = [...before, ...labels, ...nav].map((title) => ({ type: 'imBack', title, value: title }));
    activity = actions.length > 0 ? MessageFactory.suggestedActions(actions, text) : MessageFactory.text(text);
  } else {
    activity = labels.length > 0 ? ChoiceFactory.list(labels, text, undefined, { includeNumbers: true }) : MessageFactory.text(text);
    if (labels.length > 0 && numberHint) activity.text = `${activity.text}\n${numberHint}`;
  }
  activity.type = ActivityTypes.Message;
  activity.inputHint = 'expectingInput';
  activity.channelData = channelData;
  return activity;
}
