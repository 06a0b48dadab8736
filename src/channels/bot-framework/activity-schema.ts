import type { Activity } from 'botbuilder';
import { z } from 'zod';
import {
  ACTIVITY_LIMITS,
  boundedJson,
  boundedObject,
  firstProblem,
  localeField,
  requiredId,
  shortString,
  textField,
  timestampField,
} from '../activity-fields.js';

/**
 * The channel ids POST /api/messages takes: the Bot Framework's channels (Azure Bot Service and the
 * Emulator). `webchat` is not one of them: that id belongs to the bot's own web channel (Direct Line at
 * /v3/directline, src/channels/web/), whose conversations are driven only with their token. Any other id
 * belongs to no adapter here (another channel's, or made up) and is refused too.
 */
export const BOT_FRAMEWORK_CHANNEL_IDS = [
  'emulator',
  'directline',
  'directlinespeech',
  'msteams',
  'm365extensions',
  'outlook',
  'email',
  'sms',
  'twilio-sms',
  'telephony',
  'facebook',
  'telegram',
  'slack',
  'line',
  'kik',
  'groupme',
  'skype',
  'skypeforbusiness',
  'alexa',
  'omnichannel',
  'webex',
] as const;

const DELIVERY_MODES = ['normal', 'notification', 'expectReplies', 'ephemeral'] as const;

const account = (what: string) =>
  z.object(
    {
      id: requiredId(`${what}.id`),
      name: shortString(`${what}.name`).optional(),
      role: shortString(`${what}.role`).optional(),
      aadObjectId: shortString(`${what}.aadObjectId`).optional(),
    },
    { error: `${what} must be an object with an id` },
  );

const members = (what: string) => z.array(account(what), { error: `${what} must be a list of accounts` }).max(100, `${what} must list at most 100 accounts`);

/**
 * An activity as the Bot Framework posts it, reduced to what the bot reads: type, ids, the conversation
 * and its members, text, value, locale, channel data. Unknown fields are dropped; a field of the wrong
 * type or out of bounds refuses the activity.
 */
export const botFrameworkActivitySchema = z.object(
  {
    type: z.string({ error: 'type is required (message, conversationUpdate, event…)' }).regex(/^[A-Za-z]{1,40}$/, 'type must be an activity type such as message'),
    id: shortString('id').optional(),
    timestamp: timestampField('timestamp').optional(),
    localTimestamp: timestampField('localTimestamp').optional(),
    localTimezone: shortString('localTimezone').optional(),
    serviceUrl: z
      .string({ error: 'serviceUrl must be the http(s) URL replies go to' })
      .max(ACTIVITY_LIMITS.longString, 'serviceUrl is too long')
      .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), 'serviceUrl must be an http(s) URL'),
    channelId: z.enum(BOT_FRAMEWORK_CHANNEL_IDS, {
      error: 'channelId must name a Bot Framework channel such as msteams or emulator (webchat conversations belong to the web channel at /v3/directline)',
    }),
    from: account('from'),
    recipient: account('recipient'),
    conversation: z.object(
      {
        id: z.string({ error: 'conversation.id must be a string' }).min(1, 'conversation.id must not be empty').max(ACTIVITY_LIMITS.longString, 'conversation.id is too long'),
        name: shortString('conversation.name').optional(),
        isGroup: z.boolean({ error: 'conversation.isGroup must be true or false' }).optional(),
        conversationType: shortString('conversation.conversationType').optional(),
        tenantId: shortString('conversation.tenantId').optional(),
      },
      { error: 'conversation must be an object with an id' },
    ),
    text: textField.optional(),
    textFormat: shortString('textFormat').optional(),
    locale: localeField.optional(),
    name: shortString('name').optional(),
    value: boundedJson('value', ACTIVITY_LIMITS.value).optional(),
    channelData: boundedObject('channelData', ACTIVITY_LIMITS.channelData).optional(),
    replyToId: shortString('replyToId').optional(),
    deliveryMode: z.enum(DELIVERY_MODES, { error: `deliveryMode must be one of ${DELIVERY_MODES.join(', ')}` }).optional(),
    membersAdded: members('membersAdded').optional(),
    membersRemoved: members('membersRemoved').optional(),
    action: shortString('action').optional(),
    code: shortString('code').optional(),
  },
  { error: 'the body must be an activity object' },
);

export type BotFrameworkActivity = z.output<typeof botFrameworkActivitySchema>;

export type ActivityCheck = { ok: true; activity: Activity } | { ok: false; problem: string };

/** The activity the bot will see, or the first problem with the body (for a 400). */
export function checkBotFrameworkActivity(body: unknown): ActivityCheck {
  const parsed = botFrameworkActivitySchema.safeParse(body);
  if (!parsed.success) return { ok: false, problem: firstProblem(parsed.error) };
  // botbuilder turns the timestamps into Dates (as CloudAdapter.process did through validateAndFixActivity).
  const { timestamp, localTimestamp, ...rest } = parsed.data;
  const activity = { ...rest } as unknown as Activity & { rawTimestamp?: string; rawLocalTimestamp?: string };
  if (timestamp !== undefined) {
    activity.rawTimestamp = timestamp;
    activity.timestamp = new Date(timestamp);
  }
  if (localTimestamp !== undefined) {
    activity.rawLocalTimestamp = localTimestamp;
    activity.localTimestamp = new Date(localTimestamp);
  }
  return { ok: true, activity };
}
