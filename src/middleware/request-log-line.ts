import type { D1Usage } from "../db/database";

/** What the request log says about one request (src/middleware/request-log.ts). */
export interface LoggedRequest {
  requestId: string;
  /** The client's own X-Request-Id, when it sent a well-formed one (src/middleware/request-id.ts). */
  clientRequestId?: string;
  method: string;
  /** The matched route pattern; null when no route handled the request. */
  route: string | null;
  status: number;
  durationMs: number;
  /** The caller's organizations, sorted; null without a verified token. */
  organizationIds: number[] | null;
  errorCode: string | null;
  d1Usage: D1Usage | undefined;
}

/**
 * The request log's JSON line. Level: "error" for 5xx, "warn" for 4xx, "info" otherwise. Free
 * of Hono, so the bench's twins (bench/twins/platform-calls.ts) write exactly this line too.
 */
export function requestLogLine(request: LoggedRequest): string {
  const { status, d1Usage } = request;
  return JSON.stringify({
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    event: "request",
    request_id: request.requestId,
    client_request_id: request.clientRequestId ?? null,
    method: request.method,
    route: request.route,
    status,
    duration_ms: request.durationMs,
    organization_ids: request.organizationIds,
    error_code: request.errorCode,
    d1_queries: d1Usage?.queries ?? 0,
    d1_rows_read: d1Usage?.rowsRead ?? 0,
    d1_rows_written: d1Usage?.rowsWritten ?? 0,
  });
}
