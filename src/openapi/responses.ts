import { ERROR_STATUS, type ErrorCode } from "../errors";
import type { SuccessResponse } from "./describe-route";
import { ERROR_HEADERS, ERROR_MEANINGS } from "./error-codes";
import type { JsonSchema, SchemaConverter } from "./json-schema";

const REQUEST_ID_HEADER = { $ref: "#/components/headers/X-Request-Id" };
const BOOKMARK_HEADER = { $ref: "#/components/headers/X-D1-Bookmark" };

/** The success envelope around `data`: `{data, meta: {status: "success", request_id, ...meta}}`. */
export function successResponse(response: SuccessResponse, schemas: SchemaConverter): JsonSchema {
  const headers: Record<string, unknown> = { "X-Request-Id": REQUEST_ID_HEADER, "X-D1-Bookmark": BOOKMARK_HEADER };
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
  const binary = response.binary ? { "application/octet-stream": { schema: { type: "string", format: "binary" } } } : {};
  return { description: response.description, headers, content: { "application/json": { schema }, ...binary } };
}

/** What one operation adds to its error envelopes (see `errorMeta` and `errorsFollowing` in describeRoute). */
export interface ErrorExtras {
  /** Extra `meta` keys per code, as JSON Schema objects. */
  meta?: Partial<Record<ErrorCode, JsonSchema>>;
  /** Codes of another status that may follow a code in the same `errors` array. */
  following?: Partial<Record<ErrorCode, ErrorCode[]>>;
}

/**
 * One response per error status the operation can answer with. Its schema is the error
 * envelope with `code` limited to the codes of that status, and it has one example per code.
 */
export function errorResponses(codes: Iterable<ErrorCode>, extras: ErrorExtras = {}): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    statusCodes.sort((a, b) => a.localeCompare(b));
    responses[String(status)] = errorResponse(statusCodes, extras);
  }
  return responses;
}

/**
 * The envelope for one set of codes (all of the same status). The first error sets the
 * status, so it has one of these codes; codes of other statuses listed in `extras.following`
 * may come after it.
 */
export function errorResponse(codes: ErrorCode[], extras: ErrorExtras = {}): JsonSchema {
  const headers: Record<string, unknown> = { "X-Request-Id": REQUEST_ID_HEADER, "X-D1-Bookmark": BOOKMARK_HEADER };
  for (const code of codes) {
    for (const [name, value] of Object.entries(ERROR_HEADERS[code] ?? {})) headers[name] ??= { description: value, schema: { type: "string" } };
  }
  const following = [...new Set(codes.flatMap((code) => extras.following?.[code] ?? []))].filter((code) => !codes.includes(code)).sort();
  const errors =
    following.length === 0
      ? { type: "array", minItems: 1, items: errorItem(codes) }
      : {
          type: "array",
          minItems: 1,
          description: `The first error sets the status; ${following.map((code) => `\`${code}\` (${ERROR_STATUS[code]})`).join(", ")} may follow.`,
          prefixItems: [errorItem(codes)],
          items: errorItem([...codes, ...following]),
        };
  const schema = {
    type: "object",
    properties: { errors, meta: errorMeta(codes, extras.meta ?? {}) },
    required: ["errors", "meta"],
    additionalProperties: false,
  };
  const examples = Object.fromEntries(
    codes.map((code) => [
      code,
      {
        summary: code,
        value: {
          errors: [{ code, message: ERROR_MEANINGS[code] }],
          meta: { status: "error", request_id: "0ab5a440-d7ae-4d32-97bb-72b7dd42f2b9", ...exampleOf(extras.meta?.[code]) },
        },
      },
    ]),
  );
  const lines = codes.map((code) => `\`${code}\`: ${ERROR_MEANINGS[code]}`);
  for (const code of following) lines.push(`May be followed by \`${code}\` (${ERROR_STATUS[code]}): ${ERROR_MEANINGS[code]}`);
  return { description: lines.join("\n\n"), headers, content: { "application/json": { schema, examples } } };
}

function errorItem(codes: ErrorCode[]): JsonSchema {
  return {
    type: "object",
    properties: {
      code: { type: "string", enum: codes },
      field: { type: "string", description: "Where the problem is, e.g. `segment_subgroup[1].segment_members[0].segment_id`." },
      message: { type: "string" },
    },
    required: ["code", "message"],
    additionalProperties: false,
  };
}

/**
 * `ErrorMeta`, or, when some of these codes add keys, ErrorMeta's keys and theirs. A key is
 * required only if every code of the status requires it.
 */
function errorMeta(codes: ErrorCode[], metaByCode: Partial<Record<ErrorCode, JsonSchema>>): JsonSchema {
  const extras = codes.map((code) => metaByCode[code]);
  if (extras.every((extra) => extra === undefined)) return { $ref: "#/components/schemas/ErrorMeta" };
  const properties: Record<string, unknown> = {};
  for (const extra of extras) Object.assign(properties, extra?.properties ?? {});
  const required = Object.keys(properties).filter((key) => extras.every((extra) => ((extra?.required as string[] | undefined) ?? []).includes(key)));
  return {
    type: "object",
    properties: { ...(ERROR_META_SCHEMA.properties as object), ...properties },
    required: [...(ERROR_META_SCHEMA.required as string[]), ...required],
    additionalProperties: false,
  };
}

// An example meta from the `example` of each property (zod: `.meta({ example })`).
function exampleOf(schema: JsonSchema | undefined): Record<string, unknown> {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  return Object.fromEntries(Object.entries(properties).flatMap(([key, property]) => ("example" in property ? [[key, property.example]] : [])));
}

/** The `meta` of every error envelope. Closed: an operation documents any key it adds (`errorMeta`). */
export const ERROR_META_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    status: { const: "error" },
    request_id: { type: ["string", "null"], description: "This request's id, also in the X-Request-Id header; quote it when reporting a problem." },
  },
  required: ["status", "request_id"],
  additionalProperties: false,
};
