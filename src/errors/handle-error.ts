import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../app-env";
import { ApiError, type ErrorDetail } from "./api-error";
import type { ErrorCode } from "./codes";

/** Builds the one error envelope every non-2xx response uses. */
export function errorResponse(
  c: Context<AppEnv>,
  error: ApiError,
): Response {
  c.set("errorCode", error.details[0]!.code);
  const body = {
    errors: error.details.map(publicDetail),
    meta: { status: "error", request_id: c.get("requestId") ?? null, ...error.meta },
  };
  return c.json(body, error.status, error.headers);
}

// Keeps key order stable (code, field, message) and drops an absent field.
function publicDetail({ code, field, message }: ErrorDetail) {
  return field === undefined ? { code, message } : { code, field, message };
}

// Hono raises HTTPException for transport problems it detects itself.
const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: "invalid_body",
  401: "missing_token",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/**
 * The app's `onError`: our own errors as they are, Hono's HTTP exceptions mapped to a code,
 * anything else logged with the request id and answered with a generic 500 that never
 * carries the exception's message.
 */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[err.status] ?? "internal_error";
    if (code === "internal_error") logUnexpected(c, err);
    return errorResponse(c, ApiError.of(code, code === "internal_error" ? GENERIC_500 : err.message));
  }
  logUnexpected(c, err);
  return errorResponse(c, ApiError.of("internal_error", GENERIC_500));
}

const GENERIC_500 = "An unexpected error occurred. Quote the request_id when reporting it.";

function logUnexpected(c: Context<AppEnv>, err: unknown) {
  const detail = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) };
  console.error(JSON.stringify({ level: "error", event: "unhandled_exception", request_id: c.get("requestId"), ...detail }));
}
