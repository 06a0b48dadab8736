/**
 * The channel id as logs and metrics may show it. Channel ids are short lowercase words ("webchat",
 * "msteams", "twilio-sms"); anything else comes from a client that made it up, perhaps holding personal
 * data (an ID number sent as channelId in local mode), and is shown as "other".
 */
export function channelName(raw: string | undefined): string {
  return raw !== undefined && /^[a-z][a-z-]{0,31}$/.test(raw) ? raw : 'other';
}
