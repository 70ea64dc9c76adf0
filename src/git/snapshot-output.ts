// Where a snapshot's tar goes: through zlib's gzip (on libuv's thread pool, beside git and the filter) into a file.
// Small pieces (headers, small files) are gathered into larger writes, as one zlib job per piece would cost more than
// the compression. The compressed bytes are kept in memory until they pass a few megabytes, so a small archive (most
// repositories) costs one write of the file instead of a stream's writes; a tar that ends before the first batch is
// compressed in one call, without a stream at all. The file itself is created at once, on the thread pool while git
// starts and builds the tar: creating a file can take as long as a small archive's whole compression (a millisecond
// on a virtual machine's disk). A small file is then written with plain system calls, which take less time than the
// thread pool's round trips would.
import { close, closeSync, createWriteStream, open, writeSync, writev, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createGzip, gzipSync, type Gzip, type ZlibOptions } from 'node:zlib';

const BATCH = 256 * 1024;
const QUEUE = 4 * 1024 * 1024;
/** Compressed bytes kept in memory before they are written to the file as a stream. */
const IN_MEMORY = 4 * 1024 * 1024;
/** tar's records are 20 blocks; git pads its archives to a whole record, and so do we. */
const RECORD = 10_240;
/** Compressed files up to this size are written without the thread pool (microseconds into the page cache). */
const SYNC_WRITE = 256 * 1024;

const writevAsync = promisify(writev);
const closeAsync = promisify(close);

function writeFully(fd: number, data: Buffer): void {
  for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
}

export class SnapshotOutput {
  readonly #fd: Promise<number>;
  #fdClosed = false;
  #gzip: Gzip | undefined;
  #compressedDone: Promise<void> | undefined;
  #file: WriteStream | undefined;
  #fileOpening: Promise<void> | undefined;
  #fileClosed: Promise<void> | undefined;
  /** Compressed output not yet in the file. */
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #written = 0;
  #compressed = 0;
  #failure: unknown;

  /** Creates `file` now (in the background: a failure is reported by ready(), finish() or abort()). */
  constructor(
    private readonly file: string,
    private readonly level = 6,
  ) {
    this.#fd = new Promise((resolve, reject) => open(file, 'w', 0o644, (error, fd) => (error ? reject(error) : resolve(fd))));
    this.#fd.catch(() => undefined);
  }

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

  /** Waits until the file exists: a path that cannot be written fails here rather than at the end. */
  async ready(): Promise<void> {
    await this.#fd;
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
    await this.#fileOpening;
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#file) {
      this.#file.end();
      await this.#fileClosed;
      return;
    }
    // Small: the whole file in one write.
    const fd = await this.#fd;
    this.#fdClosed = true;
    if (this.#compressed <= SYNC_WRITE) {
      try {
        for (const chunk of this.#kept) writeFully(fd, chunk);
      } finally {
        closeSync(fd);
      }
      return;
    }
    try {
      const { bytesWritten } = await writevAsync(fd, this.#kept);
      if (bytesWritten < this.#compressed) writeFully(fd, Buffer.concat(this.#kept).subarray(bytesWritten));
    } finally {
      await closeAsync(fd);
    }
  }

  /** Stops writing; the caller removes the file. */
  async abort(): Promise<void> {
    this.#pending = [];
    this.#kept = [];
    this.#gzip?.destroy();
    await this.#fileOpening?.catch(() => undefined);
    if (this.#file) {
      // The stream owns the descriptor and closes it.
      this.#file.destroy();
      await this.#fileClosed?.catch(() => undefined);
    } else {
      const fd = await this.#fd.catch(() => undefined);
      if (fd !== undefined && !this.#fdClosed) {
        this.#fdClosed = true;
        await closeAsync(fd).catch(() => undefined);
      }
    }
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
  #openFile(): Promise<void> {
    this.#fileOpening ??= this.#streamToFile();
    return this.#fileOpening;
  }

  async #streamToFile(): Promise<void> {
    const fd = await this.#fd;
    // The stream takes the descriptor over, and closes it.
    this.#fdClosed = true;
    const file = createWriteStream(this.file, { fd });
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
