import type { FastifyReply } from 'fastify';

/**
 * An error Azure DevOps would answer with. The body follows the shape of real error responses (FACTS §2.16):
 * `$id`, `innerException`, `message`, `typeName`, `typeKey`, `errorCode`, `eventId`; the message is repeated,
 * URL-encoded, in `X-TFS-ServiceError` as Azure DevOps does.
 */
export class AdoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly typeKey: string,
    readonly typeName: string,
    message: string,
    readonly extraHeaders: Record<string, string> = {},
    readonly extraBody: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendAdoError(reply: FastifyReply, error: AdoHttpError): FastifyReply {
  const body = {
    $id: '1',
    ...error.extraBody,
    innerException: null,
    message: error.message,
    typeName: error.typeName,
    typeKey: error.typeKey,
    errorCode: 0,
    eventId: 3000,
  };
  return reply
    .code(error.status)
    .headers({ 'x-tfs-serviceerror': encodeURIComponent(error.message), ...error.extraHeaders })
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

const FRAMEWORK = 'Microsoft.TeamFoundation.Framework.Server';
const GIT = 'Microsoft.TeamFoundation.Git.Server';
const CORE = 'Microsoft.TeamFoundation.Core.WebApi';
const WEBAPI = 'Microsoft.VisualStudio.Services.WebApi';

export const AdoErrors = {
  repositoryNotFound: (nameOrId: string) =>
    new AdoHttpError(
      404,
      'GitRepositoryNotFoundException',
      `${GIT}.GitRepositoryNotFoundException, ${GIT}`,
      `TF401019: The Git repository with name or identifier ${nameOrId} does not exist or you do not have permissions for the operation you are attempting.`,
    ),
  projectNotFoundById: (id: string) =>
    new AdoHttpError(
      404,
      'ProjectDoesNotExistException',
      `${FRAMEWORK}.ProjectDoesNotExistException, ${FRAMEWORK}`,
      `VS800075: The project with id 'vstfs:///Classification/TeamProject/${id}' does not exist, or you do not have permission to access it.`,
    ),
  projectNotFoundByName: (name: string) =>
    new AdoHttpError(
      404,
      'ProjectDoesNotExistWithNameException',
      `${CORE}.ProjectDoesNotExistWithNameException, ${CORE}`,
      `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
    ),
  unauthorized: (userId: string) =>
    new AdoHttpError(
      401,
      'UnauthorizedRequestException',
      `${FRAMEWORK}.UnauthorizedRequestException, ${FRAMEWORK}`,
      `TF400813: The user '${userId}' is not authorized to access this resource.`,
    ),
  notAMember: (baseUrl: string) =>
    new AdoHttpError(
      401,
      'UnauthorizedRequestException',
      `${FRAMEWORK}.UnauthorizedRequestException, ${FRAMEWORK}`,
      `VS30063: You are not authorized to access ${baseUrl}.`,
    ),
  patExpired: () =>
    new AdoHttpError(
      401,
      'AccessCheckException',
      'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
      'Access Denied: The Personal Access Token used has expired.',
      {},
      {
        customProperties: {
          Descriptor: null,
          IdentityDisplayName: null,
          Token: null,
          RequestedPermissions: 0,
          NamespaceId: '00000000-0000-0000-0000-000000000000',
        },
      },
    ),
  principalNotInOrganization: (tenantId: string, objectId: string) =>
    new AdoHttpError(
      401,
      'UnauthorizedRequestException',
      `${FRAMEWORK}.UnauthorizedRequestException, ${FRAMEWORK}`,
      `TF401444: Sign-in at least once as ${tenantId}\\${tenantId}\\${objectId} in a web browser to enable access to the service.`,
    ),
  throttled: (resource: string, namespace: string, retryAfter: number) =>
    new AdoHttpError(
      429,
      'RequestBlockedException',
      `${FRAMEWORK}.RequestBlockedException, ${FRAMEWORK}`,
      `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource '${resource}' in namespace '${namespace}'.`,
      { 'retry-after': String(retryAfter) },
    ),
  badRequest: (message: string, typeKey = 'ArgumentException') =>
    new AdoHttpError(400, typeKey, `System.${typeKey}, mscorlib`, message),
  invalidArgumentValue: (name: string, message?: string) =>
    new AdoHttpError(
      400,
      'InvalidArgumentValueException',
      `${WEBAPI}.InvalidArgumentValueException, ${WEBAPI}`,
      message ?? `The value specified for the following variable is invalid: ${name}.`,
    ),
  versionOutOfRange: (requested: string, latest: string) =>
    new AdoHttpError(
      400,
      'VssVersionOutOfRangeException',
      `${WEBAPI}.VssVersionOutOfRangeException, ${WEBAPI}`,
      `The requested REST API version of ${requested} is out of range for this server. The latest REST API version for this server is ${latest}.`,
    ),
  previewWithoutFlag: (requested: string) =>
    new AdoHttpError(
      400,
      'VssInvalidPreviewVersionException',
      `${WEBAPI}.VssInvalidPreviewVersionException, ${WEBAPI}`,
      `The requested version "${requested}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${requested}-preview"`,
    ),
  notFound: (message: string, typeKey = 'NotFoundException') =>
    new AdoHttpError(404, typeKey, `${WEBAPI}.${typeKey}, ${WEBAPI}`, message),
  gitObjectNotFound: (message: string) =>
    new AdoHttpError(404, 'GitItemNotFoundException', `${GIT}.GitItemNotFoundException, ${GIT}`, message),
  pullRequestNotFound: (id: number | string) =>
    new AdoHttpError(
      404,
      'GitPullRequestNotFoundException',
      `${GIT}.GitPullRequestNotFoundException, ${GIT}`,
      `TF401180: The requested pull request was not found.`,
      {},
      { pullRequestId: id },
    ),
  repositoryDisabled: (name: string) =>
    new AdoHttpError(
      404,
      'GitRepositoryNotFoundException',
      `${GIT}.GitRepositoryNotFoundException, ${GIT}`,
      `TF401019: The Git repository with name or identifier ${name} does not exist or you do not have permissions for the operation you are attempting.`,
    ),
  conflict: (message: string, typeKey = 'GitReferenceStaleException') =>
    new AdoHttpError(409, typeKey, `${GIT}.${typeKey}, ${GIT}`, message),
  repositoryNameExists: (name: string) =>
    new AdoHttpError(
      409,
      'GitRepositoryNameAlreadyExistsException',
      `${GIT}.GitRepositoryNameAlreadyExistsException, ${GIT}`,
      `TF400948: A Git repository with the name ${name} already exists.`,
    ),
  gitPermissionDenied: (permission: string, displayName: string) =>
    new AdoHttpError(
      403,
      'GitNeedsPermissionException',
      `${GIT}.GitNeedsPermissionException, ${GIT}`,
      `TF401027: You need the Git '${permission}' permission to perform this action. Details: identity '${displayName}', scope 'repository'.`,
    ),
  refStale: (refName: string) =>
    new AdoHttpError(
      409,
      'GitReferenceStaleException',
      `${GIT}.GitReferenceStaleException, ${GIT}`,
      `TF401028: The reference '${refName}' has already been updated by another client, so you cannot update it. Please try again.`,
    ),
  gitObjectMissing: (objectId: string) =>
    new AdoHttpError(
      400,
      'GitObjectDoesNotExistException',
      `${GIT}.GitObjectDoesNotExistException, ${GIT}`,
      `TF401035: The object '${objectId}' does not exist.`,
    ),
  pullRequestExists: () =>
    new AdoHttpError(
      409,
      'GitPullRequestExistsException',
      `${GIT}.GitPullRequestExistsException, ${GIT}`,
      'TF401179: An active pull request for the source and target branch already exists.',
    ),
  pullRequestNotEditable: () =>
    new AdoHttpError(
      400,
      'InvalidArgumentValueException',
      `${WEBAPI}.InvalidArgumentValueException, ${WEBAPI}`,
      'TF401181: The pull request cannot be edited due to its state.',
    ),
  pullRequestCannotBeActivated: () =>
    new AdoHttpError(
      400,
      'InvalidArgumentValueException',
      `${WEBAPI}.InvalidArgumentValueException, ${WEBAPI}`,
      'TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches',
    ),
  pushItemExists: (path: string, changeType: string) =>
    new AdoHttpError(
      400,
      'GitItemAlreadyExistsException',
      `${GIT}.GitItemAlreadyExistsException, ${GIT}`,
      `The path '${path}' specified in the ${changeType} operation already exists. Please specify a new path.`,
    ),
  pushItemNotFound: (path: string, repositoryName: string, commitId: string) =>
    new AdoHttpError(
      400,
      'GitItemNotFoundException',
      `${GIT}.GitItemNotFoundException, ${GIT}`,
      `TF401174: The item '${path}' could not be found in the repository '${repositoryName}' at the version specified by '<Commit: ${commitId.slice(0, 8)}>' (resolved to commit ${commitId}).`,
    ),
  gitVersionNotFound: (descriptor: string, repositoryName: string) =>
    new AdoHttpError(
      404,
      'GitUnresolvableToCommitException',
      `${GIT}.GitUnresolvableToCommitException, ${GIT}`,
      `TF401175:The version descriptor ${descriptor} could not be resolved to a version in the repository ${repositoryName}`,
    ),
  gitCommitNotFound: (commitId: string) =>
    new AdoHttpError(
      404,
      'GitCommitDoesNotExistException',
      `${GIT}.GitCommitDoesNotExistException, ${GIT}`,
      `TF401029: Couldn't find Git commit with ID ${commitId}.`,
    ),
};
