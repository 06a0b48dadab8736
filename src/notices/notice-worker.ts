import { randomUUID } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import { Counter, type Registry } from 'prom-client';
import { addDays, todayInShanghai } from '../domain/calendar.js';
import type { RegionProfile } from '../domain/profile.js';
import type { Texts } from '../content/texts.js';
import type { FilingStore, Notice } from '../filings/filing-store.js';
import type { Logger } from '../ops/logger.js';
import { throttledWarning } from '../ops/throttled-warning.js';
import type { NoticeDelivery } from './delivery.js';
import { noticeText } from './notice-text.js';

/**
 * Works the filing store's outbox of notices (src/filings/filing-store.ts). Every instance runs one:
 * each poll claims a few due notices under a lease (so with several instances each notice goes to one
 * of them), delivers each on the channel the person filed from, and marks it sent; a fault is tried
 * again later (backing off), up to maxAttempts; a person the channel can no longer reach is given up.
 * Once an hour (and at start) it enqueues the reminders of temporary filings that end within
 * `expiryDays`. Logs carry the reference, the kind and the outcome, never the words or a conversation.
 */
export interface NoticeWorkerOptions {
  filings: FilingStore;
  deliveries: readonly NoticeDelivery[];
  texts: Texts;
  profiles: Map<string, RegionProfile>;
  defaultRegion: string;
  logger: Logger;
  registry?: Registry;
  pollMs: number;
  expiryDays: number;
  /** Notices claimed per poll. */
  batch?: number;
  /**
   * How long a claim, and each renewal right before a delivery, holds a notice. Longer than a delivery
   * may take (deliveryTimeoutMs): a notice whose lease ran out may be claimed and sent by another instance.
   */
  leaseMs?: number;
  /** A delivery that has not answered by then counts as a fault (tried again later). */
  deliveryTimeoutMs?: number;
  maxAttempts?: number;
  /** This worker's name in the outbox's leases. */
  workerId?: string;
  now?: () => Date;
}

export const NOTICE_DEFAULTS = { batch: 20, leaseMs: 60_000, deliveryTimeoutMs: 20_000, maxAttempts: 6, sweepEveryMs: 60 * 60 * 1000 } as const;

/** lease_lost: the notice was another worker's by the time this one came to it (not delivered, not settled by this one). */
type Outcome = 'sent' | 'unreachable' | 'retry' | 'failed' | 'lease_lost';

/** A delivery that took longer than its time. */
export class DeliveryTimeoutError extends Error {
  override readonly name = 'DeliveryTimeoutError';
  readonly code = 'DELIVERY_TIMEOUT';
}

export class NoticeWorker {
  readonly workerId: string;
  readonly #o: NoticeWorkerOptions;
  readonly #counter: Counter<'outcome' | 'channel'> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #lastSweep = 0;
  #stopped = false;
  /** While the store is away every poll fails the same way: one warning a minute. */
  readonly #pollFailed = throttledWarning<unknown>(60_000, (err, heldBack) =>
    this.#o.logger.warn({ err: { name: (err as Error)?.name, code: (err as { code?: string })?.code }, heldBack }, 'notices: a poll failed; trying again'),
  );

  constructor(options: NoticeWorkerOptions) {
    this.#o = options;
    this.workerId = options.workerId ?? `notices-${randomUUID().slice(0, 8)}`;
    this.#counter = options.registry
      ? ((options.registry.getSingleMetric('notices_total') as Counter<'outcome' | 'channel'> | undefined) ??
        new Counter({ name: 'notices_total', help: 'Notices to persons by outcome (sent, unreachable, retry, failed; lease_lost: left to another worker that claimed it meanwhile) and channel', labelNames: ['outcome', 'channel'], registers: [options.registry] }))
      : undefined;
  }

  /** Polls every pollMs until stop(). */
  start(): void {
    if (this.#timer || this.#stopped) return;
    const tick = () => {
      this.#running = this.runOnce()
        .catch((err: unknown) => this.#pollFailed(err))
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) {
            this.#timer = setTimeout(tick, this.#o.pollMs);
            this.#timer.unref?.();
          }
        });
    };
    this.#timer = setTimeout(tick, 0);
    this.#timer.unref?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One poll: the expiry sweep when due, then one batch of notices. Resolves with how many were handled. */
  async runOnce(): Promise<number> {
    const now = (this.#o.now ?? (() => new Date()))();
    if (now.getTime() - this.#lastSweep >= NOTICE_DEFAULTS.sweepEveryMs) {
      const today = todayInShanghai(now);
      await this.#o.filings.enqueueExpiringNotices(today, addDays(today, this.#o.expiryDays));
      this.#lastSweep = now.getTime();
    }
    const claimed = await this.#o.filings.claimNotices(this.workerId, this.#o.batch ?? NOTICE_DEFAULTS.batch, this.#leaseMs);
    // Deliveries run one after another: a notice late in the batch may have been claimed by another
    // instance meanwhile (its lease ran out), so each is renewed right before its delivery, and settled
    // only while still this worker's.
    for (const notice of claimed) await this.#handle(notice);
    return claimed.length;
  }

  get #leaseMs(): number {
    // Twice the delivery's time at least: renewed right before a delivery, the lease outlasts it.
    return Math.max(this.#o.leaseMs ?? NOTICE_DEFAULTS.leaseMs, 2 * this.#deliveryTimeoutMs);
  }

  get #deliveryTimeoutMs(): number {
    return this.#o.deliveryTimeoutMs ?? NOTICE_DEFAULTS.deliveryTimeoutMs;
  }

  async #handle(notice: Notice): Promise<void> {
    const { filings, logger } = this.#o;
    if (!(await filings.renewNoticeLease(notice.id, this.workerId, this.#leaseMs))) {
      this.#leaseLost(notice, 'none');
      return;
    }
    const stored = await filings.get(notice.reference);
    const origin = stored?.origin;
    const delivery = origin ? this.#o.deliveries.find((d) => d.carries(origin.channel)) : undefined;
    const log = { reference: notice.reference, kind: notice.kind, status: notice.status, attempt: notice.attempts, channel: delivery?.name };
    if (!stored || !origin || !delivery) {
      if (!(await filings.markNoticeFailed(notice.id, this.workerId, null))) return this.#leaseLost(notice, delivery?.name ?? 'none');
      this.#count('unreachable', delivery?.name ?? 'none');
      logger.info({ ...log, outcome: 'unreachable' }, 'notice: no channel can reach the person');
      return;
    }
    const { text, locale } = noticeText(notice, stored, this.#o, delivery.words);
    let outcome: Outcome;
    try {
      outcome = await withTimeout(
        delivery.deliver(origin.conversation as Partial<ConversationReference>, { text, locale, notice: { reference: notice.reference, kind: notice.kind, status: notice.status } }, stored),
        this.#deliveryTimeoutMs,
      );
    } catch (err) {
      outcome = notice.attempts >= (this.#o.maxAttempts ?? NOTICE_DEFAULTS.maxAttempts) ? 'failed' : 'retry';
      logger.warn({ ...log, outcome, err: { name: (err as Error)?.name, code: (err as { code?: string })?.code, statusCode: (err as { statusCode?: number })?.statusCode } }, 'notice: delivery failed');
    }
    const settled =
      outcome === 'sent'
        ? await filings.markNoticeSent(notice.id, this.workerId)
        : await filings.markNoticeFailed(notice.id, this.workerId, outcome === 'retry' ? backoffMs(notice.attempts) : null);
    if (!settled) return this.#leaseLost(notice, delivery.name, outcome);
    this.#count(outcome, delivery.name);
    if (outcome !== 'retry') logger.info({ ...log, outcome }, outcome === 'sent' ? 'notice sent' : 'notice given up');
  }

  /** Another worker holds the notice now: this one leaves it alone, and says so. */
  #leaseLost(notice: Notice, channel: string, after?: Outcome): void {
    this.#count('lease_lost', channel);
    this.#o.logger.warn(
      { reference: notice.reference, kind: notice.kind, status: notice.status, attempt: notice.attempts, channel, outcome: 'lease_lost', ...(after ? { delivery: after } : {}) },
      after ? 'notice: its lease ran out during the delivery; left to the worker holding it' : 'notice: claimed by another worker meanwhile; not delivered here',
    );
  }

  #count(outcome: Outcome, channel: string): void {
    this.#counter?.inc({ outcome, channel });
  }
}

function withTimeout<V>(work: Promise<V>, ms: number): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryTimeoutError(`delivery took longer than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** 30 s, 2 min, 8 min, 32 min, then hourly. */
export function backoffMs(attempts: number): number {
  return Math.min(60 * 60 * 1000, 30_000 * 4 ** Math.max(0, attempts - 1));
}
