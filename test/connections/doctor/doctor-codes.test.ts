import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DoctorCodes } from '../../../src/connections/doctor/doctor-codes.js';

describe('doctor codes', () => {
  it('are each explained in docs/errors.md with a meaning and a fix', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.values(DoctorCodes)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      expect(row!.split(' | ').length, code).toBeGreaterThanOrEqual(3);
    }
  });
});
