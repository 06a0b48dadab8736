import { hash } from 'node:crypto';
import { RecentMap } from '../ops/recent-map.js';

/**
 * Where the Redis keys of one conversation live together. Every key a turn touches — its turn lock, the
 * ids of the activities it handled, and (on Redis Cluster) its conversation state — carries the same
 * Cluster hash tag, so that one Lua script can take the turn and read the state, and another save the
 * state, remember the activity and release the turn: two round trips a turn on every deployment.
 *
 * A conversation is named `{channelId}/{conversationId}` (as the turn order middleware names it); its
 * state is botbuilder ConversationState's key `{channelId}/conversations/{conversationId}/`. The tag is a
 * hash: key names never carry a channel's identifiers beyond what the state key itself holds.
 */
export function conversationTag(conversation: string): string {
  return `{${conversationDigest(conversation)}}`;
}

/** Names digested lately (a conversation's turn asks for its tag two or three times, and its next turn for the same again). */
const digests = new RecentMap<string, string>(4096);

/**
 * The first 32 hex digits of a name's SHA-256: what a conversation's key names carry instead of its
 * identifiers (its hash tag; the waiting conversations' members). Remembered for the names digested lately.
 */
export function conversationDigest(name: string): string {
  let digest = digests.get(name);
  if (digest === undefined) digests.set(name, (digest = hash('sha256', name, 'hex').slice(0, 32)));
  return digest;
}

/** ConversationState's storage key of a conversation named `{channelId}/{conversationId}`; undefined for other names. */
export function conversationStateKey(conversation: string): string | undefined {
  const slash = conversation.indexOf('/');
  if (slash <= 0 || slash === conversation.length - 1) return undefined;
  return `${conversation.slice(0, slash)}/conversations/${conversation.slice(slash + 1)}/`;
}

/**
 * The conversation (`{channelId}/{conversationId}`) whose ConversationState key this is, or undefined for
 * any other key (user state, private conversation state, anything else).
 */
export function conversationOfStateKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const marker = '/conversations/';
  if (slash <= 0 || !key.startsWith(marker, slash) || !key.endsWith('/')) return undefined;
  const id = key.slice(slash + marker.length, -1);
  if (!id) return undefined;
  const conversation = `${key.slice(0, slash)}/${id}`;
  // Only keys ConversationState would make for that conversation (not `…/conversations/a/users/u/`).
  return conversationStateKey(conversation) === key ? conversation : undefined;
}
