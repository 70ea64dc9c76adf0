/** The last requests the simulator answered, for tests that assert how many calls a client made and which. */
export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  /** Path and query; credentials never travel in URLs to Azure DevOps, so nothing here is secret. */
  url: string;
  status: number;
  durationMs: number;
  identity?: string;
  transport: 'http' | 'ssh';
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity = 5000) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.seq += 1;
    this.entries.push({ ...entry, seq: this.seq });
    // Trim in batches: dropping one entry per request from the front of a full array cost O(capacity) each time.
    if (this.entries.length >= this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
  }

  list(since = 0): RequestLogEntry[] {
    return this.entries.slice(-this.capacity).filter((e) => e.seq > since);
  }

  clear(): void {
    this.entries = [];
  }

  get lastSeq(): number {
    return this.seq;
  }
}
