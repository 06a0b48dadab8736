import type { Logger } from '../ops/logger.js';

/**
 * The audit trail of the console: one log line per sign-in, sign-out and action, `{"audit":"<event>",
 * "agent":"<account id>", ...}` with the message "agent audit". Only the fields below may be given, none
 * of them personal data of a citizen: a call or conversation is named by its opaque id, never by what was
 * said in it; an account name that does not exist is never logged as typed (it may be a mistyped password).
 */
export interface AuditFields {
  /** The agent's account id (for an unknown account: absent). */
  agent?: string;
  /** ok, wrong_password, unknown_account, locked, expired, refused… */
  outcome?: string;
  /** A guided call's id. */
  call?: string;
  /** A conversation's opaque id or hash (handoff). */
  conversation?: string;
  /** A question's promptId. */
  prompt?: string;
  /** A filing's category (not its reference: that finds the person). */
  category?: string;
  /** How the agent proved who they are: password, oidc. */
  method?: 'password' | 'oidc';
  /** Seconds, e.g. how long a lockout lasts. */
  seconds?: number;
}

export type AgentAudit = (event: string, fields?: AuditFields) => void;

export function createAgentAudit(logger: Logger): AgentAudit {
  const audit = logger.child({ component: 'agent-console' });
  return (event, fields = {}) => audit.info({ audit: event, ...fields }, 'agent audit');
}
