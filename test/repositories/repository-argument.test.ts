import { describe, expect, it } from 'vitest';
import { looksLikeUrl, parseRefArgument } from '../../src/repositories/repository-target.js';

describe('repository arguments', () => {
  it('tells URLs from project/repository', () => {
    expect(looksLikeUrl('https://dev.azure.com/a/b/_git/c')).toBe(true);
    expect(looksLikeUrl('git@ssh.dev.azure.com:v3/a/b/c')).toBe(true);
    expect(looksLikeUrl('ssh://host:22/c/p/_git/r')).toBe(true);
    expect(looksLikeUrl('Fabrikam Fiber/web')).toBe(false);
    expect(looksLikeUrl('project/repo@2')).toBe(false);
    expect(looksLikeUrl('dev.azure.com/fabrikam/p/_git/r')).toBe(true);
    expect(looksLikeUrl('Web.Site/web.app')).toBe(false);
  });

  it('reads refs as branches unless they say otherwise', () => {
    expect(parseRefArgument('main')).toEqual({ type: 'branch', value: 'main' });
    expect(parseRefArgument('feature/x')).toEqual({ type: 'branch', value: 'feature/x' });
    expect(parseRefArgument('refs/heads/feature/x')).toEqual({ type: 'branch', value: 'feature/x' });
    expect(parseRefArgument('tags/v1.0')).toEqual({ type: 'tag', value: 'v1.0' });
    expect(parseRefArgument('refs/tags/v1.0')).toEqual({ type: 'tag', value: 'v1.0' });
    expect(parseRefArgument('ABCDEF0123456789abcdef0123456789abcdef01')).toEqual({ type: 'commit', value: 'abcdef0123456789abcdef0123456789abcdef01' });
  });
});
