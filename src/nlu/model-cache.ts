import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrainedClassifier, type ClassifierModel, type LabelledExample } from './classifier.js';
import type { Lexicon, TextAnalyser } from './text.js';
import type { NluLocale } from './understanding.js';

/**
 * Trained classifiers kept in files, so that a start does not train them again (training every classifier
 * of both languages is most of a second of CPU; reading them back, a few milliseconds). A file is named by
 * a hash of everything its model follows from: the training sentences and labels, the lexicon, the locale,
 * the code that turns sentences into features and trains (this folder's classifier and text modules, as
 * they run: sources or compiled), and the segmenter's version. A changed example, lexicon or training code
 * names another file, so a stale model is never read: the classifier is trained again and written.
 * Written on first use (the build fills it for `npm start`); a file that cannot be read or written is
 * trained around, never an error.
 */

/** Where the models are kept by default: .cache/nlu-models/ beside content/ (dist/.cache/… for the build). */
export const DEFAULT_MODEL_CACHE_DIR = fileURLToPath(new URL('../../.cache/nlu-models/', import.meta.url));

/** The version of the code a model follows from, computed once per process. */
let codeVersion: string | undefined;
function version(): string {
  if (codeVersion) return codeVersion;
  const hash = createHash('sha256');
  for (const module of ['./classifier.js', './text.js']) {
    const url = new URL(module, import.meta.url);
    // Under tsx the modules are .ts files next to this one.
    for (const path of [fileURLToPath(url), fileURLToPath(url).replace(/\.js$/, '.ts')]) {
      try {
        hash.update(readFileSync(path));
        break;
      } catch {
        // the other form
      }
    }
  }
  try {
    hash.update(String((createRequire(import.meta.url)('@node-rs/jieba/package.json') as { version?: string }).version));
  } catch {
    hash.update('jieba ?');
  }
  codeVersion = hash.digest('hex');
  return codeVersion;
}

/** The hash a classifier's file is named by. */
export function modelKey(examples: readonly LabelledExample[], lexicon: Lexicon, locale: NluLocale): string {
  const hash = createHash('sha256').update(version()).update(locale).update(JSON.stringify(lexicon));
  for (const e of examples) hash.update(`${e.label}\u0000${e.text}\u0001`);
  return hash.digest('hex').slice(0, 40);
}

export interface ModelCache {
  /** The directory of the files, or false: train every time (the cache is off). */
  dir: string | false;
}

/** What a cache did, for the tests: how many classifiers were read from files and how many trained. */
export const modelCacheCounts = { read: 0, trained: 0 };

/** The classifier of these examples: read from the cache when its file is there and sound, else trained (and written). */
export function cachedClassifier(examples: readonly LabelledExample[], analyser: TextAnalyser, locale: NluLocale, cache: ModelCache): TrainedClassifier {
  if (cache.dir === false) {
    modelCacheCounts.trained++;
    return new TrainedClassifier(examples, analyser, locale);
  }
  const file = join(cache.dir, `${modelKey(examples, analyser.lexicon, locale)}.json`);
  try {
    const classifier = new TrainedClassifier(JSON.parse(readFileSync(file, 'utf8')) as ClassifierModel, analyser, locale);
    modelCacheCounts.read++;
    return classifier;
  } catch {
    // not there yet, or unreadable: train
  }
  const classifier = new TrainedClassifier(examples, analyser, locale);
  modelCacheCounts.trained++;
  try {
    mkdirSync(cache.dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(classifier.toModel()));
    renameSync(partial, file); // whole or not at all, also with several processes starting at once
  } catch {
    // a read-only disk: the next start trains again
  }
  return classifier;
}
