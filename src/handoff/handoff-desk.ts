import { randomBytes } from 'node:crypto';
import { ActivityTypes, EventFactory, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { isOpen, type OpeningHours } from '../domain/opening-hours.js';
import { resolveLocale, type Texts } from '../content/texts.js';
import { durationText } from '../content/natural.js';
import type { AgentPresence } from './agent-presence.js';
import { PRESENCE_WINDOW_MS } from './agent-presence.js';
import type { DraftView, Handoff, HandoffAgent, HandoffOutcome, HandoffReason, RelayMessage, ShownToAgent } from './handoff.js';
import { transcriptActivity } from './handoff-transcript.js';
import type { HandoffQueue } from './handoff-queue.js';
import type { HandoffMetrics } from './handoff-metrics.js';

/** What the assistant does for the desk, in a turn of the person's conversation (FilingBot). */
export interface AssistantHooks {
  /** The assistant takes the conversation again: at the question chosen (a prompt id), or where it waited. */
  resume(context: TurnContext, at: string | undefined): Promise<void>;
  /** The question waiting asked again, the conversation still with the agent (who fills the form in). */
  ask(context: TurnContext): Promise<void>;
  /** A turn of the assistant with the agent's words as the person's answer (the agent fills the form in). */
  answer(context: TurnContext): Promise<void>;
  /** The draft as the console shows it, from the conversation's state. */
  draft(context: TurnContext): Promise<DraftView>;
  /** How this turn's incoming words are shown back (a personal answer masked as such; ID and phone numbers anywhere). */
  mask(context: TurnContext): (text: string) => string;
}

/** Runs `logic` in a turn of the conversation (a proactive turn through the channel's adapter and its turn middleware). */
export type ConversationReach = (via: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => Promise<void>;

/**
 * Where the desk finds a conversation's transcript: the web channel's log, or the handoff transcript the other
 * channels keep (HandoffTranscript).
 */
export interface TranscriptSource {
  /** The conversation's activities so far, oldest first, on the attached channel `via`; read in a turn of the conversation, with that turn's so far. */
  read(via: string, reference: Partial<ConversationReference>, turn?: TurnContext): Promise<Activity[]>;
  /** The rest of this turn (`now`), or all of it (`turn`), belongs to the handoff's chat, not the transcript. */
  handedOff?(turn: TurnContext, from: 'now' | 'turn'): void;
}

export interface HandoffDeskOptions {
  queue: HandoffQueue;
  presence: AgentPresence;
  metrics: HandoffMetrics;
  texts: Texts;
  /**
   * The agents signed in now, on any instance (the console's sessions): an agent who signed out is gone at
   * once, not a minute later. Absent: the console's polls alone decide.
   */
  signedIn?: () => Promise<string[]>;
  /** When people answer in the console (the default region profile's hotlineSchedule); absent: presence alone decides. */
  hours?: OpeningHours;
  /** The attached channel an adapter belongs to ('web', 'wechat', 'bot-framework'). */
  channelOf: (context: TurnContext) => string;
  reach: ConversationReach;
  transcript: TranscriptSource;
  /**
   * What an agent reads of the assistant's messages in the transcript (the summary's names and address
   * masked); default their text, else their spoken text.
   */
  shown?: ShownToAgent;
  /** How long a handoff may wait before it is given up (the conversation's lifetime). */
  maxWaitMs: number;
  /** The expected time an agent spends with a conversation before there is any history. Default 5 minutes. */
  defaultHandlingMs?: number;
  now?: () => number;
  /** Failures of what the person does not wait for (the handoff events, the greeting, the hand-back's turn): logged without personal data. */
  onError?: (err: unknown, what: string) => void;
}

/** What a person asking for a person is told: a place in the queue, or why nobody can answer now. */
export type HandoffRequest =
  | { kind: 'queued'; handoff: Handoff; position: number; expectedWaitSeconds: number }
  | { kind: 'unavailable'; why: 'closed' | 'no_agent' };

/** The holder of a handoff an organisation's own agent hub accepted (handoff.status "accepted" on the conversation). */
export const HUB_AGENT_ID = 'hub';

/** turnState key: this turn carries the agent's words into the assistant (the gate lets it through). */
export const AGENT_ANSWER_KEY = Symbol('handoff.agentAnswer');

export class HandoffError extends Error {
  constructor(
    readonly code: 'not_found' | 'not_waiting' | 'not_yours' | 'not_filling',
    message: string,
  ) {
    super(message);
    this.name = 'HandoffError';
  }
}

/**
 * The handoff desk: puts a person who asks for a person in the shared queue (or says why nobody can
 * answer), tells an organisation's agent hub through the Bot Framework handoff events, lets one agent take
 * a conversation, carries the chat both ways, and gives the conversation back to the assistant. Everything
 * said to the person is from content/ in their language; what the agent reads is masked as the transcript is.
 */
export class HandoffDesk {
  private readonly now: () => number;
  private hooks: AssistantHooks | undefined;

  constructor(private readonly options: HandoffDeskOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The assistant the desk hands conversations back to (set once the bot is built: the bot's dialogs use the desk). */
  useAssistant(hooks: AssistantHooks): void {
    this.hooks = hooks;
  }

  get queue(): HandoffQueue {
    return this.options.queue;
  }

  /** Whether someone can answer now: within the hours, and an agent has the console open. */
  async availability(): Promise<'open' | 'closed' | 'no_agent'> {
    if (this.options.hours && !isOpen(this.options.hours, new Date(this.now()))) return 'closed';
    return (await this.agentsPresent()) > 0 ? 'open' : 'no_agent';
  }

  /** How many agents can answer: their console polled within the presence window, and they are signed in. */
  async agentsPresent(): Promise<number> {
    return (await this.presentAgents()).length;
  }

  private async presentAgents(): Promise<string[]> {
    const [seen, signedIn] = await Promise.all([this.options.presence.present(this.now() - PRESENCE_WINDOW_MS), this.options.signedIn?.()]);
    return signedIn ? seen.filter((id) => signedIn.includes(id)) : seen;
  }

  /** The person asks for a person (in a turn of their conversation). */
  async request(context: TurnContext, ask: { reason: HandoffReason; locale: string; draft: DraftView }): Promise<HandoffRequest> {
    const key = conversationKeyOf(context.activity);
    const existing = await this.queue.ofConversation(key);
    if (existing) return this.queued(existing);
    const availability = await this.availability();
    if (availability !== 'open') {
      this.options.metrics.ended(ask.reason, availability);
      return { kind: 'unavailable', why: availability };
    }
    const via = this.options.channelOf(context);
    // Without the message's id: the desk's turns are new turns, not a redelivery of this message (the dedupe drops those).
    const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(context.activity);
    const transcript = await this.transcriptOf(via, reference, context);
    const handoff: Handoff = {
      id: randomBytes(12).toString('base64url'),
      conversationKey: key,
      channel: context.activity.channelId ?? 'unknown',
      via,
      reference,
      locale: ask.locale,
      reason: ask.reason,
      queuedAt: this.now(),
      state: 'waiting',
      draft: ask.draft,
      transcriptLength: transcript.length,
    };
    const stands = await this.queue.enqueue(handoff);
    // From here the conversation waits for a person: what is said now is the handoff's chat.
    this.options.transcript.handedOff?.(context, 'now');
    const answer = await this.queued(stands);
    if (stands.id === handoff.id) {
      // An organisation's own agent hub may take the queue instead of the console: it hears of it on the conversation.
      const initiation = EventFactory.createHandoffInitiation(
        context,
        { handoffId: handoff.id, reason: handoff.reason, position: answer.kind === 'queued' ? answer.position : undefined, draft: handoff.draft, locale: handoff.locale },
        { activities: transcript },
      );
      await context.sendActivity(initiation).catch((err: unknown) => this.options.onError?.(err, 'handoff.initiate'));
    }
    return answer;
  }

  private async queued(handoff: Handoff): Promise<HandoffRequest> {
    const position = handoff.state === 'waiting' ? ((await this.queue.position(handoff.id)) ?? 1) : 0;
    return { kind: 'queued', handoff, position, expectedWaitSeconds: position > 0 ? await this.expectedWaitSeconds(position) : 0 };
  }

  /**
   * The wait for the n-th in line: nothing to speak of while agents are free; otherwise as many average
   * conversations as there are rounds of the agents present before the person's turn. In whole minutes.
   */
  async expectedWaitSeconds(position: number): Promise<number> {
    const [agents, busy, average] = await Promise.all([this.agentsPresent(), this.queue.taken(), this.queue.averageHandlingMs()]);
    const handling = average ?? this.options.defaultHandlingMs ?? 5 * 60_000;
    const free = Math.max(0, agents - busy.length);
    const rounds = position <= free ? 0 : Math.ceil((position - free) / Math.max(1, agents));
    return Math.max(60, Math.ceil((rounds * handling) / 60_000) * 60);
  }

  /** The conversation's handoff, waiting or with an agent (undefined: the assistant has it). */
  current(activity: Partial<Activity>): Promise<Handoff | undefined> {
    return this.queue.ofConversation(conversationKeyOf(activity));
  }

  /** The person wrote while handed off: their words (if any) kept for the agent (masked as the transcript keeps them), in the handoff's chat, not the transcript. */
  async personSays(context: TurnContext, handoff: Handoff, text: string): Promise<void> {
    this.options.transcript.handedOff?.(context, 'turn');
    if (text) await this.queue.say(handoff.id, { from: 'person', text, at: this.now() });
  }

  /**
   * The conversation's transcript so far as an agent reads it, whichever channel kept it (transcriptActivity:
   * messages only, the person's masked as the log kept them, the assistant's as `shown` gives them, no cards,
   * no account ids, no conversation: on WeChat its id is the person's openid; the hub has the handoff's id);
   * none when it cannot be read (reported: the handoff goes on without it).
   */
  private async transcriptOf(via: string, reference: Partial<ConversationReference>, turn?: TurnContext): Promise<Activity[]> {
    const activities = await this.options.transcript.read(via, reference, turn).catch((err: unknown) => {
      this.options.onError?.(err, 'handoff.transcript');
      return [];
    });
    return activities.flatMap((a) => {
      const kept = transcriptActivity(a, { shown: this.options.shown, channel: true });
      return kept ? [kept as Activity] : [];
    });
  }

  /** A turn of the person's conversation while it is with a person (the agent's side): the handoff's chat, not the transcript. */
  private reachHeld(handoff: Handoff, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return this.options.reach(handoff.via, handoff.reference, async (context) => {
      this.options.transcript.handedOff?.(context, 'turn');
      await logic(context);
    });
  }

  /** The person left the queue (or the chat with the agent) with a word. */
  async leave(context: TurnContext, handoff: Handoff): Promise<boolean> {
    const ended = await this.queue.end(handoff.id);
    if (!ended) return false;
    this.finished(ended, 'left');
    await this.status(context, 'failed', 'the person left');
    return true;
  }

  /**
   * Whether someone still serves the handoff: a waiting one while any agent has the console open, a taken
   * one while its agent does (an agent who closed the console, or lost the network, is gone after the
   * presence window). Asked when the person writes, so nobody writes into a void.
   */
  async served(handoff: Handoff): Promise<true | 'no_agent' | 'agent_gone'> {
    // A hub serves its own: it says when it is done (handoff.status), not by polling this console.
    if (handoff.agent?.id === HUB_AGENT_ID) return true;
    const present = await this.presentAgents();
    if (handoff.state === 'waiting') return present.length > 0 ? true : 'no_agent';
    return handoff.agent && present.includes(handoff.agent.id) ? true : 'agent_gone';
  }

  /** Ends a handoff nobody serves any more (see served): the assistant carries on. */
  async release(context: TurnContext, handoff: Handoff, outcome: 'no_agent' | 'agent_gone'): Promise<boolean> {
    const ended = await this.queue.end(handoff.id);
    if (!ended) return false;
    this.finished(ended, outcome);
    await this.status(context, 'failed', outcome === 'agent_gone' ? 'the agent left' : 'no agent is available');
    return true;
  }

  /**
   * A handoff.status event on the conversation from an organisation's own agent hub (the Bot Framework
   * handoff protocol), taken only on the Bot Framework channel (signed by the Bot Framework; on the web page
   * a person could post any event): "accepted" — the hub took the waiting conversation (the console sees it
   * held by another); "completed" or "failed" — the hub is done (handed_back) or could not serve (no_agent),
   * and the assistant carries on ('resume').
   */
  async hubStatus(context: TurnContext): Promise<'resume' | 'none'> {
    if (this.options.channelOf(context) !== 'bot-framework') return 'none';
    const value = context.activity.value as { state?: unknown; message?: unknown } | undefined;
    const handoff = await this.current(context.activity);
    if (!handoff) return 'none';
    if (value?.state === 'accepted') {
      const name = typeof value.message === 'string' && value.message.trim() ? value.message.trim().slice(0, 64) : HUB_AGENT_ID;
      const taken = await this.queue.take(handoff.id, { id: HUB_AGENT_ID, displayName: name }, this.now());
      if (taken) this.options.metrics.waited((taken.takenAt! - taken.queuedAt) / 1000);
      return 'none';
    }
    if (value?.state !== 'completed' && value?.state !== 'failed') return 'none';
    const ended = await this.queue.end(handoff.id);
    if (!ended) return 'none';
    this.finished(ended, value.state === 'completed' ? 'handed_back' : 'no_agent');
    return 'resume';
  }

  /** The console's poll: the agent is present; handoffs waited out are given up. */
  async poll(agent: HandoffAgent): Promise<{ waiting: Handoff[]; taken: Handoff[]; agentsPresent: number }> {
    await this.options.presence.seen(agent.id, this.now());
    const waiting: Handoff[] = [];
    for (const h of await this.queue.waiting()) {
      if (this.now() - h.queuedAt > this.options.maxWaitMs) {
        const ended = await this.queue.end(h.id);
        if (ended) this.finished(ended, 'expired');
      } else waiting.push(h);
    }
    // A conversation whose agent left the console (not seen for the presence window, or signed out) goes back
    // to the assistant now, and the person is told, rather than at their next message.
    const present = await this.presentAgents();
    const taken: Handoff[] = [];
    for (const h of await this.queue.taken()) {
      if (h.agent && h.agent.id !== HUB_AGENT_ID && !present.includes(h.agent.id)) await this.agentLeft(h);
      else taken.push(h);
    }
    return { waiting, taken, agentsPresent: present.length };
  }

  private async agentLeft(handoff: Handoff): Promise<void> {
    const ended = await this.queue.end(handoff.id);
    if (!ended) return;
    this.finished(ended, 'agent_gone');
    await this.options
      .reach(handoff.via, handoff.reference, async (context) => {
        await this.send(context, handoff, this.words(handoff, 'handoff.agentGone', {}), { state: 'ended', why: 'agent_gone' });
        await this.status(context, 'failed', 'the agent left');
        await this.hooks?.resume(context, undefined);
      })
      .catch((err: unknown) => this.options.onError?.(err, 'handoff.agentGone'));
  }

  /** Takes a waiting conversation for the agent (only one agent can); the person is told who answers. */
  async take(id: string, agent: HandoffAgent): Promise<Handoff> {
    const taken = await this.queue.take(id, agent, this.now());
    if (!taken) throw new HandoffError((await this.queue.get(id)) ? 'not_waiting' : 'not_found', 'the conversation is not waiting (taken by another agent, or left)');
    this.options.metrics.waited((taken.takenAt! - taken.queuedAt) / 1000);
    await this.queue.say(id, { from: 'system', text: this.words(taken, 'handoff.joined', { name: agent.displayName }), at: this.now() });
    // Taken is taken: a channel that cannot be reached now (WeChat's API away) costs the greeting, not the conversation.
    await this.reachHeld(taken, async (context) => {
      await this.send(context, taken, this.words(taken, 'handoff.joined', { name: agent.displayName }), { state: 'talking', agent: agent.displayName });
      await this.status(context, 'accepted');
    }).catch((err: unknown) => this.options.onError?.(err, 'handoff.joined'));
    return taken;
  }

  /** The handoff as the agent holding it sees it: the record, the transcript before it, the chat since. */
  async view(id: string, agentId: string, after = 0): Promise<{ handoff: Handoff; transcript: RelayMessage[]; messages: RelayMessage[] }> {
    const handoff = await this.held(id, agentId);
    const [activities, messages] = await Promise.all([
      this.transcriptOf(handoff.via, handoff.reference),
      this.queue.messages(id, after),
    ]);
    return { handoff, transcript: transcriptLines(activities.slice(0, handoff.transcriptLength)), messages };
  }

  /** The agent writes to the person: shown to them as from 人工客服 and the agent's display name. */
  async agentSays(id: string, agent: HandoffAgent, text: string): Promise<void> {
    const handoff = await this.held(id, agent.id);
    await this.queue.say(id, { from: 'agent', name: agent.displayName, text, at: this.now() });
    const line = this.agentLine(handoff, agent.displayName, text);
    await this.reachHeld(handoff, (context) => this.send(context, handoff, line.text, line.handoff));
  }

  /** The agent fills the form in for the person: from now on the agent's words answer the assistant's questions. */
  async fillIn(id: string, agent: HandoffAgent): Promise<Handoff> {
    const held = await this.held(id, agent.id);
    const handoff = (await this.queue.update(id, agent.id, { state: 'filling' })) ?? held;
    await this.queue.say(id, { from: 'system', text: this.words(handoff, 'handoff.filling', { name: agent.displayName }), at: this.now() });
    await this.reachHeld(handoff, async (context) => {
      await this.send(context, handoff, this.words(handoff, 'handoff.filling', { name: agent.displayName }), { state: 'filling', agent: agent.displayName });
      // The question waiting, asked again: the agent reads it in the chat.
      context.onSendActivities(async (_ctx, activities, next) => {
        await this.keepAssistantLines(id, activities);
        return next();
      });
      await this.hooks?.ask(context);
    });
    return handoff;
  }

  /**
   * While filling in: the agent's words go to the assistant as the person's answer. The person sees them
   * as the agent's line (masked as the transcript keeps answers), then what the assistant says; both are
   * kept in the chat for the console, and the draft is refreshed.
   */
  async agentAnswers(id: string, agent: HandoffAgent, text: string): Promise<void> {
    const handoff = await this.held(id, agent.id);
    if (handoff.state !== 'filling') throw new HandoffError('not_filling', 'the agent is not filling the form in for this conversation');
    let draft: DraftView | undefined;
    await this.reachHeld(handoff, async (context) => {
      const activity = context.activity as Activity;
      Object.assign(activity, { type: ActivityTypes.Message, name: undefined, text, locale: handoff.locale });
      context.turnState.set(AGENT_ANSWER_KEY, agent);
      let first = true;
      context.onSendActivities(async (ctx, activities, next) => {
        let assistants = activities;
        if (first) {
          first = false;
          // Sent before the assistant's first reply; by then the answer was read, so it is masked as what it answered.
          const shown = this.hooks ? this.hooks.mask(ctx)(text) : text;
          await this.queue.say(id, { from: 'agent', name: agent.displayName, text: shown, at: this.now() });
          const line = this.agentLine(handoff, agent.displayName, shown);
          activities.unshift({ type: ActivityTypes.Message, text: line.text, locale: handoff.locale, channelData: { handoff: { ...line.handoff, answered: true } } });
          assistants = activities.slice(1);
        }
        await this.keepAssistantLines(id, assistants);
        return next();
      });
      await this.hooks?.answer(context);
      draft = await this.hooks?.draft(context);
    });
    if (draft) await this.queue.update(id, agent.id, { draft });
  }

  /**
   * The agent lets go: the assistant takes the conversation again at the question chosen (or where it
   * waited); `finished` when the agent finished the filing for the person.
   */
  async handBack(id: string, agent: HandoffAgent, options: { at?: string; finished?: boolean } = {}): Promise<void> {
    const handoff = await this.held(id, agent.id);
    const ended = await this.queue.end(id);
    if (!ended) throw new HandoffError('not_found', 'the conversation was already handed back');
    this.finished(ended, options.finished ? 'finished' : 'handed_back');
    // Ended is ended: if the conversation cannot be reached now, the person's next message finds the assistant.
    await this.options
      .reach(handoff.via, handoff.reference, async (context) => {
        await this.send(context, handoff, this.words(handoff, options.finished ? 'handoff.finished' : 'handoff.handedBack', { name: agent.displayName }), { state: 'ended', agent: agent.displayName });
        await this.status(context, 'completed');
        await this.hooks?.resume(context, options.finished ? undefined : options.at);
      })
      .catch((err: unknown) => this.options.onError?.(err, 'handoff.handBack'));
  }

  /**
   * The assistant's messages, kept in the chat for the console (what it asks while the agent fills in, read as
   * the transcript reads them: transcriptActivity, the summary's names and address masked), with the choices
   * its buttons offer as one line ("A / B / C"): the agent answers with one of them.
   */
  private async keepAssistantLines(id: string, activities: Partial<Activity>[]): Promise<void> {
    for (const a of activities) {
      const text = transcriptActivity(a, { shown: this.options.shown, by: 'bot' })?.text;
      if (!text) continue;
      const choices = (a.suggestedActions?.actions ?? []).map((action) => action.title).filter((title): title is string => Boolean(title));
      await this.queue.say(id, { from: 'assistant', text: choices.length > 0 ? `${text}\n${choices.join(' / ')}` : text, at: this.now() });
    }
  }

  private async held(id: string, agentId: string): Promise<Handoff> {
    const handoff = await this.queue.get(id);
    if (!handoff) throw new HandoffError('not_found', 'no such conversation in the queue');
    if (handoff.state === 'waiting' || handoff.agent?.id !== agentId) throw new HandoffError('not_yours', 'another agent holds this conversation, or nobody took it');
    return handoff;
  }

  private finished(handoff: Handoff, outcome: HandoffOutcome): void {
    this.options.metrics.ended(handoff.reason, outcome);
    if (handoff.takenAt !== undefined) void this.queue.handled(this.now() - handoff.takenAt).catch((err: unknown) => this.options.onError?.(err, 'handoff.stats'));
  }

  /**
   * An agent's line: its text says who speaks ("人工客服 <name>：…"), for the channels that show text only
   * (WeChat, the Bot Framework's); channelData.handoff marks it as the agent's for a page that can show it
   * apart (the citizens' page): the agent's name, the label over the message, and the lead of the text
   * before the agent's own words (the page shows the label instead). No words of the agent's in
   * channelData: the web transcript seals the text, not channelData.
   */
  private agentLine(handoff: Handoff, name: string, text: string): { text: string; handoff: Record<string, string> } {
    const line = this.words(handoff, 'handoff.agentLine', { name, text });
    const lead = text && line.endsWith(text) ? line.slice(0, line.length - text.length) : '';
    const label = this.words(handoff, 'handoff.agentLabel', { name });
    return { text: line, handoff: { from: 'agent', agent: name, label, ...(lead ? { lead } : {}) } };
  }

  private words(handoff: Handoff, key: string, params: Record<string, string>): string {
    return this.options.texts.t(resolveLocale(handoff.locale), key, params);
  }

  private async send(context: TurnContext, handoff: Handoff, text: string, handoffData: Record<string, string>): Promise<void> {
    await context.sendActivity({ type: ActivityTypes.Message, text, locale: handoff.locale, channelData: { handoff: handoffData } });
  }

  /** handoff.status on the conversation: accepted, failed, completed (the Bot Framework handoff protocol's states). */
  private async status(context: TurnContext, state: 'accepted' | 'failed' | 'completed', message?: string): Promise<void> {
    const event = EventFactory.createHandoffStatus(context.activity.conversation, state, message);
    await context.sendActivity(event).catch((err: unknown) => this.options.onError?.(err, 'handoff.status'));
  }
}

/** `<channelId>:<conversationId>`. */
export function conversationKeyOf(activity: Partial<Activity>): string {
  return `${activity.channelId ?? 'unknown'}:${activity.conversation?.id ?? ''}`;
}

/** A transcript as the console shows it: who said what, when (messages only; cards by their spoken text). */
export function transcriptLines(activities: Activity[]): RelayMessage[] {
  return activities.flatMap((a): RelayMessage[] => {
    if (a.type !== ActivityTypes.Message) return [];
    const text = a.text || a.speak || '';
    if (!text) return [];
    const from = a.from?.role === 'user' ? 'person' : (a.channelData as { handoff?: { from?: string } } | undefined)?.handoff?.from === 'agent' ? 'agent' : 'assistant';
    return [{ from, text, at: a.timestamp ? new Date(a.timestamp).getTime() : 0 }];
  });
}
