import { ActivityTypes, type Activity, type ChannelAccount } from 'botbuilder';
import { z } from 'zod';
import { ACTIVITY_LIMITS, boundedJson, firstProblem, localeField, shortString, textField, timestampField } from '../activity-fields.js';
import { HttpError } from '../http.js';
import { WEB_CHANNEL_ID, WEB_SERVICE_URL } from './web-adapter.js';
import type { WebTokenClaims } from './web-tokens.js';

/**
 * What the page may post, as Web Chat posts it: a message (text, or a button's value), an event (a name
 * and a value) or a typing indicator, its locale and local time, and the client's own id for the
 * message (channelData.clientActivityID, which Web Chat needs echoed back). Each within bounds; anything
 * else Web Chat sends (from, channelId, attachments, entities) is dropped: who sent it, where, and when
 * are set by the server from the token.
 */
const webActivitySchema = z
  .object(
    {
      type: z.enum([ActivityTypes.Message, ActivityTypes.Event, ActivityTypes.Typing], { error: 'the activity type must be message, event or typing' }),
      text: textField.optional(),
      name: shortString('name').optional(),
      value: boundedJson('value', ACTIVITY_LIMITS.value).optional(),
      locale: localeField.optional(),
      textFormat: z.enum(['plain', 'markdown', 'xml'], { error: 'textFormat must be plain, markdown or xml' }).optional(),
      localTimestamp: timestampField('localTimestamp').optional(),
      localTimezone: shortString('localTimezone').optional(),
      channelData: z
        .object({ clientActivityID: shortString('channelData.clientActivityID').optional() }, { error: 'channelData must be an object' })
        .optional(),
    },
    { error: 'the body must be an activity object' },
  )
  .refine((activity) => activity.type !== ActivityTypes.Event || activity.name !== undefined, { message: 'an event needs a name', path: ['name'] });


/** The activity the bot will see for what the page posted; 400 (HttpError) when the body is not one. */
export function toIncomingActivity(body: unknown, claims: WebTokenClaims, bot: ChannelAccount, at: Date): Partial<Activity> {
  const parsed = webActivitySchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'BadArgument', firstProblem(parsed.error));
  const { channelData, localTimestamp, ...given } = parsed.data;
  const activity: Partial<Activity> = {
    ...given,
    channelId: WEB_CHANNEL_ID,
    serviceUrl: WEB_SERVICE_URL,
    conversation: { id: claims.conversationId } as Activity['conversation'],
    from: { id: claims.userId, name: '', role: 'user' },
    recipient: bot,
    timestamp: at,
  };
  // Kept as the client wrote it (the log is JSON; botbuilder reads it as text too).
  if (localTimestamp !== undefined) activity.localTimestamp = localTimestamp as unknown as Date;
  if (channelData?.clientActivityID !== undefined) activity.channelData = { clientActivityID: channelData.clientActivityID };
  return activity;
}

/**
 * The locale a start (POST /conversations) asks for: only that is read from its body. Anything that is
 * not a language tag is ignored rather than refused, so that a portal's odd setting still opens the chat.
 */
export function startLocale(body: unknown): string | undefined {
  const locale = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['locale'] : undefined;
  return localeField.safeParse(locale).success ? (locale as string) : undefined;
}
