import type { Activity } from 'botbuilder';
import { DataKeyError, type FieldCipher } from '../../privacy/field-cipher.js';
import type { ActivityLog, ActivityPage, AdmittedLog, JsonPage, Replacement } from './activity-log.js';

/**
 * The fields of a logged activity that can carry personal data: the bot's summary and receipt cards
 * (attachments) hold the person's own name and address in full, its sentences may read answers back, and a
 * card's submitted values (value) are the person's input. Everything else (type, from, timestamps,
 * channelData with the promptId and progress) stays readable in the store.
 */
const PERSONAL_FIELDS = ['text', 'speak', 'attachments', 'value'] as const;
type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** Where the sealed fields travel in the stored activity: one envelope for all of them. */
const ENVELOPE = 'sealed';
/**
 * How many of the envelopes it sealed last a log remembers opened: a poll (or a stream's read) soon after a
 * turn, on the instance that ran it, opens its activities without deciphering them again.
 */
const REMEMBERED_ENVELOPES = 256;
/** The envelope as #seal writes it, last in the activity's JSON: `…,"sealed":"enc1:…"}`. */
const ENVELOPE_MEMBER = `,"${ENVELOPE}":"`;
/** What a sealed value is made of (FieldCipher): nothing JSON would escape. */
const PLAIN_ENVELOPE = /^[A-Za-z0-9_:-]+$/;

export interface SealedActivityLogOptions {
  cipher: FieldCipher;
  /**
   * Told (with the key id, never a value) when a logged activity cannot be opened: sealed under a key that
   * is no longer configured, or damaged. The activity is then served without its personal fields rather
   * than failing every poll of the conversation.
   */
  onUnreadable?: (err: DataKeyError) => void;
}

/**
 * An ActivityLog that keeps the personal fields of every activity sealed in the log beneath it (AES-256-GCM
 * under the current data key, bound to the conversation: an envelope moved to another conversation does not
 * open) and gives them back in clear. The web transcript in Redis then holds no name, address, ID number or
 * phone in clear for the conversation's lifetime, as the half-filled form (src/state/sealed-storage.ts) and
 * the filings do. Ids, order, watermarks and lifetimes are the inner log's.
 *
 * The last REMEMBERED_ENVELOPES envelopes it sealed are kept in this process's memory with what they hold,
 * by conversation and envelope (only that very envelope, read back for that conversation, opens from
 * memory): reading a turn's activities back on the instance that wrote them costs no deciphering.
 */
export class SealedActivityLog implements ActivityLog {
  /** The inner log's, sealing what it appends and opening what it reads. */
  readonly admitted?: AdmittedLog;
  /** The inner log's, sealing what it prepares. */
  readonly forTurnEnd?: ActivityLog['forTurnEnd'];
  /** The inner log's (notices carry nothing to seal). */
  readonly watch?: ActivityLog['watch'];
  /** What the envelopes sealed last hold, by `label + envelope`; the oldest is forgotten first. */
  readonly #sealed = new Map<string, string>();

  constructor(
    private readonly inner: ActivityLog,
    private readonly options: SealedActivityLogOptions,
  ) {
    const forTurnEnd = inner.forTurnEnd?.bind(inner);
    if (forTurnEnd) {
      this.forTurnEnd = (conversationId, activities, replacing) =>
        forTurnEnd(
          conversationId,
          activities.map((activity) => this.#seal(conversationId, activity)),
          replacing ? { id: replacing.id, activity: this.#seal(conversationId, replacing.activity) } : undefined,
        );
    }
    if (inner.watch) this.watch = inner.watch.bind(inner);
    const admitted = inner.admitted;
    if (admitted) {
      this.admitted = {
        append: (conversationId, tokenId, activity) => admitted.append(conversationId, tokenId, this.#seal(conversationId, activity)),
        since: async (conversationId, tokenId, watermark, limit) => {
          const admission = await admitted.since(conversationId, tokenId, watermark, limit);
          return admission.value ? { ...admission, value: this.#openPage(conversationId, admission.value) } : admission;
        },
      };
      const sinceJson = admitted.sinceJson?.bind(admitted);
      if (sinceJson) {
        this.admitted.sinceJson = async (conversationId, tokenId, watermark, limit) => {
          const admission = await sinceJson(conversationId, tokenId, watermark, limit);
          return admission.value ? { ...admission, value: this.#openJsonPage(conversationId, admission.value) } : admission;
        };
      }
      const forTurnStart = admitted.forTurnStart?.bind(admitted);
      if (forTurnStart) this.admitted.forTurnStart = (conversationId, tokenId, activity) => forTurnStart(conversationId, tokenId, this.#seal(conversationId, activity));
    }
  }

  append(conversationId: string, activity: Partial<Activity>): Promise<string> {
    return this.inner.append(conversationId, this.#seal(conversationId, activity));
  }

  appendAll(conversationId: string, activities: Partial<Activity>[], replacing?: Replacement): Promise<string[]> {
    return this.inner.appendAll(
      conversationId,
      activities.map((activity) => this.#seal(conversationId, activity)),
      replacing ? { id: replacing.id, activity: this.#seal(conversationId, replacing.activity) } : undefined,
    );
  }

  replace(conversationId: string, id: string, activity: Partial<Activity>): Promise<void> {
    return this.inner.replace(conversationId, id, this.#seal(conversationId, activity));
  }

  async since(conversationId: string, watermark: string | undefined, limit?: number): Promise<ActivityPage> {
    return this.#openPage(conversationId, await this.inner.since(conversationId, watermark, limit));
  }

  exists(conversationId: string): Promise<boolean> {
    return this.inner.exists(conversationId);
  }

  create(conversationId: string): Promise<void> {
    return this.inner.create(conversationId);
  }

  #openPage(conversationId: string, page: ActivityPage): ActivityPage {
    return { ...page, activities: page.activities.map((activity) => this.#open(conversationId, activity) as Activity) };
  }

  #openJsonPage(conversationId: string, page: JsonPage): JsonPage {
    return { ...page, activities: page.activities.map((json) => this.#openJson(conversationId, json)) };
  }

  /**
   * #open on an activity's JSON text, without building it as an object: the envelope #seal put last is
   * replaced by the fields it holds. Anything else (an envelope elsewhere, one that does not open) goes
   * through #open.
   */
  #openJson(conversationId: string, json: string): string {
    const at = json.lastIndexOf(ENVELOPE_MEMBER);
    if (at < 0) return json.includes(`"${ENVELOPE}"`) ? this.#reopen(conversationId, json) : json;
    const envelope = json.slice(at + ENVELOPE_MEMBER.length, -2);
    if (!json.endsWith('"}') || !PLAIN_ENVELOPE.test(envelope)) return this.#reopen(conversationId, json);
    const where = label(conversationId);
    let plain = this.#sealed.get(where + envelope);
    if (plain === undefined) {
      try {
        plain = this.options.cipher.open(envelope, where);
      } catch {
        return this.#reopen(conversationId, json);
      }
    }
    // Only an opened object is spliced in: a value that was never sealed comes back from open as it is.
    if (!plain.startsWith('{') || !plain.endsWith('}')) return this.#reopen(conversationId, json);
    return plain.length > 2 ? `${json.slice(0, at)},${plain.slice(1)}` : `${json.slice(0, at)}}`;
  }

  #reopen(conversationId: string, json: string): string {
    return JSON.stringify(this.#open(conversationId, JSON.parse(json) as Partial<Activity>));
  }

  /**
   * The activity with its personal fields in the envelope. Built key by key (a spread and deletes would copy
   * it twice and leave an object that serialises slowly): the log beneath writes it as JSON at once.
   */
  #seal(conversationId: string, activity: Partial<Activity>): Partial<Activity> {
    let personal: Partial<Record<PersonalField, unknown>> | undefined;
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(activity)) {
      if (value !== undefined && (PERSONAL_FIELDS as readonly string[]).includes(key)) (personal ??= {})[key as PersonalField] = value;
      else rest[key] = value;
    }
    if (personal === undefined) return activity;
    const plain = JSON.stringify(personal);
    const envelope = this.options.cipher.seal(plain, label(conversationId));
    rest[ENVELOPE] = envelope;
    if (this.#sealed.size >= REMEMBERED_ENVELOPES) this.#sealed.delete(this.#sealed.keys().next().value!);
    this.#sealed.set(label(conversationId) + envelope, plain);
    return rest as Partial<Activity>;
  }

  #open(conversationId: string, activity: Partial<Activity>): Partial<Activity> {
    const envelope = (activity as Record<string, unknown>)[ENVELOPE];
    if (typeof envelope !== 'string') return activity; // logged before sealing was turned on
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(activity)) if (key !== ENVELOPE) rest[key] = value;
    try {
      const at = label(conversationId);
      const plain = this.#sealed.get(at + envelope) ?? this.options.cipher.open(envelope, at);
      return Object.assign(rest, openedFields(plain, at));
    } catch (err) {
      if (!(err instanceof DataKeyError)) throw err;
      this.options.onUnreadable?.(err);
      return rest;
    }
  }
}

const label = (conversationId: string) => `webchat:${conversationId}`;

/**
 * The fields an opened envelope holds. Anything else (an envelope that was never a sealed value, which open
 * gives back as it is, or text that is not an object) is damaged: served as one that does not authenticate.
 */
function openedFields(plain: string, at: string): Partial<Activity> {
  let fields: unknown;
  try {
    fields = JSON.parse(plain);
  } catch {
    fields = undefined;
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new DataKeyError('NOT_AUTHENTIC', `the sealed value of ${at} is damaged`);
  return fields as Partial<Activity>;
}
