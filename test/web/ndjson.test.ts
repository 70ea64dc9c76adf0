import { describe, expect, it } from 'vitest';
import { LineSplitter, readNdjson } from '../../src/web/api/ndjson.js';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

describe('LineSplitter', () => {
  it('holds a line split across chunks until its newline arrives', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":')).toEqual([]);
    expect(s.push('1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\r\n\n')).toEqual(['{"b":2}']);
    expect(s.end()).toEqual([]);
  });

  it('returns a last line that has no newline at the end', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\n{"b":2}')).toEqual(['{"a":1}']);
    expect(s.end()).toEqual(['{"b":2}']);
  });
});

describe('readNdjson', () => {
  it('yields each value as its line completes, even with a character split between chunks', async () => {
    const bytes = new TextEncoder().encode('{"message":"café"}\n{"ok":true}');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const values: unknown[] = [];
    for await (const v of readNdjson(streamOf([bytes.slice(0, cut), bytes.slice(cut)]))) values.push(v);
    expect(values).toEqual([{ message: 'café' }, { ok: true }]);
  });

  it('rejects a line that is not JSON', async () => {
    const gen = readNdjson(streamOf([new TextEncoder().encode('{"ok":true}\nnot json\n')]));
    await expect((async () => { for await (const _ of gen) { /* drain */ } })()).rejects.toThrow(SyntaxError);
  });
});
