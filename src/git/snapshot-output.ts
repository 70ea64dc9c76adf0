// Where a snapshot's tar goes: through zlib's gzip (on libuv's thread pool, beside git and the filter) into a file.
// Small pieces (headers, small files) are gathered into larger writes, as one zlib job per piece would cost more than
// the compression. The compressed bytes are kept in memory until they pass a few megabytes, so a small archive (most
// repositories) costs one write of the file instead of a stream's open, writes and close; a tar that ends before the
// first batch is compressed in one call, without a stream at all.
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { createGzip, gzipSync, type Gzip, type ZlibOptions } from 'node:zlib';

const BATCH = 256 * 1024;
const QUEUE = 4 * 1024 * 1024;
/** Compressed bytes kept in memory before the file is opened and written as a stream. */
const IN_MEMORY = 4 * 1024 * 1024;
/** tar's records are 20 blocks; git pads its archives to a whole record, and so do we. */
const RECORD = 10_240;

export class SnapshotOutput {
  #gzip: Gzip | undefined;
  #compressedDone: Promise<void> | undefined;
  #file: WriteStream | undefined;
  #fileClosed: Promise<void> | undefined;
  /** Compressed output not yet in the file. */
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #written = 0;
  #compressed = 0;
  #failure: unknown;

  constructor(
    private readonly file: string,
    private readonly level = 6,
  ) {}

  #compressor(): Gzip {
    if (this.#gzip) return this.#gzip;
    // A deep queue: waiting for zlib after every batch would stall git on a full pipe in between.
    const options: ZlibOptions & { highWaterMark: number } = { level: this.level, chunkSize: 64 * 1024, highWaterMark: QUEUE };
    const gzip = createGzip(options);
    gzip.on('data', (chunk: Buffer) => this.#compressedChunk(chunk));
    gzip.on('error', (error) => {
      this.#failure ??= error;
    });
    this.#compressedDone = once(gzip, 'end').then(() => undefined);
    this.#compressedDone.catch(() => undefined);
    this.#gzip = gzip;
    return gzip;
  }

  /** Bytes of the compressed file (complete once finish() resolved). */
  get bytes(): number {
    return this.#compressed;
  }

  /** Opens the file now: a path that cannot be written fails here rather than at the end. */
  async ready(): Promise<void> {
    await this.#openFile();
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

  /** Ends the archive (two zero blocks, padded to a whole record) and waits until the file is complete. */
  async finish(): Promise<void> {
    const end = 1024 + ((RECORD - ((this.#written + 1024) % RECORD)) % RECORD);
    await this.writeAll([Buffer.alloc(end)]);
    if (!this.#gzip && !this.#file) {
      // Under one batch in all: one call compresses it faster than a stream would be set up.
      const data = gzipSync(Buffer.concat(this.#pending, this.#pendingBytes), { level: this.level });
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#kept = [data];
      this.#compressed = data.length;
    } else {
      await this.#flush();
      this.#compressor().end();
      await this.#compressedDone;
    }
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#file) {
      this.#file.end();
      await this.#fileClosed;
      return;
    }
    // Small: the whole file in one write.
    const handle = await open(this.file, 'w', 0o644);
    try {
      await handle.writev(this.#kept);
    } finally {
      await handle.close();
    }
  }

  /** Stops writing; the caller removes the file. */
  async abort(): Promise<void> {
    this.#pending = [];
    this.#kept = [];
    this.#gzip?.destroy();
    this.#file?.destroy();
    await this.#fileClosed?.catch(() => undefined);
  }

  #compressedChunk(chunk: Buffer): void {
    this.#compressed += chunk.length;
    if (this.#file) {
      this.#file.write(chunk);
      return;
    }
    this.#kept.push(chunk);
    this.#keptBytes += chunk.length;
    if (this.#keptBytes > IN_MEMORY) void this.#openFile().catch(() => undefined);
  }

  /** From here on compressed bytes stream to the file (what was kept goes first). */
  async #openFile(): Promise<void> {
    if (!this.#file) {
      const file = createWriteStream(this.file, { mode: 0o644 });
      this.#file = file;
      this.#fileClosed = new Promise<void>((resolve, reject) => {
        file.once('close', () => (this.#failure === undefined ? resolve() : reject(this.#failure)));
        file.once('error', (error) => {
          this.#failure ??= error;
          reject(error);
        });
      });
      this.#fileClosed.catch(() => undefined);
      // The file takes the compressor's pace: if it falls behind, zlib's output backs up and, past its queue, so do we.
      const gzip = this.#compressor();
      file.on('drain', () => gzip.resume());
      gzip.on('data', () => {
        if (file.writableNeedDrain) gzip.pause();
      });
      for (const kept of this.#kept.splice(0)) file.write(kept);
      this.#keptBytes = 0;
    }
    const file = this.#file;
    if (file.pending) await Promise.race([once(file, 'ready'), this.#fileClosed]);
  }

  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const batch = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    const gzip = this.#compressor();
    if (!gzip.write(batch)) {
      await Promise.race([once(gzip, 'drain'), this.#fileClosed ?? new Promise(() => undefined)]);
      if (this.#failure !== undefined) throw this.#failure;
    }
  }
}
