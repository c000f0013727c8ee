import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env";

/** The success envelope: `{data, meta: {status: "success", request_id, ...extraMeta}}`. */
// Generic in the status, so the typed client tells a route's answers apart by `res.status`.
export function success<T, M extends Record<string, unknown> = {}, S extends ContentfulStatusCode = 200>(
  c: Context<AppEnv>,
  data: T,
  status: S = 200 as S,
  headers: Record<string, string> = {},
  extraMeta?: M,
) {
  return c.json({ data, meta: { status: "success" as const, request_id: c.get("requestId"), ...(extraMeta as M) } }, status, headers);
}
