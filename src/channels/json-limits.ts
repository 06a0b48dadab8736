/**
 * Bounds on JSON that came from a client. JSON.parse takes any nesting, but JSON.stringify, structuredClone
 * and pino recurse: a 4 KB body nested a few thousand levels deep overflows the stack wherever it is
 * written or copied later (a conversation's log would answer 500 to every poll). So depth is measured
 * right after parsing, without recursion.
 */

/** Nesting depth of a parsed JSON value: 0 for a scalar, 1 for `[]` or `{}`, 2 for `[[1]]`… Stops counting past `stopAfter`. */
export function jsonDepth(value: unknown, stopAfter = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > stopAfter) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) pending.push([child, here]);
    }
  }
  return deepest;
}

/** The size of a value written as JSON, in UTF-8 bytes (call only on values whose depth is bounded). */
export function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

export interface JsonLimits {
  maxDepth: number;
  maxBytes: number;
}

/** True when `value` is nested at most maxDepth levels and takes at most maxBytes as JSON. */
export function withinJsonLimits(value: unknown, limits: JsonLimits): boolean {
  return jsonDepth(value, limits.maxDepth) <= limits.maxDepth && jsonBytes(value) <= limits.maxBytes;
}
