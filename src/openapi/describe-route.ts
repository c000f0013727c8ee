import { createMiddleware } from "hono/factory";
import type { core } from "zod/mini";
import type { AppEnv } from "../app-env";
import type { ErrorCode } from "../errors";

/** Any zod schema: zod/mini (what the Worker uses) or classic. */
type ZodType = core.$ZodType;

/** A zod schema `validate()` can run: zod/mini's and classic zod's both have `safeParse` and `safeParseAsync`. */
export interface RequestSchema extends core.$ZodType {
  safeParse(data: unknown): { success: boolean; data?: unknown; error?: core.$ZodError };
  safeParseAsync(data: unknown): Promise<{ success: boolean; data?: unknown; error?: core.$ZodError }>;
}

/** One non-error answer: its status, the `data` schema of its success envelope (omit `data` for a bodiless 204 or 304). */
export interface SuccessResponse {
  status: number;
  description: string;
  data?: ZodType;
  /** A zod object of the extra `meta` keys (e.g. `next_cursor`). */
  meta?: ZodType;
  /** Response headers, name → description. */
  headers?: Record<string, string>;
  /** Also answered as raw bytes (`application/octet-stream`) when the request's Accept asks for them. */
  binary?: boolean;
}

/** What the code alone cannot tell the API reference about one operation. */
export interface RouteDescription {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The usual answer. */
  success: SuccessResponse;
  /** Other non-error answers: 201 next to 200 (create or replace), 304 Not Modified. */
  otherResponses?: SuccessResponse[];
  /**
   * Codes this handler throws itself, and codes its schemas' refinements report through
   * `params: { code }` (e.g. `blank`, `duplicate_segment`). The rest is added from the chain:
   * auth (401, 503), permission (403), body (400, 413, 415), zod's own checks (400).
   * The contract test fails any response whose code is not listed for its status.
   */
  errors?: ErrorCode[];
  /**
   * Extra `meta` keys an error code adds (a zod object), e.g.
   * `{ segment_in_use: z.object({ group_count: z.int() }) }`. Error meta is closed otherwise.
   */
  errorMeta?: Partial<Record<ErrorCode, ZodType>>;
  /**
   * Codes of another status that may follow a code in the same `errors` array (the status is
   * the first error's), e.g. `{ segment_not_found: ["segment_owner_conflict"] }` when every
   * refused item of a bulk request is reported at once, 404s first.
   */
  errorsFollowing?: Partial<Record<ErrorCode, ErrorCode[]>>;
  /** Request headers the operation reads (e.g. If-Match), name → description. */
  headers?: Record<string, string>;
  /**
   * A request body that works against the demo catalog of `npm run dev`: /docs pre-fills
   * "Try it out" with it, and a test checks that the route's own schema accepts it.
   */
  requestExample?: unknown;
}

/** Metadata the OpenAPI generator reads back from the middleware functions of each route. */
export type RouteMetadata =
  | { kind: "description"; value: RouteDescription }
  | { kind: "auth" }
  | { kind: "permission"; permission: string }
  | { kind: "json-body"; mediaTypes: readonly string[] }
  | { kind: "binary-body"; mediaTypes: readonly string[] }
  | { kind: "validate"; target: "json" | "param" | "query"; schema: RequestSchema };

const metadata = new WeakMap<Function, RouteMetadata>();

/** Attaches `meta` to a middleware function; returns the function unchanged. */
export function tagMiddleware<F extends Function>(fn: F, meta: RouteMetadata): F {
  metadata.set(fn, meta);
  return fn;
}

export function metadataOf(fn: Function): RouteMetadata | undefined {
  return metadata.get(fn);
}

/**
 * Documents a route for `GET /openapi.json`. It does nothing at request time; put it first in
 * the route's chain. Permissions and request schemas are not repeated here: they are read from
 * the route's own `requirePermission` and `validate` middleware, so the docs cannot drift.
 *
 * @example app.get("/things/:id", describeRoute({ operationId: "getThing", ... }), requireAuth, ...)
 */
export function describeRoute(description: RouteDescription) {
  return tagMiddleware(
    createMiddleware<AppEnv>(async function documented(_c, next) {
      await next();
    }),
    { kind: "description", value: description },
  );
}

