import { organizationUrl, originHostPort, virtualDirectorySegments } from './deployment.js';
import { encodeQueryValue, encodeSegment, equalsIgnoreCase } from './encoding.js';
import type { AzureLocation, Deployment, VersionDescriptor } from './types.js';

/** `{organizationUrl}/{project}`. */
export function projectUrl(deployment: Deployment, project: string): string {
  // On Services a project named "DefaultCollection" would read back as the collection segment we drop; naming the
  // collection first keeps it a project.
  const collection = deployment.kind === 'services' && equalsIgnoreCase(project, 'DefaultCollection') ? '/DefaultCollection' : '';
  return `${organizationUrl(deployment)}${collection}/${encodeSegment(project)}`;
}

function scopeUrl(deployment: Deployment, project: string | undefined): string {
  return project === undefined ? organizationUrl(deployment) : projectUrl(deployment, project);
}

/** `https://dev.azure.com/{org}/{project}/_git/{repo}`; without a project when the URL you read had none. */
export function httpsCloneUrl(deployment: Deployment, project: string | undefined, repository: string): string {
  return `${scopeUrl(deployment, project)}/_git/${encodeSegment(repository)}`;
}

export interface SshCloneUrlOptions {
  /** Server only: Services accepts SSH on port 22 alone. */
  sshPort?: number;
  /** Server only, for an SSH endpoint on another host than the web one. */
  sshHost?: string;
}

/**
 * Services: `git@ssh.dev.azure.com:v3/{org}/{project}/{repo}`, for legacy organizations too (vs-ssh.visualstudio.com
 * still works, but Microsoft asks users to move). The v3 form always has a project; Azure DevOps leaves it out of
 * HTTPS URLs only when it equals the repository name, so that name stands in for it.
 * Server: `ssh://{host}:22[/{virtual directory}]/{collection}/{project}/_git/{repo}`.
 */
export function sshCloneUrl(
  deployment: Deployment,
  project: string | undefined,
  repository: string,
  options: SshCloneUrlOptions = {},
): string {
  if (deployment.kind === 'services') {
    const names = [deployment.organization, project ?? repository, repository].map(encodeSegment);
    return `git@ssh.dev.azure.com:v3/${names.join('/')}`;
  }
  const host = options.sshHost ?? originHostPort(deployment.origin).host;
  const vdir = virtualDirectorySegments(deployment).map((s) => `/${encodeSegment(s)}`).join('');
  const projectPart = project === undefined ? '' : `/${encodeSegment(project)}`;
  return `ssh://${host}:${options.sshPort ?? 22}${vdir}/${encodeSegment(deployment.collection)}${projectPart}/_git/${encodeSegment(repository)}`;
}

const VERSION_PREFIX: Record<VersionDescriptor['type'], string> = { branch: 'GB', tag: 'GT', commit: 'GC' };

function versionParam(version: VersionDescriptor): string {
  return `version=${VERSION_PREFIX[version.type]}${encodeQueryValue(version.value)}`;
}

/** The page Azure DevOps shows for a location, in the forms its own UI and service hooks use. */
export function webUrl(location: AzureLocation): string {
  const { deployment } = location;
  switch (location.type) {
    case 'organization':
      return organizationUrl(deployment);
    case 'project':
      return projectUrl(deployment, location.project);
    case 'build':
      return `${projectUrl(deployment, location.project)}/_build/results?buildId=${location.buildId}`;
    case 'buildDefinition':
      return `${projectUrl(deployment, location.project)}/_build/definition?definitionId=${location.definitionId}`;
    case 'workItem':
      return `${scopeUrl(deployment, location.project)}/_workitems/edit/${location.workItemId}`;
  }
  const repository = httpsCloneUrl(deployment, location.project, location.repository);
  switch (location.type) {
    case 'repository':
      return repository;
    case 'branch':
      return `${repository}?${versionParam({ type: 'branch', value: location.branch })}`;
    case 'tag':
      return `${repository}?${versionParam({ type: 'tag', value: location.tag })}`;
    case 'commit':
      return `${repository}/commit/${encodeSegment(location.commitId)}`;
    case 'pullRequest':
      return `${repository}/pullrequest/${location.pullRequestId}`;
    case 'file': {
      const params = [`path=${encodeQueryValue(location.path)}`];
      if (location.version) params.push(versionParam(location.version));
      if (location.line !== undefined) params.push(`line=${location.line}`);
      return `${repository}?${params.join('&')}`;
    }
  }
}

/** The inverse of parseAzureUrl: the SSH clone URL for a repository read from one, the web URL for everything else. */
export function formatAzureUrl(location: AzureLocation): string {
  if (location.type === 'repository' && location.transport === 'ssh') {
    const options = location.sshPort === undefined ? {} : { sshPort: location.sshPort };
    return sshCloneUrl(location.deployment, location.project, location.repository, options);
  }
  return webUrl(location);
}
