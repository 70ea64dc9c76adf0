// What every request of the web UI carries: the session cookie (same origin), the CSRF token on unsafe methods and
// the workspace the user chose. Failures become ApiProblem (problem JSON with its code and hint).
import { problemOf } from './problem.js';

const WORKSPACE_KEY = 'azdo-connect.workspace';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const state = {
  csrfToken: '',
  workspaceId: readStoredWorkspace(),
};

function readStoredWorkspace(): string {
  try {
    return window.localStorage.getItem(WORKSPACE_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The CSRF token of the session (GET /api/v1/session): sent as X-CSRF-Token on every unsafe request. */
export function setCsrfToken(token: string): void {
  state.csrfToken = token;
}

export function currentWorkspaceId(): string {
  return state.workspaceId;
}

/** The workspace requests act in (X-Azdo-Workspace); remembered for the next visit. '' lets the service choose. */
export function setWorkspaceId(id: string): void {
  state.workspaceId = id;
  try {
    if (id) window.localStorage.setItem(WORKSPACE_KEY, id);
    else window.localStorage.removeItem(WORKSPACE_KEY);
  } catch {
    // Private windows may refuse storage: the choice then lasts until the page is reloaded.
  }
}

/** The headers the service expects from the browser for this method (also for requests made outside send()). */
export function requestHeaders(method: string, extra: Record<string, string> = {}): Headers {
  const headers = new Headers({ accept: 'application/json', ...extra });
  if (state.workspaceId) headers.set('x-azdo-workspace', state.workspaceId);
  if (UNSAFE.has(method.toUpperCase()) && state.csrfToken) headers.set('x-csrf-token', state.csrfToken);
  return headers;
}

/**
 * openapi-fetch middleware: every request of the UI carries the session cookie (same origin, set by the client's
 * options), the chosen workspace, and on unsafe methods the CSRF token.
 */
export const sessionHeaders = {
  onRequest({ request }: { request: Request }): Request {
    for (const [name, value] of requestHeaders(request.method)) if (!request.headers.has(name)) request.headers.set(name, value);
    return request;
  },
};

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** An answer of openapi-fetch with its response, or an ApiProblem (network failures included); aborts are rethrown. */
export async function callWithResponse<T>(pending: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  let result: Answer<T>;
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw problemOf(0, undefined);
  }
  if (!result.response.ok) throw problemOf(result.response.status, result.error);
  return { data: result.data as T, response: result.response };
}

/** An answer of openapi-fetch as its data, or an ApiProblem. */
export async function call<T>(pending: Promise<Answer<T>>): Promise<T> {
  return (await callWithResponse(pending)).data;
}

