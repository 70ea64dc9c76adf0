// Where a snapshot's tar goes: gzip (on libuv's thread pool, so it runs beside git and the filter) into a file.
// Small pieces (headers, small files) are gathered into larger writes: one zlib job per piece would cost more than
// compressing them.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip, type ZlibOptions } from 'node:zlib';

const BATCH = 256 * 1024;
const QUEUE = 4 * 1024 * 1024;
/** tar's records are 20 blocks; git pads its archives to a whole record, and so do we. */
const RECORD = 10_240;

export class SnapshotOutput {
  readonly #gzip: Gzip;
  readonly #file: WriteStream;
  readonly #closed: Promise<void>;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #written = 0;
  #compressed = 0;
  #failure: unknown;

  constructor(file: string, level = 6) {
    // A deep queue: waiting for zlib after every batch would stall git on a full pipe in between.
    const options: ZlibOptions & { highWaterMark: number } = { level, chunkSize: 64 * 1024, highWaterMark: QUEUE };
    this.#gzip = createGzip(options);
    this.#file = createWriteStream(file, { mode: 0o644 });
    this.#gzip.pipe(this.#file);
    this.#gzip.on('data', (chunk: Buffer) => {
      this.#compressed += chunk.length;
    });
    const fail = (error: unknown): void => {
      this.#failure ??= error;
    };
    this.#gzip.on('error', fail);
    this.#file.on('error', fail);
    this.#closed = new Promise((resolve, reject) => {
      this.#file.once('close', () => (this.#failure === undefined ? resolve() : reject(this.#failure)));
      this.#file.once('error', reject);
    });
    // Looked at by finish(); an early failure must not count as unhandled meanwhile.
    this.#closed.catch(() => undefined);
  }

  /** Bytes of the compressed file (complete once finish() resolved). */
  get bytes(): number {
    return this.#compressed;
  }

  /** Resolves once the file is open: a path that cannot be written fails here. */
  ready(): Promise<void> {
    if (this.#file.pending === false) return Promise.resolve();
    return Promise.race([once(this.#file, 'ready').then(() => undefined), this.#closed]);
  }

  /** Tar bytes, in order. Resolves once the compressor can take more. */
  async writeAll(chunks: readonly Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      if (this.#failure !== undefined) throw this.#failure;
      this.#written += chunk.length;
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      if (this.#pendingBytes >= BATCH) await this.#flush();
    }
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    this.#written += chunk.length;
    if (chunk.length >= BATCH) {
      await this.#flush();
      await this.#push(chunk);
      return;
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= BATCH) await this.#flush();
  }

  /** Ends the archive (two zero blocks, padded to a whole record) and waits until the file is complete. */
  async finish(): Promise<void> {
    const end = 1024 + ((RECORD - ((this.#written + 1024) % RECORD)) % RECORD);
    await this.write(Buffer.alloc(end));
    await this.#flush();
    this.#gzip.end();
    await this.#closed;
  }

  /** Stops writing; the caller removes the file. */
  async abort(): Promise<void> {
    this.#gzip.destroy();
    this.#file.destroy();
    await this.#closed.catch(() => undefined);
  }

  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const batch = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.#push(batch);
  }

  async #push(chunk: Buffer): Promise<void> {
    if (!this.#gzip.write(chunk)) {
      await Promise.race([once(this.#gzip, 'drain'), this.#closed]);
      if (this.#failure !== undefined) throw this.#failure;
    }
  }
}
