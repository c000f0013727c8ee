import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { version } from "../../package.json";
import { createApp } from "../../src/app";
import type { AppEnv } from "../../src/app-env";
import { requireAuth, requirePermission } from "../../src/auth";
import { ERROR_STATUS } from "../../src/errors";
import { requireJsonPatchBody } from "../../src/middleware/json-body";
import { describeRoute } from "../../src/openapi/describe-route";
import { buildOpenApiDocument } from "../../src/openapi/document";
import { inventoryRoutes, toOpenApiPath } from "../../src/openapi/operations";
import { limitParam } from "../../src/pagination";
import { validate } from "../../src/validation/validate";
import { OPENAPI_DOCUMENT } from "../helpers/contract";

const doc = OPENAPI_DOCUMENT;
const errorsSchemaOf = (response: any) => {
  const resolved = response.$ref ? doc.components.responses[response.$ref.split("/").at(-1)] : response;
  return resolved.content["application/json"].schema.properties.errors;
};
/** The codes that can open the `errors` array, so set the status. */
const codesOf = (response: any): string[] => {
  const errors = errorsSchemaOf(response);
  return (errors.prefixItems?.[0] ?? errors.items).properties.code.enum;
};

describe("the OpenAPI document", () => {
  it("describes every route: each has describeRoute(...)", () => {
    const { undescribed, operations } = inventoryRoutes(createApp().routes);
    expect(undescribed, "routes without describeRoute(...)").toEqual([]);
    expect(operations.length).toBeGreaterThan(0);
  });

  it("notices a route without describeRoute(...)", () => {
    const app = createApp();
    app.get("/undescribed", (c) => c.text("hi"));
    expect(inventoryRoutes(app.routes).undescribed).toEqual(["GET /undescribed"]);
  });

  it("is what the code produces now (assets/openapi.json is not stale; `npm run openapi` rewrites it)", () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(createApp().routes, version))));
  });

  it("has one operation per route, with unique operationIds", () => {
    const routes = inventoryRoutes(createApp().routes).operations.map((o) => `${o.method} ${o.path}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]: [string, any]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(routes.sort());
    const ids = Object.values(doc.paths).flatMap((ops: any) => Object.values(ops).map((o: any) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("writes Hono's :params as OpenAPI {params}", () => {
    expect(toOpenApiPath("/segments/:segment_type/:segment_id")).toBe("/segments/{segment_type}/{segment_id}");
    expect(toOpenApiPath("/things/:id{[0-9]+}")).toBe("/things/{id}");
    expect(doc.paths["/segment_groups/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } });
  });

  it("takes security from the middleware: bearer JWT, the route's permission, nothing for public routes", () => {
    expect(doc.components.securitySchemes.auth0).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
    const create = doc.paths["/segment_groups"].post;
    expect(create.security).toEqual([{ auth0: ["create:segment_groups"] }]);
    expect(create.description).toContain("`create:segment_groups`");
    expect(doc.paths["/segment_groups/{id}"].get.security).toEqual([{ auth0: ["read:segment_groups"] }]);
    expect(doc.paths["/health"].get.security).toEqual([]);
  });

  it("adds the errors each middleware can raise, under their statuses", () => {
    const create = doc.paths["/segment_groups"].post.responses;
    expect(codesOf(create["401"])).toEqual(["invalid_token", "missing_token"]);
    expect(codesOf(create["403"])).toEqual(["insufficient_permissions", "organization_forbidden", "quota_exceeded"]);
    expect(codesOf(create["413"])).toEqual(["payload_too_large"]);
    expect(codesOf(create["415"])).toEqual(["unsupported_media_type"]);
    expect(codesOf(create["400"])).toEqual(expect.arrayContaining(["malformed_json", "empty_body", "invalid_body", "required", "unknown_field", "duplicate_segment", "blank"]));
    expect(codesOf(create["503"])).toEqual(["auth_unavailable", "database_unavailable"]);
    expect(create["500"]).toEqual({ $ref: "#/components/responses/ServerError" });
    expect(create["401"].headers["WWW-Authenticate"]).toBeDefined();

    const health = doc.paths["/health"].get.responses;
    expect(Object.keys(health)).toEqual(["200", "400", "500", "503"]);
    expect(codesOf(health["503"])).toEqual(["database_unavailable"]);
    // Every operation reads through a D1 session started at the client's bookmark.
    expect(codesOf(health["400"])).toEqual(["invalid_bookmark"]);
  });

  it("puts every code under the status src/errors/codes.ts gives it, with one example each", () => {
    for (const ops of Object.values(doc.paths) as any[]) {
      for (const op of Object.values(ops) as any[]) {
        for (const [status, response] of Object.entries(op.responses) as [string, any][]) {
          if (Number(status) < 400) continue;
          for (const code of codesOf(response)) expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], `${op.operationId} ${status} ${code}`).toBe(Number(status));
          if (response.$ref) continue;
          const examples = response.content["application/json"].examples;
          expect(Object.keys(examples).sort()).toEqual([...codesOf(response)].sort());
          expect(examples[codesOf(response)[0]!].value.errors[0].code).toBe(codesOf(response)[0]);
        }
      }
    }
  });

  it("documents success envelopes, extra successes and bodiless answers", () => {
    const created = doc.paths["/segment_groups"].post.responses["201"];
    const schema = created.content["application/json"].schema;
    expect(schema.properties.data).toEqual({ $ref: "#/components/schemas/SegmentGroup" });
    expect(schema.properties.meta.properties.status).toEqual({ const: "success" });
    expect(Object.keys(created.headers)).toEqual(["X-Request-Id", "X-D1-Bookmark", "Location", "ETag", "Idempotent-Replayed"]);
    expect(doc.components.schemas.SegmentGroup.required).toContain("segment_subgroup");

    const put = doc.paths["/segments/{segment_type}/{segment_id}"].put.responses;
    expect(Object.keys(put)).toEqual(expect.arrayContaining(["200", "201"]));
    const notModified = doc.paths["/segment_groups/{id}"].get.responses["304"];
    expect(notModified.content).toBeUndefined();
    expect(notModified.headers.ETag).toBeDefined();
  });

  it("documents codes of another status that may follow the first error (status follows the first)", () => {
    const routes = new Hono<AppEnv>().post(
      "/things",
      describeRoute({
        operationId: "createThings",
        summary: "Create things",
        tags: ["Things"],
        success: { status: 204, description: "Created." },
        errors: ["segment_not_found", "segment_owner_conflict"],
        errorsFollowing: { segment_not_found: ["segment_owner_conflict"] },
      }),
      (c) => c.body(null, 204),
    ).routes;
    const responses = (buildOpenApiDocument(routes, "test") as any).paths["/things"].post.responses;
    expect(codesOf(responses["404"])).toEqual(["segment_not_found"]);
    expect(errorsSchemaOf(responses["404"]).items.properties.code.enum).toEqual(["segment_not_found", "segment_owner_conflict"]);
    expect(responses["404"].description).toContain("May be followed by `segment_owner_conflict` (409)");
    // Conflicts come last, so a 409 is conflicts only.
    expect(errorsSchemaOf(responses["409"])).not.toHaveProperty("prefixItems");
    expect(codesOf(responses["409"])).toEqual(["segment_owner_conflict"]);
  });

  it("keeps error meta closed except for the keys an operation documents", () => {
    expect(doc.components.schemas.ErrorMeta.additionalProperties).toBe(false);
    const inUse = doc.paths["/segments/{segment_type}/{segment_id}"].delete.responses["409"].content["application/json"];
    expect(inUse.schema.properties.meta).toMatchObject({ required: ["status", "request_id", "group_count"], additionalProperties: false });
    expect(inUse.schema.properties.meta.properties.group_count).toMatchObject({ type: "integer", minimum: 1 });
    expect(inUse.examples.segment_in_use.value.meta.group_count).toBe(2);
    expect(doc.paths["/segments/{segment_type}/{segment_id}"].delete.responses["404"].content["application/json"].schema.properties.meta).toEqual({ $ref: "#/components/schemas/ErrorMeta" });
  });

  it("refuses errorMeta or errorsFollowing naming a code the route does not answer with", () => {
    const routeWith = (extra: object) =>
      new Hono<AppEnv>().delete(
        "/things/:id",
        describeRoute({ operationId: "deleteThing", summary: "Delete a thing", tags: ["Things"], success: { status: 204, description: "Deleted." }, errors: ["segment_not_found"], ...extra }),
        (c) => c.body(null, 204),
      ).routes;
    expect(() => buildOpenApiDocument(routeWith({ errorMeta: { segment_in_use: z.object({ group_count: z.int() }) } }), "test")).toThrow(/deleteThing\): segment_in_use not among its error codes/);
    expect(() => buildOpenApiDocument(routeWith({ errorsFollowing: { segment_not_found: ["segment_owner_conflict"] } }), "test")).toThrow(/segment_owner_conflict not among/);
    expect(() => buildOpenApiDocument(routeWith({ errorsFollowing: { segment_not_found: [] } }), "test")).not.toThrow();
  });

  it("describes request bodies from the route's zod schema, as input, with its example", () => {
    const body = doc.paths["/segment_groups"].post.requestBody;
    expect(body.required).toBe(true);
    const media = body.content["application/json"];
    expect(media.schema.required).toEqual(["name", "type", "organization_id", "status", "segment_subgroup"]);
    expect(media.schema.additionalProperties).toBe(false);
    expect(media.schema.properties.organization_id).toMatchObject({ type: "integer", minimum: 1 });
    expect(media.example.organization_id).toBe(1234);
  });

  it("has request examples the routes' own schemas accept", () => {
    const operations = inventoryRoutes(createApp().routes).operations.filter((o) => o.description.requestExample !== undefined);
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      const result = operation.schemas.json!.safeParse(operation.description.requestExample);
      expect(result.success, `${operation.description.operationId}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
    }
  });

  it("describes query parameters, media types and case-insensitive patterns as the routes read them", () => {
    const app = new Hono<AppEnv>().patch(
      "/things/:id",
      describeRoute({ operationId: "patchThing", summary: "Patch a thing", tags: ["Things"], success: { status: 200, description: "Patched.", data: z.object({ id: z.string() }), meta: z.object({ next_cursor: z.string().nullable() }) } }),
      requireAuth,
      requirePermission("update:segment_groups"),
      requireJsonPatchBody,
      validate("param", z.object({ id: z.string().regex(/^[a-f]+$/i).meta({ description: "The thing." }) })),
      validate("query", z.strictObject({ limit: limitParam, q: z.string().min(1) })),
      validate("json", z.strictObject({ name: z.string() })),
      (c) => c.json({}),
    );
    const op = (buildOpenApiDocument(app.routes, "test") as any).paths["/things/{id}"].patch;
    expect(op.parameters).toEqual([
      { name: "id", in: "path", required: true, description: "The thing.", schema: { type: "string" } },
      { name: "limit", in: "query", required: false, description: "Items per page, 1 to 100 (default 25).", schema: { type: "string" } },
      { name: "q", in: "query", required: true, schema: { type: "string", minLength: 1 } },
      expect.objectContaining({ name: "x-d1-bookmark", in: "header", required: false }),
    ]);
    expect(Object.keys(op.requestBody.content)).toEqual(["application/json", "application/merge-patch+json"]);
    expect(op.responses["200"].content["application/json"].schema.properties.meta.required).toEqual(["status", "request_id", "next_cursor"]);
  });
});
