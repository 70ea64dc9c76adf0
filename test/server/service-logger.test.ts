// The service's JSON log redacts secrets by key at any depth, in what a line logs, in a child logger's bindings and
// in an error's own fields, and leaves lines that name no secret exactly as pino wrote them.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AzdoError } from '../../src/errors/azdo-error.js';
import { createServiceLogger, redactLogLine, REDACTED } from '../../src/server/service-logger.js';

function capture(): { lines: string[]; logger: ReturnType<typeof createServiceLogger> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: createServiceLogger({ level: 'trace', destination }) };
}

describe('the service log', () => {
  it('redacts secrets under their keys at any depth, in any case, in bindings and errors, and keeps the rest', () => {
    const { lines, logger } = capture();
    const error = new AzdoError('AZDO_X', 'failed', 'hint', { input: { credential: { type: 'pat', token: 'S-error-token' } } });
    logger.child({ job: { secret: 'S-binding' } }).info(
      {
        token: 'S-top',
        tokenId: 'kept-id',
        a: { b: { c: { d: { e: { f: { g: { privateKey: 'S-deep' } } } } } } },
        request: { headers: { Authorization: 'Bearer S-header', 'set-cookie': ['S-cookie'], accept: 'application/json' } },
        connection: { customHeaders: [{ name: 'CF-Access-Client-Secret', value: 'S-custom' }], labels: ['kept-label'] },
        err: error,
      },
      'did something',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    for (const secret of ['S-error-token', 'S-binding', 'S-top', 'S-deep', 'S-header', 'S-cookie', 'S-custom']) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line) as Record<string, unknown> & { request: { headers: Record<string, unknown> }; err: { message: string; details: unknown } };
    expect(parsed).toMatchObject({ level: 'info', msg: 'did something', tokenId: 'kept-id', token: REDACTED, job: { secret: REDACTED } });
    expect(parsed.request.headers).toEqual({ Authorization: REDACTED, 'set-cookie': REDACTED, accept: 'application/json' });
    expect(parsed.connection).toEqual({ customHeaders: [{ name: 'CF-Access-Client-Secret', value: REDACTED }], labels: ['kept-label'] });
    expect(parsed.err).toMatchObject({ message: 'failed', details: { input: { credential: { type: 'pat', token: REDACTED } } } });
    expect(typeof parsed.time).toBe('string');
    expect(new Date(parsed.time as string).toISOString()).toBe(parsed.time);
  });

  it('writes a line that names no secret as it is', () => {
    const line = '{"level":"info","time":"2026-01-01T00:00:00.000Z","reqId":"r1","method":"GET","route":"/x","status":200,"msg":"request"}\n';
    expect(redactLogLine(line)).toBe(line);
    // A key is matched whole: "tokenId" and "secretary" are no secrets, a "Token" is.
    const near = '{"tokenId":"t","secretary":"s","Token":"v"}\n';
    expect(JSON.parse(redactLogLine(near))).toEqual({ tokenId: 't', secretary: 's', Token: REDACTED });
  });

  it('stamps every line with its ISO time, also many within one millisecond', () => {
    const { lines, logger } = capture();
    for (let i = 0; i < 50; i++) logger.info({ i }, 'tick');
    const times = lines.map((l) => (JSON.parse(l) as { time: string }).time);
    expect(times.every((t) => !Number.isNaN(Date.parse(t)))).toBe(true);
    expect([...times].sort()).toEqual(times);
  });
});
