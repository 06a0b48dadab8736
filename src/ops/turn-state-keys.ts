/**
 * turnState keys shared between the turn middleware and the rest of the bot. Strings, not symbols,
 * so code that cannot import this file can still read them.
 *
 * - REQUEST_ID_KEY   string: the request id of this turn (from an incoming header, or generated).
 * - TURN_LOGGER_KEY  Logger: a child logger already carrying requestId, channel and conversation.
 * - TURN_OUTCOME_KEY 'busy' | 'error' | 'draining': set by code that refused or failed a turn without
 *                    throwing; the turn log line and bot_turns_total use it (default 'ok').
 * - TURN_ERROR_KIND_KEY string: with TURN_OUTCOME_KEY 'error', what went wrong (bot_errors_total's kind,
 *                    e.g. 'store_unavailable'); a thrown error is classified by the turn log itself.
 * - PROMPT_ID_KEY    string: the prompt the bot is waiting on after this turn (dialogs may set it;
 *                    otherwise it is read from outgoing activities' channelData.promptId).
 * - CONTINUED_CONVERSATION_KEY true: set by a channel adapter when it knows the conversation had turns
 *                    before this one (the web channel: every message follows the greeting turn its start
 *                    ran). A turn that then finds no conversation state at all (Redis lost it) tells the
 *                    person their earlier answers could not be kept, instead of silently starting over.
 * - TURN_END_APPEND_KEY TurnEndAppend (src/state/turn-lock.ts): writes of the channel (the web transcript's
 *                    replies) that the turn order middleware hands to the step that ends the turn.
 */
export const REQUEST_ID_KEY = 'requestId';
export const TURN_LOGGER_KEY = 'turnLogger';
export const TURN_OUTCOME_KEY = 'turnOutcome';
export const PROMPT_ID_KEY = 'promptId';
export const TURN_ERROR_KIND_KEY = 'turnErrorKind';
export const CONTINUED_CONVERSATION_KEY = 'continuedConversation';
export const TURN_END_APPEND_KEY = 'turnEndAppend';
