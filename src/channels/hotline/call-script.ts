import { ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { addDays, type IsoDate } from '../../domain/calendar.js';
import { isCategory, type CategoryId } from '../../domain/categories.js';
import { consequencesOf } from '../../domain/consequences.js';
import type { RegionProfile } from '../../domain/profile.js';
import type { Outcome } from '../../domain/situation.js';
import { SHANGHAI_OFFSET } from '../../domain/shanghai-time.js';
import { naturalDate } from '../../content/natural.js';
import type { Locale, Texts } from '../../content/texts.js';
import { MemoryFilingStore } from '../../filings/index.js';
import type { Understanding } from '../../nlu/understanding.js';
import { escapeHtml } from '../web/page.js';
import { CAPABILITIES_KEY } from '../../../dialogs/channel-capabilities.js';
import { ASKINGS } from '../../../dialogs/conversation-askings.js';
import type { DialogDeps } from '../../../dialogs/dialog-deps.js';
import type { FilingContext } from '../../../dialogs/filing-context.js';
import { FILING_FORM, SITUATION_STAGES } from '../../../dialogs/filing-form.js';
import { newFilingState, type FilingState } from '../../../dialogs/filing-state.js';
import type { AnyQuestion } from '../../../dialogs/form/form.js';
import { categoryName, outcomeLines, renderItems } from '../../../dialogs/outcome-dialog.js';
import { currentOutcome } from '../../../dialogs/situation-questions.js';
import { showPlace } from '../../../dialogs/place-recognizer.js';
import { TurnKit } from '../../../dialogs/turn-kit.js';
import { HOTLINE_CAPABILITIES } from './hotline-channel.js';
import { HOTLINE_CHANNEL_ID } from './hotline-adapter.js';

/**
 * The printable script of the guided call, for agent training (npm run script:export): the whole decision
 * tree as one HTML page, generated from the question declarations (dialogs/form/, dialogs/*-questions.ts)
 * and the words in content/ — every asking in its spoken form with its choices and where each leads, and per
 * region profile and place (same pooling area, another city of the province, another province) the
 * procedure's questions branch by branch down to every outcome, told as the agent reads it, with its
 * consequences. The words of the page itself are under script.* in content/locales/<locale>/console.json.
 */
export interface ScriptExportDeps {
  texts: Texts;
  profiles: Map<string, RegionProfile>;
  understanding: Understanding;
  today: IsoDate;
}

/** A branch of the tree: a question and where each of its answers leads, or an outcome. */
type TreeNode = { question: AnyQuestion<FilingContext>; branches: Array<{ label: string; next: TreeNode }> } | { outcome: Outcome; state: FilingState };

const PROVINCE_OTHER_CITY: Record<string, string> = { '37': '370100', '13': '130200' };

/** The places of each scope for a profile: its own insured place (or one that has no profile), the same, another city, another province. */
function placesOf(profile: RegionProfile, profiles: Map<string, RegionProfile>): Array<{ scope: 'SAME_AREA' | 'INTRA_PROVINCE' | 'CROSS_PROVINCE'; insured: string; treatment: string }> {
  const own = profile.insuredPlaceCode;
  // A profile without its own place speaks for insured places that have none: 石家庄 has none.
  const insured = own ?? ([...profiles.values()].some((p) => p.insuredPlaceCode === '130100') ? '110000' : '130100');
  const province = insured.slice(0, 2);
  return [
    { scope: 'SAME_AREA', insured, treatment: insured },
    { scope: 'INTRA_PROVINCE', insured, treatment: PROVINCE_OTHER_CITY[province] ?? `${province}0200` },
    { scope: 'CROSS_PROVINCE', insured, treatment: province === '31' ? '110000' : '310000' },
  ];
}

function contextOf(state: FilingState, profile: RegionProfile, locale: Locale, deps: ScriptExportDeps): FilingContext {
  return { state, progress: state, profile, locale, today: deps.today, texts: deps.texts };
}

/** The procedure from the places on, every answer followed, down to its outcome. */
function walk(state: FilingState, profile: RegionProfile, locale: Locale, deps: ScriptExportDeps, depth = 0): TreeNode {
  if (depth > 20) throw new Error('the decision procedure did not settle');
  const c = contextOf(state, profile, locale, deps);
  const question = FILING_FORM.next(SITUATION_STAGES, c);
  if (!question) return { outcome: currentOutcome(c)!, state };
  const scope = { id: question.id, c };
  const values: unknown[] = question.recognizer.choices?.(scope) ?? [representative(question.id, deps.today)];
  return {
    question,
    branches: values.map((value) => {
      const next = structuredClone(state);
      question.set(contextOf(next, profile, locale, deps), value);
      return { label: question.recognizer.label(value, scope), next: walk(next, profile, locale, deps, depth + 1) };
    }),
  };
}

/** A free-text answer of the procedure, for following its branch: an admission date three days ago. */
function representative(questionId: string, today: IsoDate): unknown {
  if (questionId === 'situation.admissionDate') return addDays(today, -3);
  throw new Error(`no representative answer for ${questionId}`);
}

/** A TurnKit over a state, to word things exactly as the dialogs do (hotline capabilities). */
async function kitOf(state: FilingState, profile: RegionProfile, locale: Locale, deps: ScriptExportDeps): Promise<TurnKit> {
  const conversation = new ConversationState(new MemoryStorage());
  const dialogDeps: DialogDeps = {
    texts: deps.texts,
    profiles: deps.profiles,
    defaultRegion: profile.id,
    filings: new MemoryFilingStore(),
    filingState: conversation.createProperty<FilingState>('filing'),
    today: () => deps.today,
    understanding: deps.understanding,
    conversationTtlSeconds: 86_400,
  };
  const context = new TurnContext(new TestAdapter(), { type: 'message', channelId: HOTLINE_CHANNEL_ID, conversation: { id: 'script', isGroup: false, conversationType: '', name: '' }, from: { id: 'caller', name: '' }, recipient: { id: 'bot', name: '' }, locale, text: '' });
  context.turnState.set(CAPABILITIES_KEY, HOTLINE_CAPABILITIES);
  await dialogDeps.filingState.set(context, state);
  return TurnKit.load(context, dialogDeps);
}

const h = escapeHtml;
const paragraphs = (text: string) => text.split(/\n{2,}/).map((p) => `<p>${h(p).replace(/\n/g, '<br>')}</p>`).join('');

/** The spoken form of an asking in a kit's conversation (its placeholders filled as the dialogs fill them). */
function spokenOf(kit: TurnKit, id: string, extra: Record<string, string> = {}): { spoken: string; written: string } {
  const asking = ASKINGS.get(id);
  const params = { ...(asking?.params?.(kit.q) ?? {}), ...extra };
  const written = kit.t(`prompts.${id}.text`, params);
  return { spoken: kit.has(`spoken.prompts.${id}`) ? kit.t(`spoken.prompts.${id}`, params) : written, written };
}

/** The whole script, as one HTML page in `locale`. */
export async function callScript(deps: ScriptExportDeps, locale: Locale): Promise<string> {
  const w = (key: string, params = {}) => deps.texts.t(locale, `console.script.${key}`, params);
  const profiles = [...deps.profiles.values()].sort((a, b) => (a.insuredPlaceCode ? 0 : 1) - (b.insuredPlaceCode ? 0 : 1) || a.id.localeCompare(b.id));
  const first = profiles[0]!;
  const sample = (profile: RegionProfile, place: { insured: string; treatment: string }): FilingState => ({
    ...newFilingState(locale),
    active: true,
    situation: { filerMode: 'SELF', insuredPlace: place.insured, treatmentPlace: place.treatment },
    consent: { personalInfo: true, at: `${deps.today}T09:00:00${SHANGHAI_OFFSET}` },
    intake: { mode: 'GUIDED' },
  });

  // 1. Every asking, in the order of the conversation: its spoken form, its words and choices, where each leads.
  const crossOfFirst = placesOf(first, deps.profiles)[2]!;
  const askingKit = await kitOf(sample(first, crossOfFirst), first, locale, deps);
  const placeholders = { field: w('placeholders.field'), previous: w('placeholders.previous'), answer: w('placeholders.answer'), result: w('placeholders.result'), reference: w('placeholders.reference') };
  const askings = [...ASKINGS.values()].map((asking) => {
    const { spoken, written } = spokenOf(askingKit, asking.id, placeholders);
    const scope = { id: asking.id, c: askingKit.q };
    const choices = (asking.recognizer.choices?.(scope) ?? []).map((value) => {
      const lead = deps.texts.has(locale, `console.script.leads.${asking.id}.${String(value)}`)
        ? w(`leads.${asking.id}.${String(value)}`)
        : deps.texts.has(locale, `console.script.leads.${asking.id}.any`)
          ? w(`leads.${asking.id}.any`)
          : FILING_FORM.byId(asking.id)?.affectsOutcome
          ? w('leads.tree')
          : w('leads.next');
      return `<li><span class="choice">${h(asking.recognizer.label(value, scope))}</span> → ${h(lead)}</li>`;
    });
    const free = asking.recognizer.choices ? '' : `<p class="lead">${h(deps.texts.has(locale, `console.script.leads.${asking.id}.free`) ? w(`leads.${asking.id}.free`) : FILING_FORM.byId(asking.id)?.affectsOutcome ? w('leads.freeTree') : w('leads.free'))}</p>`;
    return `<section class="asking" id="prompt-${h(asking.id)}" data-prompt="${h(asking.id)}">
<h3><code>${h(asking.id)}</code></h3>
<p class="spoken">${h(spoken)}</p>
<details><summary>${h(w('written'))}</summary>${paragraphs(written)}</details>
${choices.length > 0 ? `<ul class="choices">${choices.join('')}</ul>` : free}
</section>`;
  });

  // 2. Per profile and place: the procedure's tree, every outcome told; 3. the consequences of each category.
  const trees: string[] = [];
  for (const profile of profiles) {
    const consequences = new Map<string, string>();
    const parts: string[] = [];
    for (const place of placesOf(profile, deps.profiles)) {
      const state = sample(profile, place);
      const kit = await kitOf(state, profile, locale, deps);
      const tree = walk(state, profile, locale, deps);
      const render = async (node: TreeNode): Promise<string> => {
        if ('outcome' in node) {
          const leafKit = await kitOf(node.state, profile, locale, deps);
          const outcome = node.outcome;
          let link = '';
          if (outcome.category && isCategory(outcome.kind) && outcome.category !== 'TMP_EMERGENCY') {
            const key = `${outcome.category}${outcome.retroactive ? '-retroactive' : ''}`;
            if (!consequences.has(key)) consequences.set(key, await consequencesHtml(leafKit, outcome.category, outcome.retroactive, node.state, w));
            link = ` <a href="#consequences-${h(profile.id)}-${h(key)}">${h(w('seeConsequences'))}</a>`;
          }
          return `<div class="outcome" data-outcome="${h(outcome.kind)}"><p class="outcome-kind">${h(w('outcome'))} <code>${h(outcome.kind)}</code>${link}</p><div class="read">${outcomeLines(leafKit, outcome).map(paragraphs).join('')}</div></div>`;
        }
        // The procedure's words depend only on the profile and the places (how many days, which city).
        const { spoken } = spokenOf(kit, node.question.id);
        const branches = await Promise.all(node.branches.map(async (b) => `<li><span class="choice">${h(b.label)}</span> →${await render(b.next)}</li>`));
        return `<div class="node" data-prompt="${h(node.question.id)}"><p class="spoken"><a href="#prompt-${h(node.question.id)}"><code>${h(node.question.id)}</code></a> ${h(spoken)}</p><ul>${branches.join('')}</ul></div>`;
      };
      parts.push(`<section class="scope"><h3>${h(w(`scopes.${place.scope}`, { insured: showPlace(place.insured, locale), treatment: showPlace(place.treatment, locale) }))}</h3>${await render(tree)}</section>`);
    }
    const consequenceSections = [...consequences.entries()].map(([key, html]) => `<section class="consequences" id="consequences-${h(profile.id)}-${h(key)}">${html}</section>`).join('\n');
    trees.push(`<section class="profile" id="profile-${h(profile.id)}" data-profile="${h(profile.id)}">
<h2>${h(w('profileTitle', { profile: profile.name[locale] }))}</h2>
${parts.join('\n')}
<h3>${h(w('consequencesTitle'))}</h3>
${consequenceSections}
</section>`);
  }

  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<title>${h(w('title'))}</title>
<style>
body { font: 15px/1.6 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; color: #1d2733; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 2px solid #0b5cad; padding-bottom: 0.2rem; margin-top: 2.5rem; } h3 { margin-top: 1.6rem; }
.spoken { font-size: 1.1rem; font-weight: 600; }
code { font-size: 0.85em; color: #5b6675; font-weight: normal; }
.choices, .node ul { list-style: none; padding-left: 1.2rem; border-left: 2px solid #d5dbe3; }
.choice { display: inline-block; border: 1px solid #0b5cad; border-radius: 4px; padding: 0 0.4rem; margin: 0.15rem 0; }
.outcome { background: #f1f6fc; border-left: 4px solid #0b5cad; padding: 0.2rem 0.8rem; margin: 0.3rem 0; }
.outcome-kind { margin: 0.2rem 0; color: #5b6675; }
.read p { margin: 0.3rem 0; }
.asking { border-top: 1px solid #d5dbe3; padding-top: 0.4rem; break-inside: avoid; }
.consequences { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } details { display: block; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>${h(w('title'))}</h1>
<p>${h(w('intro', { today: naturalDate(deps.today, locale) }))}</p>
<h2>${h(w('askingsTitle'))}</h2>
${askings.join('\n')}
${trees.join('\n')}
</body>
</html>
`;
}

async function consequencesHtml(kit: TurnKit, category: CategoryId, retroactive: boolean, state: FilingState, w: (key: string, params?: Record<string, string>) => string): Promise<string> {
  const start = state.situation.admissionDate ?? kit.deps.today();
  const consequences = consequencesOf(category, kit.profile, { start, provisional: true }, { retroactive });
  const text = `${kit.t('messages.consequencesIntro', { category: categoryName(kit, category) })}\n${renderItems(kit, consequences.items)}`;
  return `<h4>${h(categoryName(kit, category))}${retroactive ? ` ${h(w('retroactive'))}` : ''}</h4><div class="read">${paragraphs(text)}</div><p class="spoken">${h(kit.t('spoken.prompts.outcome.understood'))}</p>`;
}

