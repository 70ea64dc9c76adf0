// Answers kept in memory for as long as what they were made from has not changed. Each entry remembers the change
// stamp the store reported before the answer was made (ConnectionService.changeStamp), and is used only while the
// store still reports that stamp: any change, by any process or instance, moves the stamp and the entry is made
// again. Reading the stamp first matters: an answer read after it is at least as new as the stamp, never older.
export interface StampedCacheOptions {
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number;
  /** Bytes kept at most, over all entries; an answer longer than a quarter of it is not kept. */
  maxBytes: number;
}

interface Entry {
  stamp: number;
  /** Bytes, not a string: sending a string encodes it again for every answer. */
  body: Buffer;
}

export class StampedCache {
  readonly #entries = new Map<string, Entry>();
  readonly #o: StampedCacheOptions;
  #bytes = 0;

  constructor(o: StampedCacheOptions) {
    this.#o = o;
  }

  /** The body kept under `key` for `stamp`; undefined when there is none or it was made for another stamp. */
  get(key: string, stamp: number): Buffer | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.stamp !== stamp) {
      this.#remove(key, entry);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.body;
  }

  set(key: string, stamp: number, body: Buffer): void {
    const old = this.#entries.get(key);
    if (old) this.#remove(key, old);
    if (body.length > this.#o.maxBytes / 4) return;
    while (this.#entries.size > 0 && (this.#entries.size >= this.#o.maxEntries || this.#bytes + body.length > this.#o.maxBytes)) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, Entry];
      this.#remove(oldestKey, oldest);
    }
    this.#entries.set(key, { stamp, body });
    this.#bytes += body.length;
  }

  get size(): number {
    return this.#entries.size;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.body.length;
  }
}
