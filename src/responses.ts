import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env";

/** The success envelope: `{data, meta: {status: "success", request_id}}`. */
export function success<T>(
  c: Context<AppEnv>,
  data: T,
  status: ContentfulStatusCode = 200,
  headers: Record<string, string> = {},
) {
  return c.json({ data, meta: { status: "success" as const, request_id: c.get("requestId") } }, status, headers);
}
