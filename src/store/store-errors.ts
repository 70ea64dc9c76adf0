// The one place where database errors of either dialect become our errors. Driver messages are never passed on:
// they can quote values, and DATABASE_URL carries a password.
import { AzdoError } from '../errors/azdo-error.js';

export const CONNECTION_NAME_TAKEN = 'AZDO_CONNECTION_NAME_TAKEN';
export const CONNECTION_NOT_FOUND = 'AZDO_CONNECTION_NOT_FOUND';
export const STORE_CONFLICT = 'AZDO_STORE_CONFLICT';
export const WORKSPACE_NOT_FOUND = 'AZDO_WORKSPACE_NOT_FOUND';
export const STORE_CURSOR_INVALID = 'AZDO_STORE_CURSOR_INVALID';
export const STORE_UNAVAILABLE = 'AZDO_STORE_UNAVAILABLE';
export const STORE_MIGRATION_FAILED = 'AZDO_STORE_MIGRATION_FAILED';
export const DATABASE_URL_INVALID = 'AZDO_DATABASE_URL_INVALID';

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

function driverError(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? (error as DriverError) : {};
}

/**
 * Which unique constraint a failed write broke. PostgreSQL names it (23505 + `constraint`); better-sqlite3 only
 * lists the columns in its message ("UNIQUE constraint failed: connections.workspace_id, connections.name_key").
 */
export function uniqueViolation(error: unknown): { constraint?: string; columns?: string[] } | undefined {
  const e = driverError(error);
  if (e.code === '23505') return typeof e.constraint === 'string' ? { constraint: e.constraint } : {};
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const match = typeof e.message === 'string' ? /constraint failed: (.*)$/.exec(e.message) : null;
    return match?.[1] ? { columns: match[1].split(',').map((c) => c.trim()) } : {};
  }
  return undefined;
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = driverError(error).code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export function connectionNameTaken(name: string): AzdoError {
  return new AzdoError(
    CONNECTION_NAME_TAKEN,
    `A connection named "${name}" already exists in this workspace.`,
    'Choose another name (names are compared without regard to case), or edit the existing connection.',
    { name },
  );
}

export function connectionNotFound(id: string): AzdoError {
  return new AzdoError(
    CONNECTION_NOT_FOUND,
    'The connection does not exist in this workspace; it may have been deleted.',
    'List the connections to see which exist.',
    { id },
  );
}

export function storeConflict(id: string, expectedVersion: number): AzdoError {
  return new AzdoError(
    STORE_CONFLICT,
    'The connection was changed by someone else after you read it, so your change was not saved.',
    'Load the connection again and repeat your change on the current version.',
    { id, expectedVersion },
  );
}

/** Maps what a user can cause while writing a connection; anything else is a bug and stays as it was. */
export function mapConnectionWriteError(error: unknown, context: { name: string; workspaceId: string }): unknown {
  const unique = uniqueViolation(error);
  if (
    unique &&
    (unique.constraint === 'connections_workspace_name_key' || unique.columns?.includes('connections.name_key'))
  ) {
    return connectionNameTaken(context.name);
  }
  if (isForeignKeyViolation(error)) {
    return new AzdoError(
      WORKSPACE_NOT_FOUND,
      'The workspace does not exist.',
      'Create the workspace first, or pick one that exists.',
      { workspaceId: context.workspaceId },
    );
  }
  return error;
}

/** A store that cannot be reached or opened. Names the place (a path, or "DATABASE_URL"), never the URL itself. */
export function storeUnavailable(where: string, error: unknown): AzdoError {
  const code = driverError(error).code;
  return new AzdoError(
    STORE_UNAVAILABLE,
    `The database could not be opened (${where}${typeof code === 'string' ? `: ${code}` : ''}).`,
    where === 'DATABASE_URL'
      ? 'Check that PostgreSQL is running and that DATABASE_URL names the right host, port, database, user and password.'
      : 'Check that the data directory exists or can be created, and that this user may write to it (set AZDO_CONNECT_DATA to move it).',
    typeof code === 'string' ? { driverCode: code } : undefined,
  );
}
