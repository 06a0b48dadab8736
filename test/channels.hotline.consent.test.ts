import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConversationState, MemoryStorage } from 'botbuilder';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import type { AgentApi, AgentHandler, SignedInAgent } from '../src/agents/index.js';
import { FilingBot } from '../src/bot/filing-bot.js';
import { hotlineChannel } from '../src/channels/hotline/hotline-channel.js';
import { MemoryCallStore } from '../src/channels/hotline/call-store.js';
import { DEFAULT_LOCALES_DIR, LOCALES, Texts, type Locale } from '../src/content/texts.js';
import { loadProfiles } from '../src/domain/profile.js';
import { MemoryFilingStore } from '../src/filings/index.js';
import { createUnderstanding } from '../src/nlu/index.js';
import { MemoryTurnLock } from '../src/state/memory-turn-lock.js';
import { TODAY } from './support/chat.js';

/**
 * The hotline records the caller's consent by the choice they made (agree or decline), never by the words the
 * side panel shows for it: reworded labels, or the caller's other language, record it the same. The guided
 * call's own routes, called in process with the real bot behind them (the HTTP, sign-in and CSRF of the
 * console are channels.hotline.test.ts's).
 */

const AGENT: SignedInAgent = { id: 'a0101', displayName: '王' };

/** The consent's choices reworded in both languages: the bot shows these, the hotline's words are content's own. */
const REWORDED: Record<Locale, { agree: string; decline: string }> = {
  'zh-CN': { agree: '同意授权处理个人信息', decline: '拒绝授权' },
  'en-US': { agree: 'Yes, I give my consent', decline: 'No, I refuse' },
};

/** The guided call's routes, without the console's guard: each handler called with the agent. */
function routes() {
  const handlers = new Map<string, AgentHandler>();
  const api: AgentApi = {
    get: (path, handler) => void handlers.set(`GET ${path}`, handler),
    post: (path, handler) => void handlers.set(`POST ${path}`, handler),
    put: (path, handler) => void handlers.set(`PUT ${path}`, handler),
    del: (path, handler) => void handlers.set(`DELETE ${path}`, handler),
  };
  const call = async (route: string, params: Record<string, string>, body?: unknown): Promise<Record<string, any>> => {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const req = Object.assign(Readable.from(raw ? [Buffer.from(raw)] : []), {
      params,
      headers: raw ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(raw)) } : {},
    }) as unknown as Request;
    let sent: { status: number; body: string } | undefined;
    const res = { sendRaw: (status: number, text: string) => void (sent = { status, body: text }) } as unknown as Response;
    await handlers.get(route)!(req, res, AGENT);
    expect(sent?.status, route).to.be.oneOf([200, 201]);
    return JSON.parse(sent!.body) as Record<string, any>;
  };
  return { api, call };
}

describe('hotline: the consent is recorded by the choice, not by its words', () => {
  let dir: string;
  let botTexts: Texts;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-consent-'));
    cpSync(DEFAULT_LOCALES_DIR, dir, { recursive: true });
    for (const locale of LOCALES) {
      const file = join(dir, locale, 'prompts.json');
      const prompts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { choices: Record<string, string> }>;
      Object.assign(prompts['consent.personalInfo']!.choices, REWORDED[locale]);
      writeFileSync(file, JSON.stringify(prompts));
    }
    botTexts = new Texts(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function hotline() {
    const audits: Array<Record<string, unknown>> = [];
    const bot = new FilingBot(new ConversationState(new MemoryStorage()), {
      texts: botTexts,
      profiles: loadProfiles(),
      defaultRegion: 'rizhao',
      filings: new MemoryFilingStore(),
      today: () => TODAY,
      understanding: createUnderstanding(),
      conversationTtlSeconds: 86_400,
    });
    const { api, call } = routes();
    hotlineChannel({
      api,
      audit: (event, fields = {}) => void audits.push({ event, ...fields }),
      calls: new MemoryCallStore(60_000),
      callLock: new MemoryTurnLock(),
      texts: new Texts(),
      answersOf: (context) => bot.answersOf(context),
      filingUnderWay: (context) => bot.filingUnderWay(context),
      registry: new Registry(),
    }).register({} as Server, {
      logic: (context) => bot.run(context),
      onTurnError: async (_context, error) => {
        throw error;
      },
      words: async (_context, key) => botTexts.t('zh-CN', key),
    });
    return { audits, call };
  }

  const OPENING: Record<Locale, string[]> = {
    'zh-CN': ['办理异地就医备案', '为本人办理', '日照', '上海'],
    'en-US': ['File for treatment elsewhere', "it's for me", 'Rizhao', 'Shanghai'],
  };

  for (const locale of LOCALES) {
    for (const choice of ['agree', 'decline'] as const) {
      it(`${locale}: the caller says "${REWORDED[locale][choice]}": recorded as ${choice === 'agree' ? 'given' : 'declined'}, audited once`, async () => {
        const { audits, call } = hotline();
        const started = await call('POST calls', {}, { locale });
        const id = started['call']['id'] as string;
        let screen: Record<string, any> = started;
        for (const text of OPENING[locale]) screen = await call('POST calls/:call/say', { call: id }, { text });
        expect(screen['question']['promptId']).to.equal('consent.personalInfo');
        screen = await call('POST calls/:call/say', { call: id }, { text: REWORDED[locale][choice] });
        // A declined consent ends the filing: the side panel is empty then.
        const consent = (screen['answers'] as Array<Record<string, unknown>>).find((a) => a['id'] === 'consent.personalInfo');
        if (choice === 'agree') expect(consent, 'the side panel shows the reworded choice').to.include({ value: REWORDED[locale][choice], choice });
        expect(screen['consent']).to.include({ given: choice === 'agree', agent: AGENT.id });
        expect(audits.filter((a) => a['event'] === 'call_consent').map((a) => a['outcome'])).to.deep.equal([choice === 'agree' ? 'given_orally' : 'declined']);
      });
    }
  }
});
