import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bounds of the HTTP server, for every route: a client that sends its headers or its body slowly (or
 * never) is cut off, idle keep-alive connections close, and connections are capped in total and per
 * address, so that one client cannot take every file descriptor and /healthz and /readyz keep answering.
 * Node's defaults would hold a slow body for 300 s and take connections until the descriptors run out.
 */
export interface HttpServerLimits {
  /** All request headers must have arrived within this (slowloris). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must have arrived within this; then 408 and the connection closes. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection closes after this. */
  keepAliveTimeoutMs: number;
  /** Open connections at most (WebSocket streams included); more are closed at once. Keep it under `ulimit -n`. */
  maxConnections: number;
  /** Open connections from one address at most; 0: no such limit (behind proxies every connection is theirs). */
  maxConnectionsPerAddress: number;
}

/** How often Node looks for requests past their timeouts (its default, 30 s, would stretch every timeout by as much). */
const CHECK_EVERY_MS = 1_000;

/** Applies the limits to the server; call before listen(). */
export function limitHttpServer(server: Server, limits: HttpServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Read when the server starts listening (Node sets up its timer on 'listening').
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(CHECK_EVERY_MS, limits.headersTimeoutMs);
  server.maxConnections = limits.maxConnections;
  if (limits.maxConnectionsPerAddress > 0) {
    const perAddress = new Map<string, number>();
    // First in line, so a refused socket is closed before the HTTP parser is given it.
    server.prependListener('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      const open = perAddress.get(address) ?? 0;
      if (open >= limits.maxConnectionsPerAddress) {
        socket.destroy();
        return;
      }
      perAddress.set(address, open + 1);
      socket.once('close', () => {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left <= 0) perAddress.delete(address);
        else perAddress.set(address, left);
      });
    });
  }
}
