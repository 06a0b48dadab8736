import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';

/**
 * A person talking to a running bot over plain HTTP: each message is POSTed to /api/messages with
 * deliveryMode "expectReplies", and the replies come back in the response. `baseUrls` may name several
 * bot instances: messages then alternate between them (a load balancer without stickiness).
 */
export class HttpChat {
  readonly conversationId = `http-${randomUUID()}`;
  private turn = 0;

  constructor(
    private readonly baseUrls: string[],
    private readonly locale = 'zh-CN',
  ) {}

  async say(text: string, extra: Partial<Activity> = {}): Promise<{ status: number; replies: Partial<Activity>[] }> {
    const base = this.baseUrls[this.turn % this.baseUrls.length]!;
    this.turn += 1;
    const activity = {
      type: 'message',
      id: `${this.conversationId}-${this.turn}`,
      text,
      locale: this.locale,
      channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:1',
      deliveryMode: 'expectReplies',
      conversation: { id: this.conversationId },
      from: { id: `user-${this.conversationId}` },
      recipient: { id: 'bot' },
      ...extra,
    };
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const body = (await response.json().catch(() => ({}))) as { activities?: Partial<Activity>[] };
    return { status: response.status, replies: body.activities ?? [] };
  }
}
