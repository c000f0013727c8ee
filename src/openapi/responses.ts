import { ERROR_STATUS, type ErrorCode } from "../errors";
import type { SuccessResponse } from "./describe-route";
import { ERROR_HEADERS, ERROR_MEANINGS } from "./error-codes";
import type { JsonSchema, SchemaConverter } from "./json-schema";

const REQUEST_ID_HEADER = { $ref: "#/components/headers/X-Request-Id" };

/** The success envelope around `data`: `{data, meta: {status: "success", request_id, ...meta}}`. */
export function successResponse(response: SuccessResponse, schemas: SchemaConverter): JsonSchema {
  const headers: Record<string, unknown> = { "X-Request-Id": REQUEST_ID_HEADER };
  for (const [name, description] of Object.entries(response.headers ?? {})) headers[name] = { description, schema: { type: "string" } };
  if (!response.data) return { description: response.description, headers };

  const extraMeta = response.meta ? schemas.convert(response.meta, "output") : { properties: {}, required: [] };
  const meta = {
    type: "object",
    properties: {
      status: { const: "success" },
      request_id: { type: "string", description: "This request's id, also in the X-Request-Id header." },
      ...(extraMeta.properties as object),
    },
    required: ["status", "request_id", ...((extraMeta.required as string[] | undefined) ?? [])],
    additionalProperties: false,
  };
  const schema = {
    type: "object",
    properties: { data: schemas.convert(response.data, "output"), meta },
    required: ["data", "meta"],
    additionalProperties: false,
  };
  return { description: response.description, headers, content: { "application/json": { schema } } };
}

/**
 * One response per error status the operation can answer with. Its schema is the error
 * envelope with `code` limited to the codes of that status, and it has one example per code.
 */
export function errorResponses(codes: Iterable<ErrorCode>): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    statusCodes.sort((a, b) => a.localeCompare(b));
    responses[String(status)] = errorResponse(statusCodes);
  }
  return responses;
}

/** The envelope for one set of codes (all of the same status). */
export function errorResponse(codes: ErrorCode[]): JsonSchema {
  const headers: Record<string, unknown> = { "X-Request-Id": REQUEST_ID_HEADER };
  for (const code of codes) {
    for (const [name, value] of Object.entries(ERROR_HEADERS[code] ?? {})) headers[name] ??= { description: value, schema: { type: "string" } };
  }
  const schema = {
    type: "object",
    properties: {
      errors: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          properties: {
            code: { type: "string", enum: codes },
            field: { type: "string", description: "Where the problem is, e.g. `segment_subgroup[1].segment_members[0].segment_id`." },
            message: { type: "string" },
          },
          required: ["code", "message"],
          additionalProperties: false,
        },
      },
      meta: { $ref: "#/components/schemas/ErrorMeta" },
    },
    required: ["errors", "meta"],
    additionalProperties: false,
  };
  const examples = Object.fromEntries(
    codes.map((code) => [
      code,
      {
        summary: code,
        value: { errors: [{ code, message: ERROR_MEANINGS[code] }], meta: { status: "error", request_id: "0ab5a440-d7ae-4d32-97bb-72b7dd42f2b9" } },
      },
    ]),
  );
  return {
    description: codes.map((code) => `\`${code}\`: ${ERROR_MEANINGS[code]}`).join("\n\n"),
    headers,
    content: { "application/json": { schema, examples } },
  };
}

export const ERROR_META_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    status: { const: "error" },
    request_id: { type: ["string", "null"], description: "This request's id, also in the X-Request-Id header; quote it when reporting a problem." },
  },
  required: ["status", "request_id"],
  description: "Some errors add facts here (e.g. how many groups still use a segment).",
};
