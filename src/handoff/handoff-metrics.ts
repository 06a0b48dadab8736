import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HandoffOutcome, HandoffReason } from './handoff.js';

/** What the handoff desk counts on /metrics. */
export interface HandoffMetrics {
  /** A request for a person ended (or was never queued: no_agent, closed). */
  ended(reason: HandoffReason, outcome: HandoffOutcome): void;
  /** A waiting handoff was taken after `seconds` in the queue. */
  waited(seconds: number): void;
}

/** Minutes matter in a queue: from 5 s to an hour. */
const WAIT_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/**
 * The handoff metrics on the app's registry: the queue's length and the agents present (read from the
 * shared queue when scraped, so every instance reports the same numbers), the wait until an agent took a
 * conversation, and handoffs by reason and outcome.
 */
export function handoffMetrics(registry: Registry, read: { queueLength: () => Promise<number>; agentsPresent: () => Promise<number> }): HandoffMetrics {
  const registers = [registry];
  new Gauge({
    name: 'handoff_queue_length',
    help: 'Conversations waiting for a person (the shared queue, as of the scrape)',
    registers,
    async collect() {
      try {
        this.set(await read.queueLength());
      } catch {
        // The queue cannot be reached: the last value stands (store_up and the logs tell why).
      }
    },
  });
  new Gauge({
    name: 'handoff_agents_present',
    help: 'Agents with the console open (seen within the presence window), as of the scrape',
    registers,
    async collect() {
      try {
        this.set(await read.agentsPresent());
      } catch {
        // as above
      }
    },
  });
  const wait = new Histogram({ name: 'handoff_wait_seconds', help: 'Time a conversation waited in the queue until an agent took it', buckets: WAIT_BUCKETS, registers });
  const handoffs = new Counter({
    name: 'handoffs_total',
    help: 'Requests for a person, by how they were asked (reason) and how they ended (outcome: no_agent, closed, left, handed_back, finished, expired)',
    labelNames: ['reason', 'outcome'],
    registers,
  });
  return {
    ended: (reason, outcome) => handoffs.inc({ reason, outcome }),
    waited: (seconds) => wait.observe(seconds),
  };
}
