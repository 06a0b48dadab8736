import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { newReference } from '../src/filings/reference.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { HttpChat } from './support/http-chat.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';

/**
 * The identity check on the web page's channel (Direct Line on the real server): failed attempts are also
 * counted per client address (the person's browser), and what the person typed for it — the ID number,
 * the phone, the one-time code — is kept in the replayed transcript masked.
 */

const ID = '11010519491231002X';
const PHONE = '13812345678';

describe('after submitting, on the web channel: attempts per address, and the transcript masked', function () {
  this.timeout(60_000);
  let server: AppServer;
  let dir: string;
  let smsFile: string;
  let dl: DirectLineClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lifecycle-web-'));
    smsFile = join(dir, 'sms.jsonl');
    server = await startAppServer({ SMS_FILE_PATH: smsFile, IDENTITY_MAX_ATTEMPTS_PER_ADDRESS: '2' });
    dl = new DirectLineClient(server.base);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The newest code in the outbox file, as the operator reads it. */
  const lastCode = () => {
    const last = existsSync(smsFile) ? readFileSync(smsFile, 'utf8').trim().split('\n').at(-1) : undefined;
    return last ? (/\d{6}/.exec((JSON.parse(last) as { text: string }).text)?.[0] ?? '') : '';
  };

  async function web(): Promise<{ say: (text: string) => Promise<Activity[]>; history: () => Promise<Activity[]> }> {
    const { token, conversationId } = await dl.open('zh-CN');
    let watermark = (await dl.poll(token, conversationId)).body.watermark;
    return {
      say: async (text) => {
        expect((await dl.post(token, conversationId, userMessage(text))).status).to.equal(200);
        const polled = await dl.poll(token, conversationId, watermark);
        watermark = polled.body.watermark;
        return polled.body.activities.filter((a) => a.from?.role === 'bot');
      },
      history: async () => (await dl.poll(token, conversationId, '')).body.activities,
    };
  }

  const said = (activities: Activity[]) => activities.map((a) => a.text ?? '').join('\n');

  it('two mismatches from one address lock that address out for any filing and conversation; another address is not', async () => {
    for (const reference of [newReference(), newReference()]) {
      const chat = await web();
      await chat.say('查询备案');
      await chat.say(reference);
      await chat.say(ID);
      await chat.say('13900001111');
    }
    const third = await web();
    await third.say('查询备案');
    expect(said(await third.say(newReference()))).to.contain('尝试次数过多');
    // /api/messages carries no browser address: not locked by the web page's.
    const other = new HttpChat([server.base]);
    await other.say('查询备案');
    const asked = await other.say(newReference());
    expect((asked.replies.at(-1)?.channelData as { promptId?: string }).promptId).to.equal('lifecycle.idNumber');
  });

  it('the ID number, the phone and the code are masked in the replayed transcript', async () => {
    // A filing made over /api/messages, checked on a fresh server's web page (its address not locked).
    const fresh = await startAppServer({ SMS_FILE_PATH: smsFile });
    try {
      const filer = new HttpChat([fresh.base]);
      for (const [say] of TMP_OTHER_SCRIPT) await filer.say(say);
      const submitted = await filer.say('确认提交');
      const reference = submitted.replies.map((r) => (r.channelData as { filing?: { reference: string } } | undefined)?.filing?.reference).find(Boolean)!;
      const client = new DirectLineClient(fresh.base);
      const { token, conversationId } = await client.open('zh-CN');
      for (const text of ['查询备案', reference, ID, PHONE]) await client.post(token, conversationId, userMessage(text));
      const code = lastCode();
      await client.post(token, conversationId, userMessage(code));
      const history = (await client.poll(token, conversationId, '')).body.activities;
      const typed = history.filter((a) => a.from?.role === 'user').map((a) => a.text);
      expect(typed).to.deep.equal(['查询备案', reference, '1101**********002X', '138****5678', '******']);
      expect(said(history)).to.contain('上海市第六人民医院');
    } finally {
      await fresh.stop();
    }
  });
});
