// Schema pieces the connection and repository routes share: the problem answers every route can give, the
// connection path parameter, and nullable values.
import { Type, type TSchema } from '@sinclair/typebox';

/** `T | null`, the way optional facts that were looked up and not found travel. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Every route can fail with problem JSON (the OpenAPI plugin registers the schema as 'Problem'). */
export const problemResponses = {
  '4xx': Type.Ref('Problem'),
  '5xx': Type.Ref('Problem'),
} as const;

export const ConnectionParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'The connection\'s id, or its name (names are compared without regard to case).' }),
});

export const DateTime = (description: string) => Type.String({ format: 'date-time', description });
