import { expect } from 'chai';
import { ActivityTypes, CloudAdapter, type Activity, type TurnContext } from 'botbuilder';
import { createBotFrameworkAdapter } from '../src/channels/bot-framework/bot-framework-adapter.js';
import { OUTBOUND_POLICY_NAME } from '../src/channels/bot-framework/outbound-limits.js';

/**
 * The Bot Framework adapter makes its ConnectorClient and UserTokenClient once per app id, serviceUrl and
 * audience and keeps them (CloudAdapter alone builds both, each an HTTP pipeline, on every turn), each
 * client bounded by the outbound limits once.
 */
describe('Bot Framework adapter: connector and user-token clients are made once and kept', () => {
  const activity = (serviceUrl: string, id: string): Activity =>
    ({
      type: ActivityTypes.Message,
      id,
      text: 'hi',
      channelId: 'emulator',
      serviceUrl,
      deliveryMode: 'expectReplies',
      conversation: { id: 'clients' },
      from: { id: 'user' },
      recipient: { id: 'bot' },
    }) as Activity;

  it('two turns to one serviceUrl share both clients; another serviceUrl gets its own connector client; the limits policy is on each once', async () => {
    const adapter = createBotFrameworkAdapter({}, { timeoutMs: 1000, maxConnections: 4, loopbackOnly: true });
    const seen: Array<{ connector: unknown; userToken: unknown }> = [];
    const logic = async (context: TurnContext) => {
      seen.push({ connector: context.turnState.get(adapter.ConnectorClientKey), userToken: context.turnState.get((adapter as CloudAdapter).UserTokenClientKey) });
      await context.sendActivity('hello');
    };
    const answered = await adapter.run('', activity('http://127.0.0.1:3978', 'a1'), logic);
    expect((answered?.body as { activities?: unknown[] }).activities).to.have.length(1);
    await adapter.run('', activity('http://127.0.0.1:3978', 'a2'), logic);
    await adapter.run('', activity('http://127.0.0.1:3979', 'a3'), logic);
    expect(seen).to.have.length(3);
    expect(seen[0]!.connector).to.be.an('object');
    expect(seen[1]!.connector).to.equal(seen[0]!.connector);
    expect(seen[1]!.userToken).to.equal(seen[0]!.userToken);
    expect(seen[2]!.connector).to.not.equal(seen[0]!.connector);
    expect(seen[2]!.userToken).to.equal(seen[0]!.userToken);
    for (const { connector } of seen) {
      const policies = (connector as { client: { pipeline: { getOrderedPolicies(): Array<{ name: string }> } } }).client.pipeline.getOrderedPolicies();
      expect(policies.filter((p) => p.name === OUTBOUND_POLICY_NAME)).to.have.length(1);
    }
    adapter.outbound.close();
  });
});

describe('Bot Framework adapter: whether authentication is disabled is asked once', () => {
  type Factory = { isAuthenticationDisabled(): Promise<boolean> };
  const factoryOf = (adapter: object): Factory =>
    ((adapter as unknown as { authentication: { inner: { credentialsFactory: Factory } } }).authentication.inner.credentialsFactory);

  it('answers every request with the answer the configuration gave (no app id: disabled; an app id: enabled)', async () => {
    const local = factoryOf(createBotFrameworkAdapter({}, { timeoutMs: 1000, maxConnections: 4, loopbackOnly: true }));
    expect(local.isAuthenticationDisabled(), 'one answer, not one async call per request').to.equal(local.isAuthenticationDisabled());
    expect(await local.isAuthenticationDisabled()).to.equal(true);
    const configured = factoryOf(
      createBotFrameworkAdapter({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret', MicrosoftAppType: 'MultiTenant' }, { timeoutMs: 1000, maxConnections: 4, loopbackOnly: false }),
    );
    expect(configured.isAuthenticationDisabled()).to.equal(configured.isAuthenticationDisabled());
    expect(await configured.isAuthenticationDisabled()).to.equal(false);
  });
});
