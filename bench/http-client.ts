/**
 * The load generator's HTTP requests (bench/compare.ts), the same for every variant: node:http with one
 * keep-alive Agent (the default), or `fetch` (undici) with `--client fetch`. Both send the same requests and
 * give back the status and the body's text; each counts the body bytes it received (`received`), so that the
 * bench can print what a turn sends back to the page.
 */
import { Agent, request } from 'node:http';

export type ClientKind = 'http' | 'fetch';
export const CLIENT_KINDS: readonly ClientKind[] = ['http', 'fetch'];

export interface BenchRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface BenchResponse {
  ok: boolean;
  status: number;
  text: string;
}

export type Requester = (url: string, init?: BenchRequest) => Promise<BenchResponse>;

/** Body bytes received by the requesters (and by the stream's socket in compare.ts) since the last reset. */
export const received = { bytes: 0 };

export function requester(kind: ClientKind, timeoutMs: number): Requester {
  return kind === 'fetch' ? fetchRequester(timeoutMs) : httpRequester(timeoutMs);
}

function fetchRequester(timeoutMs: number): Requester {
  return async (url, init = {}) => {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    received.bytes += Buffer.byteLength(text);
    return { ok: response.ok, status: response.status, text };
  };
}

function httpRequester(timeoutMs: number): Requester {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  return (url, init = {}) =>
    new Promise<BenchResponse>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
      const req = request(url, { method: init.method ?? 'GET', headers, agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          received.bytes += body.length;
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, text: body.toString('utf8') });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(init.body);
    });
}
