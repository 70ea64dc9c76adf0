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
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(since = 0): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > since);
  }

  clear(): void {
    this.entries = [];
  }

  get lastSeq(): number {
    return this.seq;
  }
}
