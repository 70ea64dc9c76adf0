import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The official Azure DevOps REST specs (Swagger 2.0) that the simulator's responses are held to. */

export type SpecArea = 'core' | 'git' | 'profile' | 'account' | 'build' | 'wit' | 'hooks';

export type JsonSchema = Record<string, unknown>;

export interface SpecParameter {
  name?: string;
  in?: string;
  required?: boolean;
}

export interface SpecOperation {
  area: SpecArea;
  method: string;
  /** The template as the spec writes it, query part included for x-ms-paths. */
  template: string;
  operationId: string;
  pattern: RegExp;
  literalSegments: number;
  fromXmsPaths: boolean;
  queryParams: Set<string>;
  requiredQuery: Set<string>;
  responses: Record<string, { schema?: JsonSchema } | undefined>;
}

export interface SpecDocument {
  area: SpecArea;
  /** The `$id` the spec's definitions are registered under in ajv. */
  id: string;
  definitions: Record<string, JsonSchema>;
  operations: SpecOperation[];
}

const FILES: Record<SpecArea, string> = {
  core: 'core/7.1/core.json',
  git: 'git/7.1/git.json',
  profile: 'profile/7.1/profile.json',
  account: 'account/7.1/accounts.json',
  build: 'build/7.1/build.json',
  wit: 'wit/7.1/workItemTracking.json',
  hooks: 'hooks/7.1/serviceHooks.json',
};

/** shared/ sits beside the repository, locally and in CI; AZDO_SPECS_DIR points elsewhere when it does not. */
export function specsDirectory(): string {
  const fromEnv = process.env['AZDO_SPECS_DIR'];
  if (fromEnv) return fromEnv;
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  return path.join(repoRoot, '..', 'shared', 'azure-devops', 'specs', 'specification');
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Turns `/{organization}/{project}/_apis/git/repositories/{repositoryId}/refs` into a case-insensitive pattern
 * (Azure DevOps routes ignore case: `pullrequests` and `pullRequests` both work). `{project}` may be absent:
 * the git spec declares only project-level paths, yet the same operations answer at organization level
 * (FACTS §2.3, the spec's own example is recorded without a project).
 */
function templatePattern(pathPart: string): { pattern: RegExp; literalSegments: number } {
  const segments = pathPart.split('/').filter((s) => s !== '');
  let source = '';
  let literalSegments = 0;
  for (const segment of segments) {
    if (segment === '{project}') source += '(?:/[^/]+)?';
    else if (/^\{[^}]+\}$/.test(segment)) source += '/[^/]+';
    else {
      source += `/${escapeRegExp(segment)}`;
      literalSegments++;
    }
  }
  // The /tfs virtual directory of Azure DevOps Server sits in front of every path.
  return { pattern: new RegExp(`^(?:/tfs)?${source}/?$`, 'i'), literalSegments };
}

function readSpec(file: string): Record<string, unknown> {
  if (!existsSync(file)) {
    throw new Error(`The Azure DevOps spec ${file} is missing: clone shared/ beside the repository or set AZDO_SPECS_DIR.`);
  }
  // The published files start with a UTF-8 byte order mark, which JSON.parse rejects.
  return JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
}

function operationsOf(area: SpecArea, spec: Record<string, unknown>): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [key, fromXmsPaths] of [['paths', false], ['x-ms-paths', true]] as const) {
    const paths = (spec[key] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    for (const [template, methods] of Object.entries(paths)) {
      const { pattern, literalSegments } = templatePattern(template.split('?')[0]!);
      for (const [method, op] of Object.entries(methods)) {
        if (method === 'parameters') continue;
        const parameters = (op['parameters'] ?? []) as SpecParameter[];
        const query = parameters.filter((p) => p.in === 'query' && p.name);
        operations.push({
          area,
          method: method.toUpperCase(),
          template,
          operationId: String(op['operationId']),
          pattern,
          literalSegments,
          fromXmsPaths,
          // api-version is declared through a shared $ref parameter; every operation takes it.
          queryParams: new Set(['api-version', ...query.map((p) => p.name!.toLowerCase())]),
          requiredQuery: new Set(query.filter((p) => p.required).map((p) => p.name!.toLowerCase())),
          responses: (op['responses'] ?? {}) as SpecOperation['responses'],
        });
      }
    }
  }
  return operations;
}

let cache: Map<SpecArea, SpecDocument> | undefined;

export function loadSpecs(): Map<SpecArea, SpecDocument> {
  if (cache) return cache;
  const dir = specsDirectory();
  cache = new Map();
  for (const [area, file] of Object.entries(FILES) as Array<[SpecArea, string]>) {
    const spec = readSpec(path.join(dir, file));
    cache.set(area, {
      area,
      id: `https://azure-devops-specs.invalid/${area}.json`,
      definitions: (spec['definitions'] ?? {}) as Record<string, JsonSchema>,
      operations: operationsOf(area, spec),
    });
  }
  return cache;
}
