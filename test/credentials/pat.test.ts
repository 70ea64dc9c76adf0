import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AzdoError } from '../../src/errors/azdo-error.js';
import { normalizePat, patFingerprint, PAT_INVALID } from '../../src/credentials/pat.js';

const CLASSIC = 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst'; // 52 characters of base32
const NEW_FORMAT = `${'A1b2C3d4E5'.repeat(7)}x9Y8z7AZDOq1w2`; // 84 characters, AZDO at 76-80

function refusal(input: string): AzdoError {
  try {
    normalizePat(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AzdoError);
    return error as AzdoError;
  }
  throw new Error('expected normalizePat to refuse the input');
}

describe('normalizePat', () => {
  it('accepts classic 52-character and new 84-character tokens unchanged', () => {
    expect(CLASSIC).toHaveLength(52);
    expect(NEW_FORMAT).toHaveLength(84);
    expect(NEW_FORMAT.slice(76, 80)).toBe('AZDO');
    expect(normalizePat(CLASSIC)).toBe(CLASSIC);
    expect(normalizePat(NEW_FORMAT)).toBe(NEW_FORMAT);
  });

  it('does not check the length: short and long tokens pass', () => {
    expect(normalizePat('x')).toBe('x');
    expect(normalizePat('a'.repeat(300))).toBe('a'.repeat(300));
  });

  it('trims the newline, CRLF, spaces, tabs and BOM that pasting adds', () => {
    expect(normalizePat(`${CLASSIC}\n`)).toBe(CLASSIC);
    expect(normalizePat(`${NEW_FORMAT}\r\n`)).toBe(NEW_FORMAT);
    expect(normalizePat(`  \t${CLASSIC}  `)).toBe(CLASSIC);
    expect(normalizePat(`\uFEFF${CLASSIC}`)).toBe(CLASSIC);
  });

  it.each([
    ['an empty value', '', /empty/],
    ['only whitespace', ' \n\t ', /empty/],
    ['a whole Authorization header', `Authorization: Basic ${Buffer.from(`:${CLASSIC}`).toString('base64')}`, /Authorization header/],
    ['a Basic value', `Basic ${Buffer.from(`:${CLASSIC}`).toString('base64')}`, /"Basic \.\.\."/],
    ['a Bearer value', `Bearer ${CLASSIC}`, /"Bearer \.\.\."/],
    ['an organization URL', 'https://dev.azure.com/fabrikam', /URL/],
    ['a clone URL with the token inside', `https://me:${CLASSIC}@dev.azure.com/fabrikam/p/_git/r`, /URL/],
    ['a URL without scheme', `${CLASSIC}@dev.azure.com/fabrikam/p/_git/r`, /URL/],
    ['two words', `${CLASSIC} ${CLASSIC}`, /spaces or line breaks/],
    ['a token split over two lines', `${CLASSIC.slice(0, 20)}\n${CLASSIC.slice(20)}`, /spaces or line breaks/],
    ['a quoted token', `"${CLASSIC}"`, /quotes/],
    ['typographic quotes', `\u201c${CLASSIC}\u201d`, /not plain ASCII/],
    ['a zero-width space inside', `${CLASSIC.slice(0, 10)}\u200b${CLASSIC.slice(10)}`, /not plain ASCII/],
    ['an Entra access token (JWT)', 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI0OTliODRhYyJ9.c2lnbmF0dXJl', /JWT/],
  ])('refuses %s with AZDO_PAT_INVALID and a hint', (_name, input, message) => {
    const error = refusal(input);
    expect(error.code).toBe(PAT_INVALID);
    expect(error.message).toMatch(message);
    expect(error.hint.length).toBeGreaterThan(20);
  });

  it('never repeats the pasted value in the error', () => {
    for (const input of [`Basic ${CLASSIC}`, `https://me:${CLASSIC}@dev.azure.com/f`, `${CLASSIC} extra`, `"${CLASSIC}"`, `${CLASSIC}\u00e9`]) {
      const error = refusal(input);
      const everything = `${error.message} ${error.hint} ${JSON.stringify(error)} ${String(error.stack)}`;
      expect(everything).not.toContain(CLASSIC);
    }
  });

  it('returns any run of visible ASCII without spaces as is, padded or not', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{1,120}$/),
        fc.constantFrom('', ' ', '\n', '\r\n', '\t '),
        (token, pad) => normalizePat(`${pad}${token}${pad}`) === token,
      ),
    );
  });
});

describe('patFingerprint', () => {
  it('shows a short hash prefix, stable for one token and different for another', () => {
    const a = patFingerprint(CLASSIC);
    expect(a).toMatch(/^…[0-9a-f]{6}$/);
    expect(patFingerprint(CLASSIC)).toBe(a);
    expect(patFingerprint(NEW_FORMAT)).not.toBe(a);
  });

  it('contains no piece of the token', () => {
    const token = 'abcdef'.repeat(9);
    expect(patFingerprint(token).slice(1)).not.toBe(token.slice(-6));
    expect(token).not.toContain(patFingerprint(token).slice(1));
  });
});
