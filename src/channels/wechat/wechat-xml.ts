import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';

/**
 * WeChat's XML: what it posts to the callback URL (a message or an event, in plain text or inside
 * <Encrypt>), and the passive reply. Parsed with fast-xml-parser; a document type declaration (and with it
 * any entity of its own) is refused before parsing, so only the five XML entities are ever expanded.
 */

const parser = new XMLParser({ ignoreDeclaration: true, ignoreAttributes: true, parseTagValue: false, processEntities: true, htmlEntities: false, trimValues: true });

export class WeChatXmlError extends Error {}

/** The fields of <xml>…</xml> as strings; throws WeChatXmlError for anything else. */
export function parseWeChatXml(text: string): Record<string, string> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new WeChatXmlError('a document type declaration is not accepted');
  if (XMLValidator.validate(text) !== true) throw new WeChatXmlError('the body is not well-formed XML');
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch {
    throw new WeChatXmlError('the body is not well-formed XML');
  }
  const root = (parsed as { xml?: unknown }).xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new WeChatXmlError('the body is not an <xml> message');
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(root)) {
    // Leaf fields only: a nested or repeated element (ScanCodeInfo, SendPicsInfo) is not read by this bot.
    if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}

/** An openid: letters, digits, - and _ (28 characters today). */
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;
const digits = (what: string, max = 20) => z.string().regex(new RegExp(`^\\d{1,${max}}$`), `${what} must be digits`);

/** The fields of a message or event the bot reads, each within bounds; anything else is dropped. */
export const weChatMessageSchema = z.object({
  ToUserName: z.string().min(1).max(64),
  FromUserName: z.string().regex(OPENID, 'FromUserName must be an openid'),
  CreateTime: digits('CreateTime', 12),
  MsgType: z.string().regex(/^[a-z_]{1,32}$/, 'MsgType must be a message type'),
  MsgId: digits('MsgId').optional(),
  Content: z.string().max(5_000).optional(),
  Recognition: z.string().max(5_000).optional(),
  Event: z.string().max(64).optional(),
  EventKey: z.string().max(256).optional(),
});

export type WeChatMessage = z.output<typeof weChatMessageSchema>;

/** Escapes text for an XML element (the reply's content is the bot's words, which may hold < or &). */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** A passive text reply to `message`: from the account to the person. */
export function textReplyXml(message: Pick<WeChatMessage, 'ToUserName' | 'FromUserName'>, content: string, createTime: number): string {
  return `<xml><ToUserName>${cdata(message.FromUserName)}</ToUserName><FromUserName>${cdata(message.ToUserName)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content></xml>`;
}

/** The envelope of an encrypted reply. */
export function encryptedReplyXml(encrypt: string, msgSignature: string, timestamp: string, nonce: string): string {
  return `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(msgSignature)}</MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`;
}
