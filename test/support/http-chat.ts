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

export function promptOf(replies: Partial<Activity>[]): string | undefined {
  const asked = replies.filter((r) => (r.channelData as { promptId?: string } | undefined)?.promptId);
  return (asked.at(-1)?.channelData as { promptId?: string } | undefined)?.promptId;
}

/** A complete TMP_OTHER filing in Chinese under the Rizhao profile: what to say, and the question that follows. */
export const TMP_OTHER_SCRIPT: Array<[string, string]> = [
  ['你好', 'menu.main'],
  ['办理异地就医备案', 'situation.filerMode'],
  ['本人', 'situation.insuredPlace'],
  ['日照', 'situation.treatmentPlace'],
  ['上海', 'consent.personalInfo'],
  ['同意', 'situation.insuranceActive'],
  ['是', 'situation.now'],
  ['1', 'situation.longTerm'],
  ['否', 'situation.hasReferral'],
  ['没有', 'outcome.understood'],
  ['我已了解，继续', 'details.scheme'],
  ['职工医保', 'details.personName'],
  ['张三', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['明天', 'details.institutions'],
  ['上海市第六人民医院', 'review.confirm'],
];
