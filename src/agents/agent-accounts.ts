import { readFileSync } from 'node:fs';
import { isPasswordHash } from './password-hash.js';

/**
 * The hotline agents who may sign in to the console, from AGENT_ACCOUNTS and/or the file AGENT_ACCOUNTS_FILE.
 * One account per line (in AGENT_ACCOUNTS lines may also be separated by `;`):
 *
 *   <id>:<password hash>:<display name>
 *
 * - id: the account's name, 2–32 lower-case letters, digits, `.`, `_` or `-` (what the agent types to sign
 *   in; in the audit log; never shown to citizens);
 * - password hash: `scrypt$…` as `npm run -s agent:add -- <id> <display name>` prints it (src/agents/password-hash.ts),
 *   or `oidc` for an account that signs in only through the organisation's OIDC provider (AGENT_OIDC_*);
 * - display name: what a person talking to the agent sees after 人工客服 (1–40 characters, no `;`).
 *
 * Blank lines and lines starting with # are ignored. No account: nobody can sign in (the console still
 * answers, every API call with 401).
 */
export interface AgentAccount {
  id: string;
  displayName: string;
  passwordHash: string;
}

export const AGENT_ID = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** In place of a hash: the account signs in only through the organisation's OIDC provider (src/agents/agent-oidc.ts). */
const OIDC_ONLY = 'oidc';

/** Why an account line was refused: the line's number and what is wrong (never the line itself: it holds a hash). */
export class AccountLineError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** One line → an account, or the problem with it. */
export function parseAccountLine(line: string): AgentAccount | string {
  const first = line.indexOf(':');
  const second = first < 0 ? -1 : line.indexOf(':', first + 1);
  if (second < 0) return 'expected <id>:<password hash>:<display name>';
  const id = line.slice(0, first).trim();
  const passwordHash = line.slice(first + 1, second).trim();
  const displayName = line.slice(second + 1).trim();
  if (!AGENT_ID.test(id)) return 'the id must be 2 to 32 lower-case letters, digits, ".", "_" or "-"';
  if (passwordHash !== OIDC_ONLY && !isPasswordHash(passwordHash)) return 'the password hash must be as npm run -s agent:add prints it (scrypt$…), or oidc';
  if (displayName.length < 1 || displayName.length > 40 || /[;\p{Cc}]/u.test(displayName)) return 'the display name must be 1 to 40 characters, without ";"';
  return { id, displayName, passwordHash };
}

/** Every account in `text` (lines, or `;`-separated entries when `semicolons`); throws AccountLineError at the first bad one. */
export function parseAccounts(text: string, options: { semicolons?: boolean } = {}): AgentAccount[] {
  const entries = text.split(options.semicolons ? /\r?\n|;/ : /\r?\n/);
  const accounts: AgentAccount[] = [];
  entries.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parsed = parseAccountLine(line);
    if (typeof parsed === 'string') throw new AccountLineError(index + 1, parsed);
    if (accounts.some((a) => a.id === parsed.id)) throw new AccountLineError(index + 1, `the id ${parsed.id} is given twice`);
    accounts.push(parsed);
  });
  return accounts;
}

/** The accounts of AGENT_ACCOUNTS and AGENT_ACCOUNTS_FILE together; throws an Error naming the variable (and line) at fault. */
export function loadAccounts(source: { inline?: string | undefined; file?: string | undefined }): Map<string, AgentAccount> {
  const all = new Map<string, AgentAccount>();
  const add = (accounts: AgentAccount[], where: string) => {
    for (const account of accounts) {
      if (all.has(account.id)) throw new Error(`${where}: the id ${account.id} is given twice`);
      all.set(account.id, account);
    }
  };
  if (source.inline) {
    try {
      add(parseAccounts(source.inline, { semicolons: true }), 'AGENT_ACCOUNTS');
    } catch (err) {
      throw new Error(`AGENT_ACCOUNTS ${err instanceof AccountLineError ? `entry ${err.line}: ${err.problem}` : (err as Error).message}`);
    }
  }
  if (source.file) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (err) {
      throw new Error(`AGENT_ACCOUNTS_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      add(parseAccounts(text), 'AGENT_ACCOUNTS_FILE');
    } catch (err) {
      throw new Error(`AGENT_ACCOUNTS_FILE ${err instanceof AccountLineError ? `line ${err.line}: ${err.problem}` : (err as Error).message}`);
    }
  }
  return all;
}
