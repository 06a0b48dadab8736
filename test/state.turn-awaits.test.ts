import { expect } from 'chai';
import { createHook } from 'node:async_hooks';
import { createStateStorage, type StateStorage } from '../src/state/state-storage.js';
import { whenReady } from '../src/state/redis-client.js';
import { REDIS_URL, SharedRedis } from './support/redis.js';

/** Promises created while `run` runs (node:async_hooks: Node makes one for every async call, await and then). */
async function promisesMadeBy(run: () => Promise<void>): Promise<number> {
  let made = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') made += 1;
    },
  });
  hook.enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return made;
}

const sharedRedis = new SharedRedis('turn-awaits');

/**
 * Every turn takes the conversation and ends it (two scripts): on a ready connection that is two commands,
 * with no async step of the project's own around them — no wait for readiness (asked only when the
 * connection is not ready), no async wrapper turning connection faults into StoreUnavailableError (a
 * promise handler, on the command's own promise). Counted in promises, the fewest of a few turns (another
 * client's reply may land in the window): 35 before, 25 now, on ioredis 6 and Node 20.
 */
const MOST_PROMISES_A_TURN = 25;

describe('a turn on Redis, counted in promises', () => {
  let state: StateStorage;

  before(async function () {
    try {
      await sharedRedis.readyClient();
    } catch {
      this.skip();
    }
    state = createStateStorage({ redisUrl: REDIS_URL, keyPrefix: sharedRedis.prefix });
    await whenReady(state.client!, 10_000, 'test');
  });

  after(async () => {
    await state?.close();
    await sharedRedis.cleanUp();
  });

  it('taking a conversation\'s turn and ending it on a ready connection: the two scripts, no wait for readiness, no async wrapper', async () => {
    const turn = async (i: number) => {
      const lease = await state.turnLock.acquire('test/awaits', { maxWaitMs: 1000, activityId: `test/awaits/${i}` });
      expect(lease?.handled).to.equal(false);
      await lease!.succeeded!();
    };
    await turn(0);
    const made: number[] = [];
    for (let i = 1; i <= 5; i += 1) made.push(await promisesMadeBy(() => turn(i)));
    expect(Math.min(...made), `promises a turn: ${made.join(', ')}`).to.be.at.most(MOST_PROMISES_A_TURN);
    expect(await state.turnLock.waiting('test/awaits')).to.equal(0);
  });
});
