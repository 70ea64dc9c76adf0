// What each Test connection check is called in the UI, by the id the service gives it (src/connections/doctor):
// a skipped check says only why it was skipped, so its name says which one it was.
const CHECK_NAMES: Record<string, string> = {
  reachability: 'Reachable',
  proxy: 'Proxy',
  organization: 'Organization',
  'organization-name': 'Organization name',
  'server-version': 'Server version',
  credential: 'Credential',
  'public-url': 'Public URL',
  'read-code': 'Read code',
  'write-code': 'Write code',
  builds: 'Read builds',
  'work-items': 'Read work items',
  'service-hooks': 'Service hooks',
  'access-breadth': 'Breadth of access',
  'ssh-host-key': 'SSH host key',
  'ssh-key': 'SSH key',
  'ssh-repository': 'SSH repository access',
};

/** The check's name; an id this list does not know yet reads as words ("new-check" → "New check"). */
export function checkName(id: string, kind: 'services' | 'server'): string {
  // On a Server the same check looks for the collection.
  if (id === 'organization' && kind === 'server') return 'Collection';
  const known = CHECK_NAMES[id];
  if (known) return known;
  const words = id.replace(/[-_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
