import { expect } from 'chai';
import { createCipheriv } from 'node:crypto';
import { chunks } from '../src/channels/wechat/wechat-adapter.js';
import { isEncodingAesKey, signatureMatches, WeChatCipher, WeChatCryptoError, wechatSignature } from '../src/channels/wechat/wechat-crypto.js';
import { parseWeChatXml, textReplyXml, WeChatXmlError } from '../src/channels/wechat/wechat-xml.js';
import { ACCOUNT, decryptIndependently } from './support/wechat.js';

/**
 * WeChat's signatures and AES scheme, against the examples in WeChat's own message-push guide and an
 * independent implementation with node:crypto; the XML reader; how a turn's texts are cut to WeChat's
 * 2048-byte messages.
 */

describe('WeChat signatures: the examples of WeChat\'s message-push guide (Token "AAAAA")', () => {
  const cases = [
    { name: 'the server check (GET with echostr)', timestamp: '1714036504', nonce: '1514711492', signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696' },
    { name: 'a pushed message (POST)', timestamp: '1714037059', nonce: '486452656', signature: '899cf89e464efb63f54ddac96b0a0a235f53aa78' },
  ];
  for (const c of cases) {
    it(`${c.name}: sha1 of token, timestamp and nonce sorted`, () => {
      expect(wechatSignature('AAAAA', c.timestamp, c.nonce)).to.equal(c.signature);
      expect(signatureMatches(c.signature, wechatSignature('AAAAA', c.timestamp, c.nonce))).to.equal(true);
      expect(signatureMatches(c.signature.toUpperCase(), wechatSignature('AAAAA', c.timestamp, c.nonce))).to.equal(true);
      expect(signatureMatches(c.signature, wechatSignature('AAAAB', c.timestamp, c.nonce))).to.equal(false);
    });
  }

  it('refuses what is not a signature without comparing', () => {
    for (const sent of [undefined, '', 'abc', 'f464b24fc39322e44b38aa78f5edd27bd144169g', 'f464b24fc39322e44b38aa78f5edd27bd1441696 ']) {
      expect(signatureMatches(sent, wechatSignature('AAAAA', '1', '2')), String(sent)).to.equal(false);
    }
  });
});

describe('WeChat AES (secure mode)', () => {
  const cipher = new WeChatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId);
  const xml = '<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Content><![CDATA[我要备案]]></Content></xml>';

  it('encrypts as WeChat\'s guide describes: an independent node:crypto decryption reads the XML and the app id back', () => {
    const encrypted = cipher.encrypt(xml);
    expect(decryptIndependently(ACCOUNT.encodingAesKey, encrypted)).to.deep.equal({ xml, appId: ACCOUNT.appId });
  });

  it('decrypts what an independent node:crypto encryption made (random ‖ length ‖ XML ‖ app id, PKCS#7 to 32 bytes)', () => {
    const key = Buffer.from(`${ACCOUNT.encodingAesKey}=`, 'base64');
    const body = Buffer.from(xml);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([Buffer.alloc(16, 7), length, body, Buffer.from(ACCOUNT.appId)]);
    const pad = 32 - (plain.length % 32);
    const encrypter = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const encrypted = Buffer.concat([encrypter.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), encrypter.final()]).toString('base64');
    expect(cipher.decrypt(encrypted)).to.equal(xml);
  });

  it('refuses a cipher text for another app id, made with another key, or not a cipher text at all', () => {
    const other = new WeChatCipher(ACCOUNT.encodingAesKey, 'wx0000000000000000').encrypt(xml);
    expect(() => cipher.decrypt(other)).to.throw(WeChatCryptoError);
    const otherKey = new WeChatCipher('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut', ACCOUNT.appId).encrypt(xml);
    expect(() => cipher.decrypt(otherKey)).to.throw(WeChatCryptoError);
    for (const junk of ['', 'not base64!', 'AAAA', Buffer.alloc(33).toString('base64')]) expect(() => cipher.decrypt(junk), junk).to.throw(WeChatCryptoError);
  });

  it('an EncodingAESKey is 43 characters of base64 for 32 bytes', () => {
    expect(isEncodingAesKey(ACCOUNT.encodingAesKey)).to.equal(true);
    expect(isEncodingAesKey(ACCOUNT.encodingAesKey.slice(1))).to.equal(false);
    expect(isEncodingAesKey(`${ACCOUNT.encodingAesKey.slice(1)}-`)).to.equal(false);
  });
});

describe('WeChat XML', () => {
  it('reads the leaf fields of <xml>, CDATA or not, and refuses a document type or anything not <xml>', () => {
    expect(parseWeChatXml('<xml><A><![CDATA[a<b]]></A><B>1</B><C></C><D><E>x</E></D></xml>')).to.deep.equal({ A: 'a<b', B: '1', C: '' });
    for (const bad of ['<xml><A></B></xml>', '<!DOCTYPE x [<!ENTITY e "x">]><xml><A>&e;</A></xml>', '<root><A>1</A></root>', 'hello']) {
      expect(() => parseWeChatXml(bad), bad).to.throw(WeChatXmlError);
    }
  });

  it('a reply whose words hold ]]> and < stays one well-formed text', () => {
    const xml = textReplyXml({ ToUserName: 'gh_1', FromUserName: 'oPerson123' }, '1 < 2 ]]> 3', 1700000000);
    expect(parseWeChatXml(xml)).to.include({ ToUserName: 'oPerson123', FromUserName: 'gh_1', Content: '1 < 2 ]]> 3', MsgType: 'text' });
  });
});

describe('WeChat messages: a turn\'s texts merged and cut to 2048 bytes', () => {
  it('merges a turn\'s texts into one message, a blank line between them', () => {
    expect(chunks(['好的。', '请问您想办理什么？\n   1. 办理备案'])).to.deep.equal(['好的。\n\n请问您想办理什么？\n   1. 办理备案']);
  });

  it('cuts a long answer between lines, each piece at most 2048 bytes, nothing lost', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `第${i + 1}行：${'备案'.repeat(10)}`);
    const pieces = chunks([lines.join('\n')]);
    expect(pieces.length).to.be.greaterThan(1);
    for (const piece of pieces) expect(Buffer.byteLength(piece, 'utf8')).to.be.at.most(2048);
    expect(pieces.join('\n').split('\n')).to.deep.equal(lines);
  });

  it('cuts a single line longer than a message between characters, never inside one', () => {
    const line = '异'.repeat(1000);
    const pieces = chunks([line]);
    expect(pieces.map((p) => Buffer.byteLength(p, 'utf8'))).to.deep.equal([2046, 954]);
    expect(pieces.join('')).to.equal(line);
  });
});
