import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The locales the assistant speaks. zh-CN is the default. */
export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Maps an activity or user locale ("en", "en-GB", "zh-Hans-CN") to one we speak. */
export function resolveLocale(raw: string | undefined): Locale {
  return raw && /^en/i.test(raw) ? 'en-US' : DEFAULT_LOCALE;
}

export type TextParams = Record<string, string | number | undefined>;

export const DEFAULT_LOCALES_DIR = new URL('../../content/locales/', import.meta.url).pathname;

/**
 * All user-facing words, loaded from content/locales/<locale>/<file>.json. A key is the file name
 * and the path inside it: "prompts.situation.now.text". Placeholders look like {name}.
 */
export class Texts {
  private readonly maps = new Map<Locale, Map<string, unknown>>();

  constructor(dir: string = DEFAULT_LOCALES_DIR) {
    for (const locale of LOCALES) {
      const map = new Map<string, unknown>();
      const folder = join(dir, locale);
      for (const file of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
        const data = JSON.parse(readFileSync(join(folder, file), 'utf8')) as unknown;
        flatten(file.replace(/\.json$/, ''), data, map);
      }
      this.maps.set(locale, map);
    }
  }

  /** The keys of one locale, for the parity test. */
  keys(locale: Locale): string[] {
    return [...this.maps.get(locale)!.keys()];
  }

  has(locale: Locale, key: string): boolean {
    return this.maps.get(locale)!.has(key);
  }

  /** A sentence with its placeholders filled. A missing key falls back to zh-CN, then throws. */
  t(locale: Locale, key: string, params: TextParams = {}): string {
    const value = this.maps.get(locale)!.get(key) ?? this.maps.get(DEFAULT_LOCALE)!.get(key);
    if (typeof value !== 'string') throw new Error(`no text for "${key}" in ${locale}`);
    return fill(value, params);
  }

  /** True when the key holds a list of words (synonyms; a list may be empty), not a sentence. */
  isList(locale: Locale, key: string): boolean {
    return Array.isArray(this.maps.get(locale)!.get(key));
  }

  /** A list of words (synonyms), or [] when the key is absent. */
  list(locale: Locale, key: string): string[] {
    const value = this.maps.get(locale)!.get(key);
    return Array.isArray(value) ? value.map(String) : [];
  }
}

/** A {name} placeholder. */
const PLACEHOLDER = /\{(\w+)\}/g;

/** Words split at their placeholders, kept at most (content and the region profiles have a few thousand). */
const MAX_TEMPLATES = 20_000;
const templates = new Map<string, string[]>();

/** Words as [text, name, text, name, …, text]: split once (the same words are filled on every turn). */
function template(words: string): string[] {
  let parts = templates.get(words);
  if (!parts) {
    parts = [];
    let at = 0;
    for (const match of words.matchAll(PLACEHOLDER)) {
      parts.push(words.slice(at, match.index), match[1]!);
      at = match.index + match[0].length;
    }
    parts.push(words.slice(at));
    if (templates.size < MAX_TEMPLATES) templates.set(words, parts);
  }
  return parts;
}

/** Fills the {name} placeholders of words (content's, or a region profile's) with the given values; unknown ones stay. */
export function fill(words: string, params: TextParams): string {
  const parts = template(words);
  let filled = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    const v = params[name];
    filled += (v === undefined ? `{${name}}` : String(v)) + parts[i + 1]!;
  }
  return filled;
}

function flatten(prefix: string, data: unknown, into: Map<string, unknown>): void {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    for (const [k, v] of Object.entries(data)) flatten(`${prefix}.${k}`, v, into);
  } else {
    into.set(prefix, data);
  }
}
