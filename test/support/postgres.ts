import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';

/** The PostgreSQL the filing store tests use (`.ci/run` makes sure one answers there). */
export const FILINGS_TEST_URL = process.env.FILINGS_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A schema of this test run's own in the test database (`t_<area>_<pid>_<random>`): every table a test
 * makes goes there, and drop() removes it with everything in it. `url` selects it through the
 * connection's search_path, as FILINGS_URL=…?options=-c%20search_path%3D<schema> would in production.
 */
export class TestSchema {
  readonly name: string;
  readonly admin: pg.Client;
  #connected = false;

  constructor(area: string) {
    this.name = `t_${area}_${process.pid}_${randomBytes(4).toString('hex')}`;
    this.admin = new pg.Client({ connectionString: FILINGS_TEST_URL, connectionTimeoutMillis: 5_000 });
  }

  get url(): string {
    const url = new URL(FILINGS_TEST_URL);
    url.searchParams.set('options', `-c search_path=${this.name}`);
    return url.toString();
  }

  async create(): Promise<void> {
    try {
      await this.admin.connect();
    } catch (e) {
      throw new Error(`PostgreSQL does not answer at FILINGS_TEST_URL (${new URL(FILINGS_TEST_URL).host}): ${(e as Error).message}. Run .ci/run, or start it.`);
    }
    this.#connected = true;
    await this.admin.query(`CREATE SCHEMA "${this.name}"`);
  }

  /** Rows of a table in this schema. */
  async rows<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<R[]> {
    return (await this.admin.query<R>(sql, values)).rows;
  }

  async drop(): Promise<void> {
    if (!this.#connected) return;
    try {
      await this.admin.query(`DROP SCHEMA IF EXISTS "${this.name}" CASCADE`);
    } finally {
      await this.admin.end();
    }
  }
}

/**
 * A server that speaks just enough of the PostgreSQL protocol to ask for a password (cleartext) and
 * refuse it as PostgreSQL does (FATAL 28P01): a wrong password, whatever the local server's pg_hba says.
 */
export class PasswordRefusingServer {
  readonly passwordsReceived: string[] = [];
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  async start(): Promise<number> {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
      let buffer = Buffer.alloc(0);
      let startedUp = false;
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        if (!startedUp) {
          if (buffer.length < 4 || buffer.length < buffer.readInt32BE(0)) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === 80877103) {
            socket.write('N'); // SSLRequest: no
            return;
          }
          startedUp = true;
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
          socket.write(ask);
          return;
        }
        if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
        const length = buffer.readInt32BE(1);
        if (buffer.toString('latin1', 0, 1) === 'p') this.passwordsReceived.push(buffer.toString('utf8', 5, 1 + length - 1));
        const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "beian"'].map((f) => Buffer.from(`${f}\0`, 'utf8'));
        const body = Buffer.concat([...fields, Buffer.from([0])]);
        const head = Buffer.alloc(5);
        head.write('E', 0);
        head.writeInt32BE(4 + body.length, 1);
        socket.end(Buffer.concat([head, body]));
      });
    });
    return new Promise((resolve) => this.#server!.listen(0, '127.0.0.1', () => resolve((this.#server!.address() as { port: number }).port)));
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
