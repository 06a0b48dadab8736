import type { StatePropertyAccessor } from 'botbuilder';
import type { IsoDate } from '../src/domain/calendar.js';
import type { RegionProfile } from '../src/domain/profile.js';
import type { Texts } from '../src/content/texts.js';
import type { FilingStore } from '../src/filings/filing-store.js';
import type { IdentityCheck } from '../src/identity/identity-check.js';
import type { SmsSender } from '../src/identity/sms-sender.js';
import type { Understanding } from '../src/nlu/understanding.js';
import type { FilingState } from './filing-state.js';
import type { ReadingStatus } from './form/readings.js';
import type { HandoffDesk } from '../src/handoff/handoff-desk.js';

/** Funnel steps the dialogs report (src/ops/metrics.ts counts them). */
export type FunnelStep =
  | 'conversation_started'
  | 'situation_completed'
  | 'classified'
  | 'consequences_accepted'
  | 'details_completed'
  | 'submitted';

export interface FunnelRecorder {
  funnel(step: FunnelStep, labels?: Record<string, string>): void;
  abandoned(step: string): void;
  /** An answer to a question was read (taken, said back, asked about, refused...): see ReadingStatus. */
  reading?(question: string, status: ReadingStatus): void;
}

/** What every dialog is built with: no globals, so tests and several bots in one process stay apart. */
export interface DialogDeps {
  texts: Texts;
  profiles: Map<string, RegionProfile>;
  defaultRegion: string;
  filings: FilingStore;
  filingState: StatePropertyAccessor<FilingState>;
  /** Today's date in Asia/Shanghai; injectable for tests. */
  today: () => IsoDate;
  /** Reads people's own words: choices, intents, durations, a one-sentence description (src/nlu). */
  understanding: Understanding;
  /** How long a conversation's state lives after its last message (STATE_TTL_CONVERSATION_SECONDS): what the person is told is kept. */
  conversationTtlSeconds: number;
  funnel?: FunnelRecorder;
  /** The identity check before a filing is shown, cancelled or changed; without it those are referred to the hotline. */
  identity?: IdentityCheck;
  /** Text messages to the phone on file (a filing's reference after submitting). */
  sms?: SmsSender;
  /** The live handoff to a person (the console's queue); without it, asking for a person gives the hotline. */
  handoff?: HandoffDesk;
}
