import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { TurnLogic } from '../channel.js';
import { withRequestIdOn } from '../../ops/request-context.js';

/** WeChat's limit on a text message, passive or customer-service: 2048 bytes of UTF-8. */
export const WECHAT_MAX_TEXT_BYTES = 2048;
/** Customer-service messages per message of the person (WeChat's quota since 2023: 5 within 48 hours). */
export const WECHAT_MAX_CUSTOMER_MESSAGES = 5;

/** Where the replies of a turn go that did not make the passive reply: the customer-service message API. */
export interface CustomerMessages {
  /**
   * Sends the texts, in order, to the person, at most WECHAT_MAX_CUSTOMER_MESSAGES of them (more are
   * dropped and logged); never throws (failures are logged).
   */
  send(openid: string, texts: string[]): Promise<void>;
  /** Whether the person wrote within the 48-hour window (a proactive message needs it). */
  inWindow(openid: string): Promise<boolean>;
}

/** What a turn answered: the passive reply (one text), or nothing in time (the answer goes out later). */
export type WeChatReply = { kind: 'passive'; text: string | undefined } | { kind: 'late' };

/** A proactive message to someone who has not written within 48 hours: WeChat would refuse it. */
export class WeChatWindowClosedError extends Error {
  constructor() {
    super('the person has not written within 48 hours: WeChat takes no customer-service message now');
  }
}

const COLLECTOR = Symbol('wechat.collector');

interface Collector {
  texts: string[];
  /** Set once the passive reply went out without this turn's answer: everything goes to the API. */
  late: boolean;
  /** A proactive turn: each message goes to the API as it is sent. */
  proactive: boolean;
}

/**
 * The WeChat channel's adapter. WeChat allows one passive reply per message, within 5 seconds (it
 * retries three times otherwise), so a turn's messages are collected and merged into one text; when the
 * turn ends before the deadline the merged text is the passive reply (what does not fit in 2048 bytes goes
 * out as customer-service messages), and when it does not, the request is answered "success" and the
 * whole answer goes out through the customer-service message API once the turn ends. A person never goes
 * without an answer.
 */
export class WeChatAdapter extends BotAdapter {
  constructor(private readonly customer: CustomerMessages) {
    super();
  }

  /**
   * Runs one incoming activity through the middleware and `logic`, and answers within `deadlineMs`: the
   * passive reply, or 'late' (the turn goes on, and its answer is sent through the API when it ends).
   * `requestId`: the HTTP request's, put on the turn (REQUEST_ID_KEY).
   */
  async respond(activity: Partial<Activity>, logic: TurnLogic, deadlineMs: number, requestId?: string): Promise<WeChatReply> {
    const openid = activity.from?.id ?? '';
    const collector: Collector = { texts: [], late: false, proactive: false };
    const context = withRequestIdOn(new TurnContext(this, activity), requestId);
    context.turnState.set(COLLECTOR, collector);
    const turn = this.runMiddleware(context, logic).then(() => 'done' as const);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadlineMs));
    });
    const first = await Promise.race([turn, deadline]).finally(() => clearTimeout(timer));
    if (first === 'late') {
      collector.late = true;
      void turn.then(
        () => this.customer.send(openid, chunks(collector.texts)),
        () => this.customer.send(openid, chunks(collector.texts)),
      );
      return { kind: 'late' };
    }
    const [passive, ...rest] = chunks(collector.texts);
    if (rest.length > 0) void this.customer.send(openid, rest);
    return { kind: 'passive', text: passive };
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const collector = context.turnState.get(COLLECTOR) as Collector | undefined;
    const texts: string[] = [];
    for (const activity of activities) {
      const text = textOf(activity);
      if (text) texts.push(text);
    }
    if (collector && !collector.proactive) collector.texts.push(...texts);
    else if (texts.length > 0) {
      const openid = context.activity.from?.id ?? '';
      if (!(await this.customer.inWindow(openid))) throw new WeChatWindowClosedError();
      await this.customer.send(openid, chunks(texts));
    }
    return activities.map(() => ({ id: '' }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('WeChat cannot update a sent message');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('WeChat cannot delete a sent message');
  }

  /**
   * Proactive: runs `logic` for the person of `reference`; what it sends goes out through the
   * customer-service API at once, only within 48 hours of their last message (else WeChatWindowClosedError).
   */
  async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'ContinueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    context.turnState.set(COLLECTOR, { texts: [], late: false, proactive: true } satisfies Collector);
    await this.runMiddleware(context, logic);
  }
}

/** The words of an outgoing activity: its text, or for a card its spoken text; nothing for typing, traces, events. */
function textOf(activity: Partial<Activity>): string | undefined {
  if ((activity.type ?? ActivityTypes.Message) !== ActivityTypes.Message) return undefined;
  const text = activity.text?.trim() || activity.speak?.trim();
  return text || undefined;
}

/**
 * The turn's texts merged into as few messages as fit, each at most 2048 bytes, cut at the largest seam that
 * lets them fit: between the turn's texts, else between paragraphs of a text, else between lines, else
 * (a line longer than that) between characters. So a message never starts in the middle of a list.
 */
export function chunks(texts: string[], maxBytes = WECHAT_MAX_TEXT_BYTES): string[] {
  return pack(texts.map((t) => t.trim()).filter((t) => t !== ''), ['\n\n', '\n\n', '\n'], maxBytes)
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/**
 * Joins `pieces` by the first of `seams` into messages of at most `maxBytes`; a piece too long alone is cut
 * at the next seam (the turn's texts: the first seam joins them, the second cuts a text into paragraphs, the
 * third into lines), and past the last seam between characters.
 */
function pack(pieces: string[], seams: string[], maxBytes: number): string[] {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const [seam, ...finer] = seams;
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const joined = current === '' ? piece : `${current}${seam}${piece}`;
    if (bytes(joined) <= maxBytes) {
      current = joined;
      continue;
    }
    if (current !== '') out.push(current);
    current = '';
    if (bytes(piece) <= maxBytes) {
      current = piece;
      continue;
    }
    const cut = finer.length > 0 ? pack(piece.split(finer[0]!), finer, maxBytes) : byCharacters(piece, maxBytes);
    current = cut.pop() ?? '';
    out.push(...cut);
  }
  if (current !== '') out.push(current);
  return out;
}

/** A line longer than `maxBytes` cut between characters. */
function byCharacters(line: string, maxBytes: number): string[] {
  const out: string[] = [];
  let cut = '';
  for (const ch of line) {
    if (Buffer.byteLength(cut + ch, 'utf8') > maxBytes) {
      out.push(cut);
      cut = '';
    }
    cut += ch;
  }
  if (cut !== '') out.push(cut);
  return out;
}
