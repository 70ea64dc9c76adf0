import { expect } from 'vitest';
import { AzdoError } from '../../src/errors/azdo-error.js';

/** Awaits a promise that must reject with our error type, and returns that error for the test to inspect. */
export async function rejection(promise: Promise<unknown>): Promise<AzdoError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AzdoError);
    return error as AzdoError;
  }
  throw new Error('expected a rejection');
}
