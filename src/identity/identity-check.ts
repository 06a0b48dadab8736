import { createHmac, randomInt, type KeyObject } from 'node:crypto';
import { sameSecret } from '../privacy/same-secret.js';
import type { IdentityStore } from './identity-store.js';
import type { SmsSender } from './sms-sender.js';

/** How one step of an identity check ended: counted in /metrics (identity_checks_total{outcome}) and logged. */
export const IDENTITY_OUTCOMES = ['code_sent', 'mismatch', 'code_wrong', 'code_expired', 'verified', 'locked_out', 'refused_locked', 'send_failed', 'code_limited'] as const;
export type IdentityOutcome = (typeof IDENTITY_OUTCOMES)[number];

export interface IdentityLimits {
  /** Failed attempts (details that do not match, wrong codes) per filing and per conversation before a lockout (default 5). */
  maxAttempts: number;
  /** Failed attempts from one client address before a lockout (default 20: many people may share one). */
  maxAttemptsPerAddress: number;
  /** How long a lockout lasts (default 15 minutes); failures are counted over the same window. */
  lockoutMs: number;
  /** How long a one-time code is valid (default 5 minutes). */
  codeTtlMs: number;
  /** One-time codes sent per filing and per conversation within the lockout window (default 3): texts cost money and must not flood a phone. */
  maxCodes: number;
  /** One-time codes sent to requests from one client address within the lockout window (default 10). */
  maxCodesPerAddress: number;
  /** How long a passed check holds in its conversation for the same filings (default 10 minutes). */
  provenMs: number;
}

export const IDENTITY_DEFAULTS: IdentityLimits = { maxAttempts: 5, maxAttemptsPerAddress: 20, lockoutMs: 15 * 60_000, codeTtlMs: 5 * 60_000, provenMs: 10 * 60_000, maxCodes: 3, maxCodesPerAddress: 10 };

/** Who is being checked, as opaque keys: the filing (its reference), the conversation, the client address when known. */
export interface IdentitySubject {
  reference?: string;
  conversation: string;
  address?: string;
}

export type VerifyResult =
  | { status: 'verified' }
  | { status: 'wrong'; remaining: number }
  | { status: 'expired' }
  | { status: 'locked'; lockedForMs: number };

export interface IdentityCheckOptions {
  store: IdentityStore;
  sms: SmsSender;
  /** The key codes, ID numbers and phones are hashed under (derived from DATA_ENCRYPTION_KEY: the same on every instance). */
  key: KeyObject | Buffer;
  limits?: Partial<IdentityLimits>;
  /** Told of every outcome (metrics, a log line without personal data). */
  onOutcome?: (outcome: IdentityOutcome) => void;
  /** A six-digit code; crypto by default (tests never need to guess it: they read the sender's file). */
  newCode?: () => string;
}

/**
 * The identity check before a filing is shown or changed: the person gives the full ID number and the phone
 * on file, then a one-time code sent to that phone. This module keeps the codes (hashed, with an expiry) and
 * the failed attempts (per filing, per conversation, per client address) in the shared IdentityStore, and
 * locks out for a while once a limit is reached. It never sees more than it needs: ID numbers and phones
 * are compared as keyed hashes (fingerprint), and the code itself is sent, never kept or logged.
 */
export class IdentityCheck {
  readonly limits: IdentityLimits;
  private readonly key: KeyObject | Buffer;

  constructor(private readonly options: IdentityCheckOptions) {
    this.limits = { ...IDENTITY_DEFAULTS, ...options.limits };
    this.key = createHmac('sha256', options.key).update('identity-check v1').digest();
  }

  /** A keyed hash of a value (a normalised ID number or phone), to compare without keeping it. */
  fingerprint(value: string): string {
    return createHmac('sha256', this.key).update('value\u0000').update(value).digest('base64url');
  }

  /** How long the subject is locked out (the longest of its filing's, conversation's and address's lockouts); 0 when it is not. */
  async lockedFor(subject: IdentitySubject): Promise<number> {
    const remaining = await Promise.all(this.counters(subject).map((c) => this.options.store.remainingMs(`lock:${c.key}`)));
    return Math.max(0, ...remaining);
  }

  /** Before a check starts: the lockout in force (0: none), counted as refused_locked when there is one. */
  async refusedFor(subject: IdentitySubject): Promise<number> {
    const locked = await this.lockedFor(subject);
    if (locked > 0) this.told('refused_locked');
    return locked;
  }

  /** The details given did not match a filing: one failed attempt. Resolves with the lockout now in force (0: none). */
  async mismatch(subject: IdentitySubject): Promise<number> {
    this.told('mismatch');
    return this.fail(subject);
  }

  /**
   * Sends a new one-time code to `phone` (the one on file, which the person just typed) in the words
   * `words(code)` gives; an earlier code for the same subject stops working. 'locked' when the subject is
   * locked out, 'limited' when the filing, the conversation or the address had its codes for the window
   * (counted atomically before sending, as a guess is), 'send_failed' when the provider refused.
   */
  async sendCode(subject: IdentitySubject & { reference: string }, phone: string, words: (code: string) => string): Promise<'sent' | 'locked' | 'limited' | 'send_failed'> {
    if ((await this.lockedFor(subject)) > 0) {
      this.told('refused_locked');
      return 'locked';
    }
    const senders = this.senders(subject);
    const sent = await Promise.all(senders.map((c) => this.options.store.increment(c.key, this.limits.lockoutMs)));
    if (sent.some((count, i) => count > senders[i]!.max)) {
      this.told('code_limited');
      return 'limited';
    }
    const code = this.options.newCode?.() ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.options.store.put(this.codeKey(subject), this.codeHash(subject, code), this.limits.codeTtlMs);
    try {
      await this.options.sms.send({ to: phone, text: words(code), purpose: 'code' });
    } catch {
      await this.options.store.delete(this.codeKey(subject));
      await Promise.all(senders.map((c) => this.options.store.increment(c.key, this.limits.lockoutMs, -1)));
      this.told('send_failed');
      return 'send_failed';
    }
    this.told('code_sent');
    return 'sent';
  }

  /**
   * Checks a code typed by the person. A right code works once; a wrong one counts as a failed attempt.
   * The attempt is taken (one atomic increment per counter) before the code is compared, so that of many
   * guesses at once no more than the limit are ever compared; an attempt that is not a guess (no code in
   * force) is given back, and a right code clears the counts.
   */
  async verify(subject: IdentitySubject & { reference: string }, typed: string): Promise<VerifyResult> {
    const locked = await this.lockedFor(subject);
    if (locked > 0) {
      this.told('refused_locked');
      return { status: 'locked', lockedForMs: locked };
    }
    const counters = this.counters(subject);
    const counts = await Promise.all(counters.map((c) => this.options.store.increment(`fail:${c.key}`, this.limits.lockoutMs)));
    if (counts.some((count, i) => count > counters[i]!.max)) {
      // Over the limit: another guess at the same moment used the last attempt.
      const lockedNow = await this.lockFull(counters, counts);
      this.told('refused_locked');
      return { status: 'locked', lockedForMs: lockedNow };
    }
    const kept = await this.options.store.get(this.codeKey(subject));
    if (kept === undefined) {
      await Promise.all(counters.map((c) => this.options.store.increment(`fail:${c.key}`, this.limits.lockoutMs, -1)));
      this.told('code_expired');
      return { status: 'expired' };
    }
    if (sameSecret(this.codeHash(subject, typed.trim()), kept)) {
      await this.options.store.delete(this.codeKey(subject));
      await Promise.all(counters.map((c) => this.options.store.delete(`fail:${c.key}`)));
      this.told('verified');
      return { status: 'verified' };
    }
    this.told('code_wrong');
    const lockedNow = await this.lockFull(counters, counts);
    if (lockedNow > 0) {
      this.told('locked_out');
      await this.options.store.delete(this.codeKey(subject));
      return { status: 'locked', lockedForMs: lockedNow };
    }
    return { status: 'wrong', remaining: Math.max(0, Math.min(...counts.map((count, i) => counters[i]!.max - count))) };
  }

  /** Locks each counter whose count reached its limit (its count kept until its window ends, so that no guess slips in meanwhile). Resolves with the lockout now in force (0: none). */
  private async lockFull(counters: Array<{ key: string; max: number }>, counts: number[]): Promise<number> {
    const full = counters.filter((c, i) => counts[i]! >= c.max);
    await Promise.all(full.map((c) => this.options.store.put(`lock:${c.key}`, '1', this.limits.lockoutMs)));
    return full.length > 0 ? this.limits.lockoutMs : 0;
  }

  /** Counts one failure for each of the subject's counters; a counter at its limit locks its key. Resolves with the lockout in force. */
  private async fail(subject: IdentitySubject): Promise<number> {
    const counters = this.counters(subject);
    const counts = await Promise.all(counters.map((c) => this.options.store.increment(`fail:${c.key}`, this.limits.lockoutMs)));
    const locked = await this.lockFull(counters, counts);
    if (locked > 0) this.told('locked_out');
    return locked > 0 ? locked : this.lockedFor(subject);
  }

  /** How long until the subject may be sent a code again (the longest of its full send counts); 0 when it may now. */
  async codesPausedFor(subject: IdentitySubject): Promise<number> {
    const waits = await Promise.all(
      this.senders(subject).map(async (c) => (Number((await this.options.store.get(c.key)) ?? 0) >= c.max ? this.options.store.remainingMs(c.key) : 0)),
    );
    return Math.max(0, ...waits);
  }

  /** The send counts of a subject: per filing, conversation and address, over the lockout window. */
  private senders(subject: IdentitySubject): Array<{ key: string; max: number }> {
    return this.counters(subject).map((c) => ({ key: `sent:${c.key}`, max: c.key.startsWith('address:') ? this.limits.maxCodesPerAddress : this.limits.maxCodes }));
  }

  private counters(subject: IdentitySubject): Array<{ key: string; max: number }> {
    return [
      ...(subject.reference ? [{ key: `filing:${subject.reference}`, max: this.limits.maxAttempts }] : []),
      { key: `conversation:${this.tag(subject.conversation)}`, max: this.limits.maxAttempts },
      ...(subject.address ? [{ key: `address:${this.tag(subject.address)}`, max: this.limits.maxAttemptsPerAddress }] : []),
    ];
  }

  private codeKey(subject: IdentitySubject & { reference: string }): string {
    return `code:${this.tag(subject.conversation)}:${subject.reference}`;
  }

  private codeHash(subject: IdentitySubject & { reference: string }, code: string): string {
    return createHmac('sha256', this.key).update(`code\u0000${subject.reference}\u0000${subject.conversation}\u0000${code}`).digest('base64url');
  }

  private tag(value: string): string {
    return createHmac('sha256', this.key).update('tag\u0000').update(value).digest('base64url').slice(0, 22);
  }

  private told(outcome: IdentityOutcome): void {
    this.options.onOutcome?.(outcome);
  }
}
