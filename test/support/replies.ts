import type { Activity } from 'botbuilder';

/** Reading a turn's replies (from the TestAdapter or over HTTP): the question asked, the text, channelData. */

type Replies = Partial<Activity>[];

/** The promptId of the last question asked in these replies. */
export function promptOf(replies: Replies): string | undefined {
  const asked = replies.filter((r) => (r.channelData as { promptId?: string } | undefined)?.promptId);
  return (asked.at(-1)?.channelData as { promptId?: string } | undefined)?.promptId;
}

/** Every promptId these replies carry, in order (questions and re-prompts, error notes included). */
export function promptsOf(replies: Replies): string[] {
  return replies.map((r) => (r.channelData as { promptId?: string } | undefined)?.promptId).filter((p): p is string => p !== undefined);
}

export function textOf(replies: Replies): string {
  return replies.map((r) => r.text ?? '').join('\n');
}

/** The reply that carries channelData[key]. */
export function replyWith(replies: Replies, key: string): Partial<Activity> | undefined {
  return replies.find((r) => (r.channelData as Record<string, unknown> | undefined)?.[key] !== undefined);
}

export function channelData<T = Record<string, unknown>>(replies: Replies, key: string): T | undefined {
  return (replyWith(replies, key)?.channelData as Record<string, unknown> | undefined)?.[key] as T | undefined;
}

/** The text of the reply that said an answer back as understood (channelData.understood). */
export function understoodText(replies: Replies): string | undefined {
  return replies.find((r) => (r.channelData as { understood?: boolean } | undefined)?.understood)?.text;
}

/** The buttons of the question asked (the last reply). */
export function lastButtons(replies: Replies): string[] {
  return (replies.at(-1)?.suggestedActions?.actions ?? []).map((a) => a.title);
}
