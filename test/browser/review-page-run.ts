import { startAgencyServer, type AgencyServer } from '../support/agency.js';
import { WebChatDriver } from './webchat-driver.js';

/** The agency server and the browser of a describe block (set once its `before` ran). */
export interface ReviewPageRun {
  server: AgencyServer;
  browser: WebChatDriver;
}

/**
 * A describe block's review page: an agency server and a Chromium window (1100×900), started before the
 * block's tests — after `prepare` has made on the server what they need — and both closed after them.
 * The block is skipped where there is no Chromium.
 */
export function reviewPageRun(prepare: (server: AgencyServer) => Promise<void> = async () => undefined): ReviewPageRun {
  const run = {} as ReviewPageRun;
  before(async function () {
    if (!WebChatDriver.available()) this.skip();
    run.server = await startAgencyServer();
    await prepare(run.server);
    run.browser = await WebChatDriver.launch({ width: 1100, height: 900 });
  });
  after(async () => {
    await run.browser?.close();
    await run.server?.stop();
  });
  return run;
}
