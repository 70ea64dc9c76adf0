import { describe, expect, it } from 'vitest';
import { checkName } from '../../src/web/pages/connections/check-names.js';

describe('checkName', () => {
  it('names the checks the doctor runs', () => {
    expect(checkName('read-code', 'services')).toBe('Read code');
    expect(checkName('ssh-host-key', 'server')).toBe('SSH host key');
  });

  it('calls the organization check a collection on a Server', () => {
    expect(checkName('organization', 'services')).toBe('Organization');
    expect(checkName('organization', 'server')).toBe('Collection');
  });

  it('turns an id it does not know yet into words', () => {
    expect(checkName('pipeline-permissions', 'services')).toBe('Pipeline permissions');
  });
});
