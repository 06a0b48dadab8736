import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decrypt as wecomDecrypt, encrypt as wecomEncrypt } from '@wecom/crypto';

/**
 * WeChat's message signatures and its AES scheme ("安全模式"), for the Official Account's callback URL.
 *
 * - Every request (the URL check, every message) carries `signature` = sha1 of token, timestamp and nonce
 *   sorted and joined.
 * - In compatible and secure modes a message also carries `msg_signature` = the same over the four of
 *   token, timestamp, nonce and the <Encrypt> field, and <Encrypt> = base64(AES-256-CBC(16 random bytes ‖
 *   32-bit big-endian length ‖ the XML ‖ the app id)) keyed by base64(EncodingAESKey + "="), the IV the
 *   key's first 16 bytes, PKCS#7 padding to 32-byte blocks. A reply to such a request is encrypted alike.
 *
 * The AES part is @wecom/crypto (WeCom uses the same scheme with the corp id where WeChat puts the app id);
 * test/channels.wechat.crypto.test.ts checks it against WeChat's published signature examples and an
 * independent decryption with node:crypto.
 */

/** sha1 over the parts sorted and joined: `signature` (token, timestamp, nonce) or `msg_signature` (and the cipher text). */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Compares a signature sent with the one expected, in constant time; false for anything that is not 40 hex digits. */
export function signatureMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined || !/^[0-9a-f]{40}$/i.test(sent)) return false;
  return timingSafeEqual(Buffer.from(sent.toLowerCase()), Buffer.from(expected));
}

/** A 43-character EncodingAESKey: base64 (without its "=") of 32 bytes. */
export function isEncodingAesKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(value) && Buffer.from(`${value}=`, 'base64').length === 32;
}

export class WeChatCryptoError extends Error {}

/** The cipher for one account: its EncodingAESKey and app id. */
export class WeChatCipher {
  constructor(
    private readonly encodingAesKey: string,
    private readonly appId: string,
  ) {
    if (!isEncodingAesKey(encodingAesKey)) throw new WeChatCryptoError('the EncodingAESKey must be 43 characters of base64');
  }

  /** The XML inside <Encrypt>; throws WeChatCryptoError when it does not decrypt or names another app. */
  decrypt(encrypted: string): string {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted) || Buffer.from(encrypted, 'base64').length % 32 !== 0) throw new WeChatCryptoError('not a cipher text');
    let plain: { message: string; id: string; random: Buffer };
    try {
      plain = wecomDecrypt(this.encodingAesKey, encrypted);
    } catch {
      throw new WeChatCryptoError('the cipher text does not decrypt');
    }
    // A wrong key or a forged body decrypts to noise: the app id at the end must be this account's.
    if (plain.id !== this.appId) throw new WeChatCryptoError('the message is not for this app id');
    return plain.message;
  }

  encrypt(xml: string, random: Buffer = randomBytes(16)): string {
    return wecomEncrypt(this.encodingAesKey, xml, this.appId, random);
  }
}
