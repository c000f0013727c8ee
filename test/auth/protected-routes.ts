import type { ProtectedRoute } from "../helpers/auth-matrix";
import { ORG, validGroup } from "../helpers/fixtures";
import { createGroup } from "../helpers/segment-groups";
import { sketchBytes } from "../sketch/theta-fixtures";
import { seedCatalog } from "../helpers/fixtures";
import { putSketch } from "../helpers/sketches";

const SKETCH = { rawBody: sketchBytes("tiny"), headers: { "Content-Type": "application/octet-stream" } };

/**
 * Routes anyone may call. Everything else the app serves must be a row of PROTECTED_ROUTES
 * (test/auth/protected-routes.test.ts checks both lists against `createApp().routes`). The
 * static assets (/openapi.json, /docs) are served before the Worker and are no Hono routes.
 */
export const PUBLIC_ROUTES = ["GET /health"];

const newGroupPath = async (suffix = "") => `/segment_groups/${(await createGroup()).body.data.id}${suffix}`;

/** `path` (a segment's sketch, or the universe) once a sketch is stored there, as the catalog admin uploads it. */
async function withSketch(path: string): Promise<string> {
  await seedCatalog();
  const res = await putSketch(path, sketchBytes("tiny"));
  if (res.status !== 200 && res.status !== 201) throw new Error(`could not store a sketch at ${path}: ${res.status} ${res.text}`);
  return path;
}

/** `path` once every segment of validGroup() (and the universe) has a sketch: a reach answers 200. */
async function withGroupSketches(path: string): Promise<string> {
  for (const [type, id] of [["CONTEXTUAL", 101], ["3P", 201], ["3P", 301]] as const) await withSketch(`/segments/${type}/${id}/sketch`);
  await withSketch("/reach/universe");
  return path;
}

/**
 * Every protected route, keyed "METHOD /openapi/{path}", with the permission it needs and a
 * request that passes everything but authentication (a valid body, an existing resource), so
 * the auth matrix (test/helpers/auth-matrix.ts) tests the auth layer and nothing else.
 */
export const PROTECTED_ROUTES: Record<string, Omit<ProtectedRoute, "method">> = {
  "POST /segment_groups": {
    path: "/segment_groups",
    permission: "create:segment_groups",
    json: validGroup(),
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
  "GET /segment_groups": {
    path: `/segment_groups?organization_id=${ORG}`,
    permission: "read:segment_groups",
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
  "GET /segment_groups/{id}": {
    path: () => newGroupPath(),
    permission: "read:segment_groups",
    foreignOrganization: { status: 404, code: "segment_group_not_found" },
  },
  "PATCH /segment_groups/{id}": {
    path: () => newGroupPath(),
    permission: "update:segment_groups",
    json: { name: "x" },
    foreignOrganization: { status: 404, code: "segment_group_not_found" },
  },
  "DELETE /segment_groups/{id}": {
    path: () => newGroupPath(),
    permission: "delete:segment_groups",
    foreignOrganization: { status: 404, code: "segment_group_not_found" },
  },
  "POST /segment_groups/{id}/evaluate": {
    path: () => newGroupPath("/evaluate"),
    permission: "read:segment_groups",
    json: { segments: [] },
    foreignOrganization: { status: 404, code: "segment_group_not_found" },
  },
  "GET /segment_groups/changes": {
    path: `/segment_groups/changes?organization_id=${ORG}`,
    permission: "read:segment_groups",
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
  "GET /segment_groups/{id}/versions": {
    path: () => newGroupPath("/versions"),
    permission: "read:segment_groups",
    foreignOrganization: { status: 404, code: "segment_group_not_found" },
  },
  "GET /segment_groups/{id}/versions/{version}": {
    path: async () => {
      const created = await createGroup();
      return `/segment_groups/${created.body.data.id}/versions/${created.headers.get("ETag")!.slice(1, -1)}`;
    },
    permission: "read:segment_groups",
    foreignOrganization: { status: 404, code: "segment_group_not_found" },
  },
  "GET /segments": {
    path: `/segments?organization_id=${ORG}`,
    permission: "read:segments",
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
  "GET /segments/{segment_type}/{segment_id}": {
    // 3P:301 belongs to ORG (seedCatalog).
    path: "/segments/3P/301",
    permission: "read:segments",
    foreignOrganization: { status: 404, code: "segment_not_found" },
  },
  "PUT /segments/{segment_type}/{segment_id}": {
    path: "/segments/3P/777",
    permission: "write:segments",
    json: { name: "Owned by 1234", organization_id: ORG },
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
  "DELETE /segments/{segment_type}/{segment_id}": {
    path: "/segments/3P/301",
    permission: "write:segments",
    foreignOrganization: { status: 404, code: "segment_not_found" },
  },
  "POST /segments/bulk": {
    path: "/segments/bulk",
    permission: "write:segments",
    json: { items: [{ segment_type: "3P", segment_id: 9601, name: "Matrix", organization_id: ORG }] },
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
  // Any valid token: it only shows the token's own organizations.
  "GET /usage": {
    path: `/usage?organization_id=${ORG}`,
    permission: null,
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
  "PUT /segments/{segment_type}/{segment_id}/sketch": {
    path: "/segments/3P/301/sketch",
    permission: "write:segments",
    ...SKETCH,
    foreignOrganization: { status: 404, code: "segment_not_found" },
  },
  "GET /segments/{segment_type}/{segment_id}/sketch": {
    path: () => withSketch("/segments/3P/301/sketch"),
    permission: "read:segments",
    foreignOrganization: { status: 404, code: "segment_not_found" },
  },
  "DELETE /segments/{segment_type}/{segment_id}/sketch": {
    path: () => withSketch("/segments/3P/301/sketch"),
    permission: "write:segments",
    foreignOrganization: { status: 404, code: "segment_not_found" },
  },
  // The universe is the platform's: no organization's token is "another organization's".
  "PUT /reach/universe": { path: "/reach/universe", permission: "write:catalog", ...SKETCH },
  "GET /reach/universe": { path: () => withSketch("/reach/universe"), permission: "read:segments" },
  "DELETE /reach/universe": { path: () => withSketch("/reach/universe"), permission: "write:catalog" },
  // The operators' routes name any organization (they are no tenant's): a placement, a move.
  "GET /admin/organizations/{organization_id}": { path: `/admin/organizations/${ORG}`, permission: "manage:shards" },
  "POST /admin/organizations/{organization_id}/move": { path: `/admin/organizations/${ORG}/move`, permission: "manage:shards", json: { shard: "DB" } },
  "GET /segment_groups/{id}/reach": {
    path: async () => withGroupSketches(await newGroupPath("/reach")),
    permission: "read:segment_groups",
    foreignOrganization: { status: 404, code: "segment_group_not_found" },
  },
  "POST /segment_groups/reach": {
    path: () => withGroupSketches("/segment_groups/reach"),
    permission: "read:segment_groups",
    json: validGroup(),
    foreignOrganization: { status: 403, code: "organization_forbidden" },
  },
};
