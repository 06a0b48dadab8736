export type { Handoff, HandoffAgent, HandoffState, HandoffReason, HandoffOutcome, DraftView, RelayMessage } from './handoff.js';
export { HANDOFF_REASONS, HANDOFF_OUTCOMES } from './handoff.js';
export { MemoryHandoffQueue, type HandoffQueue } from './handoff-queue.js';
export { RedisHandoffQueue, type RedisHandoffQueueOptions } from './redis-handoff-queue.js';
export { MemoryAgentPresence, PRESENCE_WINDOW_MS, type AgentPresence } from './agent-presence.js';
export { RedisAgentPresence } from './redis-agent-presence.js';
export { HandoffDesk, HandoffError, AGENT_ANSWER_KEY, HUB_AGENT_ID, conversationKeyOf, transcriptLines, type AssistantHooks, type HandoffRequest, type HandoffDeskOptions } from './handoff-desk.js';
export { handoffMetrics, type HandoffMetrics } from './handoff-metrics.js';
export { registerHandoffRoutes, panelWords, MAX_AGENT_TEXT } from './handoff-routes.js';
