import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAppServer, type AppServer } from '../support/app-server.js';
import { AgentClient, AGENTS, agentAccountsEnv } from '../support/agents.js';
import { withinHours } from '../support/handoff.js';
import { Texts } from '../../src/content/texts.js';
import { WebChatDriver } from './webchat-driver.js';

/**
 * The live handoff on a government portal's own page, through the one-line embed (/embed.js), in a real
 * Chromium: the person asks for a person, an agent takes the conversation in the console and writes; the
 * agent's line shows as on the citizens' page — 人工客服 and the agent's name over a bubble of its own
 * colour, the words alone in it — from the page's own code (public/web/chat-ui.js), loaded by the embed.
 */
const T = new Texts();
const DOC_BOT = 'https://bot.example.gov.cn';
const docs = readFileSync(new URL('../../docs/embedding.md', import.meta.url), 'utf8');
/** The one-line snippet of docs/embedding.md, as written there. */
const ONE_LINE = [...docs.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]!).find((block) => block.split('\n')[0]!.includes('one-line embed'))!;

describe('live handoff on a portal\'s page through the one-line embed (real Chromium, another origin)', function () {
  this.timeout(120_000);
  let server: AppServer;
  let portal: Server;
  let portalOrigin: string;
  let person: WebChatDriver;

  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    let bot = '';
    portal = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>门户</title></head><body><main>${ONE_LINE.replaceAll(DOC_BOT, bot)}</main></body></html>`);
    });
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', () => resolve()));
    portalOrigin = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
    server = await startAppServer({ ...(await agentAccountsEnv()), WEB_ALLOWED_ORIGINS: portalOrigin }, { overrides: { handoffNow: withinHours() } });
    bot = server.base;
    person = await WebChatDriver.launch({ width: 900, height: 900 });
  });

  after(async () => {
    await person?.close();
    await server?.stop();
    if (portal) {
      portal.closeAllConnections();
      await new Promise<void>((resolve) => portal.close(() => resolve()));
    }
  });

  it('the agent\'s line is marked 人工客服 with the agent\'s name and styled as on the citizens\' page', async () => {
    const name = AGENTS.wang.displayName;
    const wang = new AgentClient(server.base);
    await wang.signIn(AGENTS.wang);
    await wang.call('GET', 'queue');

    await person.open(`${portalOrigin}/`);
    await person.run([{ sees: '请问您想办理什么' }, { type: '人工服务' }, { sees: '您排在第 1 位' }]);
    const id = (await wang.call('GET', 'queue')).json['waiting'][0].id as string;
    expect((await wang.call('POST', `handoffs/${id}/take`, {})).status).to.equal(200);
    await person.run([{ see: T.t('zh-CN', 'handoff.joined', { name }) }]);
    const said = '您好，我是王坐席。请问哪里不清楚？';
    await wang.call('POST', `handoffs/${id}/messages`, { text: said });
    await person.run([{ see: said }]);

    const shown = await person.page.$$eval('article.webchat__basic-transcript__activity', (rows) =>
      rows.map((row) => {
        const marked = row.querySelector('.yidi-activity--agent');
        const bubble = row.querySelector('.webchat__bubble__content');
        return {
          agent: marked?.getAttribute('data-from') === 'agent',
          label: marked?.querySelector(':scope > .yidi-agent-label')?.textContent ?? null,
          labelColor: marked ? getComputedStyle(marked.querySelector('.yidi-agent-label')!).color : null,
          text: (bubble?.textContent ?? '').trim(),
          background: bubble ? getComputedStyle(bubble).backgroundColor : '',
          fromUser: Boolean(row.querySelector('.webchat__stacked-layout--from-user')),
        };
      }),
    );
    const agentRows = shown.filter((r) => r.agent);
    expect(agentRows, 'one line of the agent').to.have.length(1);
    expect(agentRows[0]).to.include({ label: T.t('zh-CN', 'handoff.agentLabel', { name }), text: said, background: 'rgb(255, 244, 229)', labelColor: 'rgb(122, 62, 0)' });
    const botRows = shown.filter((r) => !r.agent && !r.fromUser && r.text);
    expect(botRows.length, "the assistant's lines").to.be.greaterThan(1);
    expect(botRows.map((r) => r.background), "the assistant's lines keep their own bubble").to.not.include(agentRows[0]!.background);
    expect(botRows.every((r) => r.label === null)).to.equal(true);
    // Screen readers hear who speaks: the whole line labels the message.
    const line = T.t('zh-CN', 'handoff.agentLine', { name, text: said });
    const label = await person.page.evaluate(() => {
      const row = document.querySelector('.yidi-activity--agent')!.closest('article.webchat__basic-transcript__activity')!;
      const labelled = row.querySelector('[role="article"][aria-labelledby]')?.getAttribute('aria-labelledby') ?? '';
      return document.getElementById(labelled)?.textContent ?? '';
    });
    expect(label).to.include(line);
    await person.screenshot('embed-handoff-agent-line');
    expect(person.problems, 'no console errors').to.deep.equal([]);
    await wang.call('POST', `handoffs/${id}/hand-back`, {});
  });
});
