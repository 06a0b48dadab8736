import type { Activity } from 'botbuilder';
import { DirectLineClient, userMessage } from '../channels.web.fixtures.js';

/** A clock that moves on with the real one from a chosen instant, and can jump ahead. */
export interface TestClock {
  (): number;
  skip(ms: number): void;
}

function clockFrom(iso: string): TestClock {
  const start = Date.now();
  const at = Date.parse(iso);
  let skipped = 0;
  const clock = (() => at + (Date.now() - start) + skipped) as TestClock;
  clock.skip = (ms) => {
    skipped += ms;
  };
  return clock;
}

/** Tuesday 2026-11-24, 10:00 in Shanghai (within Rizhao's hours), moving on with the real clock. */
export const withinHours = (): TestClock => clockFrom('2026-11-24T02:00:00Z');

/** Tuesday 2026-11-24, 20:00 in Shanghai: outside the hours. */
export const outsideHours = (): TestClock => clockFrom('2026-11-24T12:00:00Z');

/** A person on the web page over Direct Line: says things and reads what came since. */
export class WebPerson {
  private watermark = '';
  token = '';
  locale = 'zh-CN';
  conversationId = '';
  constructor(readonly client: DirectLineClient) {}

  async open(locale = 'zh-CN'): Promise<Activity[]> {
    this.locale = locale;
    const opened = await this.client.open(locale);
    this.token = opened.token;
    this.conversationId = opened.conversationId;
    return this.read();
  }

  /** Sends a message; resolves with the activities since the last read (its own echo left out). */
  async say(text: string): Promise<Activity[]> {
    const posted = await this.client.post(this.token, this.conversationId, userMessage(text, { locale: this.locale }));
    if (posted.status !== 200) throw new Error(`post answered ${posted.status}`);
    return this.read();
  }

  /** The activities since the last read, the person's own left out. */
  async read(): Promise<Activity[]> {
    const page = await this.client.poll(this.token, this.conversationId, this.watermark);
    this.watermark = page.body.watermark;
    return page.body.activities.filter((a) => a.from?.role !== 'user');
  }
}

export const messages = (activities: Activity[]) => activities.filter((a) => a.type === 'message');
export const texts = (activities: Activity[]) => messages(activities).map((a) => a.text ?? '');
export const events = (activities: Activity[], name: string) => activities.filter((a) => a.type === 'event' && a.name === name);
