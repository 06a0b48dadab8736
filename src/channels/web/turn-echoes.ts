import type { Activity } from 'botbuilder';
import { sequenceOf } from './activity-log.js';

/** Sends activities, with their ids, to this instance's sockets following the conversation. */
export type SendToSockets = (conversationId: string, ids: string[], activities: Partial<Activity>[]) => void;

/** The person's message whose turn this instance runs (see TurnEchoes). */
export interface TurnMessage {
  id: string;
  /** Its place in the log (1-based). */
  sequence: number;
  /** The token it was posted with. */
  tokenId: string;
  activity: Partial<Activity>;
  /** Its JSON as the log was given it (without its id). */
  json: string;
  /** Not yet sent to this instance's sockets (none followed the conversation: never). */
  echoHeld: boolean;
}

/**
 * The person's message whose turn this instance runs, by conversation, from its append (by the step that
 * takes the turn) to the turn's end (`over`).
 *
 * Its echo is held until the turn publishes something (its replies, a typing indicator, an apology) and sent
 * to the sockets in the same message as that when it comes right after it — one WebSocket send and one
 * socket write a turn instead of two —, or alone at the turn's end. The POST that posted it is answered only
 * once the turn is over, so the page learns of its message no later than before.
 */
export class TurnEchoes {
  readonly #running = new Map<string, TurnMessage>();

  constructor(
    private readonly send: SendToSockets,
    private readonly followed: (conversationId: string) => boolean,
  ) {}

  /** The message whose turn runs in the conversation, if this instance runs one. */
  running(conversationId: string): TurnMessage | undefined {
    return this.#running.get(conversationId);
  }

  /** The message `id` was appended by the step that took its turn (posted with the token `tokenId`). */
  begun(conversationId: string, id: string, tokenId: string, activity: Partial<Activity>, json: string): void {
    const before = this.#running.get(conversationId);
    if (before?.echoHeld) this.send(conversationId, [before.id], [before.activity]);
    this.#running.set(conversationId, { id, sequence: sequenceOf(conversationId, id)!, tokenId, activity, json, echoHeld: this.followed(conversationId) });
  }

  /** What the log appended for the conversation goes to the sockets, with the held echo in front when it comes right before. */
  published(conversationId: string, ids: string[], activities: Partial<Activity>[]): void {
    const turn = this.#running.get(conversationId);
    if (!turn?.echoHeld) return this.send(conversationId, ids, activities);
    turn.echoHeld = false;
    const first = ids[0] === undefined ? undefined : sequenceOf(conversationId, ids[0]);
    if (first !== undefined && first === turn.sequence + 1) return this.send(conversationId, [turn.id, ...ids], [turn.activity, ...activities]);
    this.send(conversationId, [turn.id], [turn.activity]);
    this.send(conversationId, ids, activities);
  }

  /** At the end of the message's turn: its echo, if nothing the turn published took it along. */
  over(conversationId: string, id: string): void {
    const turn = this.#running.get(conversationId);
    if (turn?.id !== id) return;
    this.#running.delete(conversationId);
    if (turn.echoHeld) this.send(conversationId, [turn.id], [turn.activity]);
  }
}
