import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CATEGORY_IDS, NON_CATEGORY_OUTCOMES } from '../domain/categories.js';
import { channelName } from './channel-name.js';

/** The steps of the filing funnel, in the order a person goes through them. */
export const FUNNEL_STEPS = [
  'conversation_started',
  'situation_completed',
  'classified',
  'consequences_accepted',
  'details_completed',
  'submitted',
] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

/** How a filing was given up. */
export type AbandonedHow = 'cancelled' | 'expired';

/** How a turn ended: handled, failed, refused because the conversation was busy, or refused while draining. */
export type TurnOutcome = 'ok' | 'error' | 'busy' | 'draining';

export interface Metrics {
  /** This app's own registry (not prom-client's global one). */
  readonly registry: Registry;
  /** One finished turn. */
  turn(channel: string, outcome: TurnOutcome, seconds: number): void;
  /** Something went wrong; `kind` is a short code such as "turn", "store", "filing_submit". */
  error(kind: string): void;
  /** Times one store operation (also counted as an error of kind "store" when it throws). */
  timeStore<T>(store: string, op: string, fn: () => Promise<T>): Promise<T>;
  observeStore(store: string, op: string, seconds: number): void;
  /** 1 while a store answers, 0 while it does not. */
  storeHealth(store: string, up: boolean): void;
  /**
   * A conversation reached a funnel step. `classified` takes `{ category }` (a category id or a
   * non-category outcome such as NO_FILING_NEEDED) and is also counted per category.
   */
  funnel(step: FunnelStep, labels?: Record<string, string>): void;
  /**
   * A filing was given up at this step (a prompt id): `cancelled` when the person said so, `expired`
   * when they stopped answering and the conversation outlived its state (AbandonmentWatch).
   */
  abandoned(step: string, how?: AbandonedHow): void;
  /**
   * An answer to a question (a promptId) was read: taken exactly, taken as typed, understood and said back,
   * asked about (close readings, a reading to confirm), picked or confirmed, refused, or undone by "back"
   * right after it was said back (a wrong advance).
   */
  reading(question: string, status: string): void;
  /** The exposition text and its content type, for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOpts {
  /** Process metrics (CPU, memory, event loop lag, GC); default true. */
  defaultMetrics?: boolean;
  /** Prefix for the process metrics only; default none. */
  prefix?: string;
}

/**
 * Label values come partly from outside (an activity's channelId, a step name), so each label accepts
 * a bounded set of short values: anything else, or anything past the first `max` distinct values,
 * is counted as "other". That keeps a misbehaving client from growing the registry without bound.
 */
class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(
    private readonly max: number,
    private readonly allowed?: ReadonlySet<string>,
  ) {}

  value(raw: string | undefined): string {
    const v = (raw ?? '').trim();
    if (this.allowed) return this.allowed.has(v) ? v : 'other';
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(v)) return 'other';
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(v);
    return v;
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export function createMetrics(opts: MetricsOpts = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  const registers = [registry];

  const turns = new Counter({ name: 'bot_turns_total', help: 'Turns handled, by channel and outcome', labelNames: ['channel', 'outcome'], registers });
  const turnSeconds = new Histogram({
    name: 'bot_turn_duration_seconds',
    help: 'Time from receiving an activity to the end of the turn',
    labelNames: ['channel'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new Counter({ name: 'bot_errors_total', help: 'Errors, by kind', labelNames: ['kind'], registers });
  const storeSeconds = new Histogram({
    name: 'store_operation_duration_seconds',
    help: 'Latency of store operations (state and filings), by store and operation',
    labelNames: ['store', 'op'],
    buckets: STORE_BUCKETS,
    registers,
  });
  const storeUp = new Gauge({ name: 'store_up', help: '1 when the store answered its last health check, 0 otherwise', labelNames: ['store'], registers });
  const funnelSteps = new Counter({
    name: 'funnel_step_total',
    help: 'Conversations that reached each step of the filing funnel',
    labelNames: ['step'],
    registers,
  });
  const classified = new Counter({
    name: 'funnel_classified_total',
    help: 'Conversations classified, by category (or non-category outcome)',
    labelNames: ['category'],
    registers,
  });
  const abandonedSteps = new Counter({
    name: 'funnel_abandoned_total',
    help: 'Filings given up before submitting, by the question they stopped at and how (cancelled, or expired: no answer for as long as the conversation state lives)',
    labelNames: ['step', 'how'],
    registers,
  });

  const readings = new Counter({
    name: 'question_readings_total',
    help: 'Answers read, by question (promptId) and how: exact, typed, understood (said back), close (asked which), picked, confirm (shown to confirm), confirmed, invalid (asked again), undone (back right after a reading said back)',
    labelNames: ['question', 'status'],
    registers,
  });

  // Start every funnel series at 0 so a dashboard sees the whole funnel before the first conversation.
  for (const step of FUNNEL_STEPS) funnelSteps.inc({ step }, 0);
  for (const category of [...CATEGORY_IDS, ...NON_CATEGORY_OUTCOMES]) classified.inc({ category }, 0);

  const channelLabel = new BoundedLabel(20);
  const outcomeLabel = new BoundedLabel(4, new Set(['ok', 'error', 'busy', 'draining']));
  const kindLabel = new BoundedLabel(30);
  const storeLabel = new BoundedLabel(10);
  const opLabel = new BoundedLabel(20);
  const stepLabel = new BoundedLabel(FUNNEL_STEPS.length, new Set(FUNNEL_STEPS));
  const categoryLabel = new BoundedLabel(0, new Set<string>([...CATEGORY_IDS, ...NON_CATEGORY_OUTCOMES]));
  const abandonedLabel = new BoundedLabel(200);
  const howLabel = new BoundedLabel(0, new Set<string>(['cancelled', 'expired']));
  const questionLabel = new BoundedLabel(100);
  // The statuses are the dialogs' (dialogs/form/readings.ts READING_STATUSES): a handful of short words.
  const readingLabel = new BoundedLabel(12);

  const observeStore = (store: string, op: string, seconds: number): void => {
    storeSeconds.observe({ store: storeLabel.value(store), op: opLabel.value(op) }, seconds);
  };

  return {
    registry,
    turn(channel, outcome, seconds) {
      const c = channelLabel.value(channelName(channel));
      turns.inc({ channel: c, outcome: outcomeLabel.value(outcome) });
      turnSeconds.observe({ channel: c }, seconds);
    },
    error(kind) {
      errors.inc({ kind: kindLabel.value(kind) });
    },
    async timeStore(store, op, fn) {
      const started = process.hrtime.bigint();
      try {
        return await fn();
      } catch (e) {
        errors.inc({ kind: 'store' });
        throw e;
      } finally {
        observeStore(store, op, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
    observeStore,
    storeHealth(store, up) {
      storeUp.set({ store: storeLabel.value(store) }, up ? 1 : 0);
    },
    funnel(step, labels) {
      funnelSteps.inc({ step: stepLabel.value(step) });
      if (step === 'classified') classified.inc({ category: categoryLabel.value(labels?.category) });
    },
    abandoned(step, how = 'cancelled') {
      abandonedSteps.inc({ step: abandonedLabel.value(step), how: howLabel.value(how) });
    },
    reading(question, status) {
      readings.inc({ question: questionLabel.value(question), status: readingLabel.value(status) });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export { registerOpsRoutes, type OpsRouteDeps, type Readiness } from './routes.js';
