import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './file-writes.js';

/**
 * An append-only file of JSON lines kept beside a snapshot: each line is one durable step, written and
 * fdatasynced before append() resolves, so a store acknowledges a change by writing only what changed.
 * A crash can leave the last line torn (cut short, or garbage after the last good newline): read()
 * ignores it and reports it, and openForAppend() cuts it off before anything is appended after it. A bad
 * line followed by good ones is damage, not a torn write: read() refuses it (naming the line, never its
 * contents). Mode 0600: the lines hold (sealed) personal data.
 */
export class JournalFile {
  readonly path: string;
  #handle: FileHandle | undefined;
  #size = 0;
  #lines = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Bytes of good lines in the file. */
  get size(): number {
    return this.#size;
  }

  /** Good lines in the file. */
  get lines(): number {
    return this.#lines;
  }

  /** The parsed lines, oldest first; `torn` when a last, incomplete or unreadable line was left out. */
  async read(): Promise<{ entries: unknown[]; torn: boolean }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#size = 0;
        this.#lines = 0;
        return { entries: [], torn: false };
      }
      throw e;
    }
    const entries: unknown[] = [];
    let start = 0;
    let good = 0;
    let torn = false;
    while (start < bytes.length) {
      const end = bytes.indexOf(0x0a, start);
      const last = end === -1 || end === bytes.length - 1;
      let entry: unknown;
      let ok = end !== -1;
      if (ok) {
        try {
          entry = JSON.parse(bytes.subarray(start, end).toString('utf8'));
        } catch {
          ok = false;
        }
      }
      if (!ok) {
        if (!last) throw new JournalDamagedError(this.path, entries.length + 1);
        torn = true;
        break;
      }
      entries.push(entry);
      good = end + 1;
      start = end + 1;
    }
    this.#size = good;
    this.#lines = entries.length;
    if (good < bytes.length) torn = true;
    return { entries, torn };
  }

  /** Opens the file for appending (created 0600), cutting off what follows the last good line read. */
  async openForAppend(): Promise<void> {
    if (this.#handle) return;
    const handle = await open(this.path, 'a', 0o600);
    try {
      await handle.chmod(0o600);
      const { size } = await handle.stat();
      if (size !== this.#size) {
        await handle.truncate(this.#size);
        await handle.sync();
      }
    } catch (e) {
      await handle.close();
      throw e;
    }
    this.#handle = handle;
    await syncDirectory(dirname(this.path));
  }

  /** Appends one line (JSON text without a newline) and waits until it is on disk. One call at a time. */
  async append(json: string): Promise<void> {
    const handle = this.#open();
    const bytes = Buffer.from(`${json}\n`, 'utf8');
    try {
      let written = 0;
      while (written < bytes.length) written += (await handle.write(bytes, written)).bytesWritten;
      await handle.datasync();
    } catch (e) {
      // Whatever part of the line reached the file is cut off again, so the next line starts clean.
      await handle.truncate(this.#size).catch(() => undefined);
      throw e;
    }
    this.#size += bytes.length;
    this.#lines++;
  }

  /** Empties the file (after its lines went into the snapshot) and waits until that is on disk. */
  async clear(): Promise<void> {
    const handle = this.#open();
    await handle.truncate(0);
    await handle.sync();
    this.#size = 0;
    this.#lines = 0;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  #open(): FileHandle {
    if (!this.#handle) throw new Error('journal: not open');
    return this.#handle;
  }
}

/** A line before the last one cannot be read: the journal was damaged, not torn by a crash. */
export class JournalDamagedError extends Error {
  override readonly name = 'JournalDamagedError';
  constructor(
    readonly path: string,
    readonly line: number,
  ) {
    super(`journal ${path}: line ${line} is damaged`);
  }
}
