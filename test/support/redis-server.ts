import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/**
 * A private redis-server on a spare port, for tests that kill and restart Redis. It never touches
 * the shared Redis. Requires the `redis-server` binary (Debian: apt-get install redis-server).
 */
export class PrivateRedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly persistDir?: string,
  ) {}

  /**
   * `persistDir`: keep the data in an append-only file there (fsync on every write), so the data
   * survives kill() and start() as it would on a server with persistence. Default: no persistence.
   */
  static async start(options: { persistDir?: string } = {}): Promise<PrivateRedisServer> {
    const server = new PrivateRedisServer(await sparePort(), options.persistDir);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts (or restarts, on the same port) and resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.child) return;
    const persistence = this.persistDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.persistDir] : ['--appendonly', 'no'];
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    for (let attempt = 0; attempt < 200; attempt++) {
      if (!this.child) throw new Error(`redis-server on port ${this.port} exited at start`);
      if (await answersPing(this.port)) return;
      await sleep(25);
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING`);
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, as a hung host. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Kills the server (SIGKILL, as a crash) and resolves once the process has exited. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }
}

async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true or the deadline passes; returns whether it did. */
export async function eventually(probe: () => Promise<boolean> | boolean, deadlineMs = 10_000, everyMs = 50): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await probe()) return true;
    await sleep(everyMs);
  }
  return probe();
}
