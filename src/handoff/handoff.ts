import type { Activity, ConversationReference } from 'botbuilder';

/**
 * A conversation handed from the assistant to a person (an agent in the console). Kept in the handoff
 * queue (Redis when configured), shared by every instance. Holds no personal data in the clear: the draft's
 * facts are masked as the person's summary shows them, relayed messages are masked as the transcript keeps them.
 */
export interface Handoff {
  /** Random, opaque: the console's URLs name a handoff by it (never by the channel's conversation id). */
  id: string;
  /** `<channelId>:<conversationId>`: one handoff per conversation at a time. */
  conversationKey: string;
  /** The activity's channel (webchat, wechat, msteams, emulator...). */
  channel: string;
  /** The attached channel whose adapter reaches the conversation ('web', 'wechat', 'bot-framework'). */
  via: string;
  reference: Partial<ConversationReference>;
  /** The person's language (zh-CN, en-US): what the console writes them is theirs to read. */
  locale: string;
  reason: HandoffReason;
  queuedAt: number;
  state: HandoffState;
  agent?: HandoffAgent;
  takenAt?: number;
  draft: DraftView;
  /** How many activities of the conversation's transcript came before the handoff (the web channel's log, or the handoff transcript of the others). */
  transcriptLength: number;
}

/** waiting: in the queue; talking: an agent took it and chats; filling: the agent answers the questions for the person. */
export type HandoffState = 'waiting' | 'talking' | 'filling';

/** How the person asked: the command word or button at any question, the menu's choice, in their own words. */
export const HANDOFF_REASONS = ['command', 'menu', 'words'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/**
 * How a request for a person ended: no agent signed in (when asked, or every agent left while the person
 * waited), outside the hours, the person left the queue, the agent handed back to the assistant, the agent
 * ended it (after finishing the filing or not), the agent holding it left the console, the conversation
 * expired while waiting.
 */
export const HANDOFF_OUTCOMES = ['no_agent', 'closed', 'left', 'handed_back', 'finished', 'agent_gone', 'expired'] as const;
export type HandoffOutcome = (typeof HANDOFF_OUTCOMES)[number];

/** An agent as the person sees them: the display name only, never the account name. */
export interface HandoffAgent {
  /** The account's id: for the console (who holds what) and audit, never shown to the person. */
  id: string;
  displayName: string;
}

/** The draft filing as the console shows it: where the person is, the category so far, the answers masked. */
export interface DraftView {
  /** The filing step the person waits at (where, situation, category, person, treatment, review), if a filing is under way. */
  stage?: string;
  step?: number;
  of?: number;
  /** The question waiting (a prompt id). */
  waitingAt?: string;
  category?: string;
  facts: Array<{ id: string; label: string; value: string }>;
}

/** One line of the chat between the person and the agent (and the assistant's own lines while the agent fills in). */
export interface RelayMessage {
  from: 'person' | 'agent' | 'assistant' | 'system';
  text: string;
  at: number;
  /** The agent's display name, on their lines. */
  name?: string;
}

/**
 * What an agent (in the console, or an organisation's hub) reads of a message the assistant sent the
 * person: its text, or a card's spoken text, with what only the person sees in full masked as everywhere
 * else (their own summary shows names and the address in full: a typo must be visible to them).
 */
export type ShownToAgent = (message: Partial<Activity>) => string | undefined;
