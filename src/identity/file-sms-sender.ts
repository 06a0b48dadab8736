import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SmsSendError, type SmsMessage, type SmsSender } from './sms-sender.js';

/** Where the embedded sender writes by default (next to the filings file of a local run). */
export const DEFAULT_SMS_FILE_PATH = './data/sms-outbox.jsonl';

/** One line of the outbox file. */
export interface SmsOutboxLine {
  at: string;
  to: string;
  purpose: SmsMessage['purpose'];
  text: string;
}

/**
 * The embedded SmsSender for local runs and tests: each message is appended as one JSON line to a file
 * that only the operator reads (created with mode 0600), never to the logs. Not for production: nothing
 * reaches a phone.
 */
export class FileSmsSender implements SmsSender {
  readonly kind = 'file';

  constructor(
    readonly path: string = DEFAULT_SMS_FILE_PATH,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const line: SmsOutboxLine = { at: this.now().toISOString(), to: message.to, purpose: message.purpose, text: message.text };
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o600 });
    } catch (e) {
      throw new SmsSendError('sms outbox file: could not write', { cause: e });
    }
  }
}
