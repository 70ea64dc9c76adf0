// Request validation with two Ajv instances: query strings and path parameters arrive as text, so they are coerced
// ("50" → 50); JSON bodies already carry their types, so they are taken as sent. Coercing bodies would quietly turn
// `null` (clear this field) into "" and `123` into "123" instead of answering what is wrong.
import { Ajv, type Options } from 'ajv';
import formats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const COMMON: Options = { removeAdditional: false, useDefaults: true, allErrors: true, strict: false };

export function registerValidation(app: FastifyInstance): void {
  const make = (coerceTypes: Options['coerceTypes']): Ajv => {
    const ajv = new Ajv({ ...COMMON, coerceTypes });
    // ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
    (formats as unknown as { default: (ajv: Ajv) => void }).default(ajv);
    return ajv;
  };
  const bodies = make(false);
  const text = make('array');
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodies : text;
    // Shared schemas (Problem, ...) may be referred to from request schemas too.
    for (const [id, shared] of Object.entries(app.getSchemas())) if (!ajv.getSchema(id)) ajv.addSchema(shared as object, id);
    return ajv.compile(schema);
  });
}
