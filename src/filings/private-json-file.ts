import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter for a JSON file that holds personal data. Like lowdb's JSONFile (steno) it writes
 * atomically (a temporary file, then rename) and one write at a time, folding writes that arrive during
 * a write into the next one. Unlike it, the file is created with mode 0600 and fsynced before the rename,
 * so a filing acknowledged to the person survives a crash. It never reads or writes in the background.
 */
export class PrivateJsonFile<T> implements Adapter<T> {
  readonly #file: string;
  readonly #temp: string;
  #inFlight: Promise<void> | null = null;
  #next: { data: T; promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null = null;

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
    if (!this.#inFlight) return this.#start(data);
    if (!this.#next) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#next = { data, promise, resolve, reject };
    } else {
      this.#next.data = data;
    }
    return this.#next.promise;
  }

  /** Waits until no write is running or queued. */
  async flush(): Promise<void> {
    while (this.#inFlight) await this.#inFlight.catch(() => undefined);
  }

  #start(data: T): Promise<void> {
    let text: string;
    try {
      text = `${JSON.stringify(data, null, 2)}\n`;
    } catch (e) {
      return Promise.reject(e);
    }
    const run = this.#writeNow(text).finally(() => {
      this.#inFlight = null;
      const next = this.#next;
      this.#next = null;
      if (next) this.#start(next.data).then(next.resolve, next.reject);
    });
    this.#inFlight = run;
    return run;
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

/** Makes the rename itself durable; skipped where directories cannot be opened for sync. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // not supported on this platform: the rename is still atomic, only not yet durable
  } finally {
    await handle?.close();
  }
}
