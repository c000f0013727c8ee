import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env";

/** The success envelope: `{data, meta: {status: "success", request_id, ...extraMeta}}`. */
export function success<T, M extends Record<string, unknown> = {}>(
  c: Context<AppEnv>,
  data: T,
  status: ContentfulStatusCode = 200,
  headers: Record<string, string> = {},
  extraMeta?: M,
) {
  return c.json({ data, meta: { status: "success" as const, request_id: c.get("requestId"), ...(extraMeta as M) } }, status, headers);
}
