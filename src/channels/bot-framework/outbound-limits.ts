import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isLoopbackUrl } from './loopback.js';

/**
 * Bounds on the bot's own calls to a channel (the connector client's replies to the serviceUrl): a
 * deadline for each call, retries included, and a cap on open connections. Without them a serviceUrl
 * that accepts and never answers holds a turn, and its sockets, for over ten minutes (botbuilder sets no
 * timeout; its retries alone take about ten seconds against a closed port), and SIGTERM cannot finish.
 *
 * botbuilder gives no option for either, so a pipeline policy is put in front of every ConnectorClient
 * it creates (see BoundedBotFrameworkAuthentication): it sets the request's agent, timeout and abort
 * signal, which @azure/core-rest-pipeline honours, and turns any failure into a ReplyDeliveryError.
 */
export interface OutboundLimitOptions {
  /** The longest one call to the channel may take, retries and waiting for a free connection included. */
  timeoutMs: number;
  /** Open connections to channels at most (per host and in total); further calls wait for a free one. */
  maxConnections: number;
  /** Local mode: calls go only to a loopback serviceUrl (the Emulator's); any other is refused unsent. */
  loopbackOnly: boolean;
}

/** A reply could not be delivered to the channel (refused, timed out or failed): the turn's words are lost. */
export class ReplyDeliveryError extends Error {
  override readonly name = 'ReplyDeliveryError';
  constructor(
    message: string,
    /** The channel's host (host:port), never the path or query. */
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The slice of @azure/core-rest-pipeline's PipelineRequest this policy sets. */
interface OutboundRequest {
  url: string;
  timeout: number;
  agent?: HttpAgent;
  abortSignal?: AbortSignal | { aborted: boolean };
}

interface PipelinePolicy {
  name: string;
  sendRequest(request: OutboundRequest, next: (request: OutboundRequest) => Promise<unknown>): Promise<unknown>;
}

interface Pipeline {
  addPolicy(policy: PipelinePolicy, options?: { phase?: 'Serialize' }): void;
}

export const OUTBOUND_POLICY_NAME = 'yidi-outbound-limits';

export class OutboundLimits {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly policy: PipelinePolicy;

  constructor(readonly options: OutboundLimitOptions) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxConnections, maxTotalSockets: options.maxConnections, scheduling: 'lifo' as const };
    this.httpAgent = new HttpAgent(agentOptions);
    this.httpsAgent = new HttpsAgent(agentOptions);
    this.policy = { name: OUTBOUND_POLICY_NAME, sendRequest: (request, next) => this.send(request, next) };
  }

  /**
   * Puts the limits in front of a ConnectorClient's pipeline. The pipeline is a private field of
   * botbuilder's ServiceClientContext: should a botbuilder release move it, this throws (and the tests
   * that send replies fail) rather than letting replies go out unbounded.
   */
  attachTo(connectorClient: object): void {
    const pipeline = (connectorClient as { client?: { pipeline?: Partial<Pipeline> } }).client?.pipeline;
    if (typeof pipeline?.addPolicy !== 'function') {
      throw new Error('the ConnectorClient has no request pipeline to bound (botframework-connector changed): replies cannot be sent safely');
    }
    // The Serialize phase runs first: the deadline covers token acquisition, every retry and the wait for a connection.
    pipeline.addPolicy(this.policy, { phase: 'Serialize' });
  }

  /** Closes the kept-alive connections (at shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async send(request: OutboundRequest, next: (request: OutboundRequest) => Promise<unknown>): Promise<unknown> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (cause) {
      throw new ReplyDeliveryError('the serviceUrl is not a URL', '', { cause });
    }
    if (this.options.loopbackOnly && !isLoopbackUrl(url)) {
      throw new ReplyDeliveryError('local mode sends replies only to a loopback serviceUrl (or use deliveryMode expectReplies)', url.host);
    }
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    request.agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
    request.timeout = this.options.timeoutMs;
    request.abortSignal = request.abortSignal instanceof AbortSignal ? AbortSignal.any([request.abortSignal, deadline]) : deadline;
    const expired = new Promise<never>((_resolve, reject) => {
      deadline.addEventListener('abort', () => reject(new Error(`no answer within ${this.options.timeoutMs} ms`)), { once: true });
    });
    expired.catch(() => undefined);
    try {
      return await Promise.race([next(request), expired]);
    } catch (cause) {
      throw new ReplyDeliveryError(`the reply could not be delivered to the channel at ${url.host}`, url.host, { cause });
    }
  }
}
