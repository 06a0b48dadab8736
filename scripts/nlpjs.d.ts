/** nlp.js ships no types; the eval script uses these few entry points (see scripts/nlpjs-reader.ts). */
declare module '@nlpjs/core' {
  export function containerBootstrap(): Promise<{ use(plugin: unknown): void }>;
}
declare module '@nlpjs/nlp' {
  export class Nlp {
    constructor(settings: Record<string, unknown>);
  }
}
declare module '@nlpjs/lang-zh' {
  export const LangZh: unknown;
}
declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
}
