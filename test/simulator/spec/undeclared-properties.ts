import type { JsonSchema } from './spec-documents.js';

/**
 * The specs' object schemas never set `additionalProperties: false`, so a JSON Schema validator accepts any extra
 * field, and with it a misspelled one (`pullRequestID`, `createdby`). This walk reports every property of a body
 * that the schema at that place does not declare, following `$ref` and `allOf` the way the specs compose types.
 */

/**
 * Fields Azure DevOps sends that the specs' schemas leave out, each seen in the spec's own example of that
 * response, so that holding the simulator to the schema alone would make it less like the real service:
 * - `_links`: every resource carries it on the wire; a few schemas omit it (its shape is still checked where declared).
 * - Profile `displayName`, `publicAlias`, `emailAddress`: profile/7.1/httpExamples/profiles/GET__profile_profiles_me.json.
 * - GitCommitRef `treeId` (declared only on GitCommit): the commits of every git/7.1/httpExamples/pushes/POST__*.json
 *   and of branchStats/GET__git_repositories__repositoryId__stats_branches.json carry it.
 */
const ALLOWED_EXTRAS: Record<string, readonly string[]> = {
  '*': ['_links'],
  Profile: ['displayName', 'publicAlias', 'emailAddress'],
  GitCommitRef: ['treeId'],
};

interface ObjectShape {
  properties: Map<string, JsonSchema>;
  /** The schema of undeclared keys when the type is a dictionary (`additionalProperties`); true when anything goes. */
  open: JsonSchema | true | undefined;
  names: string[];
}

export class UndeclaredPropertyWalker {
  constructor(private readonly definitions: Record<string, JsonSchema>) {}

  walk(schema: JsonSchema | undefined, data: unknown, at: string, errors: string[], name?: string): void {
    if (!schema) return;
    const resolved = this.resolve(schema);
    const typeName = resolved.name ?? name;
    const s = resolved.schema;
    if (Array.isArray(data)) {
      const items = s['items'] as JsonSchema | undefined;
      data.forEach((item, i) => this.walk(items, item, `${at}[${i}]`, errors));
      return;
    }
    if (data === null || typeof data !== 'object') return;
    const shape = this.shapeOf(s, typeName);
    // A schema that declares nothing about its members (`type: object` alone) is free-form.
    if (shape.properties.size === 0 && shape.open === undefined) return;
    const allowed = new Set([...(ALLOWED_EXTRAS['*'] ?? []), ...shape.names.flatMap((n) => ALLOWED_EXTRAS[n] ?? [])]);
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      const where = at === '' ? key : `${at}.${key}`;
      const declared = shape.properties.get(key);
      if (declared) this.walk(declared, value, where, errors);
      else if (shape.open !== undefined) this.walk(shape.open === true ? undefined : shape.open, value, where, errors);
      else if (!allowed.has(key)) {
        const declaredNames = [...shape.properties.keys()].sort().join(', ');
        errors.push(`${where}: property '${key}' is not declared by ${shape.names[0] ?? 'the schema'} (declared: ${declaredNames})`);
      }
    }
  }

  private resolve(schema: JsonSchema): { schema: JsonSchema; name?: string } {
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return { schema };
    const name = ref.replace(/^.*#\/definitions\//, '');
    const target = this.definitions[name];
    if (!target) throw new Error(`The spec refers to an unknown definition '${ref}'`);
    return { schema: this.resolve(target).schema, name };
  }

  private shapeOf(schema: JsonSchema, name: string | undefined): ObjectShape {
    const shape: ObjectShape = { properties: new Map(), open: undefined, names: name ? [name] : [] };
    const visit = (s: JsonSchema, n: string | undefined): void => {
      if (n && !shape.names.includes(n)) shape.names.push(n);
      for (const [k, v] of Object.entries((s['properties'] ?? {}) as Record<string, JsonSchema>)) shape.properties.set(k, v);
      const additional = s['additionalProperties'];
      if (additional === true || (typeof additional === 'object' && additional !== null)) shape.open = additional === true ? true : (additional as JsonSchema);
      for (const member of (s['allOf'] ?? []) as JsonSchema[]) {
        const r = this.resolve(member);
        visit(r.schema, r.name);
      }
    };
    visit(schema, name);
    return shape;
  }
}
