import { createApp } from './app.js';
import { loadConfig, ConfigError } from './config.js';
import { createShutdown } from './ops/shutdown.js';
import { routeConsoleToLogger } from './ops/library-console.js';

/**
 * The process: read the configuration (a mistake stops start-up with one clear line), build the app,
 * listen, and stop cleanly on SIGTERM/SIGINT (finish the turns in flight, flush the filings, close Redis).
 */
async function main(): Promise<void> {
  let config;
  let app;
  try {
    config = loadConfig();
    app = createApp(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // botbuilder prints refused tokens' stack traces to the console: they go through the logger instead.
  routeConsoleToLogger(app.logger);
  const port = await app.listen(config.port);
  const routes = config.botFrameworkChannel.enabled ? 'POST /api/messages, the web page at /' : 'the web page at / (no /api/messages)';
  app.logger.info({ port }, `listening on http://localhost:${port} (${routes}, GET /healthz, /readyz, /metrics)`);
  createShutdown({
    server: app.server,
    inFlight: app.inFlight,
    closers: app.closers,
    timeoutMs: config.shutdownTimeoutMs,
    drainDelayMs: config.shutdownDrainDelayMs,
    logger: app.logger,
  }).install();
}

main().catch((error: unknown) => {
  process.stderr.write(`start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
