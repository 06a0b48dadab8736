import type { z } from 'zod';

/**
 * One line an operator can act on, naming each wrong environment variable and what it should be:
 *   Invalid configuration: PORT must be a number; REDIS_URL is required (string)
 * A message written in the schema (`.regex(re, 'STORE must be redis or memory')`) is used as it is.
 * Values are never echoed (a variable may hold a secret).
 */
export function formatConfigError(error: z.ZodError): string {
  const parts = error.issues.map((issue) => {
    const name = issue.path.length ? issue.path.map(String).join('.') : '(environment)';
    if (isCustom(issue.message)) return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
    return `${name} ${describe(issue)}`;
  });
  return `Invalid configuration: ${parts.join('; ')}`.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** zod's own messages start like this; anything else was written by whoever wrote the schema. */
function isCustom(message: string): boolean {
  return !/^(Invalid|Too (small|big)|Unrecognized|Expected)/.test(message);
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const received = ('received' in issue ? String(issue.received) : undefined) ?? /received (\w+)/.exec(issue.message)?.[1];
      return received === undefined || received === 'undefined'
        ? `is required (${issue.expected})`
        : `must be ${article(issue.expected)}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters long' : ''}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters long' : ''}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue && issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `has unknown keys ${issue.keys.join(', ')}`;
    default:
      return `is invalid (${issue.message})`;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
