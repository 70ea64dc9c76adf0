import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson } from '../http/ado-request.js';
import { byName, findProject } from '../state/lookup.js';
import type { Project } from '../state/model.js';
import type { AdoRequest } from '../http/ado-request.js';
import { pageOf } from './paging.js';
import { projectReference } from './shapes.js';

const READ = { ado: { scopes: ['vso.project', 'vso.profile'] } };

/** Projects a caller can see: all of them for organization members, else those it was made a reader of. */
export function visibleProjects(ado: AdoRequest): Project[] {
  const id = ado.identity?.id;
  if (id === undefined) return [];
  if (ado.host.members.includes(id)) return ado.host.projects;
  return ado.host.projects.filter((p) => p.readers.includes(id));
}

export async function coreRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  app.get('/_apis/projects', { config: { ado: { ...READ.ado, cache: true } } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const stateFilter = (query['stateFilter'] ?? 'wellFormed').toLowerCase();
    const projects = ['wellformed', 'all'].includes(stateFilter) ? visibleProjects(request.ado) : [];
    const sorted = [...projects].sort((a, b) => byName(a.name, b.name));
    const page = pageOf(sorted, request, reply, { pageSize: ctx.settings.pageSize, numericTokens: true });
    return sendJson(reply, { count: page.length, value: page.map((p) => projectReference(request.ado, p)) });
  });

  app.get<{ Params: { projectId: string } }>('/_apis/projects/:projectId', { config: READ }, async (request, reply) => {
    const { ado } = request;
    const project = findProject(ado.host, request.params.projectId);
    if (!project || !visibleProjects(ado).includes(project)) {
      const byId = /^[0-9a-f-]{36}$/i.test(request.params.projectId);
      throw byId ? AdoErrors.projectNotFoundById(request.params.projectId) : AdoErrors.projectNotFoundByName(request.params.projectId);
    }
    const query = request.query as Record<string, string | undefined>;
    const capabilities =
      query['includeCapabilities'] === 'true'
        ? {
            capabilities: {
              versioncontrol: { sourceControlType: 'Git', gitEnabled: 'True', tfvcEnabled: 'False' },
              processTemplate: { templateName: 'Agile', templateTypeId: 'adcc42ab-9882-485e-a3ed-7678f01f66bc' },
            },
          }
        : {};
    return sendJson(reply, {
      ...projectReference(ado, project),
      _links: {
        self: { href: `${ado.baseUrl}/_apis/projects/${project.id}` },
        collection: { href: `${ado.baseUrl}/_apis/projectCollections/${ado.host.id}` },
        web: { href: `${ado.baseUrl}/${encodeURIComponent(project.name)}` },
      },
      ...capabilities,
      defaultTeam: {
        id: project.id,
        name: `${project.name} Team`,
        url: `${ado.baseUrl}/_apis/projects/${project.id}/teams/${project.id}`,
      },
    });
  });
}
