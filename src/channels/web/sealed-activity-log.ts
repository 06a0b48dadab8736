import type { Activity } from 'botbuilder';
import { DataKeyError, type FieldCipher } from '../../privacy/field-cipher.js';
import { randomBytes } from 'node:crypto';
import { DEFAULT_PAGE_LIMIT, type ActivityLog, type ActivityPage, type AdmittedLog, type JsonPage, type Replacement } from './activity-log.js';
import { rememberJson, withMembers } from './activity-json.js';
import { RecentMap } from '../../ops/recent-map.js';

/**
 * The fields of a logged activity that can carry personal data: the bot's summary and receipt cards
 * (attachments) hold the person's own name and address in full, its sentences may read answers back, and a
 * card's submitted values (value) are the person's input. Everything else (type, from, timestamps,
 * channelData with the promptId and progress) stays readable in the store.
 */
const PERSONAL_FIELDS = ['text', 'speak', 'attachments', 'value'] as const;
type PersonalField = (typeof PERSONAL_FIELDS)[number];
const PERSONAL_FIELD_SET: ReadonlySet<string> = new Set(PERSONAL_FIELDS);
const isPersonalField = (key: string): key is PersonalField => PERSONAL_FIELD_SET.has(key);

/** Where the sealed fields of one activity travel in the stored activity: one envelope for all of them. */
const ENVELOPE = 'sealed';
/**
 * A batch's envelope (see SealedActivityLog): the member naming an activity's part of it (`"<tag>.<n>"`), and
 * the envelope itself, on the batch's holder.
 */
const PART = 'sealedPart';
const PARTS = 'sealedParts';
/**
 * How many of the envelopes it sealed last a log remembers opened: a poll (or a stream's read) soon after a
 * turn, on the instance that ran it, opens its activities without deciphering them again.
 */
const REMEMBERED_ENVELOPES = 256;
/** The envelope as #seal writes it, last in the activity's JSON: `…,"sealed":"enc1:…"}`. */
const ENVELOPE_MEMBER = `,"${ENVELOPE}":"`;
/** A batch member's part as #sealAll writes it, last in its JSON (the envelope after it, on the holder). */
const PART_MEMBER = `,"${PART}":"`;
const PART_TAIL = /^,"sealedPart":"([A-Za-z0-9_-]{1,24})\.(\d{1,5})"(?:,"sealedParts":"([A-Za-z0-9_:-]+)")?\}$/;
/** What a sealed value is made of (FieldCipher): nothing JSON would escape. */
const PLAIN_ENVELOPE = /^[A-Za-z0-9_:-]+$/;
/** How many pages after a page a reader looks for the envelope of a batch the page's limit cut. */
const HOLDER_PAGES = 3;

export interface SealedActivityLogOptions {
  cipher: FieldCipher;
  /**
   * Told (with the key id, never a value) when a logged activity cannot be opened: sealed under a key that
   * is no longer configured, or damaged. The activity is then served without its personal fields rather
   * than failing every poll of the conversation.
   */
  onUnreadable?: (err: DataKeyError) => void;
}

/** An activity taken apart for sealing: what stays readable, its JSON, and its personal fields' JSON (if any). */
interface Split {
  rest: Record<string, unknown>;
  restJson: string;
  plain: string | undefined;
}

/** A batch member's part as its stored JSON or object names it: the batch's tag, its place, the envelope where it carries it. */
interface Part {
  tag: string;
  index: number;
  envelope?: string;
}

/**
 * An ActivityLog that keeps the personal fields of every activity sealed in the log beneath it (AES-256-GCM
 * under the current data key, bound to the conversation: an envelope moved to another conversation does not
 * open) and gives them back in clear. The web transcript in Redis then holds no name, address, ID number or
 * phone in clear for the conversation's lifetime, as the half-filled form (src/state/sealed-storage.ts) and
 * the filings do. Ids, order, watermarks and lifetimes are the inner log's.
 *
 * One cipher per write: an activity written alone carries its own envelope (`"sealed":"enc1:…"`, the only
 * format before batches, still read as it always was). Activities written together (a turn's replies and the
 * person's message it keeps masked: appendAll, forTurnEnd) share one envelope when two or more of them have
 * personal fields and one of the appended is the bot's: it seals the JSON array of their fields, each of them
 * names its part (`"sealedPart":"<tag>.<n>"`, the tag unique per batch), and the last appended of them that is
 * not the person's (the holder) carries the envelope (`"sealedParts":"enc1:…"`). The batch is written in one
 * step and its holder comes after every other member (the replacement included), so a page that has a member
 * has the envelope too, unless the page's limit cut the batch: then the reader looks for it in the pages
 * after. A holder is never the person's message, which is what a replace puts something in the place of
 * (ActivityLog.replace); one that was replaced all the same leaves the other members of its batch without
 * their personal fields (served so, and told, as an envelope that does not open).
 *
 * The last REMEMBERED_ENVELOPES envelopes it sealed are kept in this process's memory with what they hold,
 * by conversation and envelope (only that very envelope, read back for that conversation, opens from
 * memory): reading a turn's activities back on the instance that wrote them costs no deciphering. Each
 * activity is serialised once for both texts it is written as (activity-json.ts): sealed for the log, in
 * clear for this instance's open sockets.
 */
export class SealedActivityLog implements ActivityLog {
  /** The inner log's, sealing what it appends and opening what it reads. */
  readonly admitted?: AdmittedLog;
  /** The inner log's, sealing what it prepares. */
  readonly forTurnEnd?: ActivityLog['forTurnEnd'];
  /** The inner log's (notices carry nothing to seal). */
  readonly watch?: ActivityLog['watch'];
  /**
   * What the envelopes sealed last hold (a batch's: each part's JSON), by a short key (envelopeKey: the label
   * and the envelope's length and last characters, its GCM tag) and only for that very envelope, compared
   * whole: a key of the whole envelope (up to several KB, joined to the label) was copied and hashed on every
   * look-up. The oldest is forgotten first.
   */
  readonly #sealed = new RecentMap<string, { envelope: string; holds: string | string[] }>(REMEMBERED_ENVELOPES);
  /** A batch's tag: this log's random prefix and a count (random bytes per batch cost more than its cipher). */
  readonly #tagPrefix = randomBytes(6).toString('base64url');
  #tags = 0;

  constructor(
    private readonly inner: ActivityLog,
    private readonly options: SealedActivityLogOptions,
  ) {
    const forTurnEnd = inner.forTurnEnd?.bind(inner);
    if (forTurnEnd) {
      this.forTurnEnd = (conversationId, activities, replacing) => {
        const sealed = this.#sealAll(conversationId, activities, replacing);
        return forTurnEnd(conversationId, sealed.activities, sealed.replacing);
      };
    }
    if (inner.watch) this.watch = inner.watch.bind(inner);
    const admitted = inner.admitted;
    if (admitted) {
      this.admitted = {
        append: (conversationId, tokenId, activity) => admitted.append(conversationId, tokenId, this.#seal(conversationId, activity)),
        since: async (conversationId, tokenId, watermark, limit) => {
          const admission = await admitted.since(conversationId, tokenId, watermark, limit);
          return admission.value ? { ...admission, value: await this.#openPage(conversationId, admission.value) } : admission;
        },
      };
      const sinceJson = admitted.sinceJson?.bind(admitted);
      if (sinceJson) {
        this.admitted.sinceJson = async (conversationId, tokenId, watermark, limit) => {
          const admission = await sinceJson(conversationId, tokenId, watermark, limit);
          return admission.value ? { ...admission, value: await this.#openJsonPage(conversationId, admission.value) } : admission;
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
    const sealed = this.#sealAll(conversationId, activities, replacing);
    return this.inner.appendAll(conversationId, sealed.activities, sealed.replacing);
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

  async #openPage(conversationId: string, page: ActivityPage): Promise<ActivityPage> {
    const parts = page.activities.map(partOf);
    const holders = await this.#holders(conversationId, parts, page.watermark);
    return {
      ...page,
      activities: page.activities.map((activity, i) => {
        const part = parts[i];
        return (part ? this.#openPart(conversationId, activity, part, holders) : this.#open(conversationId, activity)) as Activity;
      }),
    };
  }

  async #openJsonPage(conversationId: string, page: JsonPage): Promise<JsonPage> {
    // A member's part is read from the end of its text; one written otherwise (not by #sealAll) as an object.
    const fromText = page.activities.map(partOfJson);
    const objects = page.activities.map((json, i) => (fromText[i] || !json.includes(`"${PART}"`) ? undefined : (JSON.parse(json) as Partial<Activity>)));
    const parts = page.activities.map((_, i) => fromText[i] ?? (objects[i] ? partOf(objects[i]) : undefined));
    const holders = await this.#holders(conversationId, parts, page.watermark);
    return {
      ...page,
      activities: page.activities.map((json, i) => {
        const part = parts[i];
        const object = objects[i];
        if (object) return JSON.stringify(part ? this.#openPart(conversationId, object, part, holders) : this.#open(conversationId, object));
        return part ? this.#openPartJson(conversationId, json, part, holders) : this.#openJson(conversationId, json);
      }),
    };
  }

  /**
   * The envelopes of the batches a page has parts of, by tag: from the page, or (a page whose limit cut a
   * batch) from the next few pages after it.
   */
  async #holders(conversationId: string, parts: (Part | undefined)[], watermark: string): Promise<Map<string, string>> {
    const holders = new Map<string, string>();
    let members = 0;
    for (const part of parts) {
      if (!part) continue;
      members += 1;
      if (part.envelope !== undefined) holders.set(part.tag, part.envelope);
    }
    if (members === 0) return holders;
    const missing = () => parts.some((part) => part !== undefined && !holders.has(part.tag));
    for (let pages = 0; pages < HOLDER_PAGES && missing(); pages++) {
      const next = await this.inner.since(conversationId, watermark, DEFAULT_PAGE_LIMIT);
      for (const activity of next.activities) {
        const part = partOf(activity);
        if (part?.envelope !== undefined) holders.set(part.tag, part.envelope);
      }
      if (next.activities.length === 0) break;
      watermark = next.watermark;
    }
    return holders;
  }

  /** What the envelope `where` sealed holds when this log sealed or opened it lately (that very envelope only). */
  #remembered(where: string, envelope: string): string | string[] | undefined {
    const entry = this.#sealed.get(envelopeKey(where, envelope));
    return entry !== undefined && entry.envelope === envelope ? entry.holds : undefined;
  }

  #remember(where: string, envelope: string, holds: string | string[]): void {
    this.#sealed.set(envelopeKey(where, envelope), { envelope, holds });
  }

  /** What a batch's envelope holds, each part's JSON: remembered, or deciphered. Throws DataKeyError. */
  #parts(conversationId: string, envelope: string): string[] {
    const where = label(conversationId);
    const remembered = this.#remembered(where, envelope);
    if (Array.isArray(remembered)) return remembered;
    if (remembered !== undefined) throw new DataKeyError('NOT_AUTHENTIC', `the sealed value of ${where} is damaged`);
    const plain = this.options.cipher.open(envelope, where);
    let parts: unknown;
    try {
      parts = JSON.parse(plain);
    } catch {
      parts = undefined;
    }
    if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part))) {
      throw new DataKeyError('NOT_AUTHENTIC', `the sealed value of ${where} is damaged`);
    }
    const texts = parts.map((part) => JSON.stringify(part));
    this.#remember(where, envelope, texts);
    return texts;
  }

  /** A batch member's personal fields' JSON, or undefined (told) when they cannot be had. */
  #partText(conversationId: string, part: Part, holders: Map<string, string>): string | undefined {
    const envelope = part.envelope ?? holders.get(part.tag);
    try {
      if (envelope === undefined) throw new DataKeyError('NOT_AUTHENTIC', `a sealed value of ${label(conversationId)} is missing`);
      const text = this.#parts(conversationId, envelope)[part.index];
      if (text === undefined) throw new DataKeyError('NOT_AUTHENTIC', `the sealed value of ${label(conversationId)} is damaged`);
      return text;
    } catch (err) {
      if (!(err instanceof DataKeyError)) throw err;
      this.options.onUnreadable?.(err);
      return undefined;
    }
  }

  #openPart(conversationId: string, activity: Partial<Activity>, part: Part, holders: Map<string, string>): Partial<Activity> {
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(activity)) if (key !== PART && key !== PARTS) rest[key] = value;
    const text = this.#partText(conversationId, part, holders);
    return text === undefined ? rest : Object.assign(rest, JSON.parse(text) as Partial<Activity>);
  }

  /** #openPart on the JSON text: the member's part (and the envelope it carries) replaced by the fields it holds. */
  #openPartJson(conversationId: string, json: string, part: Part, holders: Map<string, string>): string {
    const text = this.#partText(conversationId, part, holders);
    const head = json.slice(0, json.lastIndexOf(PART_MEMBER));
    return text === undefined ? `${head}}` : withMembers(`${head}}`, text.slice(1, -1));
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
    let plain = this.#remembered(where, envelope);
    if (typeof plain !== 'string') {
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

  /** The activity taken apart: its personal fields' JSON (if any) and the rest, built key by key (no id: the log gives it). */
  #split(activity: Partial<Activity>): Split {
    let personal: Partial<Record<PersonalField, unknown>> | undefined;
    const rest: Record<string, unknown> = {};
    // for…in over the activity's own keys (a plain object: nothing inherited is enumerable), without the
    // [key, value] pair Object.entries makes for each of them.
    for (const key in activity) {
      if (key === 'id') continue;
      const value = (activity as Record<string, unknown>)[key];
      if (value !== undefined && isPersonalField(key)) (personal ??= {})[key] = value;
      else rest[key] = value;
    }
    const restJson = JSON.stringify(rest);
    return { rest, restJson, plain: personal === undefined ? undefined : JSON.stringify(personal) };
  }

  /**
   * The activity with its personal fields in an envelope of its own. Serialised once: the sealed copy's JSON
   * (what the log writes) and the activity's own in clear (what this instance's sockets get) are remembered
   * from the same text (activity-json.ts).
   */
  #seal(conversationId: string, activity: Partial<Activity>, split = this.#split(activity)): Partial<Activity> {
    const { rest, restJson, plain } = split;
    if (plain === undefined) {
      rememberJson(activity, restJson);
      return activity;
    }
    const envelope = this.options.cipher.seal(plain, label(conversationId));
    rest[ENVELOPE] = envelope;
    rememberJson(rest, withMembers(restJson, `"${ENVELOPE}":"${envelope}"`));
    rememberJson(activity, withMembers(restJson, plain.slice(1, -1)));
    this.#remember(label(conversationId), envelope, plain);
    return rest as Partial<Activity>;
  }

  /**
   * Activities written together (and the replacement written with them), with one envelope for all their
   * personal fields when two or more have some (see the class); otherwise each as #seal seals it.
   */
  #sealAll(conversationId: string, activities: Partial<Activity>[], replacing?: Replacement): { activities: Partial<Activity>[]; replacing?: Replacement } {
    const splits = activities.map((activity) => this.#split(activity));
    const replaced = replacing ? this.#split(replacing.activity) : undefined;
    // The holder: the last appended activity with personal fields that is not the person's (what replace is for).
    let holder = activities.length - 1;
    while (holder >= 0 && (splits[holder]!.plain === undefined || activities[holder]!.from?.role === 'user')) holder -= 1;
    const members = splits.filter((split) => split.plain !== undefined).length + (replaced?.plain === undefined ? 0 : 1);
    if (members < 2 || holder < 0) {
      return {
        activities: activities.map((activity, i) => this.#seal(conversationId, activity, splits[i])),
        ...(replacing ? { replacing: { id: replacing.id, activity: this.#seal(conversationId, replacing.activity, replaced) } } : {}),
      };
    }
    const tag = `${this.#tagPrefix}${(this.#tags++).toString(36)}`;
    const plains: string[] = [];
    const where = label(conversationId);
    // Each member's part named, the personal fields gathered in the order of the parts.
    const member = (activity: Partial<Activity>, split: Split): { sealed: Record<string, unknown>; json: string } | undefined => {
      if (split.plain === undefined) return undefined;
      const part = `${tag}.${plains.push(split.plain) - 1}`;
      split.rest[PART] = part;
      rememberJson(activity, withMembers(split.restJson, split.plain.slice(1, -1)));
      return { sealed: split.rest, json: `"${PART}":"${part}"` };
    };
    const replacedMember = replacing && replaced ? member(replacing.activity, replaced) : undefined;
    const appended = activities.map((activity, i) => member(activity, splits[i]!));
    const envelope = this.options.cipher.seal(`[${plains.join(',')}]`, where);
    this.#remember(where, envelope, plains);
    const held = appended[holder]!;
    held.sealed[PARTS] = envelope;
    held.json += `,"${PARTS}":"${envelope}"`;
    const written = (activity: Partial<Activity>, split: Split, sealed: { sealed: Record<string, unknown>; json: string } | undefined): Partial<Activity> => {
      if (!sealed) {
        rememberJson(activity, split.restJson);
        return activity;
      }
      rememberJson(sealed.sealed, withMembers(split.restJson, sealed.json));
      return sealed.sealed as Partial<Activity>;
    };
    return {
      activities: activities.map((activity, i) => written(activity, splits[i]!, appended[i])),
      ...(replacing ? { replacing: { id: replacing.id, activity: written(replacing.activity, replaced!, replacedMember) } } : {}),
    };
  }

  #open(conversationId: string, activity: Partial<Activity>): Partial<Activity> {
    const envelope = (activity as Record<string, unknown>)[ENVELOPE];
    if (typeof envelope !== 'string') return activity; // logged before sealing was turned on
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(activity)) if (key !== ENVELOPE) rest[key] = value;
    try {
      const at = label(conversationId);
      const remembered = this.#remembered(at, envelope);
      const plain = typeof remembered === 'string' ? remembered : this.options.cipher.open(envelope, at);
      return Object.assign(rest, openedFields(plain, at));
    } catch (err) {
      if (!(err instanceof DataKeyError)) throw err;
      this.options.onUnreadable?.(err);
      return rest;
    }
  }
}

/** A batch member's part as a read activity names it (undefined for any other activity). */
function partOf(activity: Partial<Activity>): Part | undefined {
  const value = (activity as Record<string, unknown>)[PART];
  if (typeof value !== 'string') return undefined;
  const dot = value.lastIndexOf('.');
  const index = Number(value.slice(dot + 1));
  const envelope = (activity as Record<string, unknown>)[PARTS];
  return { tag: value.slice(0, dot), index: dot > 0 && Number.isInteger(index) ? index : -1, ...(typeof envelope === 'string' ? { envelope } : {}) };
}

/** partOf on a stored activity's JSON text: the part #sealAll put last (anything else is read as an object). */
function partOfJson(json: string): Part | undefined {
  const at = json.lastIndexOf(PART_MEMBER);
  if (at < 0) return undefined;
  const match = PART_TAIL.exec(json.slice(at));
  if (!match) return undefined;
  return { tag: match[1]!, index: Number(match[2]), ...(match[3] ? { envelope: match[3] } : {}) };
}

const label = (conversationId: string) => `webchat:${conversationId}`;

/** How many of an envelope's last characters key what it holds in memory: its 16-byte GCM tag, in base64url. */
const ENVELOPE_KEY_TAIL = 24;

/** The key of a remembered envelope (see SealedActivityLog.#sealed): short, whatever the envelope's size. */
function envelopeKey(where: string, envelope: string): string {
  return `${where} ${envelope.length} ${envelope.slice(-ENVELOPE_KEY_TAIL)}`;
}

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
