import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActivityLog, AppendWatch } from './activity-log.js';
import type { Activity } from 'botbuilder';
import { DEFAULT_PAGE_LIMIT, isWatermark, parseWatermark, sequenceOf } from './activity-log.js';
import type { CorsPolicy } from './cors.js';
import { jsonWithId, storedJson } from './activity-json.js';
import { clientAddress, HttpError } from '../http.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { WebAccessStore } from './web-access.js';
import { throttledWarning } from '../../ops/throttled-warning.js';

/**
 * The Direct Line WebSocket stream: botframework-directlinejs (webSocket: true, Web Chat's default)
 * opens the `streamUrl` that start and reconnect return and reads `{activities, watermark}` messages
 * from it; it sends "" every 20 s and reconnects (GET /conversations/:id) whenever the socket closes.
 *
 * One WebSocketServer (the `ws` package) in noServer mode takes the HTTP server's upgrades: the stream
 * path with a valid stream ticket (`ticket`: single-use, issued with the streamUrl by start or reconnect,
 * never the token, since URLs end up in proxies' logs) for an existing conversation is accepted, every
 * other upgrade is refused at once. New activities reach open sockets at once when this instance appended them. When
 * another instance did, a log that tells of appends (ActivityLog.watch: Redis pub/sub) wakes the conversation's
 * sockets, which then read what they lack; a slow safety scan (`scanMs`, one shared timer reading the log once
 * per conversation) finds what a notice lost in a reconnection missed, and every open conversation is read once
 * when the log listens again. A log that cannot tell (memory: one instance) is scanned every second. Protocol pings
 * find dead peers. A socket closes (1008) when the token issued with its ticket expires; the client then
 * reconnects with the token it keeps fresh, and gets a new ticket.
 */
export interface StreamLimits {
  /** Open sockets per conversation (a few tabs of one conversation). */
  perConversation: number;
  /** Open sockets per client address. */
  perAddress: number;
}

const DEFAULT_STREAM_LIMITS: StreamLimits = { perConversation: 3, perAddress: 50 };
/** The scan of a log that cannot tell of appends (only a scan finds another's). */
export const DEFAULT_SCAN_MS = 1000;
/** The safety scan of a log that tells of appends: for a notice lost while its connection came back. */
export const DEFAULT_SAFETY_SCAN_MS = 20_000;
const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{8,64})\/stream$/;
/** Close code when the socket's token expires (policy violation), as the client reconnects on any close. */
const CLOSE_TOKEN_EXPIRED = 1008;

export interface StreamOptions {
  http: HttpServer;
  log: ActivityLog;
  /** Where stream tickets are taken (shared by every instance). */
  access: WebAccessStore;
  cors: CorsPolicy;
  byAddress: RateLimiter;
  trustProxy: number;
  limits?: Partial<StreamLimits>;
  /**
   * How often open sockets look for activities another instance appended without being told: default
   * DEFAULT_SAFETY_SCAN_MS on a log that tells of appends (watch), else DEFAULT_SCAN_MS.
   */
  scanMs?: number;
  /** How often sockets are pinged; a socket that did not answer the last ping is dropped. */
  pingMs?: number;
  now: () => number;
  logger?: { warn(obj: object, msg?: string): void };
}

interface OpenStream {
  socket: WebSocket;
  conversationId: string;
  address: string;
  watermark: number;
  sending: boolean;
  again: boolean;
  alive: boolean;
  expiry: NodeJS.Timeout;
}

export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024, perMessageDeflate: false });
  private readonly open = new Set<OpenStream>();
  private readonly byConversation = new Map<string, Set<OpenStream>>();
  private readonly perAddress = new Map<string, number>();
  private readonly limits: StreamLimits;
  private scanTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  /** The log's watch (when it can tell of appends), opened with the first socket, closed by closeAll(). */
  private watch: AppendWatch | undefined;
  /** Set by closeAll(): an upgrade still being checked is refused instead of keeping the server open. */
  private closing = false;
  /** While the log cannot be read, every socket's scan fails each second: one warning per 30 s. */
  private readonly warnUnreadable: (detail: { err: unknown }) => void;

  constructor(private readonly options: StreamOptions) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
    this.warnUnreadable = throttledWarning<{ err: unknown }>(30_000, ({ err }, heldBack) => options.logger?.warn({ err, heldBack }, 'web stream could not read the log'));
    options.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node takes its own error handler off an upgraded socket: a client resetting the connection while
      // the upgrade is being checked would otherwise be an uncaught exception.
      socket.on('error', () => socket.destroy());
      void this.upgrade(req, socket, head).catch((err: unknown) => {
        options.logger?.warn({ err }, 'web stream upgrade failed');
        // The log away (Redis): 503, as every route answers then; the client reconnects later.
        if (err instanceof HttpError && err.status === 503) refuse(socket, 503, 'Service Unavailable');
        else refuse(socket, 500, 'Internal Server Error');
      });
    });
    // http.Server.close() waits for every connection, upgraded ones included: end the streams first.
    const close = options.http.close.bind(options.http);
    options.http.close = ((callback?: (err?: Error) => void) => {
      this.closeAll();
      return close(callback);
    }) as HttpServer['close'];
  }

  /**
   * What this instance appended to `conversationId`'s log (with their ids, in order, nothing between them)
   * goes to its open sockets as it is: a socket that has everything before them gets them without reading
   * the log (one message, serialised once for all such sockets); any other reads what it lacks.
   */
  publish(conversationId: string, activities: Activity[]): void {
    const streams = this.byConversation.get(conversationId);
    if (!streams || activities.length === 0) return;
    const last = sequenceOf(conversationId, activities[activities.length - 1]!.id ?? '');
    const before = last === undefined ? undefined : last - activities.length;
    let message: string | undefined;
    for (const stream of streams) {
      if (before === undefined || stream.sending || stream.watermark !== before || stream.socket.readyState !== stream.socket.OPEN) {
        void this.push(stream);
        continue;
      }
      // Each activity's JSON as the log was given it (activity-json.ts: made once for the write and the frames).
      message ??= `{"activities":[${activities.map((activity) => jsonWithId(storedJson(activity), activity.id!)).join(',')}],"watermark":"${last}"}`;
      stream.watermark = last!;
      stream.socket.send(message);
    }
  }

  /** True when a stream of this instance follows the conversation (publish has someone to tell). */
  follows(conversationId: string): boolean {
    return this.byConversation.has(conversationId);
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): void {
    this.closing = true;
    for (const stream of this.open) {
      clearTimeout(stream.expiry);
      // 1001 "going away": the client reconnects (to another instance) rather than seeing a dropped line;
      // a peer that does not answer the close handshake within a second is cut off.
      const socket = stream.socket;
      socket.close(1001, 'server shutting down');
      setTimeout(() => socket.terminate(), 1000).unref();
    }
    this.open.clear();
    this.pending.clear();
    this.byConversation.clear();
    this.perAddress.clear();
    this.stopTimers();
    void this.watch?.close();
    this.watch = undefined;
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) return refuse(socket, 404, 'Not Found');
    const conversationId = match[1]!;
    const origin = req.headers.origin;
    if (origin !== undefined && !this.options.cors.allows(origin) && !sameOrigin(origin, req.headers.host)) return refuse(socket, 403, 'Forbidden');
    const address = clientAddress(req as Parameters<typeof clientAddress>[0], this.options.trustProxy);
    if (!this.options.byAddress.take(address).allowed) return refuse(socket, 429, 'Too Many Requests');
    // The ticket is taken (used up) whatever happens next: a URL copied from a log opens nothing.
    const claims = await this.options.access.takeTicket(conversationId, url.searchParams.get('ticket') ?? '');
    if (!claims || claims.conversationId !== conversationId) return refuse(socket, 401, 'Unauthorized');
    if (claims.expiresAt * 1000 <= this.options.now()) return refuse(socket, 403, 'Forbidden');
    if (this.closing) return refuse(socket, 503, 'Service Unavailable');
    // Counted before the log is asked (below), so upgrades arriving together cannot all pass the limits.
    if (this.countFor(conversationId) >= this.limits.perConversation) return refuse(socket, 429, 'Too Many Requests');
    if ((this.perAddress.get(address) ?? 0) >= this.limits.perAddress) return refuse(socket, 429, 'Too Many Requests');
    const reservation = { conversationId, address };
    this.reserve(reservation);
    let exists: boolean;
    try {
      exists = await this.options.log.exists(conversationId);
    } finally {
      this.unreserve(reservation);
    }
    if (this.closing) return refuse(socket, 503, 'Service Unavailable');
    if (!exists) return refuse(socket, 404, 'Not Found');
    if (socket.destroyed) return;

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const stream: OpenStream = {
        socket: ws,
        conversationId,
        address,
        watermark: parseWatermark(url.searchParams.get('watermark') ?? undefined),
        sending: false,
        again: false,
        alive: true,
        expiry: setTimeout(() => ws.close(CLOSE_TOKEN_EXPIRED, 'token expired'), Math.max(0, claims.expiresAt * 1000 - this.options.now())),
      };
      stream.expiry.unref();
      this.add(stream);
      ws.on('pong', () => {
        stream.alive = true;
      });
      ws.on('message', () => {
        // The client's "" keep-alives (and anything else it sends) need no answer.
        stream.alive = true;
      });
      ws.on('close', () => this.remove(stream));
      ws.on('error', () => ws.terminate());
      // Once the log listens (at once but for the first socket), what is appended after this read is told.
      const watch = this.watch;
      if (watch) void watch.listening.then(() => this.push(stream));
      else void this.push(stream);
    });
  }

  /** Another instance appended to this conversation (the log's watch told): its sockets read what they lack. */
  private wake(conversationId: string): void {
    for (const stream of this.byConversation.get(conversationId) ?? []) void this.push(stream);
  }

  /**
   * Looks for activities another instance appended: one read of at most one activity per conversation
   * (however many of its tabs are open), and only when there is something new does each socket fetch
   * what it lacks.
   */
  private async scan(conversationId: string, streams: Set<OpenStream>): Promise<void> {
    const behind = Math.min(...[...streams].map((stream) => stream.watermark));
    try {
      const probe = await this.options.log.since(conversationId, String(behind), 1);
      if (probe.activities.length === 0) return;
    } catch (err) {
      this.warnUnreadable({ err });
      return;
    }
    for (const stream of streams) void this.push(stream);
  }

  /** Sends the socket everything after its watermark, page by page; one send at a time per socket. */
  private async push(stream: OpenStream): Promise<void> {
    if (stream.sending) {
      stream.again = true;
      return;
    }
    stream.sending = true;
    try {
      do {
        stream.again = false;
        for (;;) {
          if (stream.socket.readyState !== stream.socket.OPEN) return;
          const page = await this.options.log.since(stream.conversationId, String(stream.watermark), DEFAULT_PAGE_LIMIT);
          if (page.activities.length > 0) {
            stream.watermark = Number(page.watermark);
            stream.socket.send(JSON.stringify({ activities: page.activities, watermark: page.watermark }));
          }
          // A short page was the end of the log: no second read to find nothing.
          if (page.activities.length < DEFAULT_PAGE_LIMIT) break;
        }
      } while (stream.again);
    } catch (err) {
      this.warnUnreadable({ err });
    } finally {
      stream.sending = false;
    }
  }

  /** Upgrades between their limit check and their socket: conversation id → count; address counts in perAddress. */
  private readonly pending = new Map<string, number>();

  private countFor(conversationId: string): number {
    return (this.byConversation.get(conversationId)?.size ?? 0) + (this.pending.get(conversationId) ?? 0);
  }

  private reserve({ conversationId, address }: { conversationId: string; address: string }): void {
    this.pending.set(conversationId, (this.pending.get(conversationId) ?? 0) + 1);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
  }

  private unreserve({ conversationId, address }: { conversationId: string; address: string }): void {
    const left = (this.pending.get(conversationId) ?? 1) - 1;
    if (left <= 0) this.pending.delete(conversationId);
    else this.pending.set(conversationId, left);
    const count = (this.perAddress.get(address) ?? 1) - 1;
    if (count <= 0) this.perAddress.delete(address);
    else this.perAddress.set(address, count);
  }

  private add(stream: OpenStream): void {
    this.open.add(stream);
    this.watch ??= this.options.log.watch?.({
      appended: (conversationId) => this.wake(conversationId),
      // Notices may have been lost meanwhile: each open conversation is read once.
      missed: () => {
        for (const [conversationId, streams] of this.byConversation) void this.scan(conversationId, streams);
      },
    });
    let set = this.byConversation.get(stream.conversationId);
    if (!set) {
      this.byConversation.set(stream.conversationId, (set = new Set()));
      this.watch?.follow(stream.conversationId);
    }
    set.add(stream);
    this.perAddress.set(stream.address, (this.perAddress.get(stream.address) ?? 0) + 1);
    this.startTimers();
  }

  private remove(stream: OpenStream): void {
    if (!this.open.delete(stream)) return;
    clearTimeout(stream.expiry);
    const set = this.byConversation.get(stream.conversationId);
    set?.delete(stream);
    if (set?.size === 0) {
      this.byConversation.delete(stream.conversationId);
      this.watch?.unfollow(stream.conversationId);
    }
    const count = (this.perAddress.get(stream.address) ?? 1) - 1;
    if (count <= 0) this.perAddress.delete(stream.address);
    else this.perAddress.set(stream.address, count);
    if (this.open.size === 0) this.stopTimers();
  }

  private startTimers(): void {
    if (this.scanTimer) return;
    this.scanTimer = setInterval(() => {
      for (const [conversationId, streams] of this.byConversation) void this.scan(conversationId, streams);
    }, this.options.scanMs ?? (this.watch ? DEFAULT_SAFETY_SCAN_MS : DEFAULT_SCAN_MS));
    this.scanTimer.unref();
    this.pingTimer = setInterval(() => {
      for (const stream of this.open) {
        if (!stream.alive) {
          stream.socket.terminate();
          continue;
        }
        stream.alive = false;
        stream.socket.ping();
      }
    }, this.options.pingMs ?? 30_000);
    this.pingTimer.unref();
  }

  private stopTimers(): void {
    clearInterval(this.scanTimer);
    clearInterval(this.pingTimer);
    this.scanTimer = undefined;
    this.pingTimer = undefined;
  }
}

/** Answers an upgrade request with a plain HTTP error and closes the socket once the answer is written. */
export function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The streamUrl for a conversation, shaped as Direct Line gives it, with a single-use stream ticket where
 * Direct Line puts the token: ws(s)://host/…/stream?watermark=…&ticket=….
 */
export function streamUrl(
  req: { headers: IncomingMessage['headers']; socket: { encrypted?: boolean } | IncomingMessage['socket'] },
  trustProxy: number,
  conversationId: string,
  ticket: string,
  watermark: string,
): string | undefined {
  const host = req.headers.host;
  if (!host || !/^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host)) return undefined;
  const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase();
  const trusted = trustProxy > 0;
  const secure = trusted && forwardedProto !== '' ? forwardedProto === 'https' : (req.socket as { encrypted?: boolean }).encrypted === true;
  const query = new URLSearchParams({ watermark: isWatermark(watermark) ? watermark : '', ticket });
  return `${secure ? 'wss' : 'ws'}://${host}/v3/directline/conversations/${encodeURIComponent(conversationId)}/stream?${query.toString()}`;
}
