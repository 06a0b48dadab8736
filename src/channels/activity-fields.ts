import { z } from 'zod';
import { withinJsonLimits, type JsonLimits } from './json-limits.js';

/**
 * The fields of an incoming activity that the channels take from a client, each within bounds, as zod
 * schemas: the web channel (src/channels/web/incoming-activity.ts) and the Bot Framework channel
 * (src/channels/bot-framework/activity-schema.ts) build their activities from these. Whatever else a
 * client sends (attachments, entities, suggested actions, fields of its own) is dropped, never stored:
 * the bot reads none of it. A field out of bounds refuses the whole activity (400).
 */
export const ACTIVITY_LIMITS = {
  /** A typed message; the longest answer the bot asks for is an address of a few hundred characters. */
  textChars: 5_000,
  /** What a button or card sends back (the summary card's { editField }). */
  value: { maxDepth: 8, maxBytes: 8 * 1024 } satisfies JsonLimits,
  /** A channel's own data (Teams puts tenant, team and channel there, about four levels deep). */
  channelData: { maxDepth: 8, maxBytes: 16 * 1024 } satisfies JsonLimits,
  /** Ids, names and short codes. */
  shortString: 256,
  /** Conversation ids (Teams' carry a message id) and service URLs. */
  longString: 2_048,
} as const;

const LOCALE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;

/** A message's text. */
export const textField = z.string({ error: 'text must be a string' }).max(ACTIVITY_LIMITS.textChars, `text must be at most ${ACTIVITY_LIMITS.textChars} characters`);

/** A BCP 47 language tag such as zh-CN or en-US. */
export const localeField = z
  .string({ error: 'locale must be a string' })
  .max(35, 'locale must be a language tag such as zh-CN')
  .regex(LOCALE_PATTERN, 'locale must be a language tag such as zh-CN');

/** A short string: ids, names, formats, time zones. */
export const shortString = (what: string) =>
  z.string({ error: `${what} must be a string` }).max(ACTIVITY_LIMITS.shortString, `${what} must be at most ${ACTIVITY_LIMITS.shortString} characters`);

/** An id that must be there: a non-empty short string. */
export const requiredId = (what: string) => shortString(what).min(1, `${what} must not be empty`);

/** Any JSON nested at most maxDepth levels and at most maxBytes long. */
export const boundedJson = (what: string, limits: JsonLimits) =>
  z.unknown().refine((value) => value === undefined || withinJsonLimits(value, limits), {
    message: `${what} must be JSON at most ${limits.maxDepth} levels deep and ${limits.maxBytes} bytes long`,
  });

/** A JSON object (not an array or a scalar) within the limits. */
export const boundedObject = (what: string, limits: JsonLimits) =>
  z
    .record(z.string(), z.unknown(), { error: `${what} must be an object` })
    .refine((value) => withinJsonLimits(value, limits), { message: `${what} must be JSON at most ${limits.maxDepth} levels deep and ${limits.maxBytes} bytes long` });

/** An ISO timestamp as a client writes it (kept as written; botbuilder turns it into a Date). */
export const timestampField = (what: string) => z.string({ error: `${what} must be an ISO date-time string` }).max(64, `${what} must be an ISO date-time string`);

/** The first problem zod found, as one line for a 400's message: "conversation.id: must not be empty". */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the activity is not valid';
  const path = issue.path.map(String).join('.');
  return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
}
