import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { createApp, type App } from '../src/app.js';
import { ReceiptLinks } from '../src/channels/web/index.js';
import { loadConfig } from '../src/config.js';
import { Texts } from '../src/content/texts.js';
import { createLogger } from '../src/ops/logger.js';
import { loadProfiles } from '../src/domain/profile.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { TMP_OTHER_SCRIPT } from './support/paths.js';

const SECRET = 'documents-test-secret-0123456789-abcdefghij';
const texts = new Texts();
const rizhao = loadProfiles().get('rizhao')!;

/** A person on the web channel: says each line of a script and waits for the bot's replies. */
async function converse(client: DirectLineClient, lines: string[]): Promise<{ token: string; conversationId: string; activities: Activity[] }> {
  const { token, conversationId } = await client.open('zh-CN');
  for (const text of lines) expect((await client.post(token, conversationId, userMessage(text))).status, text).to.equal(200);
  const activities = (await client.poll(token, conversationId)).body.activities;
  return { token, conversationId, activities };
}

const referenceOf = (activities: Activity[]) =>
  activities.map((a) => (a.channelData as { filing?: { reference?: string } } | undefined)?.filing?.reference).find((r) => r !== undefined);

/**
 * The pages beside the chat, over HTTP on a real port with the real app: the privacy notice (worded from
 * the profile and the configuration) and a filing's receipt, reachable only by the conversation that
 * submitted it (its token, or a receipt link it was given) and never cached.
 */
describe('web channel: the privacy notice and filing receipts', function () {
  this.timeout(60_000);
  let app: App;
  let base: string;
  let client: DirectLineClient;
  let filer: { token: string; conversationId: string; activities: Activity[] };
  let reference: string;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'documents-'));
    app = createApp(
      loadConfig({ PORT: '0', FILINGS_PATH: join(dir, 'filings.json'), LOG_LEVEL: 'silent', WEB_TOKEN_SECRET: SECRET, STATE_TTL_CONVERSATION_SECONDS: '7200' }),
      { logger: createLogger({ level: 'silent' }), today: () => '2026-11-24' },
    );
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    client = new DirectLineClient(base);
    filer = await converse(client, [...TMP_OTHER_SCRIPT.map(([say]) => say).slice(1), '确认提交']);
    reference = referenceOf(filer.activities)!;
    expect(reference, 'the filing was confirmed').to.match(/^YD\d{8}-[0-9A-Z]{6}$/);
  });

  after(async () => {
    app?.server.close();
    for (const closer of app?.closers ?? []) await closer.close();
  });

  describe('GET /privacy', () => {
    it('in Chinese: who holds the data (the profile’s agency), what for, how long (from the configuration), how to withdraw and delete', async () => {
      const response = await fetch(`${base}/privacy`);
      const html = await response.text();
      expect(response.status).to.equal(200);
      expect(html).to.include('<html lang="zh-CN">');
      expect(html).to.include(rizhao.agency.value['zh-CN']);
      expect(html).to.include(rizhao.hotline.value).and.include(rizhao.hotlineHours.value['zh-CN']);
      expect(html).to.include(rizhao.filingRetention.value['zh-CN']);
      expect(html, 'STATE_TTL_CONVERSATION_SECONDS=7200').to.include('2 小时');
      expect(html).to.include(`“${texts.t('zh-CN', 'commands.cancel.label')}”`);
      for (const key of ['holderHeading', 'purposeHeading', 'keptHeading', 'rightsHeading']) expect(html).to.include(texts.t('zh-CN', `pages.privacy.${key}`));
      expect(response.headers.get('content-security-policy')).to.include("script-src 'self'");
    });

    it('in English (?lang=en), from the same sources', async () => {
      const html = await (await fetch(`${base}/privacy?lang=en`)).text();
      expect(html).to.include('<html lang="en-US">');
      expect(html).to.include(rizhao.agency.value['en-US']).and.include(rizhao.hotlineHours.value['en-US']).and.include('2 hours');
    });

    it('the page’s failure note names the profile’s hotline and its hours, never a number written into the page', async () => {
      for (const [lang, locale] of [['', 'zh-CN'], ['?lang=en', 'en-US']] as const) {
        const html = await (await fetch(`${base}/${lang}`)).text();
        const strings = JSON.parse(/<script type="application\/json" id="page-strings">(.*?)<\/script>/s.exec(html)![1]!) as Record<string, string>;
        expect(strings['failed'], locale).to.include(rizhao.hotline.value).and.include(rizhao.hotlineHours.value[locale]).and.not.match(/\{\w+\}/);
      }
      for (const locale of ['zh-CN', 'en-US']) {
        const raw = readFileSync(new URL(`../public/web/strings/${locale}.json`, import.meta.url), 'utf8');
        expect(raw, `public/web/strings/${locale}.json: the hotline comes from the region profile`).not.to.include('12393');
      }
    });

    it('the chat page links to it and states the same lifetime', async () => {
      const zh = await (await fetch(`${base}/`)).text();
      expect(zh).to.include('href="/privacy"').and.include('保留 2 小时');
      expect(zh).to.include(rizhao.agency.value['zh-CN']).and.include(rizhao.hotlineHours.value['zh-CN']);
      expect(await (await fetch(`${base}/?lang=en`)).text()).to.include('href="/privacy?lang=en"');
    });
  });

  describe('GET /receipt/<reference>', () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
    const link = (token: string, ref = reference, lang = '') =>
      fetch(`${base}/receipt/${ref}/link${lang}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });

    it('with the token of the conversation that filed: the receipt, its reference in large type, ID and mobile masked, not cached', async () => {
      const response = await get(`/receipt/${reference}`, { Authorization: `Bearer ${filer.token}` });
      const html = await response.text();
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(html).to.match(new RegExp(`class="reference"[^>]*>${reference}<`));
      expect(html).to.include('1101**********002X').and.include('138****5678');
      expect(html).to.not.include('11010519491231002X').and.not.include('13812345678');
      expect(html).to.include(rizhao.categories.TMP_OTHER.name['zh-CN']);
      expect(html).to.include('上海市第六人民医院');
      expect(html, 'what happens next: the profile').to.include(rizhao.afterSubmit.value['zh-CN'].replace('{agency}', rizhao.agency.value['zh-CN']));
      expect(html, 'dates as people read them').to.match(/2026年11月25日/);
      expect(html).to.include(texts.t('zh-CN', 'pages.receipt.bringHeading')).and.include(texts.t('zh-CN', 'pages.receipt.nextHeading'));
    });

    it('a receipt link from that conversation: valid until it expires, in the language asked for', async () => {
      const answer = await link(filer.token, reference, '?lang=en');
      expect(answer.status).to.equal(200);
      const { url, expiresAt } = (await answer.json()) as { url: string; expiresAt: number };
      expect(url).to.match(new RegExp(`^/receipt/${reference}\\?until=\\d+&sig=[\\w-]{43}&lang=en$`));
      expect(expiresAt * 1000 - Date.now()).to.be.within(7190_000, 7200_000);
      const page = await get(url);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include('<html lang="en-US">').and.include(reference).and.include('1101**********002X');
    });

    it('refused with no data: no credential, another conversation’s token, a forged or altered link, an unknown reference (404); an expired link (403)', async () => {
      const other = await client.open('zh-CN');
      const { url } = (await (await link(filer.token)).json()) as { url: string };
      const forged = url.replace(/sig=[\w-]+/, `sig=${'A'.repeat(43)}`);
      const later = url.replace(/until=(\d+)/, (_, u: string) => `until=${Number(u) + 1}`);
      const expired = new ReceiptLinks(SECRET, 60, () => Date.now() - 3600_000).issue(reference, 'zh-CN').url;
      const cases: Array<[string, Response, number]> = [
        ['no credential', await get(`/receipt/${reference}`), 404],
        ['another conversation’s token', await get(`/receipt/${reference}`, { Authorization: `Bearer ${other.token}` }), 404],
        ['a forged signature', await get(forged), 404],
        ['a link with its expiry moved', await get(later), 404],
        ['a link for another reference', await get(url.replace(reference, 'YD20261124-00000X')), 404],
        ['not a reference', await get(`/receipt/nothing`, { Authorization: `Bearer ${filer.token}` }), 404],
        ['an expired link', await get(expired), 403],
      ];
      for (const [what, response, status] of cases) {
        expect(response.status, what).to.equal(status);
        expect(response.headers.get('cache-control'), what).to.equal('no-store');
        const html = await response.text();
        expect(html, what).to.not.include(reference).and.not.include('002X').and.not.include('5678').and.not.include('上海市第六人民医院');
      }
      expect((await link(other.token)).status, 'another conversation gets no link').to.equal(404);
      expect((await fetch(`${base}/receipt/${reference}/link`, { method: 'POST' })).status, 'no token, no link').to.equal(401);
    });

    it('a message the page posts cannot pretend to be the confirmation (only the bot’s count)', async () => {
      const other = await client.open('zh-CN');
      await client.post(other.token, other.conversationId, userMessage('hello', { channelData: { clientActivityID: 'x', filing: { reference } } }));
      await client.post(other.token, other.conversationId, { ...userMessage('hi'), from: { id: 'yidi-bot', role: 'bot' }, channelData: { filing: { reference } } });
      expect((await get(`/receipt/${reference}`, { Authorization: `Bearer ${other.token}` })).status).to.equal(404);
    });
  });
});
