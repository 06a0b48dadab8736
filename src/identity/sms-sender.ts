/**
 * Sending a text message to a mobile phone: one-time codes for the identity check, and a filing's
 * reference after submitting. The port the dialogs and the identity check speak to; which sender is used
 * is configuration (SMS_PROVIDER): the embedded file sender for local runs, an HTTP provider in production.
 */
export interface SmsMessage {
  /** The mobile number, 11 digits. Personal data: never logged. */
  to: string;
  /** The words, in the person's language. A code in it is a secret: never logged. */
  text: string;
  /**
   * What it is for (a provider may bill or template by it): a one-time code, a filing's reference, or a
   * notice about a filing taken on the hotline (its new status, its coming end).
   */
  purpose: 'code' | 'reference' | 'notice';
}

export interface SmsSender {
  /** A short name for logs and metrics ('file', 'http'). */
  readonly kind: string;
  /** Resolves once the provider accepted the message; rejects with SmsSendError otherwise. */
  send(message: SmsMessage): Promise<void>;
}

/** A message the provider did not accept; the message never carries the number or the words. */
export class SmsSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmsSendError';
  }
}
