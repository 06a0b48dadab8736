/**
 * What masking personal data in free text costs: maskFreeText (src/ops/redact.ts) on the strings a log line
 * typically carries (messages, ids, timestamps, URLs, error texts), a call at a time, and on text that holds a
 * number. Printed by `npm run bench` among its notes; alone: `node --import=tsx bench/masks.ts`.
 */
import { maskFreeText } from '../src/ops/redact.js';
import { isMain } from './is-main.js';

/** Strings as the logger meets them: a message, then the string fields of its object (most hold no number). */
export const TYPICAL_LOG_STRINGS: readonly string[] = [
  'incoming',
  'turn failed',
  'shutdown: draining',
  'wechat: a customer-service message could not be sent',
  'handoff transcript: a turn could not be kept',
  'redis connection problem',
  'bot framework request not authorized',
  'webchat',
  'details.phone',
  'review.steps',
  'conv-1b9f0c2e',
  'req-42',
  '2026-12-07T06:50:04.123Z',
  'c0a80164-6d2f-4a8e-9b1c-3f5e7d9a2b41',
  'http://localhost:3978/api/messages',
  'Error: connect ECONNREFUSED 127.0.0.1:6379',
  '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
  'YD-20261123-0042',
  'LT_RESIDENT',
  'zh-CN',
];

/** Text that holds a number, in several spellings (what the masks are for). */
export const NUMBER_STRINGS: readonly string[] = [
  '用户说：我的身份证是11010519491231002X，手机13812345678',
  'call +86 139 1234 5678 now',
  '电话幺三八 幺二三四 五六七八',
  '1 3 8 1 2 3 4 5 6 7 8',
];

/**
 * Microseconds of CPU a call (process.cpuUsage: steadier than the clock on a shared machine), the best of
 * `rounds` timed passes over `strings` after a warm-up.
 */
export function microsPerCall(strings: readonly string[], { calls = 200_000, rounds = 5 } = {}): number {
  let sink = 0;
  const pass = (n: number): number => {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) sink += maskFreeText(strings[i % strings.length]!).length;
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  };
  pass(Math.min(calls, 20_000));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) best = Math.min(best, pass(calls));
  if (sink === 0) throw new Error('nothing masked');
  return best;
}

/** One line for the bench's notes. */
export function maskingCostNote(): string {
  const typical = microsPerCall(TYPICAL_LOG_STRINGS);
  const numbers = microsPerCall(NUMBER_STRINGS, { calls: 20_000 });
  return (
    `Masking personal data in free text (maskFreeText, src/ops/redact.ts): ${typical.toFixed(2)} µs of CPU a call on typical log strings ` +
    `(${TYPICAL_LOG_STRINGS.length} strings, messages, ids, timestamps), ${numbers.toFixed(1)} µs on text that holds a phone or ID number.`
  );
}

if (isMain(import.meta.url)) process.stdout.write(`${maskingCostNote()}\n`);
