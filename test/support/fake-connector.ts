import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Stand-ins for a channel's service (the `serviceUrl` the bot sends its replies to), on a real port:
 * one that takes replies as the Bot Connector does, and one that accepts connections and never answers.
 */

/** The first IPv4 address of this machine that is not loopback (undefined on a machine without one). */
export function externalAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/** A connector that answers every reply with `{ id }` and remembers what it got. */
export class FakeConnector {
  readonly received: Array<{ method: string; url: string; body: unknown }> = [];
  private constructor(
    private readonly server: HttpServer,
    readonly url: string,
  ) {}

  static async start(host = '127.0.0.1'): Promise<FakeConnector> {
    let connector: FakeConnector | undefined;
    const server = createHttpServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        connector?.received.push({ method: req.method ?? '', url: req.url ?? '', body: text ? (JSON.parse(text) as unknown) : undefined });
        // restify patches writeHead process-wide (it returns undefined): set the status, then end.
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ id: `reply-${connector?.received.length ?? 0}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as { port: number };
    connector = new FakeConnector(server, `http://${host}:${port}`);
    return connector;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A service that accepts connections and never answers: counts how many are open at once. */
export class SilentService {
  open = 0;
  peak = 0;
  accepted = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: NetServer,
    readonly url: string,
  ) {}

  static async start(host = '127.0.0.1'): Promise<SilentService> {
    let service: SilentService | undefined;
    const server = createNetServer((socket) => {
      if (!service) return socket.destroy();
      service.accepted += 1;
      service.open += 1;
      service.peak = Math.max(service.peak, service.open);
      service.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('data', () => undefined); // read the request, answer nothing
      socket.once('close', () => {
        service!.open -= 1;
        service!.sockets.delete(socket);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as { port: number };
    service = new SilentService(server, `http://${host}:${port}`);
    return service;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
