export { loadAccounts, parseAccounts, parseAccountLine, AGENT_ID, type AgentAccount } from './agent-accounts.js';
export { createAgentAudit, type AgentAudit, type AuditFields } from './agent-audit.js';
export { AgentAuth, agentApi, answerError, SESSION_COOKIE, CSRF_HEADER, type AgentApi, type AgentHandler, type SignedInAgent } from './agent-auth.js';
export { MemoryAgentSessionStore, RedisAgentSessionStore, type AgentSessionStore, type StoredSession } from './agent-sessions.js';
export { registerAgentConsole, consoleWords, type AgentConsole, type AgentConsoleOptions } from './agent-console.js';
export { hashPassword, verifyPassword, isPasswordHash } from './password-hash.js';
