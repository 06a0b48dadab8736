/**
 * The yardstick: a minimal stock botbuilder bot, as the botbuilder samples build one — CloudAdapter with
 * anonymous authentication, MemoryStorage, ConversationState and one waterfall of eight text prompts,
 * served by restify at POST /api/messages. `npm run bench -- --compare` runs it and the project back to
 * back under the same load, so the project's cost per turn is read against it, never against a recorded
 * number. Nothing of the project is imported here.
 *
 * Run on its own (a child process of the benchmark): prints `{"port": N}` once listening (and sends it over
 * IPC when forked; then answers `'counts'` with the CPU time used since the last ask, as the project's
 * bench/project-server.ts does); PORT (default 0: any free port) and HOST (default 127.0.0.1) choose where.
 */
import restify from 'restify';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog, type DialogState, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isMain } from './is-main.js';

/** The eight questions; the last step answers with a summary of the answers and ends the dialog. */
export const REFERENCE_QUESTIONS = ['姓名？', '身份证号？', '手机号？', '参保地？', '就医地？', '险种？', '开始日期？', '医院？'] as const;

export interface ReferenceBot {
  port: number;
  close(): Promise<void>;
}

export async function startReferenceBot(port = 0, host = '127.0.0.1'): Promise<ReferenceBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions));
  adapter.onTurnError = async (context, error) => {
    process.stderr.write(`reference bot: ${error instanceof Error ? error.message : String(error)}\n`);
    await context.sendActivity('error');
  };
  const conversationState = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(conversationState.createProperty<DialogState>('dialogState'));
  dialogs.add(new TextPrompt('text'));
  const ask = (i: number) => async (step: WaterfallStepContext) => {
    if (i > 0) (step.values as Record<string, unknown>)[`a${i}`] = step.result;
    return step.prompt('text', REFERENCE_QUESTIONS[i]!);
  };
  dialogs.add(
    new WaterfallDialog('filing', [
      ...REFERENCE_QUESTIONS.map((_, i) => ask(i)),
      async (step: WaterfallStepContext) => {
        const answers = { ...(step.values as Record<string, unknown>), a8: step.result };
        await step.context.sendActivity(`已记录：${Object.keys(answers).length} 项`);
        return step.endDialog(answers);
      },
    ]),
  );
  const logic = async (context: TurnContext): Promise<void> => {
    if (context.activity.type === 'message') {
      const dc = await dialogs.createContext(context);
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog('filing');
    }
    await conversationState.saveChanges(context, false);
  };

  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, logic);
  });
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      server.close();
      server.server.closeAllConnections();
    },
  };
}

if (isMain(import.meta.url)) {
  startReferenceBot(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1').then(
    (bot) => {
      process.stdout.write(`${JSON.stringify({ port: bot.port })}\n`);
      process.send?.({ port: bot.port });
      let cpu = process.cpuUsage();
      process.on('message', (message) => {
        if (message === 'counts') {
          const used = process.cpuUsage(cpu);
          cpu = process.cpuUsage();
          process.send?.({ counts: {}, cpuMicros: used.user + used.system, monoMicros: Number(process.hrtime.bigint() / 1000n) });
        } else if (message === 'stop') void bot.close().then(() => process.exit(0));
      });
    },
    (error: unknown) => {
      process.stderr.write(`reference bot failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
