import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startAppServer, type AppServer } from './support/app-server.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';

/**
 * The identity check with an SMS provider configured by environment (SMS_PROVIDER=http): the app POSTs the
 * code as JSON to SMS_HTTP_URL with SMS_HTTP_AUTH_HEADER — a fake provider on a real port takes it here —
 * and a provider that refuses leaves the person with a clear answer and the hotline, counted as send_failed.
 */
describe('identity check through an HTTP SMS provider (SMS_PROVIDER=http)', function () {
  this.timeout(60_000);
  let provider: Server;
  let server: AppServer;
  let status = 200;
  const received: Array<{ headers: IncomingHttpHeaders; body: { to: string; text: string; purpose: string } }> = [];

  before(async () => {
    provider = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(body) as { to: string; text: string; purpose: string } });
        res.statusCode = status;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(provider.address() as { port: number }).port}/sms/send`;
    server = await startAppServer({ SMS_PROVIDER: 'http', SMS_HTTP_URL: url, SMS_HTTP_AUTH_HEADER: 'Authorization: Bearer provider-token' });
  });
  after(async () => {
    await server.stop();
    await new Promise<void>((r) => provider.close(() => r()));
  });

  const textOf = (replies: Partial<Activity>[]) => replies.map((r) => r.text ?? '').join('\n');

  it('the code reaches the provider as JSON with the header, and proves the person', async () => {
    const filer = new HttpChat([server.base]);
    for (const [say] of TMP_OTHER_SCRIPT) await filer.say(say);
    const reference = (await filer.say('确认提交')).replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing?.reference).find(Boolean)!;
    const chat = new HttpChat([server.base]);
    for (const said of ['查询备案', reference, '11010519491231002X', '13812345678']) await chat.say(said);
    const sent = received.at(-1)!;
    expect(sent.headers['authorization']).to.equal('Bearer provider-token');
    expect(sent.headers['content-type']).to.equal('application/json');
    expect(sent.body).to.include({ to: '13812345678', purpose: 'code' });
    const code = /\d{6}/.exec(sent.body.text)![0];
    expect(textOf((await chat.say(code)).replies)).to.contain(reference).and.contain('已提交，等待审核');
    expect(server.lines.map((l) => JSON.stringify(l)).filter((l) => l.includes(code) || l.includes('provider-token'))).to.deep.equal([]);
  });

  it('a provider that refuses: the person is told, with the hotline, and nothing else is asked', async () => {
    status = 503;
    const chat = new HttpChat([server.base]);
    await chat.say('查询备案');
    const filer = new HttpChat([server.base]);
    status = 200;
    for (const [say] of TMP_OTHER_SCRIPT) await filer.say(say);
    const reference = (await filer.say('确认提交')).replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing?.reference).find(Boolean)!;
    status = 503;
    for (const said of [reference, '11010519491231002X']) await chat.say(said);
    const failed = await chat.say('13812345678');
    expect(textOf(failed.replies)).to.contain('验证码短信暂时发不出去').and.contain('0633-12393');
    expect((failed.replies.at(-1)?.channelData as { promptId?: string }).promptId).to.equal('menu.main');
    expect(await (await fetch(`${server.base}/metrics`)).text()).to.match(/identity_checks_total\{outcome="send_failed"\} 1/);
    expect(server.lines.some((l) => l['identityCheck'] === 'send_failed' && l['level'] === 40)).to.equal(true);
    status = 200;
  });
});
