// The few pieces of the tar format (ustar headers, pax records) the snapshot's filter reads, and the list its output
// is gathered in.

export const BLOCK = 512;

export const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

export function text(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

export function number(block: Buffer, start: number, length: number): number {
  // Base-256 (high bit set) for sizes beyond what 11 octal digits hold.
  if ((block[start]! & 0x80) !== 0) {
    let value = block[start]! & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i]!;
    return value;
  }
  // Octal digits, padded with spaces or NULs on either side.
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const c = block[i]!;
    if (c >= 0x30 && c <= 0x37) value = value * 8 + (c - 0x30);
    else if (value > 0) break;
  }
  return value;
}

/** `length keyword=value\n` records. */
export function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

/**
 * Output pieces in order, for the driver to write. Pieces that lie next to each other in memory (an entry's header and
 * data passed through from the same input chunk, the next entry's, ...) are joined into one view as they come, so a
 * stretch of the archive that passes through goes out as one piece, not two per file.
 */
export class PieceList {
  #pieces: Buffer[] = [];
  #buffer: ArrayBufferLike | undefined;
  #offset = 0;
  #length = 0;

  push(piece: Buffer): void {
    if (piece.length === 0) return;
    if (piece.buffer === this.#buffer && piece.byteOffset === this.#offset + this.#length) {
      this.#length += piece.length;
      return;
    }
    this.#close();
    this.#buffer = piece.buffer;
    this.#offset = piece.byteOffset;
    this.#length = piece.length;
  }

  /** Everything pushed so far, emptied. */
  take(): Buffer[] {
    this.#close();
    const pieces = this.#pieces;
    this.#pieces = [];
    return pieces;
  }

  #close(): void {
    if (this.#buffer !== undefined) this.#pieces.push(Buffer.from(this.#buffer, this.#offset, this.#length));
    this.#buffer = undefined;
    this.#length = 0;
  }
}
