import type { FilingContext } from './filing-context.js';
import { DETAILS_STAGES, FILING_FORM } from './filing-form.js';
import { LOCALES } from '../src/content/texts.js';
import { asking, type Asking } from './form/declaration.js';
import { normalizeAnswer, type Recognizer } from './form/recognition.js';
import { choice, yesNo } from './form/recognizers.js';
import { statesFiling } from './opening-facts.js';
import { LIFECYCLE_ASKINGS } from './lifecycle/lifecycle-askings.js';

/**
 * What the conversation asks besides the filing form's questions — the menu, "I understand the
 * consequences", the summary's confirmation, the field to edit, "this would end your filing", "clear
 * everything?", the FAQ topic — one declaration each, and the registry of everything the dialogs can ask.
 */

export const MENU = asking<FilingContext, string>({
  id: 'menu.main',
  purpose: 'Main menu: start a filing, emergency advice, common questions, or a person.',
  recognizer: menuRecognizer(
    choice({
      values: () => ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN'],
      // An emergency told in words at the menu goes straight to the advice; a person asked for in words, to the hotline.
      intents: { emergency: 'EMERGENCY', human: 'HUMAN' },
    }),
  ),
  nav: false,
  // The menu's choice is acted on at once (the advice, the first question): nothing to say back.
  readBack: false,
  answersIntents: ['emergency', 'human'],
});

/**
 * The menu's choices, and words they do not name that still ask to file by who files and the places
 * (dialogs/opening-facts.ts) — also where the choices only come close ("…can she use her card directly at the
 * hospital here?" is no emergency: statesFiling reads none happening now). A common question ("去外地看病之前一定要备案吗",
 * "do I need to file before seeing a doctor in another city?") is no choice read from its words (only a button,
 * number or label is): it is answered — unless its words state a filing as statesFiling reads them.
 */
function menuRecognizer(choices: Recognizer<FilingContext, string>): Recognizer<FilingContext, string> {
  return {
    ...choices,
    recognize(text, scope) {
      const read = choices.recognize(text, scope);
      const question = read.status !== 'exact' && read.status !== 'invalid' && scope.intentOf(text)?.intent === 'faq';
      if (read.status !== 'invalid' && read.status !== 'close' && !question) return read;
      if (statesFiling(text, scope)) return { status: 'understood', value: 'FILE' };
      return question ? { status: 'invalid', error: 'CHOICE_NOT_RECOGNISED' } : read;
    },
  };
}

export const UNDERSTOOD = asking<FilingContext, string>({
  id: 'outcome.understood',
  purpose: 'Explicit confirmation that the consequences of the category are understood, or a comparison with the nearest alternative.',
  recognizer: choice({ values: () => ['accept', 'compare'] }),
});

/** The answers the summary shows and an edit may change. */
export const editableAnswers = (c: FilingContext) => FILING_FORM.answered(c).filter((q) => q.editable);

/** The value of the summary's answer "change item N" (修改2): `edit:<question id>`. */
export const EDIT_PREFIX = 'edit:';

/**
 * The item named after the edit word, without the words around its number (第2项, item 2, no. 2: content's
 * prompts.review.confirm.itemNumber.before / .after, in either language): one word before, one after.
 */
function itemNamed(rest: string, scope: { id: string; c: FilingContext }): string {
  const words = (where: 'before' | 'after') =>
    LOCALES.flatMap((l) => scope.c.texts.list(l, `prompts.${scope.id}.itemNumber.${where}`))
      .map(normalizeAnswer)
      .filter((w) => w !== '')
      .sort((a, b) => b.length - a.length);
  const before = words('before').find((w) => rest.startsWith(w));
  const unprefixed = before === undefined ? rest : rest.slice(before.length);
  const after = words('after').find((w) => unprefixed.endsWith(w));
  return after === undefined ? unprefixed : unprefixed.slice(0, -after.length);
}

/**
 * The summary's confirmation: submit, change an answer (then asked which), or discard. Where the summary
 * is text (a channel without cards) its rows are numbered, and "修改2" / "change 2" or "修改姓名" changes
 * that answer at once: the value is `edit:<question id>`.
 */
function confirmRecognizer(): Recognizer<FilingContext, string> {
  const base = choice<FilingContext, string>({ values: () => ['submit', 'edit', 'restart'] });
  return {
    ...base,
    recognize(text, scope) {
      const { c } = scope;
      const said = normalizeAnswer(text);
      const editWords = LOCALES.flatMap((l) => [c.texts.t(l, `prompts.${scope.id}.choices.edit`), ...c.texts.list(l, `prompts.${scope.id}.synonyms.edit`)])
        .map(normalizeAnswer)
        .filter((w) => w !== '' && said.startsWith(w) && said !== w)
        .sort((a, b) => b.length - a.length);
      const rest = editWords[0] === undefined ? undefined : itemNamed(said.slice(editWords[0].length), scope);
      if (rest) {
        const rows = editableAnswers(c);
        const byNumber = /^\d{1,2}$/.test(rest) ? rows[Number(rest) - 1] : undefined;
        const byLabel = rows.find((q) => LOCALES.some((l) => normalizeAnswer(c.texts.t(l, `labels.${q.id}`)) === rest));
        const row = byNumber ?? byLabel;
        if (row) return { status: 'exact', value: `${EDIT_PREFIX}${row.id}` };
      }
      return base.recognize(text, scope);
    },
  };
}

export const CONFIRM = asking<FilingContext, string>({
  id: 'review.confirm',
  purpose: 'The summary: submit, change an answer (or, where the summary is text, change item N at once: 修改2), or discard the filing.',
  recognizer: confirmRecognizer(),
});

export const EDIT_FIELD = asking<FilingContext, string>({
  id: 'review.editField',
  purpose: 'Which answer of the summary to change.',
  // Its choices are the answered questions, each named by its label (labels.<question id>).
  recognizer: choice({ values: (c) => editableAnswers(c).map((q) => q.id) }),
});

export const START_OVER = asking<FilingContext, boolean>({
  id: 'confirm.startOver',
  purpose: 'Asked before "start over" (the command, or discarding at the summary) clears a filing that has answers: clear it, or carry on.',
  recognizer: yesNo(),
});

export const END_FILING = asking<FilingContext, boolean>({
  id: 'outcome.endFiling',
  purpose: 'Asked when a changed answer (back or an edit) would end the filing: change it anyway, or keep the earlier answer.',
  recognizer: yesNo(),
});

/** The FAQ topic choice that goes back to the main menu. */
export const FAQ_MENU = 'MENU';

/** The topics (content: faq.topics) and "back to the menu"; a question the FAQ answers, asked in words, picks its topic. */
function faqTopicRecognizer(): Recognizer<FilingContext, string> {
  const topics = (c: FilingContext) => [...c.texts.list(c.locale, 'faq.topics'), FAQ_MENU];
  const topic = choice<FilingContext, string>({ values: topics });
  return {
    ...topic,
    recognize(text, scope) {
      const read = topic.recognize(text, scope);
      if (read.status !== 'invalid') return read;
      const intent = scope.intentOf(text);
      return intent?.intent === 'faq' && intent.topic && topics(scope.c).includes(intent.topic) ? { status: 'understood', value: intent.topic } : read;
    },
  };
}

export const FAQ_TOPIC = asking<FilingContext, string>({
  id: 'faq.topic',
  purpose: 'Which common question to answer.',
  recognizer: faqTopicRecognizer(),
  nav: false,
  readBack: false,
  answersIntents: ['faq'],
});

/** The choice after an answer that shows the topics again. */
export const FAQ_LIST = 'LIST';

/**
 * After an answer where choices are numbered lines (WeChat): the whole list again, or the menu — a short
 * question instead of every topic once more; another question asked in words (or a topic's name) is answered.
 */
export const FAQ_MORE = asking<FilingContext, string>({
  id: 'faq.more',
  purpose: 'After a common question is answered where choices are numbered lines: the topics again, the menu, or another question in words.',
  recognizer: faqMoreRecognizer(),
  nav: false,
  readBack: false,
  answersIntents: ['faq'],
});

function faqMoreRecognizer(): Recognizer<FilingContext, string> {
  const more = choice<FilingContext, string>({ values: () => [FAQ_LIST, FAQ_MENU] });
  const topics = faqTopicRecognizer();
  return {
    ...more,
    recognize(text, scope) {
      const read = more.recognize(text, scope);
      // A number picks from the two lines shown, never from the topics' list (not shown here).
      if (read.status !== 'invalid' || /^\s*\d+\s*$/.test(text)) return read;
      const topic = topics.recognize(text, { ...scope, id: FAQ_TOPIC.id });
      return topic.status === 'invalid' ? read : topic;
    },
  };
}

/** Everything the dialogs can ask, in conversation order: the filing's questions with the outcome's confirmation before the details. */
export const CONVERSATION_ASKINGS: readonly Asking<FilingContext, any>[] = [
  MENU,
  ...FILING_FORM.questions.filter((q) => !DETAILS_STAGES.includes(q.stage as never)),
  UNDERSTOOD,
  ...FILING_FORM.questions.filter((q) => DETAILS_STAGES.includes(q.stage as never)),
  END_FILING,
  CONFIRM,
  EDIT_FIELD,
  START_OVER,
  FAQ_TOPIC,
  FAQ_MORE,
  ...LIFECYCLE_ASKINGS,
];

/** The registry the question prompt looks askings up in, by promptId. */
export const ASKINGS: ReadonlyMap<string, Asking<FilingContext, any>> = new Map(CONVERSATION_ASKINGS.map((a) => [a.id, a]));

/**
 * Every promptId the dialogs can send, with its purpose: content/prompt-catalog.json is written from this
 * (npm run generate:prompt-catalog), and a test checks it is up to date.
 */
export function promptCatalog(): Record<string, string> {
  return Object.fromEntries(CONVERSATION_ASKINGS.map((a) => [a.id, a.purpose]));
}
