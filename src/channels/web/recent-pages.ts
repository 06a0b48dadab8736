import type { Activity } from 'botbuilder';
import { DEFAULT_PAGE_LIMIT, parseWatermark, sequenceOf, type JsonPage, type Replacement } from './activity-log.js';
import { jsonWithId, storedJson } from './activity-json.js';
import { RecentMap } from '../../ops/recent-map.js';
import type { TurnMessage } from './turn-echoes.js';

/** How long after its turn a recent page answers a poll (Web Chat polls every second). */
const RECENT_PAGE_MS = 3000;
/** How many conversations' recent pages are kept at most (one each; the oldest is dropped first). */
const RECENT_PAGES = 2048;

/** The activities after `from` (the message, then what the turn's end appended, with their ids), for the token `tokenId` until `until` (ms). */
interface RecentPage {
  tokenId: string;
  from: number;
  message: { id: string; json: string };
  ids: string[];
  activities: Partial<Activity>[];
  until: number;
}

/**
 * The page a poll from just before a message asks for next, when this instance ran the message's turn and
 * wrote all of it: the message as the log keeps it (masked in its place) and what the turn's closing step
 * appended right after it, as the JSON text the log gives back, up to the list's length after that step.
 * Nothing of it changes in the log afterwards (only a turn's own message is put in its place, by that turn's
 * closing step), so a poll from its start, or from within it, is answered from here without a round trip —
 * once, by the token that posted the message (checked by the step that took the turn), for RECENT_PAGE_MS
 * at most: a token this instance revokes (refresh) drops its conversation's page at once, and gets none kept
 * after; one revoked by another instance within that time still gets this one page, which the same token's
 * own turn produced. What another instance appended after it comes with the next poll, from the page's
 * watermark; a poll that asks from elsewhere, or with another token, reads the log.
 */
export class RecentPages {
  readonly #pages = new RecentMap<string, RecentPage>(RECENT_PAGES);
  /** Tokens this instance revoked lately (refresh): a page their turn keeps afterwards does not answer them either. */
  readonly #revoked = new RecentMap<string, true>(RECENT_PAGES);

  constructor(private readonly now: () => number) {}

  /**
   * What the turn's closing step of `turn` appended (`ids`, `activities`, and the message `replaced` in its
   * place), kept when it comes right after the message and fits one page. Kept as they are (their texts were
   * made for the write): the page's text is put together only for a poll.
   */
  keep(conversationId: string, turn: TurnMessage, ids: string[], activities: Partial<Activity>[], replaced?: Replacement): void {
    const first = ids[0] === undefined ? undefined : sequenceOf(conversationId, ids[0]);
    if (first !== turn.sequence + 1 || ids.length >= DEFAULT_PAGE_LIMIT) return;
    this.#pages.set(conversationId, {
      tokenId: turn.tokenId,
      from: turn.sequence - 1,
      message: { id: turn.id, json: replaced?.id === turn.id ? storedJson(replaced.activity) : turn.json },
      ids,
      activities,
      until: this.now() + RECENT_PAGE_MS,
    });
  }

  /** The recent page for a poll from `watermark` with the token `tokenId`, used up; else undefined (read the log). */
  take(conversationId: string, tokenId: string, watermark: string | undefined): JsonPage | undefined {
    const page = this.#pages.get(conversationId);
    if (!page) return undefined;
    this.#pages.delete(conversationId);
    const skip = parseWatermark(watermark) - page.from;
    const length = page.activities.length + 1;
    if (page.tokenId !== tokenId || page.until < this.now() || skip < 0 || skip >= length || this.#revoked.has(tokenId)) return undefined;
    const activities = [jsonWithId(page.message.json, page.message.id), ...page.activities.map((activity, i) => jsonWithId(storedJson(activity), page.ids[i]!))];
    return { activities: skip === 0 ? activities : activities.slice(skip), watermark: String(page.from + length) };
  }

  /** The token `tokenId` of the conversation was revoked here (refresh): its page goes, and none kept later answers it. */
  revoked(conversationId: string, tokenId: string): void {
    this.#pages.delete(conversationId);
    this.#revoked.set(tokenId, true);
  }
}
