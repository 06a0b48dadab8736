import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * A slow-body attack on the real process (src/index.ts) over a real port, with its file descriptors
 * limited as on a small server (ulimit -n 256): hundreds of connections from one address trickle their
 * headers or bodies. The bot must cut them off (408) within HTTP_REQUEST_TIMEOUT_MS, hold at most
 * HTTP_MAX_CONNECTIONS_PER_ADDRESS of them, and keep answering /healthz and /readyz to everyone else.
 * Before, Node's defaults held a slow body for 300 s and took connections until the descriptors ran out,
 * and /healthz failed 40 of 40.
 */
describe('every route: slow clients cannot take the server (real process, ulimit -n 256)', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  const attackers: Socket[] = [];

  afterEach(() => {
    for (const socket of attackers.splice(0)) socket.destroy();
    child?.kill('SIGKILL');
  });

  /** A new connection per probe from 127.0.0.1, as a kubelet makes: its status (0 when refused or cut). */
  const probe = (port: number, path: string) =>
    new Promise<number>((resolve) => {
      const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: 5_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
    });

  it('healthz and readyz keep answering while 400 slow connections from one address come in, and each slow one is cut off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slow-clients-'));
    child = spawn('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" --disable-warning=DEP0111 --import=tsx src/index.ts`], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        FILINGS_PATH: join(dir, 'filings.json'),
        LOG_LEVEL: 'info',
        REDIS_URL: '',
        HTTP_HEADERS_TIMEOUT_MS: '2000',
        HTTP_REQUEST_TIMEOUT_MS: '3000',
        HTTP_MAX_CONNECTIONS: '150',
        HTTP_MAX_CONNECTIONS_PER_ADDRESS: '40',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        const found = /"port":(\d+)/.exec(line);
        if (found) resolve(Number(found[1]));
      });
      child!.once('exit', () => reject(new Error('the server exited before listening')));
    });
    expect(await probe(port, '/healthz')).to.equal(200);

    let closedByServer = 0;
    const startedAt = Date.now();
    for (let i = 0; i < 400; i++) {
      const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
      attackers.push(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        closedByServer += 1;
      });
      socket.once('connect', () => {
        // Half trickle a body that never ends, half never finish their headers.
        socket.write(
          i % 2 === 0
            ? 'POST /v3/directline/tokens/generate HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{'
            : 'GET /healthz HTTP/1.1\r\nHost: bot\r\n',
        );
        const drip = setInterval(() => (socket.destroyed ? clearInterval(drip) : socket.write(i % 2 === 0 ? ' ' : 'X-Slow: 1\r\n')), 500);
        socket.once('close', () => clearInterval(drip));
      });
    }

    const answers: number[] = [];
    for (let round = 0; round < 10; round++) {
      answers.push(await probe(port, '/healthz'), await probe(port, '/readyz'));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(answers, 'healthz and readyz during the attack').to.deep.equal(Array(20).fill(200));

    // Every slow connection is closed by the server: at once past the per-address cap, else after the timeouts.
    for (let i = 0; i < 200 && closedByServer < 400; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedByServer, 'slow connections closed by the server').to.equal(400);
    expect(Date.now() - startedAt).to.be.below(30_000); // not the 300 s of Node's default
  });
});
