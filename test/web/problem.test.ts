import { describe, expect, it } from 'vitest';
import { ApiProblem, errorWithin, fieldErrors, problemOf, unplacedErrors } from '../../src/web/api/problem.js';

describe('problem JSON in the UI', () => {
  it('keeps the message, code and hint of a problem body', () => {
    const p = problemOf(404, { title: 'There is no connection "x".', code: 'AZDO_CONNECTION_NOT_FOUND', hint: 'Check the name.' });
    expect(p).toBeInstanceOf(ApiProblem);
    expect([p.status, p.code, p.message, p.hint]).toEqual([404, 'AZDO_CONNECTION_NOT_FOUND', 'There is no connection "x".', 'Check the name.']);
  });

  it('explains a body that is not a problem, and a network failure', () => {
    expect(problemOf(502, '<html>Bad gateway</html>').message).toMatch(/502/);
    expect(problemOf(0, undefined).code).toBe('AZDO_NETWORK');
  });

  it('maps every field of a multi-field problem, and a single field problem', () => {
    const many = problemOf(400, {
      title: 'The request has 2 mistakes.',
      code: 'AZDO_REQUEST_INVALID',
      hint: 'Correct them.',
      field: 'name',
      fields: [
        { field: 'name', code: 'X', message: 'The connection needs a name.', hint: 'Give a name.' },
        { field: 'credential.token', code: 'Y', message: 'The token is malformed.', hint: 'Paste it again.' },
      ],
    });
    const errors = fieldErrors(many);
    expect(Object.keys(errors)).toEqual(['name', 'credential.token']);
    expect(errorWithin(errors, 'credential')?.message).toBe('The token is malformed.');
    expect(unplacedErrors(errors, ['name'])).toEqual([{ field: 'credential.token', message: 'The token is malformed.', hint: 'Paste it again.' }]);
    expect(unplacedErrors(errors, ['name', 'credential'])).toHaveLength(1);
    expect(unplacedErrors(errors, ['name', 'credential.*'])).toEqual([]);

    const one = problemOf(400, { title: 'The URL is wrong.', code: 'AZDO_URL_INVALID', hint: 'Give an organization URL.', field: 'url' });
    expect(fieldErrors(one)).toEqual({ url: { message: 'The URL is wrong.', hint: 'Give an organization URL.' } });
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
});
