import type { Request, Response, Server } from 'restify';
import type { Metrics } from './metrics.js';

export interface Readiness {
  ok: boolean;
  /** One entry per dependency (e.g. "redis", "filings"); false when it did not answer. */
  checks: Record<string, boolean>;
}

export interface OpsRouteDeps {
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  /** True once shutdown began (InFlightTracker#stopping): /healthz and /readyz then answer 503. */
  draining?: () => boolean;
  /** A readiness check that takes longer than this counts as failed; default 2000 ms. */
  readinessTimeoutMs?: number;
}

/**
 * GET /metrics  Prometheus text exposition of the app's own registry.
 * GET /healthz  200 {status:"ok"} while the process lives and is not shutting down (liveness).
 * GET /readyz   200 when every readiness check passes, else 503 with the failing checks; 503 while draining.
 * Readiness checks also set the store_up gauge, one series per check name.
 */
export function registerOpsRoutes(server: Server, deps: OpsRouteDeps): void {
  const draining = deps.draining ?? (() => false);
  const timeoutMs = deps.readinessTimeoutMs ?? 2000;

  server.get('/metrics', async (_req: Request, res: Response) => {
    const { contentType, body } = await deps.metrics.render();
    res.sendRaw(200, body, { 'content-type': contentType, 'cache-control': 'no-store' });
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    if (draining()) res.send(503, { status: 'shutting_down' });
    else res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    if (draining()) {
      res.send(503, { status: 'shutting_down', failing: ['shutdown'] });
      return;
    }
    const result = await checkReadiness(deps.readiness, timeoutMs);
    for (const [name, up] of Object.entries(result.checks)) deps.metrics.storeHealth(name, up);
    const failing = Object.entries(result.checks)
      .filter(([, up]) => !up)
      .map(([name]) => name);
    if (result.ok && failing.length === 0) res.send(200, { status: 'ready', checks: result.checks });
    else res.send(503, { status: 'not_ready', checks: result.checks, failing: failing.length ? failing : ['readiness'] });
  });
}

async function checkReadiness(readiness: () => Promise<Readiness>, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, checks: { readiness: false } }), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([readiness(), timedOut]);
  } catch {
    return { ok: false, checks: { readiness: false } };
  } finally {
    clearTimeout(timer);
  }
}
