/**
 * Answers to the GETs clients repeat most (projects, repositories, refs), kept as serialised bodies. A key names
 * the URL, the caller and the versions of the state and of the repositories, so any change makes old answers
 * unreachable instead of stale; the oldest entries are dropped past a fixed size.
 */
export interface CachedResponse {
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(private readonly capacity = 2000) {}

  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedResponse): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
}
