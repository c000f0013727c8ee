import type { ErrorCode } from "../errors";
import { VALIDATION_CODES } from "./error-codes";
import { SchemaConverter, type JsonSchema } from "./json-schema";
import { inventoryRoutes, type Operation } from "./operations";
import { ERROR_META_SCHEMA, errorResponse, errorResponses, successResponse, type ErrorExtras } from "./responses";

/** Shown above each group of operations in /docs; a tag without one is reported by `npm run openapi:lint`. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  "Segment groups": "Named, per-organization combinations of catalog segments.",
  "Segment catalog": "The segments that groups are made of: global, or private to one organization.",
  Usage: "What each organization stores, against its quotas.",
  Reach: "Theta sketches of segments and of the universe, and the reach of groups estimated from them.",
  Operations: "Whether the Worker and its database answer.",
};

/** Answers any operation can give: failures on our side, and a bookmark D1 cannot start a session at. */
export const GLOBAL_ERROR_CODES: readonly ErrorCode[] = ["internal_error", "configuration_error", "database_unavailable", "invalid_bookmark"];

const BOOKMARK_PARAMETER = {
  name: "x-d1-bookmark",
  in: "header",
  required: false,
  description:
    "The `x-d1-bookmark` of an earlier response: a read then sees at least everything that response saw or wrote (read-your-writes across replicas). Writes always start at the primary.",
  schema: { type: "string", pattern: "^[A-Za-z0-9-]{1,256}$" },
};

/**
 * Responses shared by reference. NotFound and MethodNotAllowed answer requests that match no
 * operation; ServerError can answer any request, matched or not (the configuration is read
 * before routing).
 */
const SHARED_RESPONSES = {
  NotFound: errorResponse(["not_found"]),
  MethodNotAllowed: errorResponse(["method_not_allowed"]),
  ServerError: errorResponse(["configuration_error", "internal_error"]),
};

const DESCRIPTION = `Named, per-organization combinations of audience segments.

**Envelopes.** Success: \`{"data": ..., "meta": {"status": "success", "request_id": ...}}\`.
Failure: \`{"errors": [{"code", "field"?, "message"}], "meta": {"status": "error", "request_id": ...}}\`,
every problem at once; the status is the first problem's. One bound: an array over its maximum length is reported as
\`too_long\`, followed by the problems of its first maximum elements; elements past the maximum are never read.
Each operation lists its codes per status. Every response carries
\`X-Request-Id\`, an id the server gives the request (one you send is only logged beside it).

**Authentication.** \`Authorization: Bearer <Auth0 access token>\`. Each operation names the
permission it needs (in the token's \`permissions\` claim; \`scope\` only where the deployment opts in).
A token names at most 1,000 organizations. Running locally with
\`npm run dev\`, get a token with \`npm run -s token\` and paste it into *Authorize*.

**Group logic.** A group matches a user (the set of catalog segments the user is in) when its
subgroups, combined with the group's \`subgroup_operator\` (\`AND\` or \`OR\`, default \`AND\`), match.
A subgroup matches when its members, joined by its \`segment_operator\`, match (a member matches
when the user is in that segment); a subgroup with \`exclude: true\` (default \`false\`)
contributes the negation of that. A group whose subgroups are all excluded would match almost
everyone: it is refused with 400 \`only_exclusions\` on \`segment_subgroup\`. Every group
carries \`expression\`, the same logic as one read-only canonical line, e.g.
\`(CONTEXTUAL:101 AND 3P:201) AND NOT (3P:301)\`: subgroups in order joined by \`subgroup_operator\`,
each in parentheses with its members in order joined by its \`segment_operator\`, \`NOT \` before
an excluded one. Grammar (ABNF):

    expression = subgroup *( " " operator " " subgroup )
    subgroup   = [ "NOT " ] "(" atom *( " " operator " " atom ) ")"
    atom       = segment_type ":" segment_id
    operator   = "AND" / "OR"

\`POST /segment_groups/{id}/evaluate\` applies these rules to a user's segments;
\`?dry_run=true\` on POST and PATCH shows the group a request would store, writing nothing.

**Any path.** An unknown path answers 404 \`not_found\`; a known path with another method 405
\`method_not_allowed\` with \`Allow\`; any operation may answer 500 \`internal_error\` or
\`configuration_error\` and 503 \`database_unavailable\`.

**Consistency.** Reads may be served by a read replica. Each response that reached the database
carries \`x-d1-bookmark\`; send it back as the \`x-d1-bookmark\` request header and the next read
sees at least that state (your own writes included). A malformed bookmark is 400 \`invalid_bookmark\`.

**Rate limits.** Every authenticated operation spends one request of the caller's budget (per
token \`sub\`) and one of each organization it acts on (the \`organization_id\` it names; without
one, each of the token's when it holds at most 10), per minute and Cloudflare location; failed
authentications are limited per client address. The limits are the deployment's configuration
(README, *Configuration*). Over a limit: 429 \`rate_limited\` with \`Retry-After\`. \`/health\`,
\`/openapi.json\` and \`/docs\` are never limited.

**Browsers (CORS).** Origins on the deployment's allow-list may call the API from a browser:
preflights are answered without a token and allow every request header the API reads, and every
response header it sends is readable. Other origins get no CORS headers.`;

/**
 * The OpenAPI 3.1 document of an app, read from its routes: `describeRoute` for what only a
 * person can say, the middleware chain for auth, permissions, bodies and zod schemas.
 */
export function buildOpenApiDocument(routes: Parameters<typeof inventoryRoutes>[0], version: string): JsonSchema {
  const schemas = new SchemaConverter();
  const paths: Record<string, Record<string, unknown>> = {};
  const tags: string[] = [];
  for (const operation of inventoryRoutes(routes).operations) {
    (paths[operation.path] ??= {})[operation.method] = operationObject(operation, schemas);
    for (const tag of operation.description.tags) if (!tags.includes(tag)) tags.push(tag);
  }

  return {
    openapi: "3.1.0",
    info: { title: "Segment Groups API", version, description: DESCRIPTION },
    servers: [{ url: "/", description: "The origin serving this document" }],
    tags: tags.map((name) => (TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name })),
    paths,
    components: {
      schemas: { ...sortedByKey(schemas.components), ErrorMeta: ERROR_META_SCHEMA },
      responses: SHARED_RESPONSES,
      headers: {
        "X-Request-Id": { description: "The request's id (also `meta.request_id`).", schema: { type: "string" } },
        "X-D1-Bookmark": {
          description: "The database position this request saw or wrote; send it back as `x-d1-bookmark` to read at least this state. Absent when the request never reached the database.",
          schema: { type: "string" },
        },
      },
      securitySchemes: {
        auth0: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "An Auth0 access token (RS256) for this API's audience. The permissions listed on an operation's security requirement must be in the token's `permissions` claim (or its `scope`, where the deployment opts in).",
        },
      },
    },
  };
}

function operationObject(operation: Operation, schemas: SchemaConverter): JsonSchema {
  const { description } = operation;
  const codes: ErrorCode[] = [...GLOBAL_ERROR_CODES, ...(description.errors ?? [])];
  // requireAuth also enforces the rate limits, whose keys come from the verified token.
  if (operation.requiresAuth) codes.push("missing_token", "invalid_token", "auth_unavailable", "rate_limited");
  if (operation.permissions.length > 0) codes.push("insufficient_permissions");
  if (operation.binaryBody) codes.push("unsupported_media_type");
  else if (operation.bodyMediaTypes) codes.push("unsupported_media_type", "payload_too_large", "malformed_json", "empty_body");
  if (operation.schemas.json) codes.push("invalid_body");
  if (operation.schemas.json || operation.schemas.param || operation.schemas.query) codes.push(...VALIDATION_CODES);
  // Conditional headers (If-Match, If-None-Match) that do not parse are a 400 on that header.
  if (description.headers && Object.keys(description.headers).length > 0) codes.push("invalid_value");

  const responses: Record<string, unknown> = {};
  for (const success of [description.success, ...(description.otherResponses ?? [])]) {
    responses[String(success.status)] = successResponse(success, schemas);
  }
  for (const [status, response] of Object.entries(errorResponses(codes, errorExtras(operation, codes, schemas)))) {
    const shared = Object.entries(SHARED_RESPONSES).find(([, candidate]) => JSON.stringify(candidate) === JSON.stringify(response));
    responses[status] = shared ? { $ref: `#/components/responses/${shared[0]}` } : response;
  }

  const permissionNote = operation.permissions.map((p) => `Needs the \`${p}\` permission.`).join(" ");
  return {
    operationId: description.operationId,
    summary: description.summary,
    description: [description.description, permissionNote].filter(Boolean).join("\n\n") || undefined,
    tags: description.tags,
    security: operation.requiresAuth ? [{ auth0: operation.permissions }] : [],
    parameters: parameters(operation, schemas),
    requestBody: requestBody(operation, schemas),
    responses: sortedByKey(responses),
  };
}

// errorMeta and errorsFollowing may only name codes the operation answers with.
function errorExtras(operation: Operation, codes: ErrorCode[], schemas: SchemaConverter): ErrorExtras {
  const { operationId, errorMeta = {}, errorsFollowing = {} } = operation.description;
  const named = [...Object.keys(errorMeta), ...Object.entries(errorsFollowing).flatMap(([code, following]) => [code, ...(following ?? [])])];
  const unknown = named.filter((code) => !codes.includes(code as ErrorCode));
  if (unknown.length > 0) throw new Error(`describeRoute(${operationId}): ${unknown.join(", ")} not among its error codes; add them to \`errors\``);
  const meta: ErrorExtras["meta"] = {};
  for (const [code, schema] of Object.entries(errorMeta)) meta[code as ErrorCode] = schemas.convert(schema, "output");
  return { meta, following: errorsFollowing };
}

function parameters(operation: Operation, schemas: SchemaConverter): JsonSchema[] {
  const list: JsonSchema[] = [];
  const pathSchema = operation.schemas.param ? schemas.convert(operation.schemas.param, "input") : {};
  const pathProperties = (pathSchema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [, name] of operation.path.matchAll(/\{([^}]+)\}/g)) {
    list.push(parameter(name!, "path", true, pathProperties[name!] ?? { type: "string" }));
  }
  if (operation.schemas.query) {
    const query = schemas.convert(operation.schemas.query, "input");
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, JsonSchema>)) {
      list.push(parameter(name, "query", required.has(name), schema));
    }
  }
  for (const [name, description] of Object.entries(operation.description.headers ?? {})) {
    list.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  }
  list.push(BOOKMARK_PARAMETER);
  return list;
}

// A parameter's description belongs on the parameter, where the UIs show it.
function parameter(name: string, location: "path" | "query", required: boolean, schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  return { name, in: location, required, ...(description ? { description } : {}), schema: rest };
}

function requestBody(operation: Operation, schemas: SchemaConverter): JsonSchema | undefined {
  if (!operation.bodyMediaTypes && !operation.schemas.json) return undefined;
  if (operation.binaryBody) return { required: true, content: Object.fromEntries(operation.bodyMediaTypes!.map((type) => [type, { schema: BINARY_SCHEMA }])) };
  const schema = operation.schemas.json ? schemas.convert(operation.schemas.json, "input") : {};
  const mediaTypes = operation.bodyMediaTypes ?? ["application/json"];
  const example = operation.description.requestExample;
  const content = Object.fromEntries(mediaTypes.map((type) => [type, example === undefined ? { schema } : { schema, example }]));
  return { required: true, content };
}

const BINARY_SCHEMA = { type: "string", format: "binary" };

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
