import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { MemoryActivityLog, pageLocale } from '../src/channels/web/index.js';
import { startWebChannel, type RunningChannel } from './channels.web.fixtures.js';

const PUBLIC = new URL('../public/', import.meta.url);
const strings = (locale: string) => JSON.parse(readFileSync(new URL(`web/strings/${locale}.json`, PUBLIC), 'utf8')) as Record<string, string>;
const template = readFileSync(new URL('index.html', PUBLIC), 'utf8');

/** A GET that leaves the body as bytes (fetch would gunzip it). */
function getRaw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('web channel: the citizens’ page', () => {
  let running: RunningChannel;
  before(async () => {
    running = await startWebChannel({ activityLog: new MemoryActivityLog() });
  });
  after(() => running.close());

  describe('its words', () => {
    it('the Chinese and English strings have the same keys, none empty', () => {
      const [zh, en] = [strings('zh-CN'), strings('en-US')];
      expect(Object.keys(en).sort()).to.deep.equal(Object.keys(zh).sort());
      for (const [key, value] of [...Object.entries(zh), ...Object.entries(en)]) expect(value, key).to.be.a('string').and.not.equal('');
    });

    it('every {{t:key}} of the page and every string the script shows exists', () => {
      const used = [...template.matchAll(/\{\{t:([\w.]+)\}\}/g)].map((m) => m[1]!);
      const script = ['web/page.js', 'web/conversation.js', 'embed/embed.js'].map((file) => readFileSync(new URL(file, PUBLIC), 'utf8')).join('\n');
      // Keys passed to say(...) / trouble(...) / stop(...) (also as `say(cond ? 'key' : '')`), the ones
      // problemKey() gives, and strings.<key> read directly.
      used.push(...[...script.matchAll(/(?:say|trouble|stop)\((?:[\w.]+ \? )?'(\w+)'/g)].map((m) => m[1]!));
      for (const [, returned] of script.matchAll(/function problemKey[^}]*?return ([^;]*);/g)) used.push(...[...returned!.matchAll(/'(\w+)'/g)].map((m) => m[1]!));
      used.push(...[...script.matchAll(/strings\.(\w+)/g)].map((m) => m[1]!));
      expect(used).to.include.members(['expired', 'expiredRestart', 'ended', 'failed', 'busy', 'loading', 'retry', 'restart']);
      expect(used.length).to.be.greaterThan(5);
      for (const key of used) expect(strings('zh-CN'), key).to.have.property(key);
    });

    const langs: [string | undefined, string][] = [
      [undefined, 'zh-CN'],
      ['zh', 'zh-CN'],
      ['en', 'en-US'],
      ['en-GB', 'en-US'],
      ['fr', 'zh-CN'],
    ];
    for (const [lang, locale] of langs) {
      it(`?lang=${lang ?? '(none)'} gives the page in ${locale}`, () => expect(pageLocale(lang)).to.equal(locale));
    }
  });

  describe('GET /', () => {
    it('is Chinese by default: lang attribute, title, labelled chat region, the strings for the script', async () => {
      const response = await fetch(`${running.baseUrl}/`);
      const html = await response.text();
      const zh = strings('zh-CN');
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(html).to.include('<html lang="zh-CN">');
      expect(html).to.include(`<title>${zh['title']}</title>`);
      expect(html).to.include(`aria-label="${zh['chatLabel']}"`);
      expect(html).to.not.match(/\{\{/);
      const embedded = /<script type="application\/json" id="page-strings">(.*?)<\/script>/s.exec(html)![1]!;
      expect(JSON.parse(embedded)).to.deep.equal(zh);
    });

    it('?lang=en gives the English page with a way back to Chinese', async () => {
      const html = await (await fetch(`${running.baseUrl}/?lang=en`)).text();
      expect(html).to.include('<html lang="en-US">');
      expect(html).to.include(`<h1>${strings('en-US')['title']}</h1>`);
      expect(html).to.include('href="?lang=zh" lang="zh-CN"');
    });

    it('forbids scripts from anywhere but the bot itself (no CDN) and framing by other sites', async () => {
      const response = await fetch(`${running.baseUrl}/`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).to.include("script-src 'self'");
      expect(csp).to.include("connect-src 'self'");
      expect(csp).to.include("frame-ancestors 'self'");
      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(response.headers.get('x-frame-options'), 'for browsers without frame-ancestors').to.equal('SAMEORIGIN');
      expect(response.headers.get('permissions-policy')).to.include('camera=()').and.include('microphone=()').and.include('geolocation=()');
      const html = await response.text();
      const sources = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!.replace(/\.[0-9a-f]{10}\./, '.<hash>.'));
      expect(sources).to.deep.equal(['/web/conversation.<hash>.js', '/web/chat-ui.<hash>.js', '/web/page.<hash>.js', '/webchat-minimal.<hash>.js']);
      expect([...html.matchAll(/<script (\w+)/g)].map((m) => m[1]).filter((a) => a !== 'type'), 'every script deferred').to.deep.equal(['defer', 'defer', 'defer', 'defer']);
    });

    it('the allowed framing sites are configurable', async () => {
      const other = await startWebChannel({ activityLog: new MemoryActivityLog(), page: { frameAncestors: ["'self'", 'https://ybj.example.gov.cn'] } });
      try {
        const response = await fetch(`${other.baseUrl}/`);
        expect(response.headers.get('content-security-policy')).to.include("frame-ancestors 'self' https://ybj.example.gov.cn");
        expect(response.headers.get('x-frame-options'), 'would forbid the listed portal').to.equal(null);
      } finally {
        await other.close();
      }
    });

    it('a channel without the page serves only the Direct Line API', async () => {
      const apiOnly = await startWebChannel({ activityLog: new MemoryActivityLog(), page: false });
      try {
        expect((await fetch(`${apiOnly.baseUrl}/`)).status).to.equal(404);
        expect((await fetch(`${apiOnly.baseUrl}/v3/directline/tokens/generate`, { method: 'POST' })).status).to.equal(200);
      } finally {
        await apiOnly.close();
      }
    });
  });

  describe('GET /webchat.js and the page’s own files', () => {
    const vendored = readFileSync(new URL('vendor/webchat/webchat.js', PUBLIC));

    it('serves the vendored Web Chat bundle unchanged, gzipped when the browser accepts it', async () => {
      const zipped = await getRaw(`${running.baseUrl}/webchat.js`, { 'Accept-Encoding': 'gzip, deflate' });
      expect(zipped.status).to.equal(200);
      expect(zipped.headers['content-encoding']).to.equal('gzip');
      expect(zipped.headers['content-type']).to.equal('text/javascript; charset=utf-8');
      expect(zipped.body.length).to.be.lessThan(vendored.length / 2);
      expect(gunzipSync(zipped.body).equals(vendored)).to.equal(true);
      const plain = await getRaw(`${running.baseUrl}/webchat.js`);
      expect(plain.headers['content-encoding']).to.equal(undefined);
      expect(plain.body.equals(vendored)).to.equal(true);
    });

    it('the bundle is the official Web Chat 4.18.1 build that sets window.WebChat', () => {
      expect(vendored.subarray(0, 80).toString()).to.include('For license information please see webchat.js.LICENSE.txt');
      expect(vendored.toString('latin1')).to.include('"4.18.1"');
    });

    for (const [path, type] of [
      ['/web/conversation.js', 'text/javascript; charset=utf-8'],
      ['/web/page.js', 'text/javascript; charset=utf-8'],
      ['/web/page.css', 'text/css; charset=utf-8'],
      ['/webchat.js.LICENSE.txt', 'text/plain; charset=utf-8'],
    ] as const) {
      it(`serves ${path} as ${type}`, async () => {
        const response = await fetch(`${running.baseUrl}${path}`);
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.equal(type);
        expect((await response.text()).length).to.be.greaterThan(100);
      });
    }
  });
  describe('caching and compression of the page’s files', () => {
    const minimal = readFileSync(new URL('vendor/webchat/webchat-minimal.js', PUBLIC));
    const pageHtml = async () => (await fetch(`${running.baseUrl}/`)).text();
    const versioned = async (name: string) => {
      const src = [...(await pageHtml()).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).find((u) => u.includes(name));
      expect(src, name).to.be.a('string');
      return src!;
    };

    it('the page names its scripts and style by content hash; those URLs are cached for a year, immutable', async () => {
      for (const name of ['/webchat-minimal.', '/web/conversation.', '/web/chat-ui.', '/web/page.', '/web/page.css']) {
        const url = await versioned(name.replace('/web/page.css', '/web/page.'));
        expect(url).to.match(/\.[0-9a-f]{10}\.(js|css)$/);
        const r = await getRaw(`${running.baseUrl}${url}`, { 'Accept-Encoding': 'gzip' });
        expect(r.status, url).to.equal(200);
        expect(r.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
      }
      const hash = (await versioned('/webchat-minimal.')).match(/\.([0-9a-f]{10})\./)![1]!;
      expect(createHash('sha256').update(minimal).digest('hex').startsWith(hash), 'the hash is the content’s').to.equal(true);
    });

    it('the page uses the minimal Web Chat bundle, brotli-compressed (precompressed, under 400 KB) or gzipped as the browser accepts', async () => {
      const url = await versioned('/webchat-minimal.');
      const br = await getRaw(`${running.baseUrl}${url}`, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).to.equal('br');
      expect(br.body.length).to.be.lessThan(400 * 1024);
      expect(brotliDecompressSync(br.body).equals(minimal)).to.equal(true);
      const gz = await getRaw(`${running.baseUrl}${url}`, { 'Accept-Encoding': 'gzip, deflate' });
      expect(gz.headers['content-encoding']).to.equal('gzip');
      expect(gunzipSync(gz.body).equals(minimal)).to.equal(true);
      const none = await getRaw(`${running.baseUrl}${url}`, { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
      expect(none.headers['content-encoding']).to.equal(undefined);
      expect(none.body.equals(minimal)).to.equal(true);
      expect(br.headers['vary']).to.include('Accept-Encoding');
    });

    it('the precompressed bundle is exactly the vendored one', () => {
      const br = readFileSync(new URL('vendor/webchat/webchat-minimal.js.br', PUBLIC));
      expect(brotliDecompressSync(br).equals(minimal)).to.equal(true);
    });

    it('validators: ETag and Last-Modified on every file, 304 without a body when the browser has it', async () => {
      for (const path of [await versioned('/webchat-minimal.'), '/webchat.js', '/web/page.js']) {
        const first = await getRaw(`${running.baseUrl}${path}`, { 'Accept-Encoding': 'gzip' });
        const etag = String(first.headers['etag']);
        expect(etag, path).to.match(/^"[0-9a-f]{10}-gzip"$/);
        expect(Date.parse(String(first.headers['last-modified'])), path).to.be.a('number').and.not.NaN;
        const again = await getRaw(`${running.baseUrl}${path}`, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
        expect(again.status, path).to.equal(304);
        expect(again.body.length).to.equal(0);
        const since = await getRaw(`${running.baseUrl}${path}`, { 'If-Modified-Since': String(first.headers['last-modified']) });
        expect(since.status, path).to.equal(304);
        const changed = await getRaw(`${running.baseUrl}${path}`, { 'If-None-Match': '"0000000000-gzip"' });
        expect(changed.status, path).to.equal(200);
      }
    });

    it('the plain URLs stay for portals (briefly cached), and an unknown hash gets the current file, briefly cached', async () => {
      const plain = await getRaw(`${running.baseUrl}/web/page.js`);
      expect(plain.headers['cache-control']).to.equal('public, max-age=300');
      const other = await getRaw(`${running.baseUrl}/web/page.0123456789.js`);
      expect(other.status).to.equal(200);
      expect(other.headers['cache-control']).to.equal('public, max-age=300');
      expect(other.body.equals(readFileSync(new URL('web/page.js', PUBLIC)))).to.equal(true);
    });

    it('the page itself is revalidated (no-cache) with an ETag', async () => {
      const first = await fetch(`${running.baseUrl}/`);
      expect(first.headers.get('cache-control')).to.equal('no-cache');
      const etag = first.headers.get('etag')!;
      expect(etag).to.match(/^"[0-9a-f]+"$/);
      expect((await fetch(`${running.baseUrl}/`, { headers: { 'If-None-Match': etag } })).status).to.equal(304);
      expect((await fetch(`${running.baseUrl}/?lang=en`, { headers: { 'If-None-Match': etag } })).status, 'the English page is another').to.equal(200);
    });
  });
});
