/**
 * A warning that repeats while a fault lasts (ioredis reports every reconnect attempt, about one a
 * second per instance): logged at most once per `everyMs`, the next line saying how many were held back.
 */
export function throttledWarning<T>(everyMs: number, warn: (detail: T, heldBack: number) => void, now: () => number = Date.now): (detail: T) => void {
  let last = -Infinity;
  let heldBack = 0;
  return (detail) => {
    const t = now();
    if (t - last < everyMs) {
      heldBack += 1;
      return;
    }
    last = t;
    warn(detail, heldBack);
    heldBack = 0;
  };
}
