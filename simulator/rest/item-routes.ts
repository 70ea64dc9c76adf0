import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GitRepo, GitTreeEntry } from '../git/git-repo.js';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson, type AdoRequest } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { Project, Repository } from '../state/model.js';
import { commitJson } from './git-shapes.js';
import {
  atBothLevels,
  booleanParam,
  CODE_READ,
  describeVersion,
  enumParam,
  queryOf,
  resolveVersion,
  versionDescriptorOf,
  type VersionDescriptor,
} from './git-query.js';
import { repositoryInScope } from './repository-scope.js';

type Recursion = 'none' | 'oneLevel' | 'oneLevelPlusNestedEmptyFolders' | 'full';
type MediaType = 'json' | 'zip' | 'text' | 'octet' | 'none';

const RECURSION: Record<Recursion, number> = { none: 0, oneLevel: 1, oneLevelPlusNestedEmptyFolders: 4, full: 120 };
const RECURSION_NAMES = ['None', 'OneLevel', 'OneLevelPlusNestedEmptyFolders', 'Full'];
const ACCEPTED: Record<string, MediaType> = {
  'application/json': 'json',
  'application/zip': 'zip',
  'text/plain': 'text',
  'application/octet-stream': 'octet',
};
const FORMATS: Record<string, MediaType> = { json: 'json', zip: 'zip', text: 'text', octetstream: 'octet' };
const TEXT = new Set(['.txt', '.md', '.markdown', '.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.cs', '.py', '.java', '.go', '.rs', '.c', '.h', '.cpp', '.sh', '.yml', '.yaml', '.toml', '.ini', '.cfg', '.config', '.csproj', '.sln', '.gitignore', '.gitattributes', '.editorconfig', '.css', '.scss', '.cshtml', '.sql', '.ps1', '.bat', '.log', '.csv', '.html', '.htm', '.xml']);
const MIME: Record<string, string> = { '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.zip': 'application/zip', '.pdf': 'application/pdf' };

/** `$format` wins over Accept; otherwise the first type Azure DevOps knows, by q-value. */
function mediaTypeOf(format: string | undefined, accept: string | undefined): MediaType {
  if (format) {
    const media = FORMATS[format.toLowerCase()];
    if (!media) throw AdoErrors.invalidArgumentValue('$format', `${format} is not a valid value for $format. Try one of: json,zip,text,octetStream`);
    return media;
  }
  const ranked = (accept ?? '')
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { media: ACCEPTED[type], q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((x) => x.media !== undefined && x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.media ?? 'none';
}

/**
 * Served as Azure DevOps' safe content types: markup comes back as text/plain so a browser never renders a
 * repository's HTML on the service's origin.
 */
function contentTypeOf(itemPath: string): string {
  const ext = path.posix.extname(itemPath).toLowerCase() || path.posix.basename(itemPath).toLowerCase();
  return MIME[ext] ?? (TEXT.has(ext) ? 'text/plain' : 'application/octet-stream');
}

function encodePath(itemPath: string): string {
  return itemPath.split('/').map(encodeURIComponent).join('/');
}

function contentDisposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/["\\]/g, '_')}"; filename*=utf-8''${encodeURIComponent(fileName)}`;
}

/** Children of a folder plus chains of folders that hold nothing but one folder, from a full listing. */
function withNestedEmptyFolders(full: GitTreeEntry[]): GitTreeEntry[] {
  const [scope, ...rest] = full;
  const children = new Map<string, GitTreeEntry[]>();
  for (const e of rest) {
    const parent = path.posix.dirname(e.path);
    children.set(parent, [...(children.get(parent) ?? []), e]);
  }
  const out: GitTreeEntry[] = [scope!];
  for (const child of children.get(scope!.path) ?? []) {
    out.push(child);
    let folder = child;
    for (;;) {
      const inner = children.get(folder.path) ?? [];
      if (folder.gitObjectType !== 'tree' || inner.length !== 1 || inner[0]!.gitObjectType !== 'tree') break;
      folder = inner[0]!;
      out.push(folder);
    }
  }
  return out;
}

async function listItems(git: GitRepo, commitId: string, itemPath: string, recursion: Recursion): Promise<GitTreeEntry[] | undefined> {
  if (recursion === 'oneLevelPlusNestedEmptyFolders') {
    const full = await git.listTree(commitId, itemPath, 'full');
    return full && withNestedEmptyFolders(full);
  }
  return git.listTree(commitId, itemPath, recursion);
}

/** versionOptions move the version along the item's history before it is read. */
async function applyVersionOptions(git: GitRepo, commitId: string, itemPath: string, d: VersionDescriptor): Promise<string> {
  if (d.versionOptions === 'none' || itemPath === '') return commitId;
  if (d.versionOptions === 'firstParent') {
    const parent = (await git.getCommit(commitId))?.parents[0];
    if (!parent) throw AdoErrors.badRequest(`TF401177: A parent could not be found for '${describeVersion(d)}' (resolved to commit '${commitId}')`);
    return parent;
  }
  const { commits } = await git.log({ ref: commitId, itemPath, top: 2 });
  const previous = commits[0]?.commitId === commitId ? commits[1] : commits[0];
  if (!previous) {
    throw AdoErrors.gitObjectNotFound(
      `TF401176: A revision of '${itemPath}' could not be found prior to version <${d.versionType} : ${d.version ?? ''}> (resolved to commit '${commitId}')`,
    );
  }
  return previous.commitId;
}

export async function itemRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const { ado } = request;
    const params = request.params as { repositoryId: string; '*'?: string };
    const get = queryOf(request);
    const wildcard = params['*'] ? `/${params['*']}` : undefined;
    const single = (get('path') ?? wildcard)?.trim() || undefined;
    const scopePath = get('scopePath')?.trim() || undefined;
    const recursion = enumParam<Recursion>(get('recursionLevel') || 'none', 'recursionLevel', RECURSION, RECURSION_NAMES);
    const o = {
      metadata: booleanParam(get, 'includeContentMetadata'),
      latest: booleanParam(get, 'latestProcessedChange'),
      download: booleanParam(get, 'download'),
      links: booleanParam(get, 'includeLinks'),
      content: booleanParam(get, 'includeContent'),
    };
    booleanParam(get, 'resolveLfs');
    booleanParam(get, 'sanitize');
    booleanParam(get, 'zipForUnix');
    if (single && scopePath) {
      throw AdoErrors.badRequest('Cannot specify an item "path" as well as "scopePath". Provide "path" to get a single item, or provide "scopePath" to get a collection of items.');
    }
    if (single && recursion !== 'none') {
      throw AdoErrors.badRequest('Cannot specify a "recursionLevel" other than "None" when providing a single item "path". Use the "scopePath" query parameter filter instead to get a collection of items.');
    }
    const itemPath = single ?? scopePath ?? '/';
    const asked = versionDescriptorOf(get, ['versionDescriptor.', '']);
    const media = mediaTypeOf(get('$format'), request.headers.accept);

    const { project, repository } = repositoryInScope(request, params.repositoryId);
    const git = ctx.repos.git(repository);
    const [refs, summary] = await Promise.all([ctx.repos.refs(repository), ctx.repos.summary(repository)]);
    const exists = async (id: string) => (await git.getCommit(id)) !== undefined;
    const resolved = await resolveVersion(refs, summary.defaultBranch, repository.name, asked ?? { versionType: 'branch', versionOptions: 'none' }, exists);
    if (!resolved) throw AdoErrors.gitObjectNotFound(`VS403403: Cannot find any branches for the ${repository.name} repository.`);
    const commitId = await applyVersionOptions(git, resolved.commitId, itemPath.replace(/^\/+/, ''), resolved.descriptor);

    const effective: Recursion = media === 'zip' || media === 'text' ? 'none' : recursion;
    const entries = await listItems(git, commitId, itemPath, effective);
    if (!entries) {
      throw AdoErrors.gitObjectNotFound(
        `TF401174: The item '${itemPath}' could not be found in the repository '${repository.name}' at the version specified by '${describeVersion(asked ?? resolved.descriptor)}' (resolved to commit '${commitId}')`,
      );
    }
    const first = entries[0]!;
    const json = media === 'json' || (media === 'none' && first.gitObjectType === 'tree');
    if (json) {
      const render = (entry: GitTreeEntry) => itemJson(ado, project, repository, entry, commitId, asked, o);
      if (!single) return sendJson(reply, { count: entries.length, value: entries.map(render) });
      const item = render(first);
      if (o.content && first.gitObjectType === 'blob') item['content'] = ((await git.readBlob(commitId, first.path)) ?? Buffer.alloc(0)).toString('utf8');
      if (o.latest) {
        const [latest] = (await git.log({ ref: commitId, top: 1, ...(first.path === '/' ? {} : { itemPath: first.path }) })).commits;
        if (latest) item['latestProcessedChange'] = commitJson(ado, project, repository, latest);
      }
      return sendJson(reply, item);
    }
    if (media === 'zip') {
      const name = first.path === '/' ? repository.name : path.posix.basename(first.path);
      const rel = first.path.replace(/^\/+/, '');
      const args = first.gitObjectType === 'tree' ? [`${commitId}:${rel}`] : [commitId, '--', rel];
      const zip = (await git.git(['archive', '--format=zip', ...args])).stdout;
      return reply.code(200).type('application/zip').header('content-disposition', contentDisposition(`${name}.zip`)).send(zip);
    }
    if (first.gitObjectType !== 'blob') {
      throw AdoErrors.badRequest(media === 'text' ? 'A Git tree cannot be returned with content type text/*' : "Invalid item type. Only 'file' items can be downloaded or viewed.");
    }
    const content = (await git.readBlob(commitId, first.path)) ?? Buffer.alloc(0);
    const type = contentTypeOf(first.path);
    if (o.download || type === 'application/octet-stream') reply.header('content-disposition', contentDisposition(path.posix.basename(first.path)));
    return reply.code(200).type(type.startsWith('text/') ? `${type}; charset=utf-8` : type).send(content);
  };

  atBothLevels(app, 'GET', '/_apis/git/repositories/:repositoryId/items', CODE_READ, handler);
  // The location's route template is items/{*path}: the path may also come in the URL.
  atBothLevels(app, 'GET', '/_apis/git/repositories/:repositoryId/items/*', CODE_READ, handler);
}

function itemJson(
  ado: AdoRequest,
  project: Project,
  repository: Repository,
  entry: GitTreeEntry,
  commitId: string,
  asked: VersionDescriptor | undefined,
  o: { metadata: boolean; links: boolean },
): Record<string, unknown> {
  const type = (asked?.versionType ?? 'branch').replace(/^./, (c) => c.toUpperCase());
  const version = asked?.version ? `&version=${encodeURIComponent(asked.version)}` : '';
  const options = (asked?.versionOptions ?? 'none').replace(/^./, (c) => c.toUpperCase());
  const url = `${ado.baseUrl}/${project.id}/_apis/git/repositories/${repository.id}/items${encodePath(entry.path)}?versionType=${type}${version}&versionOptions=${options}`;
  const folder = entry.gitObjectType === 'tree';
  const fileName = entry.path === '/' ? '' : path.posix.basename(entry.path);
  const extension = path.posix.extname(fileName).replace(/^\./, '');
  return {
    objectId: entry.objectId,
    gitObjectType: entry.gitObjectType,
    commitId,
    path: entry.path,
    ...(folder ? { isFolder: true } : {}),
    ...(o.metadata
      ? { contentMetadata: folder ? { fileName } : { encoding: 65001, contentType: contentTypeOf(entry.path), fileName, ...(extension ? { extension } : {}) } }
      : {}),
    url,
    ...(o.links ? { _links: { self: { href: url }, repository: { href: `${ado.baseUrl}/_apis/git/repositories/${repository.id}` } } } : {}),
  };
}
