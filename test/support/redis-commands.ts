import type { Redis } from 'ioredis';

/** The names under which round trips and writes are counted beside the commands (not Redis commands). */
export const ROUND_TRIPS = '(round trips)';
export const WRITES = '(writes)';

export interface CommandCount {
  /** Commands by name. */
  counts: Map<string, number>;
  /**
   * Round trips its callers wait for: a command is one, a MULTI…EXEC however long is one (the commands
   * auto-pipelining sends together for different callers are each still one: each caller waits for it).
   */
  roundTrips(): number;
  /** Writes to the connection: auto-pipelining sends the commands of one tick (of many turns) in one. */
  writes(): number;
  /** Commands in all. */
  total(): number;
  reset(): void;
}

/**
 * Counts what an ioredis client sends: every command by name, the round trips its callers wait for, and
 * the writes to the connection (ioredis hands a pipeline's commands — a MULTI…EXEC, or what
 * auto-pipelining gathered in one tick — to sendCommand with a pipeline stream and their place in it).
 */
export function countCommands(client: Redis): CommandCount {
  const counts = new Map<string, number>();
  let roundTrips = 0;
  let writes = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string; pipelineIndex?: number; inTransaction?: boolean }, stream?: { isPipeline?: boolean }) => {
    counts.set(command.name, (counts.get(command.name) ?? 0) + 1);
    const piped = stream?.isPipeline === true;
    if (!piped || !command.pipelineIndex) writes += 1;
    // In a MULTI…EXEC only MULTI counts; any other command is a wait of its own.
    // A MULTI…EXEC is one round trip, counted at its EXEC (MULTI and the queued commands are not).
    if (!piped || command.name === 'exec' || (!command.inTransaction && command.name !== 'multi')) roundTrips += 1;
    return send(command as never, stream as never);
  }) as typeof client.sendCommand;
  return {
    counts,
    roundTrips: () => roundTrips,
    writes: () => writes,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => {
      counts.clear();
      roundTrips = 0;
      writes = 0;
    },
  };
}
