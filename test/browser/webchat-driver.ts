/**
 * Drives the citizens' page in Debian's Chromium through playwright-core. A conversation is a list of
 * steps, so a longer flow (a whole filing, once the real dialogs are plugged in) is just a longer list.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../artifacts/', import.meta.url).pathname;

/** One thing the citizen does or sees. */
export type Step =
  | { see: string } // a bot message with exactly this text appears
  | { sees: string } // a bot message (or card) containing this text appears
  | { clickCard: string } // press the Adaptive Card button with this title
  | { click: string } // press the suggested-action button with this title
  | { type: string } // type into the send box and press Enter
  | { press: string } // one key (e.g. Tab, Enter), focus wherever it is (keyboard-only use)
  | { keys: string } // text typed key by key wherever the focus is
  | { reload: true } // reload the page (the conversation must continue)
  | { screenshot: string }; // save artifacts/<name>.png

export interface Line {
  from: 'bot' | 'user';
  text: string;
}

const SEND_BOX = '[data-id="webchat-sendbox-input"]';
/** axe-core's browser build, from the npm package (a dev dependency). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SUGGESTED_ACTION = '.webchat__suggested-actions__button';

export class WebChatDriver {
  /** Console errors and page errors seen so far (CSP violations show up here). */
  readonly problems: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly profileDir: string,
  ) {
    page.on('console', (message) => {
      // A resource that failed to load is named by its address (the message alone does not say which).
      if (message.type() === 'error') this.problems.push(message.location().url ? `${message.text()} (${message.location().url})` : message.text());
    });
    page.on('pageerror', (error) => this.problems.push(error.message));
  }

  static available(): boolean {
    return existsSync(CHROMIUM);
  }

  /** Chromium with the flags from stack.md G10 and a fresh profile (--user-data-dir). */
  static async launch(viewport = { width: 480, height: 820 }): Promise<WebChatDriver> {
    const profileDir = mkdtempSync(join(tmpdir(), 'yidi-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      locale: 'zh-CN',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return new WebChatDriver(context, page, profileDir);
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.waitForSelector(SEND_BOX, { timeout: 15_000 });
  }

  async run(steps: Step[]): Promise<void> {
    for (const step of steps) await this.step(step);
  }

  async step(step: Step): Promise<void> {
    if ('see' in step) await this.waitForBot(step.see);
    else if ('sees' in step) await this.waitForBotContaining(step.sees);
    else if ('clickCard' in step) await this.clickCard(step.clickCard);
    else if ('click' in step) await this.page.locator(SUGGESTED_ACTION, { hasText: exactly(step.click) }).click();
    else if ('type' in step) {
      await this.page.locator(SEND_BOX).fill(step.type);
      await this.page.locator(SEND_BOX).press('Enter');
    } else if ('press' in step) await this.page.keyboard.press(step.press);
    else if ('keys' in step) await this.page.keyboard.type(step.keys);
    else if ('reload' in step) {
      await this.page.reload();
      await this.page.waitForSelector(SEND_BOX, { timeout: 15_000 });
    } else await this.screenshot(step.screenshot);
  }

  /**
   * Presses the newest card's button with this title (the page renders the bot's cards: chat-ui.js); a
   * button inside a group's edit panel is reached by opening the group first, as a person would.
   */
  async clickCard(title: string): Promise<void> {
    const button = this.page.locator('.yidi-card__button', { hasText: exactly(title) }).last();
    if (!(await button.isVisible())) {
      const panel = await button.evaluate((el) => el.closest('.yidi-card__panel')?.id ?? '');
      if (panel) await this.page.locator(`[aria-controls="${panel}"]`).last().click();
    }
    await button.click();
  }

  /** Runs axe-core (from npm) in the page and returns its violations (WCAG 2.1 A and AA rules). */
  async axe(): Promise<Array<{ id: string; impact: string | null; help: string; nodes: string[] }>> {
    // evaluate, not a <script>: the page's CSP allows no inline script.
    await this.page.evaluate(AXE_SOURCE);
    const result = (await this.page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '')) })))`)) as Array<{
      id: string;
      impact: string | null;
      help: string;
      nodes: string[];
    }>;
    return result;
  }

  async waitForBot(text: string, timeout = 10_000): Promise<void> {
    await this.page.waitForFunction(
      (wanted) =>
        [...document.querySelectorAll('.webchat__stacked-layout:not(.webchat__stacked-layout--from-user) .webchat__bubble__content')].some(
          (el) => (el.textContent ?? '').trim() === wanted,
        ),
      text,
      { timeout },
    );
  }

  /** Waits until a bot message or card whose text contains `text` appears. */
  async waitForBotContaining(text: string, timeout = 10_000): Promise<void> {
    await this.page.waitForFunction(
      (wanted) =>
        [...document.querySelectorAll('.webchat__stacked-layout:not(.webchat__stacked-layout--from-user) .webchat__bubble__content')].some((el) =>
          (el.textContent ?? '').includes(wanted),
        ),
      text,
      { timeout },
    );
  }

  /** Waits until no message is still being sent (Web Chat marks a message sent when its echo arrives). */
  async waitUntilSent(timeout = 10_000): Promise<void> {
    await this.page.waitForFunction(() => !document.querySelector('.webchat__activity-status--sending'), undefined, { timeout });
  }

  /**
   * The transcript as the citizen sees it, in order (without the invisible word joiners the page puts in
   * a reference, as copying leaves them out too).
   */
  async transcript(): Promise<Line[]> {
    const lines = await this.page.$$eval('.webchat__stacked-layout', (rows) =>
      rows.flatMap((row) =>
        [...row.querySelectorAll('.webchat__bubble__content')].map((bubble) => ({
          from: (row.classList.contains('webchat__stacked-layout--from-user') ? 'user' : 'bot') as 'bot' | 'user',
          text: (bubble.textContent ?? '').trim(),
        })),
      ),
    );
    return lines.map((line) => ({ ...line, text: line.text.replace(/\u2060/g, '') }));
  }

  /** The transcript's text, a line a message. */
  async transcriptText(): Promise<string> {
    return (await this.transcript()).map((l) => l.text).join('\n');
  }

  /** The filing reference the transcript shows (a submission's confirmation), with the transcript's text; throws, with the transcript's end, when there is none. */
  async submittedReference(): Promise<{ reference: string; text: string }> {
    const text = await this.transcriptText();
    const reference = /YD\d{8}-[0-9A-Z]{6}/.exec(text)?.[0];
    if (!reference) throw new Error(`no filing reference in the transcript: …${text.slice(-400)}`);
    return { reference, text };
  }

  async suggestedActions(): Promise<string[]> {
    return (await this.page.locator(SUGGESTED_ACTION).allTextContents()).map((t) => t.trim());
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}

/** Matches an element whose whole text is `text` (hasText alone matches a substring: 同意 in 不同意). */
function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
