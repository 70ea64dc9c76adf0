// Validation errors of bodies holding a union told apart by `type` (a credential is a PAT, an SSH key or a service
// principal). Ajv reports every branch's complaints, so `{type: 'pat'}` with a typo would also be told it is not
// an SSH key; here only the branch the caller chose by `type` is kept, then the usual problem is built from them.
// Other unions (a value or null) become one complaint about the value.
import type { FastifyError, FastifySchemaValidationError } from 'fastify';
import { translateFastifyError } from '../../plugins/error-handling.js';

type AjvError = FastifySchemaValidationError & { schemaPath: string; instancePath: string };

/** The branch index of an error inside the union at `unionPath`, e.g. "#/properties/credential/anyOf" → 1. */
function branchOf(e: AjvError, unionPath: string): number | undefined {
  if (!e.schemaPath.startsWith(`${unionPath}/`)) return undefined;
  const index = Number(e.schemaPath.slice(unionPath.length + 1).split('/')[0]);
  return Number.isInteger(index) ? index : undefined;
}

export function discriminatedErrors(errors: AjvError[], discriminator = 'type'): AjvError[] {
  let result = errors;
  for (const union of errors.filter((e) => e.keyword === 'anyOf')) {
    const typePath = `${union.instancePath}/${discriminator}`;
    const inUnion = result.filter((e) => branchOf(e, union.schemaPath) !== undefined);
    const branches = new Set(inUnion.map((e) => branchOf(e, union.schemaPath)));
    const wrongType = (b: number | undefined): boolean =>
      inUnion.some(
        (e) =>
          branchOf(e, union.schemaPath) === b &&
          ((e.instancePath === typePath && (e.keyword === 'const' || e.keyword === 'type')) ||
            (e.instancePath === union.instancePath && e.keyword === 'required' && e.params.missingProperty === discriminator)),
      );
    const chosen = [...branches].filter((b) => !wrongType(b));
    const others = result.filter((e) => e !== union && !inUnion.includes(e));
    if (chosen.length === branches.size) {
      // Not told apart by a discriminator (e.g. a number or null): one complaint about the value itself.
      const types = inUnion.filter((e) => e.keyword === 'type' && e.instancePath === union.instancePath).map((e) => String(e.params.type));
      const message = types.length === inUnion.length ? `must be ${types.join(' or ')}` : 'is not valid';
      result = [...others, { ...union, keyword: 'type', message, params: {} }];
    } else if (chosen.length === 1) {
      result = [...others, ...inUnion.filter((e) => branchOf(e, union.schemaPath) === chosen[0])];
    } else {
      const allowed = inUnion.filter((e) => e.keyword === 'const').map((e) => String(e.params.allowedValue));
      const message = allowed.length > 0 ? `must be one of ${[...new Set(allowed)].join(', ')}` : 'is not a known kind';
      result = [...others, { ...union, instancePath: typePath, keyword: 'enum', message, params: {} }];
    }
  }
  return result;
}

/** For a route's `schemaErrorFormatter`: one problem naming each field the caller got wrong, once. */
export function unionAwareErrorFormatter(errors: FastifySchemaValidationError[], dataVar: NonNullable<FastifyError['validationContext']>): Error {
  const validation = discriminatedErrors(errors as AjvError[]);
  const error = Object.assign(new Error('validation failed'), { validation, validationContext: dataVar }) as unknown as FastifyError;
  return translateFastifyError(error) ?? error;
}
