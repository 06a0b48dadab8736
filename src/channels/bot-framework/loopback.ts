import { isIP } from 'node:net';

/**
 * "This machine" for local mode (no MicrosoftAppId, so no Bot Framework authentication): the Emulator
 * and tests call /api/messages from this machine, and the Emulator takes its replies on a localhost
 * serviceUrl. Anything else would make the bot an open relay.
 */

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 form (::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1' || plain === '0:0:0:0:0:0:0:1';
}

/** True for an http(s) URL whose host is localhost or a loopback address, written literally. */
export function isLoopbackUrl(raw: string | URL | undefined): boolean {
  if (raw === undefined) return false;
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || isLoopbackAddress(host);
}

/** Headers a proxy adds: a request that came through one did not start on this machine. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'via'] as const;

/** A request made on this machine: from a loopback address and not relayed by a proxy running here. */
export function isLocalRequest(req: { socket: { remoteAddress?: string | undefined }; headers: Record<string, unknown> }): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && PROXY_HEADERS.every((name) => req.headers[name] === undefined);
}
