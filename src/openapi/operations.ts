import { metadataOf, type RequestSchema, type RouteDescription } from "./describe-route";

/** One route as the OpenAPI generator sees it: everything read back from its middleware chain. */
export interface Operation {
  method: string;
  /** The OpenAPI path template: `/segment_groups/{id}`. */
  path: string;
  description: RouteDescription;
  requiresAuth: boolean;
  permissions: string[];
  /** The media types `requireJsonBody` admits; undefined when the route reads no body. */
  bodyMediaTypes?: readonly string[];
  /** The body is raw bytes (`requireSketchBody`), not JSON. */
  binaryBody?: boolean;
  schemas: { param?: RequestSchema; query?: RequestSchema; json?: RequestSchema };
}

export interface RouteInventory {
  operations: Operation[];
  /** Routes without `describeRoute`, as "GET /path": the generator refuses them and a test fails on any. */
  undescribed: string[];
}

interface HonoRoute {
  method: string;
  path: string;
  handler: Function;
}

/**
 * Groups Hono's flat route list (one entry per handler) by method and path and reads each
 * route's middleware tags. App-wide middleware (`app.use`, method ALL) is not an operation.
 */
export function inventoryRoutes(routes: readonly HonoRoute[]): RouteInventory {
  const chains = new Map<string, { method: string; path: string; handlers: Function[] }>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    const chain = chains.get(key) ?? { method: route.method, path: route.path, handlers: [] };
    chain.handlers.push(route.handler);
    chains.set(key, chain);
  }

  const inventory: RouteInventory = { operations: [], undescribed: [] };
  for (const [key, chain] of chains) {
    const operation: Partial<Operation> & { schemas: Operation["schemas"]; permissions: string[] } = {
      method: chain.method.toLowerCase(),
      path: toOpenApiPath(chain.path),
      requiresAuth: false,
      permissions: [],
      schemas: {},
    };
    for (const handler of chain.handlers) {
      const meta = metadataOf(handler);
      if (!meta) continue;
      if (meta.kind === "description") operation.description = meta.value;
      else if (meta.kind === "auth") operation.requiresAuth = true;
      else if (meta.kind === "permission") operation.permissions.push(meta.permission);
      else if (meta.kind === "json-body") operation.bodyMediaTypes = meta.mediaTypes;
      else if (meta.kind === "binary-body") {
        operation.bodyMediaTypes = meta.mediaTypes;
        operation.binaryBody = true;
      }
      else operation.schemas[meta.target] = meta.schema;
    }
    if (!operation.description) inventory.undescribed.push(key);
    else inventory.operations.push(operation as Operation);
  }
  return inventory;
}

/** Hono's `/segments/:segment_type/:segment_id` → OpenAPI's `/segments/{segment_type}/{segment_id}`. */
export function toOpenApiPath(honoPath: string): string {
  // A Hono parameter may carry a regex (`:id{[0-9]+}`); OpenAPI has no place for it.
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");
}
