// Every route of a built app, read from app.printRoutes(): Fastify keeps no other public list once routes are in.
import type { FastifyInstance } from 'fastify';

export interface ListedRoute {
  method: string;
  /** The route's path with its parameters, e.g. /api/v1/members/:userId. */
  path: string;
}

const LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/;

export function listRoutes(app: FastifyInstance): ListedRoute[] {
  const routes: ListedRoute[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = `${stack[depth - 1] ?? ''}${match[2] ?? ''}`;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) routes.push({ method, path });
  }
  return routes;
}

/** A URL for the route: every parameter and wildcard filled with a harmless value. */
export function urlOf(route: ListedRoute): string {
  return route.path.replace(/:[A-Za-z]+/g, 'x').replace(/\*/g, 'x');
}
