// The product's one URL module: parse every Azure DevOps URL form into a typed location, format canonical URLs back.
export type {
  AzureLocation,
  AzureLocationType,
  Deployment,
  ParseAzureUrlOptions,
  RepositoryRef,
  ServerDeployment,
  ServicesDeployment,
  VersionDescriptor,
} from './urls/types.js';
export { parseAzureUrl, tryParseAzureUrl } from './urls/parse-azure-url.js';
export { organizationUrl, sameDeployment } from './urls/deployment.js';
export { formatAzureUrl, httpsCloneUrl, projectUrl, sshCloneUrl, webUrl, type SshCloneUrlOptions } from './urls/format.js';
export { URL_INVALID, URL_UNSUPPORTED } from './urls/url-errors.js';
