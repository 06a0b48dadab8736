import type { Situation } from '../src/domain/situation.js';
import type { IntakeFacts, Understanding } from '../src/nlu/understanding.js';
import type { RecognizeScope, Sentence } from './form/recognition.js';
import type { FilingContext } from './filing-context.js';
import { bulletList } from './bullet-list.js';
import { FILING_FORM } from './filing-form.js';
import { isPoolingAreaCode, poolingAreaCodeOf, showPlace } from './place-recognizer.js';

/**
 * What the words that start a filing state about the questions asked before consent: who files ("我想给我妈
 * 办个异地就医备案", "I want to file for my dad") and the places by their role ("我在日照参保，想去上海看病"). Those
 * questions are answered from them, said back in a few words, and not asked. Only what is stated clearly:
 * who files only when the words name another person (or "本人", "for myself"); a place only when the
 * one-sentence intake gives it that role by the words around it and the place question's own reading of the
 * sentence picks the same place; a place so given by a name several places share ("going to Yiwu") is asked
 * with those places to choose from. Anything else is asked as usual. Nothing behind consent is taken here.
 */

/** The questions the first words may answer, in the order they are asked. */
const OPENING = ['filerMode', 'insuredPlace', 'treatmentPlace'] as const;

type OpeningKey = (typeof OPENING)[number];

export interface OpeningAnswer {
  /** The question answered (situation.<key>). */
  id: string;
  /** The value its question keeps (set through the question). */
  value: string;
  /** The answer said back. */
  said: Sentence;
  /** The answer as shown beside its label when several are said back together (a county with its pooling area). */
  shown: string;
}

/**
 * A place question's answer the first words name by a name several places share ("going to Yiwu for
 * treatment": 义乌, Zhejiang or 伊吾, Xinjiang): its places, offered as choices when the question is asked,
 * with why (FormProgress.offers).
 */
export interface OpeningOffer {
  /** The question (situation.<key>). */
  id: string;
  /** The places the name may be, as named (a county's own code), each in a pooling area of its own. */
  candidates: string[];
  /** Said when the question is asked: which of the places named so is meant. */
  note: { error: string; params: { said: string } };
}

/** What the first words give: the answers (each checked as its question checks it), and the places to choose from. */
export interface Opening {
  answers: OpeningAnswer[];
  offers: OpeningOffer[];
}

/** The answers the first words give, each checked as its question checks it, and the places they name ambiguously. */
export function readOpening(text: string, c: FilingContext, understanding: Understanding): Opening {
  const facts = understanding.intake(text, c.locale, c.today);
  const answers: OpeningAnswer[] = [];
  const offers: OpeningOffer[] = [];
  const filerMode = openingFilerMode(facts);
  if (filerMode) {
    const question = FILING_FORM.byId('situation.filerMode')!;
    const shown = question.show(filerMode, c);
    answers.push({ id: question.id, value: filerMode, said: { key: 'messages.understood', params: { answer: shown } }, shown });
  }
  for (const key of ['insuredPlace', 'treatmentPlace'] as const satisfies readonly OpeningKey[]) {
    const stated = facts[key];
    const choices = facts.placeChoices?.[key];
    if (!stated && !choices) continue;
    const inSentence = understanding.placeIn(text, c.locale, key === 'insuredPlace' ? 'insured' : 'treatment');
    if (inSentence.status !== 'picked') continue;
    const { reading, said: name } = inSentence.mention;
    if (choices) {
      // A shared name in this role: the places the intake and the place question both read it as, to choose from.
      const candidates = reading.status === 'ambiguous' ? reading.candidates.filter((k) => k.poolingArea && choices.includes(k.poolingArea.code)).map((k) => k.place.code) : [];
      if (candidates.length > 1) offers.push({ id: `situation.${key}`, candidates, note: { error: 'PLACE_AMBIGUOUS_SAID', params: { said: name } } });
      continue;
    }
    // A mention of one place, in the pooling area the intake gives the role.
    if (reading.status !== 'found' || !stated) continue;
    const named = reading.place.code;
    if (poolingAreaCodeOf(named) !== stated || !isPoolingAreaCode(stated)) continue;
    const place = { place: showPlace(named, c.locale), poolingArea: showPlace(stated, c.locale) };
    const [said, shown]: [Sentence, string] =
      named === stated
        ? [{ key: 'messages.understood', params: { answer: place.place } }, place.place]
        : [{ key: 'messages.placeUnderstood', params: place }, c.texts.t(c.locale, 'messages.placeWithPoolingArea', place)];
    answers.push({ id: `situation.${key}`, value: named, said, shown });
  }
  // The same place for both roles is not what was meant: both asked.
  const places = answers.filter((a) => a.id !== 'situation.filerMode');
  if (places.length === 2 && poolingAreaCodeOf(places[0]!.value) === poolingAreaCodeOf(places[1]!.value)) return { answers: answers.filter((a) => a.id === 'situation.filerMode'), offers };
  return { answers, offers };
}

/**
 * The answers said back in one message: one answer as its question says it back, several together
 * ("好的，按您说的记下了：" and a "• 参保地：山东省日照市" line each), not a message each before the next question.
 */
export function openingSaidBack(answers: readonly OpeningAnswer[], c: FilingContext): Sentence | undefined {
  if (answers.length <= 1) return answers[0]?.said;
  const t = (key: string, params = {}) => c.texts.t(c.locale, key, params);
  const rows = answers.map((a) => t('messages.summaryRow', { label: t(`labels.${a.id}`), value: a.shown }));
  return { key: 'messages.openingUnderstood', params: { facts: bulletList(t, rows) } };
}

/**
 * Who files, as the first words state it: for another person by words that say so ("给我妈", "替老伴", "for my
 * dad") or by words all about that person ("我爸在日照参保，要去上海做手术", "my father is insured in Rizhao…"; not
 * their words, "她说我要办", nor with a clause of one's own, "我老公在上海上班，我要去上海看病"), unless the words
 * also say it is one's own ("for my own treatment"); one's own only by words that say so ("本人", "给自己", "for
 * myself"), never by "我想" alone. Said back with the other facts, so a misreading shows.
 */
function openingFilerMode(facts: IntakeFacts): Situation['filerMode'] | undefined {
  if (facts.forSomeoneElse || facts.aboutSomeoneElse) return facts.ownFiling ? undefined : 'AGENT';
  // "我妈想自己办": one's own, but said of someone else — asked.
  return facts.ownFiling && facts.filerMode !== 'AGENT' ? 'SELF' : undefined;
}

/** Other intents the words may carry that a filing does not take (a question, check/change/cancel, an emergency, a person). */
const ALONGSIDE_FILING = new Set(['greeting', 'thanks']);

/**
 * Whether words the menu's choices do not name still ask to file, by what they state ("给我妈办，我本人的医保",
 * "我是日照参保的，要去义乌看病，给我爸办"): who files for someone else, or one's own filing with a place, or
 * both places by their role — and nothing else: no other intent read (a question, check/change/cancel, a
 * person) and no emergency happening now (that goes to the advice). The intent is the turn's reading
 * (scope.intentOf): the words are not classified again.
 */
export function statesFiling(text: string, { c, understanding, intentOf }: Pick<RecognizeScope<FilingContext>, 'c' | 'understanding' | 'intentOf'>): boolean {
  const intent = intentOf(text);
  // A common question asked with the facts ("…想在杭州看病能直接刷卡吗") is a filing too: answered as it starts.
  if (intent && !ALONGSIDE_FILING.has(intent.intent)) return intent.intent === 'faq' && questionWithFiling(text, { c, understanding, intentOf }) !== undefined;
  const facts = understanding.intake(text, c.locale, c.today);
  return facts.now !== 'EMERGENCY_NOW' && filingFacts(facts);
}

/** Facts that state a filing: someone else filed for, or one's own filing with a place, or both places by their role. */
function filingFacts(facts: IntakeFacts): boolean {
  const insured = facts.insuredPlace !== undefined || facts.placeChoices?.insuredPlace !== undefined;
  const treatment = facts.treatmentPlace !== undefined || facts.placeChoices?.treatmentPlace !== undefined;
  return facts.forSomeoneElse === true || (facts.ownFiling === true && (insured || treatment)) || (insured && treatment);
}

/**
 * A common question asked alongside the facts of a filing ("我妈妈在日照参保，退休了，现在跟我住在杭州，想在杭州看病能
 * 直接刷卡吗"): the FAQ topic (of faq.topics) a clause asks — read from the last clause, where the question
 * usually stands, then the words as a whole — when the words state a filing (as statesFiling reads facts), no
 * emergency is happening now and no intent other than the FAQ or a greeting is read in the words as a whole.
 * The question is answered and the filing goes on with the facts kept.
 */
export function questionWithFiling(text: string, { c, understanding, intentOf }: Pick<RecognizeScope<FilingContext>, 'c' | 'understanding' | 'intentOf'>): string | undefined {
  const topics = c.texts.list(c.locale, 'faq.topics');
  const whole = intentOf(text);
  if (whole && whole.intent !== 'faq' && !ALONGSIDE_FILING.has(whole.intent)) return undefined;
  const facts = understanding.intake(text, c.locale, c.today);
  if (facts.now === 'EMERGENCY_NOW' || !filingFacts(facts)) return undefined;
  const topicOf = (words: string): string | undefined => {
    const intent = intentOf(words);
    return intent?.intent === 'faq' && intent.topic !== undefined && topics.includes(intent.topic) ? intent.topic : undefined;
  };
  const clauses = text.split(/(?<=[?？])|[，,。;；!！\n]+|\.\s/u).map((clause) => clause.trim()).filter(Boolean);
  for (const clause of clauses.reverse()) {
    const topic = topicOf(clause);
    if (topic) return topic;
  }
  return topicOf(text);
}
