import { randomUUID } from 'node:crypto';
import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { TurnLogic } from '../channel.js';
import { OPERATOR_KEY, type TurnOperator } from '../../../dialogs/turn-operator.js';
import { CONTINUED_CONVERSATION_KEY } from '../../ops/turn-state-keys.js';

/** What the console sends for the caller in one turn: their words (or a button's), an edit, or opening the call. */
export type CallInput = { kind: 'open' } | { kind: 'text'; text: string } | { kind: 'edit'; questionId: string };

/** A guided call's turn: what the bot sent, and the turn's context (for reading the conversation after it). */
export interface CallTurn {
  sent: Array<Partial<Activity>>;
  context: TurnContext;
}

const COLLECTOR = Symbol('hotline.collector');

/** The channel id of turns run for a hotline call (the agent's console). */
export const HOTLINE_CHANNEL_ID = 'hotline';
/** The conversation of a guided call in the state store: one per call. */
export const callConversationId = (callId: string) => `call-${callId}`;

/**
 * The hotline channel's adapter: a turn of a guided call runs when the console posts what the caller said,
 * and what the bot sends in that turn is collected and answered in the same HTTP response (the console
 * draws it). The agent who types is the turn's operator (dialogs/turn-operator.ts).
 */
export class HotlineAdapter extends BotAdapter {
  /** Runs one turn of call `callId` for `input`, typed by `operator`; resolves with everything the bot sent. */
  async turn(callId: string, input: CallInput, options: { locale: string; operator: TurnOperator; continued: boolean }, logic: TurnLogic): Promise<CallTurn> {
    const caller = { id: `caller-${callId}`, name: '', role: 'user' };
    const base: Partial<Activity> = {
      id: randomUUID(),
      channelId: HOTLINE_CHANNEL_ID,
      serviceUrl: 'urn:hotline',
      conversation: { id: callConversationId(callId), isGroup: false, conversationType: 'personal', name: '' },
      from: caller,
      recipient: { id: 'bot', name: '', role: 'bot' },
      locale: options.locale,
      timestamp: new Date(),
    };
    const activity: Partial<Activity> =
      input.kind === 'open'
        ? // Opening (or reopening) the call: the bot greets, or says where the filing stands and asks again.
          { ...base, type: ActivityTypes.ConversationUpdate, membersAdded: [caller] }
        : input.kind === 'edit'
          ? { ...base, type: ActivityTypes.Message, text: '', value: { editField: input.questionId } }
          : { ...base, type: ActivityTypes.Message, text: input.text };
    const sent: Array<Partial<Activity>> = [];
    const context = new TurnContext(this, activity);
    context.turnState.set(COLLECTOR, sent);
    context.turnState.set(OPERATOR_KEY, options.operator);
    if (options.continued && activity.type === ActivityTypes.Message) context.turnState.set(CONTINUED_CONVERSATION_KEY, true);
    await this.runMiddleware(context, logic);
    return { sent, context };
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const sent = context.turnState.get(COLLECTOR) as Array<Partial<Activity>> | undefined;
    if (!sent) throw new Error('a guided call has no proactive messages');
    for (const activity of activities) if ((activity.type ?? ActivityTypes.Message) === ActivityTypes.Message) sent.push(activity);
    return activities.map(() => ({ id: randomUUID() }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('a guided call cannot update a sent message');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('a guided call cannot delete a sent message');
  }

  async continueConversation(_reference: Partial<ConversationReference>, _logic: TurnLogic): Promise<void> {
    throw new Error('a guided call has no proactive messages');
  }
}
