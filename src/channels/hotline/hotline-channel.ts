import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { Counter, type Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import type { Locale, Texts } from '../../content/texts.js';
import { resolveLocale } from '../../content/texts.js';
import type { AgentApi, AgentAudit, SignedInAgent } from '../../agents/index.js';
import type { ChannelCapabilities } from '../../../dialogs/channel-capabilities.js';
import { UNDERSTOOD } from '../../../dialogs/conversation-askings.js';
import { HttpError, readJsonBody, sendJson } from '../http.js';
import type { Channel, ChannelBot } from '../channel.js';
import { HOTLINE_CHANNEL_ID, HotlineAdapter, type CallInput } from './hotline-adapter.js';
import { callScreen, filingOf, handledOf, scriptOf, type CallAnswer, type CallScreen } from './call-screen.js';
import { GUIDED_CALL_OUTCOMES, outcomeOfCall, type CallRecord, type CallStore, type GuidedCallOutcome } from './call-store.js';
import type { TurnLock } from '../../state/turn-lock.js';

/**
 * The hotline's guided call, a channel on the channel contract: a 12393 agent follows the same dialogs as a
 * script while the caller is on the phone. Its turns come from the console (signed-in agents only, under
 * /agent/api/calls), and what they can show is buttons without cards, every question with its spoken form
 * (dialogs/channel-capabilities.ts `spoken`). The agent types for the caller (the turn's operator), so a
 * filing submitted in a call records channel `hotline`, the agent, and the consent as given orally to them.
 *
 *   POST /agent/api/calls                       start a call { locale? } → the screen (201)
 *   GET  /agent/api/calls                       the agent's calls (to resume a paused one), each with the question it waits at
 *   GET  /agent/api/calls/:call                 the screen again (the question waiting asked again)
 *   POST /agent/api/calls/:call/say             { text } what the caller said, or a choice's label → the screen
 *   POST /agent/api/calls/:call/edit            { question } change an earlier answer (then back where it was)
 *   POST /agent/api/calls/:call/script-read     the outcome script was read to the caller (agent and time kept)
 *   POST /agent/api/calls/:call/pause | resume | end
 *
 * Only the agent who started a call may use it (403 for anyone else). A call's requests that change it run one
 * at a time (`callLock`, across instances), each reading the record afresh: two quick clicks never lose a write;
 * one that waits too long is answered 409 (busy, send it again).
 */
export const HOTLINE_CAPABILITIES: ChannelCapabilities = { buttons: true, cards: false, markdown: false, typing: false, proactive: false, spoken: true };

export interface HotlineChannelOptions {
  api: AgentApi;
  audit: AgentAudit;
  calls: CallStore;
  /** Serialises the changing requests of one call (keyed `hotline-call/<id>`; not the conversation's own turn lock, which each turn takes inside). */
  callLock: TurnLock;
  /** How long a request waits behind another of the same call. Default 5000 ms. */
  callLockWaitMs?: number;
  texts: Texts;
  /** Every answer of the filing under way, read after a turn (FilingBot.answersOf). */
  answersOf(context: TurnContext): Promise<Array<{ id: string; label: string | undefined; value: string; choice?: string; editable: boolean }>>;
  /** Whether a filing is under way, read after a turn (FilingBot.filingUnderWay): the side panel shows its answers only then. */
  filingUnderWay(context: TurnContext): Promise<boolean>;
  registry: Registry;
  now?: () => Date;
}

const CALL_ID = /^[0-9a-f-]{36}$/;
const QUESTION_ID = /^[a-zA-Z]+(\.[a-zA-Z]+){1,3}$/;
const MAX_TEXT = 2000;

export function hotlineChannel(options: HotlineChannelOptions): Channel<HotlineAdapter> {
  const now = options.now ?? (() => new Date());
  const registers = [options.registry];
  const started = new Counter({ name: 'guided_calls_started_total', help: 'Guided calls started by hotline agents', registers });
  const finished = new Counter({ name: 'guided_calls_total', help: `Guided calls by outcome: ${GUIDED_CALL_OUTCOMES.join(', ')}`, labelNames: ['outcome'], registers });
  for (const outcome of GUIDED_CALL_OUTCOMES) finished.inc({ outcome }, 0);
  const adapter = new HotlineAdapter();

  const channel: Channel<HotlineAdapter> = {
    id: HOTLINE_CHANNEL_ID,
    capabilitiesOf: () => HOTLINE_CAPABILITIES,
    register(_server: Server, bot: ChannelBot): HotlineAdapter {
      adapter.onTurnError = bot.onTurnError;
      const { api, audit, calls, texts } = options;

      /** The call of the request, the agent's own (404 when unknown, 403 for another agent's). */
      const ownCall = async (req: Request, agent: SignedInAgent): Promise<CallRecord> => {
        const id = String((req.params as Record<string, unknown>)['call'] ?? '');
        const record = CALL_ID.test(id) ? await calls.get(id) : undefined;
        if (!record) throw new HttpError(404, 'NotFound', 'no such call');
        if (record.agentId !== agent.id) {
          audit('call_refused', { agent: agent.id, call: record.id });
          throw new HttpError(403, 'Forbidden', "another agent's call: only the agent who started it may continue it");
        }
        return record;
      };
      /**
       * Runs `change` holding the call (its requests one at a time, on any instance), with the record read
       * afresh under the lock: what an earlier request wrote is never overwritten by a stale copy.
       */
      const withCall = async <T>(req: Request, agent: SignedInAgent, change: (record: CallRecord) => Promise<T>): Promise<T> => {
        const id = String((req.params as Record<string, unknown>)['call'] ?? '');
        if (!CALL_ID.test(id)) throw new HttpError(404, 'NotFound', 'no such call');
        const lease = await options.callLock.acquire(`hotline-call/${id}`, { maxWaitMs: options.callLockWaitMs ?? 5000 });
        if (!lease) throw new HttpError(409, 'BadArgument', 'the call is busy with another request: send it again');
        try {
          return await change(await ownCall(req, agent));
        } finally {
          await lease.release();
        }
      };
      const active = (record: CallRecord) => {
        if (record.status !== 'active') throw new HttpError(409, 'BadArgument', `the call is ${record.status}: ${record.status === 'paused' ? 'resume it first' : 'start a new one'}`);
      };

      /** Counts how the call ended, once. */
      const finish = (record: CallRecord, outcome: GuidedCallOutcome) => {
        if (record.outcome) return;
        record.outcome = outcome;
        finished.inc({ outcome });
      };

      /** Runs one turn of the call and keeps what the screen needs of it in the call record. */
      const turn = async (record: CallRecord, agent: SignedInAgent, input: CallInput): Promise<CallScreen> => {
        // The answer is audited by the question it answers, never by what the caller said.
        if (input.kind === 'text') audit('call_answer', { agent: agent.id, call: record.id, ...(record.waiting ? { prompt: record.waiting } : {}) });
        const { sent, context } = await adapter.turn(record.id, input, { locale: record.locale, operator: { channel: HOTLINE_CHANNEL_ID, agentId: agent.id }, continued: record.startedAt !== record.updatedAt }, bot.logic);
        const answers = await readAnswers(context, record.locale);
        const underWay = await options.filingUnderWay(context);
        const at = now().toISOString();
        const script = scriptOf(sent);
        if (script && (script.outcome !== record.script?.outcome || script.lines.join('\n') !== record.script.lines.join('\n'))) record.script = script;
        const consent = answers.find((a) => a.id === 'consent.personalInfo');
        if (consent) {
          // By the choice, not its words (shown in the conversation's language, which the caller may have switched).
          const given = consent.choice === 'agree';
          if (record.consent?.given !== given) {
            record.consent = { given, agent: agent.id, at };
            audit('call_consent', { agent: agent.id, call: record.id, outcome: given ? 'given_orally' : 'declined' });
            if (!given) finish(record, 'declined');
          }
        } else if (record.consent && underWay) delete record.consent; // taken back (back before the consent); a filing that ended keeps it
        const filing = filingOf(sent);
        if (filing && !record.filing) {
          record.filing = filing;
          audit('call_submit', { agent: agent.id, call: record.id, category: filing.category });
          finish(record, 'submitted');
        }
        const handled = handledOf(sent);
        if (handled && !record.handled?.includes(handled)) {
          record.handled = [...(record.handled ?? []), handled];
          audit('call_existing_filing', { agent: agent.id, call: record.id, outcome: handled });
        }
        record.updatedAt = at;
        // Submitted or ended: nothing left to change (the receipt says what was filed).
        const screen = callScreen({ record, sent, answers: underWay ? answers : [], texts, scriptGate: UNDERSTOOD.id });
        if (screen.question) record.waiting = screen.question.promptId;
        else delete record.waiting;
        await calls.put(record);
        return screen;
      };

      /** A question's short name: its answer's label, else the console's own (content: console.call.answerLabels). */
      const questionLabel = (locale: Locale, promptId: string): string =>
        texts.has(locale, `labels.${promptId}`) ? texts.t(locale, `labels.${promptId}`) : texts.has(locale, `console.call.answerLabels.${promptId}`) ? texts.t(locale, `console.call.answerLabels.${promptId}`) : promptId;

      const readAnswers = async (context: TurnContext, locale: Locale): Promise<CallAnswer[]> =>
        (await options.answersOf(context)).map((a) => ({ ...a, label: a.label ?? texts.t(locale, `console.call.answerLabels.${a.id}`) }));

      api.post('calls', async (req: Request, res: Response, agent: SignedInAgent) => {
        const body = (await readJsonBody(req, 4096)) as { locale?: unknown } | undefined;
        const locale = resolveLocale(typeof body?.locale === 'string' ? body.locale : 'zh-CN');
        const at = now().toISOString();
        const record: CallRecord = { id: randomUUID(), agentId: agent.id, locale, status: 'active', startedAt: at, updatedAt: at };
        started.inc();
        audit('call_start', { agent: agent.id, call: record.id });
        sendJson(res, 201, await turn(record, agent, { kind: 'open' }));
      });

      api.get('calls', async (_req: Request, res: Response, agent: SignedInAgent) => {
        const mine = await calls.ofAgent(agent.id);
        sendJson(res, 200, {
          calls: mine.map((c) => ({
            id: c.id,
            status: c.status,
            locale: c.locale,
            startedAt: c.startedAt,
            updatedAt: c.updatedAt,
            // The question it waits at, and its name in the call's language (as the side panel names answers).
            ...(c.waiting ? { waiting: c.waiting, waitingLabel: questionLabel(c.locale, c.waiting) } : {}),
            ...(c.filing ? { filing: { category: c.filing.category } } : {}),
          })),
        });
      });

      api.get('calls/:call', async (req: Request, res: Response, agent: SignedInAgent) => {
        await withCall(req, agent, async (record) => {
          if (record.status !== 'active') {
            sendJson(res, 200, callScreen({ record, sent: [], answers: [], texts, scriptGate: UNDERSTOOD.id }));
            return;
          }
          sendJson(res, 200, await turn(record, agent, { kind: 'open' }));
        });
      });

      api.post('calls/:call/say', async (req: Request, res: Response, agent: SignedInAgent) => {
        await withCall(req, agent, async (record) => {
          active(record);
          const body = (await readJsonBody(req, 16 * 1024)) as { text?: unknown } | undefined;
          const text = typeof body?.text === 'string' ? body.text.trim() : '';
          if (text === '' || text.length > MAX_TEXT) throw new HttpError(400, 'BadArgument', `text must be 1 to ${MAX_TEXT} characters`);
          sendJson(res, 200, await turn(record, agent, { kind: 'text', text }));
        });
      });

      api.post('calls/:call/edit', async (req: Request, res: Response, agent: SignedInAgent) => {
        await withCall(req, agent, async (record) => {
          active(record);
          const body = (await readJsonBody(req, 4096)) as { question?: unknown } | undefined;
          const questionId = typeof body?.question === 'string' ? body.question : '';
          if (!QUESTION_ID.test(questionId)) throw new HttpError(400, 'BadArgument', 'question must be a promptId');
          audit('call_edit', { agent: agent.id, call: record.id, prompt: questionId });
          sendJson(res, 200, await turn(record, agent, { kind: 'edit', questionId }));
        });
      });

      api.post('calls/:call/script-read', async (req: Request, res: Response, agent: SignedInAgent) => {
        await withCall(req, agent, async (record) => {
          active(record);
          if (!record.script) throw new HttpError(409, 'BadArgument', 'no outcome has been told in this call yet');
          record.script.read = { agent: agent.id, at: now().toISOString() };
          await calls.put(record);
          audit('call_script_read', { agent: agent.id, call: record.id, category: record.script.outcome });
          sendJson(res, 200, { script: record.script });
        });
      });

      for (const [action, from, to] of [
        ['pause', 'active', 'paused'],
        ['resume', 'paused', 'active'],
      ] as const) {
        api.post(`calls/:call/${action}`, async (req: Request, res: Response, agent: SignedInAgent) => {
          await withCall(req, agent, async (record) => {
            if (record.status !== from) throw new HttpError(409, 'BadArgument', `the call is ${record.status}`);
            record.status = to;
            audit(`call_${action}`, { agent: agent.id, call: record.id });
            if (to === 'active') {
              sendJson(res, 200, await turn(record, agent, { kind: 'open' }));
            } else {
              record.updatedAt = now().toISOString();
              await calls.put(record);
              sendJson(res, 200, callScreen({ record, sent: [], answers: [], texts, scriptGate: UNDERSTOOD.id }));
            }
          });
        });
      }

      api.post('calls/:call/end', async (req: Request, res: Response, agent: SignedInAgent) => {
        await withCall(req, agent, async (record) => {
          if (record.status === 'ended') throw new HttpError(409, 'BadArgument', 'the call has ended');
          record.status = 'ended';
          record.updatedAt = now().toISOString();
          finish(record, outcomeOfCall(record));
          await calls.put(record);
          audit('call_end', { agent: agent.id, call: record.id, outcome: record.outcome });
          sendJson(res, 200, callScreen({ record, sent: [], answers: [], texts, scriptGate: UNDERSTOOD.id }));
        });
      });
      return adapter;
    },
  };
  return channel;
}
