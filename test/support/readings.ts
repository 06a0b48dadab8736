import type { FunnelRecorder } from '../../dialogs/dialog-deps.js';

/** The reading events the bot counts (after each saved turn), as "question:status"; the funnel's other events ignored. */
export class Readings implements FunnelRecorder {
  readonly events: string[] = [];
  funnel(): void {}
  abandoned(): void {}
  reading(question: string, status: string): void {
    this.events.push(`${question}:${status}`);
  }
}
