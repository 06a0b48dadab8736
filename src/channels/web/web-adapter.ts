import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { ActivityLog } from './activity-log.js';

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
}

type Logic = (context: TurnContext) => Promise<void>;

/**
 * The web channel's own BotAdapter. A turn is run in this process; everything the bot sends during the
 * turn (or later, through continueConversation) is appended to the ActivityLog, where the page's next
 * poll finds it. Turns of one conversation run one after another in this process.
 */
export class WebChannelAdapter extends BotAdapter {
  readonly bot: ChannelAccount & { role: 'bot' };
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly log: ActivityLog,
    options: WebAdapterOptions = {},
  ) {
    super();
    this.bot = { id: options.botId ?? 'yidi-bot', name: options.botName ?? '', role: 'bot' };
  }

  /** Runs one incoming activity (already checked and stamped by the channel) through middleware and logic. */
  processActivity(activity: Partial<Activity>, logic: Logic): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) return Promise.reject(new Error('activity without conversation id'));
    return this.inOrder(conversationId, () => this.runMiddleware(new TurnContext(this, activity), logic));
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
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
        timestamp: new Date(),
      };
      responses.push({ id: await this.log.append(conversationId, JSON.parse(JSON.stringify(outgoing)) as Partial<Activity>) });
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
    await this.inOrder(conversationId, () => this.runMiddleware(new TurnContext(this, activity), logic));
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
