import { ActivityTypes, type Activity, type ChannelAccount, type ConversationReference, type Middleware, type TurnContext } from 'botbuilder';
import { TURN_END_APPEND_KEY } from '../ops/turn-state-keys.js';
import type { ShownToAgent } from './handoff.js';
import type { HandoffTranscriptStore } from './transcript-store.js';

export interface HandoffTranscriptOptions {
  /** How this turn's incoming words are kept (FilingBot.incomingTextMask: a personal answer masked as such; ID and phone numbers anywhere). */
  mask: (context: TurnContext) => (text: string) => string;
  /** What an agent reads of a message the bot sent (its summary's names and address masked); default its text, else its spoken text. */
  shown?: ShownToAgent;
  /** A turn's transcript that could not be written (the turn itself went well): logged without personal data. */
  onError?: (err: unknown) => void;
}

/** What a turn keeps for the transcript, until its end (turnState). */
interface TurnRecord {
  channelId: string;
  conversationId: string;
  /** The person's message, masked once the turn has read it (at its end, or when the transcript is read). */
  incoming?: { text: string; locale?: string; timestamp: Date };
  replies: Partial<Activity>[];
  /** Set once the rest of the turn belongs to the handoff's chat (see handedOff). */
  stopped: boolean;
}

const TURN = Symbol('handoff transcript: this turn');

/**
 * The transcript of a conversation on a channel that keeps no log of its own (the Bot Framework's, WeChat),
 * for the live handoff: `handoff.initiate` carries it and the agent reads it. As botbuilder's
 * TranscriptLoggerMiddleware, it keeps what the person says and what the bot sends; unlike it, the person's
 * message is kept as the web transcript keeps it (masked once the turn has read it: FilingBot.incomingTextMask),
 * only messages are kept and only what a person reads of them (text, or the spoken text of a card; no cards,
 * whose summary holds names and the address in full), and a turn is one write that rides on the script that
 * ends the turn (no round trip of its own where the store is the Redis that keeps the turns).
 *
 * While the conversation is with a person (handedOff), its turns are the handoff's chat (the queue keeps it),
 * not the transcript: what the agent reads as the transcript is what came before.
 */
export class HandoffTranscript implements Middleware {
  constructor(
    private readonly store: HandoffTranscriptStore,
    private readonly options: HandoffTranscriptOptions,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    const channelId = activity.channelId;
    const conversationId = activity.conversation?.id;
    if (!channelId || !conversationId) return next();
    if (personLeft(activity)) {
      // The person left the one-to-one conversation (unfollowed the WeChat account): its transcript goes with its state.
      await next();
      await this.store.deleteTranscript(channelId, conversationId).catch((err: unknown) => this.options.onError?.(err));
      return;
    }
    const turn: TurnRecord = { channelId, conversationId, replies: [], stopped: false };
    if (activity.type === ActivityTypes.Message && typeof activity.text === 'string' && activity.text.trim()) {
      turn.incoming = { text: activity.text, timestamp: new Date(), ...(activity.locale ? { locale: activity.locale } : {}) };
    }
    context.turnState.set(TURN, turn);
    context.onSendActivities(async (_context, activities, sent) => {
      if (!turn.stopped) for (const a of activities) keepReply(turn, a, this.options.shown);
      return sent();
    });
    await next();
    const activities = this.turnSoFar(context, turn);
    if (activities.length === 0) return;
    const rider = this.store.forTurnEnd && context.turnState.get(TURN_END_APPEND_KEY) === undefined ? this.store.forTurnEnd(channelId, conversationId, activities) : undefined;
    if (rider) context.turnState.set(TURN_END_APPEND_KEY, rider);
    else await this.store.logTurn(channelId, conversationId, activities).catch((err: unknown) => this.options.onError?.(err));
  }

  /**
   * The conversation's transcript, oldest first, as Bot Framework activities (the channel and conversation
   * filled in); read in a turn of the conversation, with that turn's activities so far.
   */
  async read(reference: Partial<ConversationReference>, turn?: TurnContext): Promise<Activity[]> {
    const channelId = reference.channelId ?? '';
    const conversationId = reference.conversation?.id ?? '';
    const kept = (await this.store.getTranscriptActivities(channelId, conversationId)).items;
    const current = turn?.turnState.get(TURN) as TurnRecord | undefined;
    const now = current && current.channelId === channelId && current.conversationId === conversationId ? this.turnSoFar(turn!, current) : [];
    return [...kept, ...now].map((a) => ({ ...a, channelId, conversation: { ...(reference.conversation ?? {}), id: conversationId } }) as Activity);
  }

  /**
   * The rest of this turn belongs to the handoff's chat, not the transcript: from now (`now`: the person just
   * asked for a person, and their asking is the transcript's last line), or the whole turn (`turn`: a message
   * to the agent, or the agent's to the person).
   */
  handedOff(turn: TurnContext, from: 'now' | 'turn'): void {
    const record = turn.turnState.get(TURN) as TurnRecord | undefined;
    if (!record) return;
    record.stopped = true;
    if (from === 'turn') {
      delete record.incoming;
      record.replies = [];
    }
  }

  /** The turn's activities so far: the person's message masked as the turn has read it, then the replies. */
  private turnSoFar(context: TurnContext, turn: TurnRecord): Partial<Activity>[] {
    if (!turn.incoming) return turn.replies;
    const { text, ...rest } = turn.incoming;
    const incoming: Partial<Activity> = { type: ActivityTypes.Message, from: as('user'), text: this.options.mask(context)(text), ...rest };
    return [incoming, ...turn.replies];
  }
}

/** A message the bot sends, as the transcript keeps it (see transcriptActivity), stamped now. */
function keepReply(turn: TurnRecord, activity: Partial<Activity>, shown?: ShownToAgent): void {
  const kept = transcriptActivity(activity, { shown, by: 'bot', at: new Date() });
  if (kept) turn.replies.push(kept);
}

/** What transcriptActivity is told besides the message. */
export interface TranscriptReading {
  /** What an agent reads of a message the bot sent (its summary's names and address masked); default its text, else its spoken text. */
  shown?: ShownToAgent | undefined;
  /** Who said it, when the caller knows (the bot's replies and messages); by default the person when `from.role` says "user", else the bot. */
  by?: 'user' | 'bot';
  /** When it was said, when the caller knows (a reply being sent: now); by default the message's timestamp. */
  at?: Date;
  /** Keep the message's channel (channelId): a transcript read by the desk names each line's channel. */
  channel?: boolean;
}

/**
 * A message as the transcript an agent reads keeps it, whichever channel's log it comes from (the web
 * page's own, or this one): who said it (the person or the bot, by role only: no account ids, a WeChat
 * openid is one), what a person reads of it (the person's words as the log kept them, masked; the bot's
 * text or a card's spoken text as `shown` gives it: the summary's names and address masked), when, in
 * which language, and whether an agent wrote it. No cards (the summary's card holds names and the address
 * in full), no channelData beyond the agent's mark, no typing, events or traces: undefined for those.
 */
export function transcriptActivity(activity: Partial<Activity>, reading: TranscriptReading = {}): Partial<Activity> | undefined {
  if (activity.type !== ActivityTypes.Message) return undefined;
  const person = (reading.by ?? activity.from?.role) === 'user';
  const { shown } = reading;
  const text = person ? activity.text : shown ? shown(activity) : activity.text || activity.speak;
  if (!text) return undefined;
  const agent = (activity.channelData as { handoff?: { from?: unknown } } | undefined)?.handoff?.from === 'agent';
  const timestamp = reading.at ?? activity.timestamp;
  return {
    type: ActivityTypes.Message,
    ...(reading.channel && activity.channelId ? { channelId: activity.channelId } : {}),
    from: as(person ? 'user' : 'bot'),
    text,
    ...(timestamp ? { timestamp } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
    ...(agent ? { channelData: { handoff: { from: 'agent' } } } : {}),
  };
}

/** A one-to-one conversation the person left (membersRemoved names them). */
function personLeft(activity: Partial<Activity>): boolean {
  const { from, conversation } = activity;
  return activity.type === ActivityTypes.ConversationUpdate && !conversation?.isGroup && (activity.membersRemoved ?? []).some((m) => m.id === from?.id);
}

/** Who said it, by role only: the transcript keeps no account ids (a WeChat openid is one). */
const as = (role: 'user' | 'bot') => ({ role }) as ChannelAccount;
