import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { loadSpecs, type JsonSchema, type SpecArea, type SpecDocument, type SpecOperation } from './spec-documents.js';
import { UndeclaredPropertyWalker } from './undeclared-properties.js';

/**
 * Validates a REST response of the simulator against the official Azure DevOps 7.1 specs: it finds the operation that
 * the request's method and path name, takes its response schema for the status, and reports every
 * difference as `field.path: problem`.
 */

export interface ResponseToValidate {
  area: SpecArea;
  method: string;
  /** The path the client called, with or without its query: `/fabrikam/My%20Project/_apis/git/repositories/web/refs?filter=heads/`. */
  path: string;
  status: number;
  body: unknown;
  /** Names the operation when the path and query alone do not tell, e.g. 'Commits_Get Commits'. */
  operationId?: string;
}

export interface ValidationResult {
  operationId: string;
  errors: string[];
}

/**
 * The wire format of ReferenceLinks is a dictionary of `{href}` (every example: `"_links":{"self":{"href":...}}`),
 * while the spec models the .NET class (`{links: {...}}`). Checking the wire format keeps `_links` honest.
 */
const LINK: JsonSchema = { type: 'object', properties: { href: { type: 'string' } }, required: ['href'], additionalProperties: false };
// A link is one `{href}`, or a list of them (trees' `treeEntries` in trees/GET__..._trees__objectId_.json).
const REFERENCE_LINKS: JsonSchema = { type: 'object', additionalProperties: { if: { type: 'array' }, then: { items: LINK }, else: LINK } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Azure DevOps writes 7 fractional digits and either Z or an offset (`2014-05-12T22:23:07.727+00:00`).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const integerIn = (bits: number) => (n: number) => Number.isInteger(n) && n >= -(2 ** (bits - 1)) && n < 2 ** (bits - 1);

function newAjv(specs: Iterable<SpecDocument>): Ajv {
  // Swagger 2.0 schemas are draft-04-like and full of x-ms-* keywords: strict mode would reject them.
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('date-time', DATE_TIME);
  ajv.addFormat('byte', BASE64);
  ajv.addFormat('int16', { type: 'number', validate: integerIn(16) });
  ajv.addFormat('int32', { type: 'number', validate: integerIn(32) });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  for (const spec of specs) {
    // .NET type names used as formats ('T', 'CultureInfo', 'JObject', ...) say nothing checkable.
    for (const format of formatsIn(spec.definitions)) {
      if (!ajv.formats[format]) ajv.addFormat(format, true);
    }
    ajv.addSchema({ $id: spec.id, definitions: patchedDefinitions(spec) });
  }
  return ajv;
}

/**
 * Two places where the spec's generator wrote down a .NET type instead of its JSON: ReferenceLinks (above), and
 * `Change<T>.item`, emitted as `type: string, format: T`, which in the git area is a GitItem object (see
 * git/7.1/httpExamples/commits/GET__git_repositories__repositoryId__commits__commitId__changeCount-10.json).
 */
function patchedDefinitions(spec: SpecDocument): Record<string, JsonSchema> {
  const defs = { ...spec.definitions };
  if (defs['ReferenceLinks']) defs['ReferenceLinks'] = REFERENCE_LINKS;
  const change = defs['Change'];
  if (spec.area === 'git' && change && defs['GitItem']) {
    const properties = change['properties'] as Record<string, JsonSchema>;
    defs['Change'] = { ...change, properties: { ...properties, item: { $ref: '#/definitions/GitItem' } } };
  }
  return defs;
}

function formatsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) formatsIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'format' && typeof v === 'string') found.add(v);
      else formatsIn(v, found);
    }
  }
  return found;
}

/** Makes `#/definitions/X` refer to the spec the schema came from, once it is compiled on its own. */
function anchored(schema: unknown, id: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => anchored(s, id));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${id}${v}` : anchored(v, id)]),
  );
}

function fieldPath(instancePath: string, prefix: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = prefix;
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(body)' : out;
}

function describe(error: ErrorObject, prefix: string): string {
  const where = fieldPath(error.instancePath, prefix);
  if (error.keyword === 'enum') {
    return `${where}: ${JSON.stringify(error.data)} is not one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${where}: property '${(error.params as { additionalProperty: string }).additionalProperty}' is not allowed`;
  }
  return `${where}: ${error.message ?? error.keyword} (got ${JSON.stringify(error.data)?.slice(0, 80)})`;
}

export class SpecValidator {
  private readonly specs = loadSpecs();
  private readonly ajv = newAjv(this.specs.values());
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly walkers = new Map<SpecArea, UndeclaredPropertyWalker>();

  /** The operation a request names: the most specific matching path, then the one whose query parameters fit best. */
  findOperation(area: SpecArea, method: string, requestPath: string, operationId?: string): SpecOperation | undefined {
    const spec = this.specs.get(area);
    if (!spec) throw new Error(`No spec for area '${area}'`);
    const q = requestPath.indexOf('?');
    const pathPart = q < 0 ? requestPath : requestPath.slice(0, q);
    const queryPart = q < 0 ? '' : requestPath.slice(q + 1);
    const present = new Set([...new URLSearchParams(queryPart).keys()].map((k) => k.toLowerCase()));
    const candidates = spec.operations.filter(
      (op) => op.method === method.toUpperCase() && op.pattern.test(pathPart) && (operationId === undefined || op.operationId === operationId),
    );
    const fitting = operationId === undefined ? candidates.filter((op) => [...op.requiredQuery].every((q) => present.has(q))) : candidates;
    const score = (op: SpecOperation): number => [...present].filter((q) => op.queryParams.has(q)).length;
    return fitting.sort(
      (a, b) => b.literalSegments - a.literalSegments || score(b) - score(a) || Number(a.fromXmsPaths) - Number(b.fromXmsPaths),
    )[0];
  }

  validateResponse(input: ResponseToValidate): ValidationResult {
    const op = this.findOperation(input.area, input.method, input.path, input.operationId);
    if (!op) {
      const named = input.operationId ? ` named '${input.operationId}'` : '';
      return { operationId: '(none)', errors: [`no ${input.area} operation${named} matches ${input.method.toUpperCase()} ${input.path}`] };
    }
    const errors: string[] = [];
    const response = this.responseFor(op, input.status, errors);
    if (!response) return { operationId: op.operationId, errors };
    if (!response.schema) {
      if (input.body !== undefined && input.body !== null && input.body !== '') errors.push(`(body): the spec declares no body for ${input.status}`);
      return { operationId: op.operationId, errors };
    }
    const schema = response.schema;
    let data = input.body;
    let prefix = '';
    if (schema['type'] === 'array' && data && typeof data === 'object' && !Array.isArray(data)) {
      // Lists travel in the {count, value} envelope although the spec declares the bare array.
      const envelope = data as Record<string, unknown>;
      const extra = Object.keys(envelope).filter((k) => k !== 'count' && k !== 'value');
      for (const k of extra) errors.push(`${k}: property '${k}' is not part of the {count, value} list envelope`);
      if (!Array.isArray(envelope['value'])) errors.push(`value: a list response needs a value array (got ${JSON.stringify(envelope['value'])?.slice(0, 80)})`);
      else if ('count' in envelope && envelope['count'] !== envelope['value'].length) {
        errors.push(`count: ${JSON.stringify(envelope['count'])} does not equal value.length ${envelope['value'].length}`);
      }
      data = envelope['value'];
      prefix = 'value';
    }
    const validate = this.compile(op, input.status, schema);
    if (!validate(data)) {
      // An `if` failure only repeats the failure of the branch it chose, which is reported on its own.
      errors.push(...(validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describe(e, prefix)));
    }
    this.walker(op.area).walk(schema, data, prefix, errors);
    return { operationId: op.operationId, errors };
  }

  /**
   * The specs declare 200 for creates that answer 201 (pull requests, pushes): a 2xx the spec does not list is
   * checked against the operation's only declared 2xx schema.
   */
  private responseFor(op: SpecOperation, status: number, errors: string[]): { schema?: JsonSchema } | undefined {
    const exact = op.responses[String(status)];
    if (exact) return exact;
    const success = Object.entries(op.responses).filter(([code]) => /^2\d\d$/.test(code));
    if (status >= 200 && status < 300 && success.length === 1) return success[0]![1];
    errors.push(`(status): ${op.operationId} does not declare status ${status} (declared: ${Object.keys(op.responses).join(', ')})`);
    return undefined;
  }

  private compile(op: SpecOperation, status: number, schema: JsonSchema): ValidateFunction {
    const key = `${op.area} ${op.method} ${op.template} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(anchored(schema, this.specs.get(op.area)!.id) as JsonSchema);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private walker(area: SpecArea): UndeclaredPropertyWalker {
    let walker = this.walkers.get(area);
    if (!walker) {
      walker = new UndeclaredPropertyWalker(patchedDefinitions(this.specs.get(area)!));
      this.walkers.set(area, walker);
    }
    return walker;
  }
}

let shared: SpecValidator | undefined;

export function validateResponse(input: ResponseToValidate): ValidationResult {
  shared ??= new SpecValidator();
  return shared.validateResponse(input);
}
