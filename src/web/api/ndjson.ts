// Newline-delimited JSON from a streamed response body (Test connection sends one line per check as it finishes).
// Chunks split lines anywhere, even inside a multi-byte character; the decoder and the splitter put them together.

/** Collects text chunks and hands out complete lines; `end()` returns what is left after the last newline. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  }

  end(): string[] {
    const last = this.rest.replace(/\r$/, '');
    this.rest = '';
    return last.trim() === '' ? [] : [last];
  }
}

/** Each JSON value of an NDJSON body, as soon as its line is complete. */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const line of splitter.push(decoder.decode(value, { stream: true }))) yield JSON.parse(line) as unknown;
    }
    for (const line of splitter.push(decoder.decode())) yield JSON.parse(line) as unknown;
    for (const line of splitter.end()) yield JSON.parse(line) as unknown;
  } finally {
    reader.releaseLock();
  }
}
