import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/config.js';
import { ACCOUNT } from './support/wechat.js';

/** WECHAT_*: the channel is on only with WECHAT_TOKEN; each mistake stops start-up naming the variable. */

const token = { WECHAT_TOKEN: ACCOUNT.token };
const full = { ...token, WECHAT_APP_ID: ACCOUNT.appId, WECHAT_APP_SECRET: ACCOUNT.appSecret, WECHAT_ENCODING_AES_KEY: ACCOUNT.encodingAesKey };

describe('configuration: the WeChat channel', () => {
  it('is off without WECHAT_TOKEN', () => {
    expect(loadConfig({}).wechat).to.equal(undefined);
  });

  it('is on with WECHAT_TOKEN, WeChat\'s API host by default', () => {
    expect(loadConfig(full).wechat).to.deep.equal({
      token: ACCOUNT.token,
      appId: ACCOUNT.appId,
      appSecret: ACCOUNT.appSecret,
      encodingAesKey: ACCOUNT.encodingAesKey,
      apiBaseUrl: 'https://api.weixin.qq.com',
    });
    expect(loadConfig({ ...full, WECHAT_API_BASE_URL: 'http://127.0.0.1:9999/' }).wechat?.apiBaseUrl).to.equal('http://127.0.0.1:9999');
  });

  it('with the token alone: on, and one warning that late answers cannot be sent', () => {
    const config = loadConfig(token);
    expect(config.wechat?.appId).to.equal(undefined);
    expect(config.warnings.filter((w) => w.includes('WECHAT_APP_ID'))).to.have.length(1);
    expect(loadConfig(full).warnings.filter((w) => w.includes('WECHAT'))).to.deep.equal([]);
  });

  const mistakes: Array<[string, Record<string, string>, RegExp]> = [
    ['a token with other characters', { WECHAT_TOKEN: 'has space' }, /WECHAT_TOKEN must be/],
    ['an app id that is not wx…', { ...full, WECHAT_APP_ID: 'app123' }, /WECHAT_APP_ID must be/],
    ['an EncodingAESKey of 42 characters', { ...full, WECHAT_ENCODING_AES_KEY: ACCOUNT.encodingAesKey.slice(1) }, /WECHAT_ENCODING_AES_KEY must be/],
    ['an API base with a query', { ...full, WECHAT_API_BASE_URL: 'https://api.weixin.qq.com/?x=1' }, /WECHAT_API_BASE_URL must be/],
    ['an app id without its secret', { ...token, WECHAT_APP_ID: ACCOUNT.appId }, /WECHAT_APP_ID and WECHAT_APP_SECRET go together/],
    ['an EncodingAESKey without the app id', { ...token, WECHAT_ENCODING_AES_KEY: ACCOUNT.encodingAesKey }, /WECHAT_APP_ID is required with WECHAT_ENCODING_AES_KEY/],
    ['WeChat settings without WECHAT_TOKEN', { WECHAT_APP_ID: ACCOUNT.appId, WECHAT_APP_SECRET: ACCOUNT.appSecret }, /WECHAT_APP_ID has no effect without WECHAT_TOKEN/],
  ];
  for (const [name, env, message] of mistakes) {
    it(`stops at ${name}, naming the variable and not its value`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
      try {
        loadConfig(env);
      } catch (error) {
        for (const value of Object.values(env)) if (value.length > 8) expect((error as Error).message).not.to.include(value);
      }
    });
  }
});
