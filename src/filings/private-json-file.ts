import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { CoalescedWrites, syncDirectory } from './file-writes.js';

/**
 * A lowdb adapter for a JSON file that holds personal data. Like lowdb's JSONFile (steno) it writes
 * atomically (a temporary file, then rename) and one write at a time, folding writes that arrive during
 * a write into the next one. Unlike it, the file is created with mode 0600 and fsynced before the rename,
 * so a filing acknowledged to the person survives a crash. It never reads or writes in the background.
 */
export class PrivateJsonFile<T> implements Adapter<T> {
  readonly #file: string;
  readonly #temp: string;
  /** The data of the latest write() call: a queued write serialises it when it starts. */
  #latest: T | undefined;
  readonly #writes = new CoalescedWrites(async () => this.#writeNow(`${JSON.stringify(this.#latest, null, 2)}\n`));

  constructor(file: string) {
    this.#file = file;
    this.#temp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return JSON.parse(text) as T;
  }

  /**
   * Resolves once a snapshot taken at or after this call is on disk. A queued write is serialised only
   * when it starts, so a burst of writes of one live object costs one serialisation, not one each.
   */
  write(data: T): Promise<void> {
    this.#latest = data;
    return this.#writes.request();
  }

  /** Waits until no write is running or queued. */
  flush(): Promise<void> {
    return this.#writes.drain();
  }

  async #writeNow(text: string): Promise<void> {
    const handle = await open(this.#temp, 'w', 0o600);
    try {
      await handle.chmod(0o600); // a temp file left by a crash keeps its old mode otherwise
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.#temp, this.#file);
    await syncDirectory(dirname(this.#file));
  }
}
