/**
 * The resource locations the official client looks up before any call (FACTS §10): it asks `OPTIONS _apis/{area}`,
 * finds the location by GUID (the GUIDs are those in azure-devops-node-api's *Api.js files) and fills in the route
 * template. Every template here names a route the simulator really serves.
 */
export interface ApiResourceLocation {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  minVersion: string;
  maxVersion: string;
  releasedVersion: string;
}

const loc = (id: string, area: string, resourceName: string, routeTemplate: string, resourceVersion = 1): ApiResourceLocation => ({
  id,
  area,
  resourceName,
  routeTemplate,
  resourceVersion,
  minVersion: '1.0',
  maxVersion: '7.2',
  releasedVersion: '7.1',
});

const REPO = '{project}/_apis/{area}/repositories/{repositoryId}';

export const LOCATIONS: ApiResourceLocation[] = [
  loc('e81700f7-3be2-46de-8624-2eb35882fcaa', 'Location', 'ResourceAreas', '_apis/{resource}/{areaId}'),
  loc('00d9565f-ed9c-4a06-9a50-00e7896ccab4', 'Location', 'ConnectionData', '_apis/{resource}'),
  loc('603fe2ac-9723-48b9-88ad-09305aa6c6e1', 'core', 'projects', '_apis/{resource}/{*projectId}', 4),
  loc('225f7195-f9c7-4d14-ab28-a83f7ff77e1f', 'git', 'repositories', '{project}/_apis/{area}/{resource}/{repositoryId}', 2),
  loc('2d874a60-a811-4f62-9c9f-963a6ea0a55b', 'git', 'refs', `${REPO}/{resource}`, 2),
  loc('c2570c3b-5b3f-41b8-98bf-5407bfde8d58', 'git', 'commits', `${REPO}/{resource}/{commitId}`, 2),
  loc('6400dfb2-0bcb-462b-b992-5a57f8f1416c', 'git', 'commitsBatch', `${REPO}/{resource}`, 2),
  loc('ea98d07b-3c87-4971-8ede-a613694ffb55', 'git', 'pushes', `${REPO}/{resource}/{pushId}`, 3),
  loc('9946fd70-0d40-406e-b686-b4744cbbcc37', 'git', 'pullRequests', `${REPO}/{resource}/{pullRequestId}`, 2),
  loc('a5d28130-9cd2-40fa-9f08-902e7daa9efb', 'git', 'pullRequests', '{project}/_apis/{area}/{resource}', 2),
  loc('01a46dea-7d46-4d40-bc84-319e7c260d99', 'git', 'pullRequests', '{project}/_apis/{area}/{resource}/{pullRequestId}', 2),
  loc('52823034-34a8-4576-922c-8d8b77e9e4c4', 'git', 'commits', `${REPO}/pullRequests/{pullRequestId}/{resource}`, 1),
  loc('fb93c0db-47ed-4a31-8c20-47552878fb44', 'git', 'items', `${REPO}/{resource}/{*path}`, 1),
  loc('f83735dc-483f-4238-a291-d45f6080a9af', 'Profile', 'profiles', '_apis/{area}/{resource}/{id}', 3),
];

/** Resource areas (FACTS §1.1) and whether they live on the organization's URL or on the profile host. */
export const RESOURCE_AREAS: Array<{ id: string; name: string; onProfileHost?: boolean }> = [
  { id: '79134c72-4a58-4b42-976c-04e7115f32bf', name: 'core' },
  { id: '4e080c62-fa21-4fbc-8fef-2a10a2b38049', name: 'git' },
  { id: '5d6898bb-45ec-463f-95f9-54d49c71752e', name: 'build' },
  { id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5', name: 'wit' },
  { id: '2e0bf237-8973-4ec9-a581-9c3d679d1776', name: 'pipelines' },
  { id: '8ccfef3d-2b87-4e99-8ccb-66e343d2daa8', name: 'profile', onProfileHost: true },
  { id: '0d55247a-1c47-4462-9b1f-5e2125590ee6', name: 'account', onProfileHost: true },
];
