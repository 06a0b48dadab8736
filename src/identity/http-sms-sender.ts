import { SmsSendError, type SmsMessage, type SmsSender } from './sms-sender.js';

export interface HttpSmsSenderOptions {
  /** SMS_HTTP_URL: the provider's (or a gateway's) endpoint. */
  url: string;
  /** SMS_HTTP_AUTH_HEADER: one header sent with every request, "Name: value" (e.g. "Authorization: Bearer …"). */
  authHeader?: { name: string; value: string };
  /** The longest a request may take (default 5000 ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * An SmsSender that POSTs each message as JSON to a provider or a gateway in front of one:
 *
 *     POST <SMS_HTTP_URL>
 *     Content-Type: application/json
 *     <SMS_HTTP_AUTH_HEADER>
 *     { "to": "13812345678", "text": "…", "purpose": "code" | "reference" }
 *
 * Any 2xx answer is success; anything else (or no answer within the timeout) is an SmsSendError whose
 * message names the status only, never the number or the words.
 */
export class HttpSmsSender implements SmsSender {
  readonly kind = 'http';
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpSmsSenderOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async send(message: SmsMessage): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.authHeader) headers[this.options.authHeader.name] = this.options.authHeader.value;
    let response: Response;
    try {
      response = await this.fetch(this.options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: message.to, text: message.text, purpose: message.purpose }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (e) {
      throw new SmsSendError(`sms provider: no answer (${e instanceof Error ? e.name : 'error'})`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new SmsSendError(`sms provider: answered ${response.status}`);
  }
}

/** "Name: value" → the header, or undefined when it is not one. */
export function parseAuthHeader(raw: string): { name: string; value: string } | undefined {
  const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(\S.*)$/.exec(raw.trim());
  return m ? { name: m[1]!, value: m[2]!.trim() } : undefined;
}
