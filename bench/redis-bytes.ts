import type { Redis } from 'ioredis';

/** The names under which bytes sent are counted beside the commands (BYTES_PREFIX + command name). */
export const BYTES_PREFIX = '(bytes) ';

/**
 * Counts the bytes of the arguments an ioredis client sends, by command (what a turn writes to Redis; the
 * protocol's framing is left out). `take()` gives the counts since the last call and starts afresh.
 */
export function countBytes(client: Redis): { take(): Record<string, number> } {
  let bytes = new Map<string, number>();
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string; args: unknown[] }, stream?: unknown) => {
    let n = 0;
    for (const arg of command.args) n += typeof arg === 'string' ? Buffer.byteLength(arg) : Buffer.isBuffer(arg) ? arg.length : String(arg).length;
    bytes.set(command.name, (bytes.get(command.name) ?? 0) + n);
    return send(command as never, stream as never);
  }) as typeof client.sendCommand;
  return {
    take() {
      const counts = Object.fromEntries([...bytes].map(([name, n]) => [BYTES_PREFIX + name, n]));
      bytes = new Map();
      return counts;
    },
  };
}
