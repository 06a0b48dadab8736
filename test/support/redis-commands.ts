import type { Redis } from 'ioredis';

/** The name under which round trips are counted beside the commands (not a Redis command). */
export const ROUND_TRIPS = '(round trips)';

export interface CommandCount {
  /** Commands by name. */
  counts: Map<string, number>;
  /** Round trips: a command sent on its own is one; a pipeline or MULTI…EXEC, however long, is one. */
  roundTrips(): number;
  /** Commands in all. */
  total(): number;
  reset(): void;
}

/**
 * Counts what an ioredis client sends: every command by name, and the round trips (ioredis hands a
 * pipeline's commands to sendCommand with a pipeline stream and their place in it; only the first opens a
 * round trip).
 */
export function countCommands(client: Redis): CommandCount {
  const counts = new Map<string, number>();
  let roundTrips = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string; pipelineIndex?: number }, stream?: { isPipeline?: boolean }) => {
    counts.set(command.name, (counts.get(command.name) ?? 0) + 1);
    if (!stream?.isPipeline || !command.pipelineIndex) roundTrips += 1;
    return send(command as never, stream as never);
  }) as typeof client.sendCommand;
  return {
    counts,
    roundTrips: () => roundTrips,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => {
      counts.clear();
      roundTrips = 0;
    },
  };
}
