import type { Request } from 'restify';
import { HttpError, queryValue, readJsonBody, sendJson } from '../channels/http.js';
import { type Locale, type Texts } from '../content/texts.js';
import type { AgentApi, AgentAudit } from '../agents/index.js';
import type { Handoff } from './handoff.js';
import { HandoffError, type HandoffDesk } from './handoff-desk.js';

/** The longest message an agent sends at once. */
export const MAX_AGENT_TEXT = 2000;
const MAX_BODY = 8 * 1024;

/**
 * The console's handoff API under /agent/api/ (behind the console's guard: 401 without a session, CSRF on
 * every POST):
 *   GET  queue                       who waits (waiting time, channel, stage, category, facts masked), mine, others' count; the agent counts as present
 *   GET  queue/words?lang=           the panel's words (content/locales/<locale>/handoff.json, console.*)
 *   POST handoffs/:id/take           take a waiting conversation (409 when another agent was first)
 *   GET  handoffs/:id?after=n        one held conversation: the record, the transcript before the handoff, the chat after line n
 *   POST handoffs/:id/messages       { text, as?: 'message' | 'answer' }: to the person, or (filling in) as their answer
 *   POST handoffs/:id/fill           the agent fills the form in for the person
 *   POST handoffs/:id/hand-back      { at?: promptId }: the assistant carries on (at that question)
 *   POST handoffs/:id/finish         the agent is done (after finishing the filing for the person)
 */
export function registerHandoffRoutes(api: AgentApi, options: { desk: HandoffDesk; texts: Texts; audit: AgentAudit; now?: () => number }): void {
  const { desk, texts, audit } = options;
  const now = options.now ?? Date.now;
  const idOf = (req: Request) => String((req.params as Record<string, unknown> | undefined)?.['id'] ?? '');

  api.get('queue', async (_req, res, agent) => {
    const { waiting, taken, agentsPresent } = await desk.poll(agent);
    sendJson(res, 200, {
      now: now(),
      agentsPresent,
      waiting: waiting.map((h) => summary(h, now())),
      mine: taken.filter((h) => h.agent?.id === agent.id).map((h) => summary(h, now())),
      othersTaken: taken.filter((h) => h.agent?.id !== agent.id).length,
    });
  });

  api.get('queue/words', async (req, res) => {
    const locale: Locale = /^en\b/i.test(queryValue(req, 'lang') ?? '') ? 'en-US' : 'zh-CN';
    sendJson(res, 200, panelWords(texts, locale), { 'Cache-Control': 'private, max-age=300' });
  });

  api.post('handoffs/:id/take', async (req, res, agent) => {
    const id = idOf(req);
    try {
      const handoff = await desk.take(id, agent);
      audit('handoff_take', { agent: agent.id, conversation: id, outcome: 'ok' });
      sendJson(res, 200, { handoff: summary(handoff, now()) });
    } catch (err) {
      if (err instanceof HandoffError && err.code === 'not_waiting') {
        audit('handoff_take', { agent: agent.id, conversation: id, outcome: 'taken_by_another' });
        sendJson(res, 409, { error: { code: 'AlreadyTaken', message: err.message } });
        return;
      }
      throw asHttp(err);
    }
  });

  api.get('handoffs/:id', async (req, res, agent) => {
    const after = Number(queryValue(req, 'after') ?? '0');
    const view = await desk.view(idOf(req), agent.id, Number.isInteger(after) && after >= 0 ? after : 0).catch((err: unknown) => {
      throw asHttp(err);
    });
    sendJson(res, 200, { handoff: summary(view.handoff, now()), transcript: view.transcript, messages: view.messages });
  });

  api.post('handoffs/:id/messages', async (req, res, agent) => {
    const body = (await readJsonBody(req, MAX_BODY)) as { text?: unknown; as?: unknown } | undefined;
    const text = typeof body?.text === 'string' ? body.text.trim() : '';
    if (!text || text.length > MAX_AGENT_TEXT) throw new HttpError(400, 'BadArgument', `text is required, at most ${MAX_AGENT_TEXT} characters`);
    const id = idOf(req);
    await (body?.as === 'answer' ? desk.agentAnswers(id, agent, text) : desk.agentSays(id, agent, text)).catch((err: unknown) => {
      throw asHttp(err);
    });
    sendJson(res, 200, { sent: true });
  });

  api.post('handoffs/:id/fill', async (req, res, agent) => {
    const id = idOf(req);
    await desk.fillIn(id, agent).catch((err: unknown) => {
      throw asHttp(err);
    });
    audit('handoff_fill_in', { agent: agent.id, conversation: id });
    sendJson(res, 200, { state: 'filling' });
  });

  api.post('handoffs/:id/hand-back', async (req, res, agent) => {
    const body = (await readJsonBody(req, MAX_BODY)) as { at?: unknown } | undefined;
    const at = typeof body?.at === 'string' && /^[\w.]{1,80}$/.test(body.at) ? body.at : undefined;
    const id = idOf(req);
    await desk.handBack(id, agent, at ? { at } : {}).catch((err: unknown) => {
      throw asHttp(err);
    });
    audit('handoff_hand_back', { agent: agent.id, conversation: id, ...(at ? { prompt: at } : {}) });
    sendJson(res, 200, { ended: 'handed_back' });
  });

  api.post('handoffs/:id/finish', async (req, res, agent) => {
    const id = idOf(req);
    await desk.handBack(id, agent, { finished: true }).catch((err: unknown) => {
      throw asHttp(err);
    });
    audit('handoff_finish', { agent: agent.id, conversation: id });
    sendJson(res, 200, { ended: 'finished' });
  });
}

/** A handoff as the console lists it: no conversation reference, nothing that finds the person. */
function summary(h: Handoff, now: number) {
  return {
    id: h.id,
    state: h.state,
    channel: h.channel,
    locale: h.locale,
    reason: h.reason,
    waitedSeconds: Math.max(0, Math.round(((h.takenAt ?? now) - h.queuedAt) / 1000)),
    ...(h.agent ? { agent: h.agent.displayName } : {}),
    draft: h.draft,
  };
}

function asHttp(err: unknown): unknown {
  if (!(err instanceof HandoffError)) return err;
  if (err.code === 'not_found') return new HttpError(404, 'NotFound', err.message);
  if (err.code === 'not_yours') return new HttpError(403, 'Forbidden', err.message);
  return new HttpError(400, 'BadArgument', err.message);
}

/** The panel's words, flat ("queueTitle" → the sentence), in the console's language. */
export function panelWords(texts: Texts, locale: Locale): Record<string, string> {
  const prefix = 'handoff.console.';
  const words = Object.fromEntries(texts.keys(locale).filter((k) => k.startsWith(prefix)).map((k) => [k.slice(prefix.length), texts.t(locale, k)]));
  // The filing's steps as the person's page names them (labels.steps.<stage>), for the queue's "stage".
  for (const k of texts.keys(locale)) if (k.startsWith('labels.steps.')) words[`steps.${k.slice('labels.steps.'.length)}`] = texts.t(locale, k);
  return words;
}

