import { Counter, type Registry } from 'prom-client';
import { IDENTITY_OUTCOMES, type IdentityOutcome } from './identity-check.js';

/**
 * identity_checks_total{outcome}: every step of an identity check, by how it ended (code_sent, mismatch,
 * code_wrong, code_expired, verified, locked_out, refused_locked, send_failed, code_limited). Registered on the app's
 * registry (GET /metrics); every outcome starts at 0 so a dashboard sees the series before the first one.
 */
export function identityMetrics(registry: Registry): (outcome: IdentityOutcome) => void {
  const counter = new Counter({ name: 'identity_checks_total', help: 'Identity check steps before a filing is shown or changed, by outcome', labelNames: ['outcome'], registers: [registry] });
  for (const outcome of IDENTITY_OUTCOMES) counter.inc({ outcome }, 0);
  return (outcome) => counter.inc({ outcome });
}
