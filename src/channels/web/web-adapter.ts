import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type Middleware,
  type MiddlewareHandler,
  type ResourceResponse,
} from 'botbuilder';
import { activityId, type ActivityLog, type Replacement } from './activity-log.js';
import { CONTINUED_CONVERSATION_KEY, TURN_END_APPEND_KEY } from '../../ops/turn-state-keys.js';
import type { TurnEndAppend, TurnStartAppend } from '../../state/turn-lock.js';
import type { TurnTaker } from '../../bot/turn-order-middleware.js';

/**
 * The channel id of the web page. botbuilder-dialogs renders choice prompts as suggested-action buttons
 * on 'webchat' (Channel.supportsSuggestedActions), which Web Chat shows as buttons.
 */
export const WEB_CHANNEL_ID = 'webchat';
/** Put on activities' serviceUrl so a conversation reference names this channel; nothing calls it. */
export const WEB_SERVICE_URL = 'urn:yidi:webchat';

export interface WebAdapterOptions {
  /** The bot's account on this channel. */
  botId?: string;
  botName?: string;
  /**
   * Told what a turn's end wrote to the log on the adapter's behalf (with their ids, and the activity put in
   * another's place in the same step): the channel's open streams, its recent pages.
   */
  onAppended?: (conversationId: string, ids: string[], activities: Partial<Activity>[], replaced?: Replacement) => void;
}

type Logic = (context: TurnContext) => Promise<void>;
/** What runs at the head of the conversation's turns, before the middleware (see processActivity). */
type Begin = (context: TurnContext) => Promise<void>;

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
/** The characters markdown-it gives a meaning to, which a backslash makes plain. */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()<>#+\-.!|~"]/g;

/** Text shown as written by Web Chat's markdown renderer (which Adaptive Card text blocks go through). */
function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
}

/**
 * An Adaptive Card whose TextBlock texts and FactSet titles and values show exactly as written: Web Chat
 * renders them as markdown, so the `*` of a masked ID number (1101**********002X) would turn into bold.
 * The bot writes plain text on this channel (the same choice as textFormat 'plain' for messages).
 */
export function plainCardText(card: unknown): unknown {
  if (Array.isArray(card)) return card.map(plainCardText);
  if (typeof card !== 'object' || card === null) return card;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(card)) result[key] = plainCardText(value);
  const type = result['type'];
  if (type === 'TextBlock' && typeof result['text'] === 'string') result['text'] = escapeMarkdown(result['text']);
  if (type === 'FactSet' && Array.isArray(result['facts'])) {
    result['facts'] = (result['facts'] as unknown[]).map((fact) => {
      if (typeof fact !== 'object' || fact === null) return fact;
      const { title, value } = fact as Record<string, unknown>;
      return {
        ...fact,
        ...(typeof title === 'string' ? { title: escapeMarkdown(title) } : {}),
        ...(typeof value === 'string' ? { value: escapeMarkdown(value) } : {}),
      };
    });
  }
  return result;
}

function isTurnTaker(middleware: MiddlewareHandler | Middleware): middleware is Middleware & TurnTaker {
  return typeof (middleware as Partial<TurnTaker>).takeTurn === 'function';
}

/** What a turn has sent and not yet written to the log (turnState, under HELD). */
interface Held {
  conversationId: string;
  activities: Partial<Activity>[];
  replacing?: Replacement;
  /** What was handed to the step that ends the turn (TurnEndAppend), and what it was prepared from. */
  riding?: { rider: TurnEndAppend; activities: Partial<Activity>[]; replacing?: Replacement };
  /** Set once the turn is over: what is sent later (a late typing indicator) is written at once. */
  closed: boolean;
  /** Lets go of a turn taken before the middleware (takeTurn), should the middleware not have run it. */
  letGo?: () => Promise<void>;
}

const HELD = Symbol('web channel: activities held to the end of the turn');

/**
 * The web channel's own BotAdapter. A turn is run in this process; everything the bot sends during the
 * turn (or later, through continueConversation) is appended to the ActivityLog, where the page's next
 * poll finds it. Turns of one conversation run one after another in this process.
 *
 * What a turn sends is held and written together (ActivityLog.appendAll: one round trip on Redis) when the
 * turn flushes it (the channel does at the end of the bot's logic, so that a write that fails fails the
 * turn) and at the latest when the turn is over. A typing indicator, and anything before a delay, is
 * written at once: the page is meant to see it while the turn goes on. The ids of held activities are
 * not known when they are sent: their ResourceResponse ids are empty (nothing on this channel uses them).
 */
export class WebChannelAdapter extends BotAdapter {
  readonly bot: ChannelAccount & { role: 'bot' };
  private readonly queues = new Map<string, Promise<void>>();
  /** The turn order among the middleware, when it can take a turn before the middleware runs. */
  private taker: TurnTaker | undefined;

  constructor(
    private readonly log: ActivityLog,
    private readonly options: WebAdapterOptions = {},
  ) {
    super();
    this.bot = { id: options.botId ?? 'yidi-bot', name: options.botName ?? '', role: 'bot' };
  }

  /**
   * Runs one incoming activity (already checked and stamped by the channel) through middleware and logic.
   * A message always comes after the greeting turn the conversation's start ran, so its turn is marked as
   * continuing a conversation (CONTINUED_CONVERSATION_KEY): finding no state then means it was lost.
   */
  processActivity(activity: Partial<Activity>, logic: Logic, begin?: Begin): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) return Promise.reject(new Error('activity without conversation id'));
    return this.inOrder(conversationId, () => {
      const context = new TurnContext(this, activity);
      if (activity.type === ActivityTypes.Message) context.turnState.set(CONTINUED_CONVERSATION_KEY, true);
      return this.run(context, conversationId, logic, begin);
    });
  }

  override use(...middlewares: (MiddlewareHandler | Middleware)[]): this {
    for (const middleware of middlewares) if (isTurnTaker(middleware)) this.taker ??= middleware;
    return super.use(...middlewares);
  }

  /**
   * Within `begin` (see processActivity): takes the conversation's turn now, with the channel's admission and
   * append of the activity on the same step (TurnStartAppend: the turn order's lock sets what became of it),
   * when the turn order among the middleware can. False when it cannot (nothing done): the channel appends
   * itself. Throws when the store could not be reached before anything was appended.
   */
  async takeTurn(context: TurnContext, start: TurnStartAppend): Promise<boolean> {
    const held = context.turnState.get(HELD) as Held | undefined;
    if (!this.taker || !held) return false;
    held.letGo = await this.taker.takeTurn(context, start);
    return true;
  }

  /**
   * Writes what the turn has sent so far (and the replacement keepAs gave), in one step. A failure throws
   * (what was held is dropped: the turn failed, and its apology follows).
   */
  async flush(context: TurnContext): Promise<void> {
    const held = context.turnState.get(HELD) as Held | undefined;
    if (!held || (held.activities.length === 0 && !held.replacing)) return;
    const { activities, replacing } = held;
    held.activities = [];
    delete held.replacing;
    await this.log.appendAll(held.conversationId, activities, replacing);
  }

  /**
   * At the end of the bot's logic: what the turn has sent (and the replacement keepAs gave) rides on the step
   * that ends the turn (TURN_END_APPEND_KEY: the turn order middleware hands it to the lease, which writes it
   * with the turn's state in one round trip) when the log can prepare it; otherwise it is written now (flush).
   * Either way a write that fails fails the turn.
   */
  async flushWithTurn(context: TurnContext): Promise<void> {
    const held = context.turnState.get(HELD) as Held | undefined;
    if (!held || !this.log.forTurnEnd || held.riding || (held.activities.length === 0 && !held.replacing)) return this.flush(context);
    const { activities, replacing } = held;
    held.activities = [];
    delete held.replacing;
    const rider = this.log.forTurnEnd(held.conversationId, activities, replacing);
    held.riding = { rider, activities, ...(replacing ? { replacing } : {}) };
    context.turnState.set(TURN_END_APPEND_KEY, rider);
  }

  /**
   * Has the next flush put `activity` in the place of the logged activity `id` of the turn's conversation
   * (the person's message, kept masked once the bot has taken it), in the same step as the replies.
   */
  keepAs(context: TurnContext, replacement: Replacement): void {
    const held = context.turnState.get(HELD) as Held | undefined;
    if (held) held.replacing = replacement;
  }

  /**
   * Runs a turn with its sends held, and writes what is left when it is over (after onTurnError's apology too).
   * `begin` comes first, at the head of the conversation's turns (the channel's admission and append of the
   * activity, and the turn taken with them: takeTurn); when it throws, the turn is not run.
   */
  private async run(context: TurnContext, conversationId: string, logic: Logic, begin?: Begin): Promise<void> {
    const held: Held = { conversationId, activities: [], closed: false };
    context.turnState.set(HELD, held);
    try {
      if (begin) await begin(context);
      await this.runMiddleware(context, logic);
    } finally {
      held.closed = true;
      await held.letGo?.();
      const riding = held.riding;
      if (riding?.rider.length !== undefined) {
        const { length } = riding.rider;
        const ids = riding.activities.map((_, i) => activityId(conversationId, length - riding.activities.length + i + 1));
        this.options.onAppended?.(conversationId, ids, riding.activities, riding.replacing);
      } else if (riding && !riding.rider.taken) {
        // No lease took them (no turn order on this adapter, or another store): written here, first.
        held.activities.unshift(...riding.activities);
        if (riding.replacing) held.replacing ??= riding.replacing;
      } else if (riding?.replacing) {
        // Taken but not written: the turn failed with its state, and its apology follows; the person's
        // message is still kept masked (with the apology) rather than as sent.
        held.replacing ??= riding.replacing;
      }
      await this.flush(context);
    }
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    const held = context.turnState.get(HELD) as Held | undefined;
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await this.flush(context);
        const ms = typeof activity.value === 'number' ? activity.value : 1000;
        await new Promise((resolve) => setTimeout(resolve, ms));
        responses.push({ id: '' });
        continue;
      }
      // Invoke responses answer the request itself and traces are for the Emulator: neither goes to the page.
      if (activity.type === ActivityTypes.InvokeResponse || activity.type === ActivityTypes.Trace) {
        responses.push({ id: '' });
        continue;
      }
      const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
      if (!conversationId) throw new Error('cannot send an activity without a conversation id');
      const outgoing: Partial<Activity> = {
        ...activity,
        channelId: WEB_CHANNEL_ID,
        serviceUrl: WEB_SERVICE_URL,
        conversation: { ...(activity.conversation ?? context.activity.conversation), id: conversationId },
        from: { ...this.bot, ...activity.from, role: 'bot' },
        // As its JSON writes it (the log's text is all that is made of it): no Date to convert there.
        timestamp: new Date().toISOString() as unknown as Date,
      };
      // Web Chat renders text as markdown unless told otherwise: single line breaks collapse, the `*` of a
      // masked ID number or phone (1101**********002X, 138****5678) turns into bold, quotes get curled.
      // The bot writes plain text, so its messages say so (each line then shows as its own paragraph).
      if (outgoing.type === ActivityTypes.Message && outgoing.textFormat === undefined) outgoing.textFormat = 'plain';
      // A copy of the bot's activity (botbuilder's TurnContext copies it too; the log serialises it when
      // the turn flushes), with new cards where they are rewritten: the bot's own objects stay as they were.
      if (outgoing.attachments?.some((attachment) => attachment.contentType === ADAPTIVE_CARD)) {
        outgoing.attachments = outgoing.attachments.map((attachment) =>
          attachment.contentType === ADAPTIVE_CARD ? { ...attachment, content: plainCardText(attachment.content) } : attachment,
        );
      }
      const stored = outgoing;
      if (held && !held.closed && held.conversationId === conversationId) {
        held.activities.push(stored);
        if (stored.type === ActivityTypes.Typing) await this.flush(context);
        responses.push({ id: '' });
      } else {
        responses.push({ id: await this.log.append(conversationId, stored) });
      }
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error('the web channel cannot update a sent activity');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('the web channel cannot delete a sent activity');
  }

  /** Proactive message: runs `logic` with a context addressed to the conversation; what it sends lands in the log. */
  async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('a conversation reference needs a conversation id');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'ContinueConversation' },
      { channelId: WEB_CHANNEL_ID, serviceUrl: WEB_SERVICE_URL, bot: this.bot, ...reference },
      true,
    );
    await this.inOrder(conversationId, () => this.run(new TurnContext(this, activity), conversationId, logic));
  }

  /** The CloudAdapter-style entry point: the bot app id or claims are not needed on this channel. */
  override async continueConversationAsync(
    _botAppIdOrClaims: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: Logic | string,
    maybeLogic?: Logic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new Error('continueConversationAsync needs a logic function');
    await this.continueConversation(reference, logic);
  }

  private inOrder(conversationId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(conversationId, tail);
    void tail.then(() => {
      if (this.queues.get(conversationId) === tail) this.queues.delete(conversationId);
    });
    return next;
  }
}
