import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { addDays, isIsoDate } from '../domain/calendar.js';
import { shanghaiInstant } from '../domain/shanghai-time.js';
import { clientAddress, cookiesOf, queryValue, readJsonBody, HttpError } from '../channels/http.js';
import { RateLimiter, type BucketSpec } from '../channels/rate-limiter.js';
import { FILING_STATUSES, FilingStoreError, type FilingStore, type StoredFiling } from '../filings/filing-store.js';
import { normalizeReference } from '../filings/reference.js';
import type { Logger } from '../ops/logger.js';
import { StoreUnavailableError } from '../state/errors.js';
import type { AgencyKeyring } from './keys.js';
import { csrfMatches, type AgencySessions } from './sessions.js';
import { nationalFormHeader, nationalFormLine } from './national-form.js';

/**
 * The agency's back-office API under /agency/v1/ (JSON; README "The agency's API"):
 *
 *   GET  /agency/v1/filings?status=&date=&cursor=&limit=   filings oldest first, a page at a time
 *   GET  /agency/v1/filings/:reference                      one filing in full, with its history
 *   POST /agency/v1/filings/:reference/status               { status: EFFECTIVE | REJECTED, reason, requestId }
 *   GET  /agency/v1/exports/:date.csv                       the day's filings in the national form's layout
 *
 * Callers show `Authorization: Bearer <key>` (AGENCY_API_KEYS) or, from the review page, its session
 * cookie, with the CSRF token in X-CSRF-Token on every change. The record is the agency's: the API gives
 * every field in full. Logs name the key, the reference and the statuses, never a field of the filing or a
 * reason. Requests are rate-limited per address (and sign-in failures more strictly).
 */
export interface AgencyApiDeps {
  filings: FilingStore;
  keyring: AgencyKeyring;
  sessions: AgencySessions;
  logger: Logger;
  trustProxy: number;
  now?: () => number;
  limits?: Partial<typeof AGENCY_RATE_LIMITS>;
}

export const AGENCY_RATE_LIMITS = {
  /** Every request, per address. */
  perAddress: { burst: 120, perSecond: 20 } as BucketSpec,
  /** Requests refused for a missing or wrong key or session, per address. */
  failedAuthPerAddress: { burst: 10, perSecond: 0.2 } as BucketSpec,
};

export const SESSION_COOKIE = 'agency_session';

/** A status change as the API takes it: SUBMITTED → EFFECTIVE | REJECTED; a rejection says why. */
const statusBody = z
  .object({
    status: z.enum(['EFFECTIVE', 'REJECTED']),
    reason: z.string().trim().max(500).optional(),
    requestId: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((b) => b.status !== 'REJECTED' || (b.reason !== undefined && b.reason !== ''), { message: 'a rejection needs a reason', path: ['reason'] });

const listQuery = z.object({
  status: z.enum(FILING_STATUSES).optional(),
  date: z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD').optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The caller: the key's name (the actor of its changes). */
interface Caller {
  name: string;
  via: 'key' | 'session';
}

class AgencyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendAgencyJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.sendRaw(status, JSON.stringify(body), {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
}

/** The day [from, to) in Asia/Shanghai as ISO datetimes. */
export function shanghaiDay(day: string): { createdFrom: string; createdTo: string } {
  return { createdFrom: shanghaiInstant(day).toISOString(), createdTo: shanghaiInstant(addDays(day, 1)).toISOString() };
}

/** A filing as the agency sees it: everything, in full (it is the agency's record). */
export function agencyView(stored: StoredFiling) {
  return {
    reference: stored.reference,
    status: stored.status,
    category: stored.category,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    profileId: stored.profileId,
    profileVersion: stored.profileVersion,
    ...(stored.replaces ? { replaces: stored.replaces } : {}),
    ...(stored.replacedBy ? { replacedBy: stored.replacedBy } : {}),
    ...(stored.origin ? { channel: stored.origin.channel } : {}),
    filing: stored.filing,
    history: stored.history,
  };
}

/** The value of one cookie of a request. */
export function cookieValue(req: Request, name: string): string | undefined {
  return cookiesOf(req).get(name);
}

export interface AgencyGuard {
  /** Rate limit by address; throws 429. */
  limit(req: Request): void;
  /** The caller, by key or session (with the CSRF token when `change`); throws 401/403/429/503. */
  caller(req: Request, change: boolean): Promise<Caller>;
  /** Counts a failed sign-in against the address; throws 429 once there were too many. */
  failed(req: Request): void;
  /** Runs a route: its errors become JSON answers. */
  route(handler: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response) => Promise<void>;
}

export function agencyGuard(deps: AgencyApiDeps): AgencyGuard {
  const now = deps.now ?? Date.now;
  const limits = { ...AGENCY_RATE_LIMITS, ...deps.limits };
  const byAddress = new RateLimiter(limits.perAddress, now);
  const failures = new RateLimiter(limits.failedAuthPerAddress, now);
  const address = (req: Request) => clientAddress(req, deps.trustProxy);
  const tooMany = (retryAfterSeconds: number) =>
    new AgencyError(429, 'TooManyRequests', 'too many requests: try again later', { 'Retry-After': String(retryAfterSeconds) });
  const guard: AgencyGuard = {
    limit(req) {
      const decision = byAddress.take(address(req));
      if (!decision.allowed) throw tooMany(decision.retryAfterSeconds);
    },
    failed(req) {
      const decision = failures.take(address(req));
      if (!decision.allowed) throw tooMany(decision.retryAfterSeconds);
    },
    async caller(req, change) {
      if (deps.keyring.size === 0) throw new AgencyError(503, 'ServiceUnavailable', 'the agency API is off: AGENCY_API_KEYS is not set');
      const auth = req.headers.authorization;
      if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) {
        const name = deps.keyring.nameOf(auth.replace(/^Bearer\s+/i, '').trim());
        if (name) return { name, via: 'key' };
        guard.failed(req);
        throw new AgencyError(401, 'Unauthorized', 'the key is not one of AGENCY_API_KEYS', { 'WWW-Authenticate': 'Bearer' });
      }
      const found = await deps.sessions.get(cookieValue(req, SESSION_COOKIE));
      // A session of a key that was removed from AGENCY_API_KEYS ends with it.
      const session = found && deps.keyring.has(found.name) ? found : undefined;
      if (!session) {
        guard.failed(req);
        throw new AgencyError(401, 'Unauthorized', 'sign in, or send Authorization: Bearer <key>', { 'WWW-Authenticate': 'Bearer' });
      }
      if (change && !csrfMatches(session, req.headers['x-csrf-token'])) throw new AgencyError(403, 'Forbidden', 'the X-CSRF-Token header is missing or wrong');
      return { name: session.name, via: 'session' };
    },
    route(handler) {
      return async (req, res) => {
        try {
          guard.limit(req);
          await handler(req, res);
        } catch (err) {
          const answer = toAgencyError(err);
          if (answer.status >= 500) deps.logger.warn({ err: { name: (err as Error)?.name, code: (err as { code?: string })?.code }, route: req.getRoute?.()?.path }, 'agency request failed');
          sendAgencyJson(res, answer.status, { error: { code: answer.code, message: answer.message } }, answer.headers);
        }
      };
    },
  };
  return guard;
}

function toAgencyError(err: unknown): AgencyError {
  if (err instanceof AgencyError) return err;
  if (err instanceof HttpError) return new AgencyError(err.status, err.code, err.message, err.headers);
  if (err instanceof FilingStoreError) {
    if (err.code === 'ILLEGAL_TRANSITION') return new AgencyError(409, 'Conflict', err.message.replace(/^filing store: /, ''));
    if (err.code === 'BAD_INPUT' || err.code === 'BAD_STATUS') return new AgencyError(400, 'BadArgument', err.message.replace(/^filing store: /, ''));
  }
  if (err instanceof StoreUnavailableError) {
    return new AgencyError(503, 'ServiceUnavailable', 'the filing store is unavailable: try again shortly', { 'Retry-After': '5' });
  }
  return new AgencyError(500, 'ServiceError', 'the request failed');
}

function badArgument(error: z.ZodError): AgencyError {
  const where = error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).slice(0, 3).join('; ');
  return new AgencyError(400, 'BadArgument', where);
}

function referenceParam(req: Request): string {
  const canonical = normalizeReference(String(req.params?.reference ?? ''));
  if (canonical === undefined) throw new AgencyError(404, 'NotFound', 'no filing with this reference');
  return canonical;
}

export function registerAgencyApi(server: Server, deps: AgencyApiDeps, guard: AgencyGuard = agencyGuard(deps)): void {
  const { filings, logger } = deps;

  server.get(
    '/agency/v1/filings',
    guard.route(async (req, res) => {
      await guard.caller(req, false);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parsed = listQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) throw badArgument(parsed.error);
      const { status, date, cursor, limit } = parsed.data;
      const page = await filings.list({ limit, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}), ...(date ? shanghaiDay(date) : {}) });
      sendAgencyJson(res, 200, { filings: page.filings.map(agencyView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    }),
  );

  server.get(
    '/agency/v1/filings/:reference',
    guard.route(async (req, res) => {
      await guard.caller(req, false);
      const stored = await filings.get(referenceParam(req));
      if (!stored) throw new AgencyError(404, 'NotFound', 'no filing with this reference');
      sendAgencyJson(res, 200, agencyView(stored));
    }),
  );

  server.post(
    '/agency/v1/filings/:reference/status',
    guard.route(async (req, res) => {
      const caller = await guard.caller(req, true);
      const reference = referenceParam(req);
      const parsed = statusBody.safeParse((await readJsonBody(req, 8_192)) ?? {});
      if (!parsed.success) throw badArgument(parsed.error);
      const header = req.headers['idempotency-key'];
      const requestId = parsed.data.requestId ?? (typeof header === 'string' && header.trim() !== '' ? header.trim().slice(0, 200) : undefined);
      if (requestId === undefined) throw new AgencyError(400, 'BadArgument', 'requestId (or an Idempotency-Key header) is required, so that a retry is applied once');
      const before = await filings.get(reference);
      if (!before) throw new AgencyError(404, 'NotFound', 'no filing with this reference');
      const after = await filings.setStatus(reference, parsed.data.status, {
        actor: { kind: 'agency', name: caller.name },
        ...(parsed.data.reason ? { reason: parsed.data.reason } : {}),
        requestId,
      });
      if (!after) throw new AgencyError(404, 'NotFound', 'no filing with this reference');
      const applied = after.history.at(-1)?.requestId === requestId && after.history.length > before.history.length;
      // Who, which filing, which move: never the reason (free text) or any field of the filing.
      logger.info({ agency: caller.name, via: caller.via, reference, from: before.status, to: after.status, repeated: !applied }, 'agency status change');
      sendAgencyJson(res, 200, agencyView(after));
    }),
  );

  server.get(
    '/agency/v1/exports/:day',
    guard.route(async (req, res) => {
      const caller = await guard.caller(req, false);
      const day = String(req.params?.day ?? '').replace(/\.csv$/, '');
      if (!isIsoDate(day)) throw new AgencyError(400, 'BadArgument', 'the export is named by its day: /agency/v1/exports/YYYY-MM-DD.csv');
      const range = shanghaiDay(day);
      let body = '\uFEFF' + nationalFormHeader(); // the BOM: spreadsheets read the UTF-8 Chinese right
      let cursor: string | undefined;
      let count = 0;
      do {
        const page = await filings.list({ ...range, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const stored of page.filings) body += nationalFormLine(stored);
        count += page.filings.length;
        cursor = page.nextCursor;
      } while (cursor);
      logger.info({ agency: caller.name, day, count }, 'agency export');
      res.sendRaw(200, body, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="filings-${day}.csv"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
    }),
  );
}
