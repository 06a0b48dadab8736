/**
 * Prints an agent account line for AGENT_ACCOUNTS or AGENT_ACCOUNTS_FILE (src/agents/agent-accounts.ts):
 *
 *   npm run -s agent:add -- <id> [display name]          # asks for the password twice (not echoed)
 *   printf '%s\n' "$PASSWORD" | npm run -s agent:add -- <id> [display name]   # from a pipe: the first line
 *
 * The password is hashed with scrypt (src/agents/password-hash.ts); only the hash is printed. The display
 * name (what a citizen sees after 人工客服) defaults to the id.
 */
import { createInterface } from 'node:readline';
import { AGENT_ID, parseAccountLine } from '../src/agents/agent-accounts.js';
import { hashPassword } from '../src/agents/password-hash.js';

const MIN_PASSWORD = 10;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** One line typed without echo (a terminal), or the next line of the pipe. */
async function readSecret(prompt: string, lines: AsyncIterator<string>): Promise<string> {
  if (!process.stdin.isTTY) {
    const next = await lines.next();
    return next.done ? '' : next.value;
  }
  process.stderr.write(prompt);
  process.stdin.setRawMode(true);
  process.stdin.resume();
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          process.stdin.off('data', onData);
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    process.stdin.on('data', onData);
  });
}

const [id, ...nameParts] = process.argv.slice(2);
if (!id || !AGENT_ID.test(id)) fail('usage: npm run -s agent:add -- <id> [display name]   (id: 2 to 32 lower-case letters, digits, ".", "_" or "-")');
const displayName = nameParts.join(' ').trim() || id;
const lines = createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
const password = await readSecret(`password for ${id}: `, lines);
if (password.length < MIN_PASSWORD) fail(`the password must be at least ${MIN_PASSWORD} characters`);
if (process.stdin.isTTY && (await readSecret('again: ', lines)) !== password) fail('the two passwords differ');
const line = `${id}:${await hashPassword(password)}:${displayName}`;
const parsed = parseAccountLine(line);
if (typeof parsed === 'string') fail(parsed);
process.stdout.write(`${line}\n`);
process.exit(0);
