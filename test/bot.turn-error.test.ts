import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { createTurnErrorHandler } from '../src/bot/turn-error.js';
import { createLogger } from '../src/ops/logger.js';
import { StoreUnavailableError, type StoreFault } from '../src/state/errors.js';
import { SUBMITTED_REFERENCE_KEY } from '../dialogs/review-dialog.js';
import { TestAdapter, TurnContext as BotTurnContext } from 'botbuilder';
import { DialogContext, DialogContextError, DialogSet } from 'botbuilder-dialogs';

/** The error as it leaves a dialog: botbuilder-dialogs wraps it in a DialogContextError. */
function fromDialog(inner: Error): Error {
  const dc = new DialogContext(new DialogSet(), new BotTurnContext(new TestAdapter(), { type: 'message' }), { dialogStack: [{ id: 'review.steps', state: {} }] });
  return new DialogContextError(inner, dc);
}

const texts = new Texts();
const logger = createLogger({ level: 'silent' });
const HOTLINE = '0633-12393';

async function apologyFor(error: Error, locale = 'zh-CN', turnState = new Map<unknown, unknown>()): Promise<{ text?: string; locale?: string; channelData?: unknown }> {
  const sent: Array<{ text?: string; locale?: string; channelData?: unknown }> = [];
  const context = {
    activity: { locale, channelId: 'test', conversation: { id: 'c1' } },
    turnState,
    sendActivity: async (a: { text?: string }) => {
      sent.push(a);
      return { id: '1' };
    },
  } as unknown as TurnContext;
  await createTurnErrorHandler({ texts, logger, hotline: HOTLINE })(context, error);
  expect(sent).to.have.length(1);
  return sent[0]!;
}

describe('the apology after a failed turn says what the person should do', () => {
  const cases: Array<[string, Error, string]> = [
    ['a bug', new Error('boom'), 'messages.error'],
    ['Redis not reachable before anything was sent', new StoreUnavailableError('read', 'not-connected'), 'system.storeUnavailable'],
    ['a read that timed out', new StoreUnavailableError('read', 'timeout'), 'system.storeUnavailable'],
    ['a write refused before it was sent', new StoreUnavailableError('write', 'not-connected'), 'system.storeUnavailable'],
    ...(['timeout', 'connection-lost'] as StoreFault[]).map(
      (fault): [string, Error, string] => [`a write whose reply never came (${fault}): it may have landed`, new StoreUnavailableError('write', fault), 'system.storeWriteUncertain'],
    ),
  ];
  cases.push(
    ['a filing store outage thrown inside a dialog (wrapped by botbuilder-dialogs)', fromDialog(new StoreUnavailableError('filings.submit', 'not-connected')), 'system.storeUnavailable'],
    ['a write timeout thrown inside a dialog', fromDialog(new StoreUnavailableError('write', 'timeout')), 'system.storeWriteUncertain'],
    ['a bug thrown inside a dialog', fromDialog(new Error('boom')), 'messages.error'],
  );
  for (const [what, error, key] of cases) {
    for (const locale of ['zh-CN', 'en-US'] as const) {
      it(`${what} (${locale})`, async () => {
        const reply = await apologyFor(error, locale);
        expect(reply.text).to.equal(texts.t(locale, key, { hotline: HOTLINE }));
        expect(reply.locale, 'the language of its words').to.equal(locale);
      });
    }
  }

  it('a write that may have landed is not called "not handled", and points to a safe command', async () => {
    const reply = await apologyFor(new StoreUnavailableError('write', 'timeout'));
    expect(reply.text).to.not.equal(texts.t('zh-CN', 'system.storeUnavailable'));
    expect(reply.text).to.include('帮助');
  });

  it('after a stored filing, the reference wins over every other apology', async () => {
    const reply = await apologyFor(new StoreUnavailableError('write', 'timeout'), 'zh-CN', new Map([[SUBMITTED_REFERENCE_KEY, 'YD-ABC']]));
    expect(reply.text).to.equal(texts.t('zh-CN', 'system.failedAfterSubmit', { reference: 'YD-ABC' }));
  });
});
