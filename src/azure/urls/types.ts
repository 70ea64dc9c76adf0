/**
 * Where an Azure DevOps organization (Services) or project collection (Server) lives.
 * Names keep the case the user gave; compare deployments with `sameDeployment`, never with `===`.
 */
export type Deployment = ServicesDeployment | ServerDeployment;

export interface ServicesDeployment {
  kind: 'services';
  organization: string;
  /** `visualstudio.com` is the legacy `{org}.visualstudio.com` host; both address the same organization. */
  host: 'dev.azure.com' | 'visualstudio.com';
}

export interface ServerDeployment {
  kind: 'server';
  /** `https://host[:port]`, lowercase, default port dropped. From an SSH URL this is a guess: `https://{ssh host}`. */
  origin: string;
  /** `''` or a decoded path such as `/tfs`. */
  virtualDirectory: string;
  collection: string;
}

/** The fields every location inside a repository shares. */
export interface RepositoryRef {
  deployment: Deployment;
  /** Absent when the URL omits it, which Azure DevOps does when the repository is named like its project. */
  project?: string;
  repository: string;
}

export type VersionDescriptor = { type: 'branch' | 'tag' | 'commit'; value: string };

export type AzureLocation =
  | { type: 'organization'; deployment: Deployment }
  | { type: 'project'; deployment: Deployment; project: string }
  | (RepositoryRef & {
      type: 'repository';
      /**
       * How the URL reached the repository. A repository's web page and its HTTPS clone URL are the same URL, so a
       * separate `web` value would be a guess nobody could act on.
       */
      transport: 'https' | 'ssh';
      /** Only for Server SSH URLs on a port other than 22. */
      sshPort?: number;
    })
  | (RepositoryRef & { type: 'branch'; branch: string })
  | (RepositoryRef & { type: 'tag'; tag: string })
  | (RepositoryRef & { type: 'commit'; commitId: string })
  | (RepositoryRef & { type: 'file'; path: string; version?: VersionDescriptor; line?: number })
  | (RepositoryRef & { type: 'pullRequest'; pullRequestId: number })
  | { type: 'build'; deployment: Deployment; project: string; buildId: number }
  | { type: 'buildDefinition'; deployment: Deployment; project: string; definitionId: number }
  | { type: 'workItem'; deployment: Deployment; project?: string; workItemId: number };

export type AzureLocationType = AzureLocation['type'];

export interface ParseAzureUrlOptions {
  /**
   * Server collections the caller already knows (from existing connections). A host alone cannot tell whether
   * `/a/b/c` is virtual directory, collection and project, or collection, project and team; a known deployment can.
   * Services entries are ignored.
   */
  knownServers?: readonly Deployment[];
}
