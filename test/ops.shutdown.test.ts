import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import restify from 'restify';
import { join } from 'node:path';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { DEFAULT_LOCALES_DIR, LOCALES, Texts } from '../src/content/texts.js';
import { createLogger } from '../src/ops/logger.js';
import { createShutdown, InFlightTracker, SHUTTING_DOWN_KEY, type Closer } from '../src/ops/shutdown.js';
import { TURN_OUTCOME_KEY } from '../src/ops/turn-state-keys.js';

/** The real system.json words of both locales, loaded on their own (other content files are others' work). */
function systemTexts(): { texts: Texts; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ops-texts-'));
  for (const locale of LOCALES) {
    mkdirSync(join(dir, locale));
    copyFileSync(join(DEFAULT_LOCALES_DIR, locale, 'system.json'), join(dir, locale, 'system.json'));
  }
  return { texts: new Texts(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets queued callbacks run (no wall-clock waiting). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('ops: a clean shutdown', () => {
  let texts: Texts;
  let cleanup: () => void;
  before(() => ({ texts, cleanup } = systemTexts()));
  after(() => cleanup());

  function harness(opts: { timeoutMs?: number; drainDelayMs?: number; closers?: (order: string[]) => Closer[] } = {}) {
    const order: string[] = [];
    const exits: number[] = [];
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
    const inFlight = new InFlightTracker({ texts });
    const adapter = new TestAdapter();
    adapter.use(inFlight);
    const server = {
      close(cb?: (err?: Error) => void) {
        order.push('server.close');
        cb?.();
      },
    };
    const closers = opts.closers?.(order) ?? [
      { name: 'filings', close: async () => void order.push('filings.flush') },
      { name: 'redis', close: async () => void order.push('redis.quit') },
    ];
    const shutdown = createShutdown({ server, inFlight, closers, timeoutMs: opts.timeoutMs ?? 10_000, drainDelayMs: opts.drainDelayMs, logger, exit: (code) => void exits.push(code) });
    return { order, exits, lines, inFlight, adapter, shutdown };
  }

  /** A turn that stays in flight until `gate` opens. */
  function slowTurn(adapter: TestAdapter, gate: Promise<void>, order: string[]): Promise<unknown> {
    return adapter.processActivity({ type: 'message', text: '下一步', locale: 'zh-CN' }, async (context: TurnContext) => {
      order.push('turn.start');
      await gate;
      await context.sendActivity('done');
      order.push('turn.end');
    });
  }

  it('lets the turn in flight finish, then runs the closers in order and exits 0', async () => {
    const h = harness();
    const gate = deferred();
    const turn = slowTurn(h.adapter, gate.promise, h.order);
    await settle();
    expect(h.inFlight.count).to.equal(1);

    const stopping = h.shutdown.begin('SIGTERM');
    await settle();
    expect(h.shutdown.started).to.equal(true);
    expect(h.exits, 'does not exit while a turn runs').to.deep.equal([]);
    expect(h.order).to.not.include('filings.flush');

    gate.resolve();
    await turn;
    expect(await stopping).to.equal(0);
    expect(h.exits).to.deep.equal([0]);
    expect(h.order).to.deep.equal(['turn.start', 'server.close', 'turn.end', 'filings.flush', 'redis.quit']);
  });

  it('refuses new turns while draining, politely and in the person’s language, without running the bot', async () => {
    const h = harness();
    const gate = deferred();
    const turn = slowTurn(h.adapter, gate.promise, h.order);
    await settle();
    const stopping = h.shutdown.begin('SIGTERM');

    const refused: Array<{ locale: string; replies: Partial<Activity>[] }> = [];
    for (const locale of ['zh-CN', 'en-US']) {
      const before = h.adapter.activeQueue.length;
      let ran = false;
      await h.adapter.processActivity({ type: 'message', text: '你好', locale }, async () => {
        ran = true;
      });
      // The refusal is sent by the middleware; the bot logic never runs.
      expect(ran, `bot ran for a ${locale} turn during draining`).to.equal(false);
      refused.push({ locale, replies: h.adapter.activeQueue.slice(before) });
    }
    expect(refused[0]!.replies.map((a) => a.text)).to.deep.equal([texts.t('zh-CN', SHUTTING_DOWN_KEY)]);
    expect(refused[1]!.replies.map((a) => a.text)).to.deep.equal([texts.t('en-US', SHUTTING_DOWN_KEY)]);
    expect(texts.t('zh-CN', SHUTTING_DOWN_KEY)).to.not.equal(texts.t('en-US', SHUTTING_DOWN_KEY));

    gate.resolve();
    await turn;
    expect(await stopping).to.equal(0);
  });

  it('with a drain delay: not ready at once, yet still answers turns until the delay ends, then drains', async () => {
    const h = harness({ drainDelayMs: 200 });
    const stopping = h.shutdown.begin('SIGTERM');
    await settle();
    expect(h.inFlight.stopping, 'readiness fails at once').to.equal(true);
    expect(h.inFlight.draining).to.equal(false);
    let ran = false;
    await h.adapter.processActivity({ type: 'message', text: '你好', locale: 'zh-CN' }, async () => {
      ran = true;
    });
    expect(ran, 'a turn during the delay is still handled').to.equal(true);
    expect(h.order, 'the listener is still open').to.not.include('server.close');
    expect(await stopping).to.equal(0);
    expect(h.inFlight.draining).to.equal(true);
    expect(h.order).to.deep.equal(['server.close', 'filings.flush', 'redis.quit']);
  });

  it('marks a refused turn as "draining" for the turn log, and ignores non-message activities silently', async () => {
    const h = harness();
    h.inFlight.drain();
    const before = h.adapter.activeQueue.length;
    const context = { activity: { type: 'conversationUpdate' }, turnState: new Map(), sendActivity: async () => expect.fail('no reply expected') };
    await h.inFlight.onTurn(context as unknown as TurnContext, async () => expect.fail('must not run'));
    expect(context.turnState.get(TURN_OUTCOME_KEY)).to.equal('draining');
    expect(h.adapter.activeQueue.length).to.equal(before);
  });

  it('exits 1 when the turn in flight outlasts the bound, without running the closers', async () => {
    const h = harness({ timeoutMs: 30 });
    const never = deferred();
    void slowTurn(h.adapter, never.promise, h.order);
    await settle();
    expect(await h.shutdown.begin('SIGTERM')).to.equal(1);
    expect(h.exits).to.deep.equal([1]);
    expect(h.order).to.deep.equal(['turn.start', 'server.close']);
    expect(h.lines.some((l) => l.includes('shutdown: timed out'))).to.equal(true);
    never.resolve();
  });

  it('still runs the later closers when one fails, and exits 1', async () => {
    const h = harness({
      closers: (order) => [
        {
          name: 'filings',
          close: async () => {
            order.push('filings.flush');
            throw new Error('disk full');
          },
        },
        { name: 'redis', close: async () => void order.push('redis.quit') },
      ],
    });
    expect(await h.shutdown.begin('SIGTERM')).to.equal(1);
    expect(h.order).to.deep.equal(['server.close', 'filings.flush', 'redis.quit']);
    expect(h.exits).to.deep.equal([1]);
  });

  it('shuts down once, however many times it is asked', async () => {
    const h = harness();
    const first = h.shutdown.begin('SIGTERM');
    const second = h.shutdown.begin('SIGINT');
    expect(second).to.equal(first);
    await first;
    expect(h.exits).to.deep.equal([0]);
    expect(h.order.filter((s) => s === 'redis.quit')).to.have.length(1);
  });

  it('starts on a signal once installed (SIGUSR2 here, SIGTERM/SIGINT by default); a second signal exits 1 at once', async () => {
    const h = harness();
    const gate = deferred();
    const turn = slowTurn(h.adapter, gate.promise, h.order);
    await settle();
    const uninstall = h.shutdown.install(['SIGUSR2']);
    try {
      process.kill(process.pid, 'SIGUSR2');
      while (!h.shutdown.started) await settle();
      expect(h.inFlight.draining).to.equal(true);
      process.kill(process.pid, 'SIGUSR2');
      while (h.exits.length === 0) await settle();
      expect(h.exits).to.deep.equal([1]);
    } finally {
      uninstall();
      gate.resolve();
      await turn;
    }
  });

  it('whenIdle resolves at once when nothing runs', async () => {
    const h = harness();
    let idle = false;
    await h.inFlight.whenIdle().then(() => (idle = true));
    expect(idle).to.equal(true);
  });

  describe('on a real HTTP server with keep-alive clients', () => {
    it('answers the request in flight, takes no new connection, closes the kept-alive one and exits 0', async () => {
      const order: string[] = [];
      const exits: number[] = [];
      const logger = createLogger({ level: 'silent' });
      const inFlight = new InFlightTracker({ texts });
      const adapter = new TestAdapter();
      adapter.use(inFlight);
      const gate = deferred();
      let nextId = 1;

      const server = restify.createServer();
      server.use(restify.plugins.bodyParser());
      server.post('/turn', async (req: restify.Request, res: restify.Response) => {
        const id = `a${nextId++}`;
        const text = String((req.body as { text?: string }).text);
        await adapter.processActivity({ id, type: 'message', text, locale: 'en-US' }, async (context) => {
          if (text === 'submit') {
            order.push('turn.start');
            await gate.promise;
          }
          await context.sendActivity('done');
        });
        res.send(200, { replies: adapter.activeQueue.filter((a) => a.replyToId === id).map((a) => a.text) });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      // One socket, kept alive between requests, as browsers and the Bot Connector do.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const post = (text: string) =>
        new Promise<{ status: number; body: { replies: string[] } }>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, path: '/turn', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
            let raw = '';
            res.on('data', (c: Buffer) => (raw += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(raw) as { replies: string[] } }));
          });
          req.on('error', reject);
          req.end(JSON.stringify({ text }));
        });

      try {
        expect((await post('hello')).body.replies).to.deep.equal(['done']);
        const inFlightTurn = post('submit');
        while (inFlight.count === 0) await settle();
        const shutdown = createShutdown({
          server,
          inFlight,
          closers: [{ name: 'redis', close: async () => void order.push('redis.quit') }],
          timeoutMs: 5_000,
          logger,
          exit: (code) => void exits.push(code),
        });
        const stopping = shutdown.begin('SIGTERM');
        await settle();

        const fresh = await new Promise<string>((resolve) =>
          http.get({ host: '127.0.0.1', port, path: '/turn' }, () => resolve('connected')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')),
        );
        expect(fresh, 'a new connection is not accepted once shutdown began').to.equal('ECONNREFUSED');

        gate.resolve();
        expect((await inFlightTurn).body.replies).to.deep.equal(['done']);
        expect(await stopping, 'exits 0, not held open by the idle keep-alive socket').to.equal(0);
        expect(exits).to.deep.equal([0]);
        expect(order).to.deep.equal(['turn.start', 'redis.quit']);
      } finally {
        agent.destroy();
        gate.resolve();
      }
    });
  });
});
