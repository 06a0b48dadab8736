import { expect } from 'chai';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { whenIdle } from '../src/ops/when-idle.js';

describe('ops: work left until the server is idle', () => {
  let server: Server;
  let held: ServerResponse[];
  let base: string;

  beforeEach(async () => {
    held = [];
    server = createServer((_req, res) => {
      if (_req.url === '/hold') held.push(res);
      else res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterEach(async () => {
    for (const res of held) res.end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('waits while a request is in flight, then runs the tasks in order once it is quiet', async () => {
    const ran: string[] = [];
    whenIdle(server, [() => ran.push('a'), () => ran.push('b')], { quietMs: 500, maxWaitMs: 60_000 });
    const holding = fetch(`${base}/hold`).then((r) => r.text());
    while (held.length === 0) await sleep(5);
    await sleep(700);
    expect(ran, 'nothing while the request is open').to.deep.equal([]);
    held[0]!.end('done');
    await holding;
    for (let i = 0; i < 200 && ran.length < 2; i++) await sleep(10);
    expect(ran).to.deep.equal(['a', 'b']);
  });

  it('resolves once the last task ran, not before', async () => {
    const ran: string[] = [];
    const allRan = whenIdle(server, [() => ran.push('a'), () => ran.push('b'), () => ran.push('c')], { quietMs: 20, maxWaitMs: 60_000 });
    let seen: string[] | undefined;
    await allRan.then(() => (seen = [...ran]));
    expect(seen).to.deep.equal(['a', 'b', 'c']);
  });

  it('runs the tasks at the latest after maxWaitMs, and only once', async () => {
    let runs = 0;
    whenIdle(server, [() => runs++], { quietMs: 60_000, maxWaitMs: 50 });
    const holding = fetch(`${base}/hold`).catch(() => undefined);
    while (held.length === 0) await sleep(5);
    for (let i = 0; i < 100 && runs === 0; i++) await sleep(10);
    expect(runs).to.equal(1);
    held[0]!.end('done');
    await holding;
    await sleep(50);
    expect(runs).to.equal(1);
  });
});
