import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { metadataOf } from "../../src/openapi/describe-route";
import { toOpenApiPath } from "../../src/openapi/operations";
import { call, describeResponse } from "../helpers/api";
import { describeAuthMatrix } from "../helpers/auth-matrix";
import { seedCatalog } from "../helpers/fixtures";
import { PROTECTED_ROUTES, PUBLIC_ROUTES } from "./protected-routes";

beforeEach(seedCatalog);

const TABLE = "test/auth/protected-routes.ts";

/** What the app serves, read from `createApp().routes`: "METHOD /path" → the auth its chain installs. */
function servedRoutes() {
  const served = new Map<string, { requiresAuth: boolean; permissions: string[] }>();
  for (const route of createApp().routes) {
    if (route.method === "ALL") continue; // app-wide middleware, not a route
    const key = `${route.method} ${toOpenApiPath(route.path)}`;
    const entry = served.get(key) ?? { requiresAuth: false, permissions: [] };
    const meta = metadataOf(route.handler);
    if (meta?.kind === "auth") entry.requiresAuth = true;
    if (meta?.kind === "permission") entry.permissions.push(meta.permission);
    served.set(key, entry);
  }
  return served;
}

function rowFor(key: string, permissions: string[]): string {
  const path = key.slice(key.indexOf(" ") + 1);
  const example = path.includes("{") ? "<a path naming an existing resource>" : path;
  const body = /^(POST|PUT|PATCH) /.test(key) ? " json: <a valid body>," : "";
  return `"${key}": { path: "${example}", permission: "${permissions[0] ?? "<its permission>"}",${body} foreignOrganization: { status: <403|404>, code: "<code>" } },`;
}

describe("route inventory", () => {
  it(`every route is in PUBLIC_ROUTES or PROTECTED_ROUTES (${TABLE}), and every row is a route`, () => {
    const served = servedRoutes();
    const problems: string[] = [];
    for (const [key, { requiresAuth, permissions }] of served) {
      const row = PROTECTED_ROUTES[key];
      if (PUBLIC_ROUTES.includes(key)) {
        if (requiresAuth) problems.push(`${key} requires a token: move it from PUBLIC_ROUTES to PROTECTED_ROUTES in ${TABLE}:\n  ${rowFor(key, permissions)}`);
      } else if (!row) {
        problems.push(`${key} has no auth matrix: add this row to PROTECTED_ROUTES in ${TABLE} (or, if it needs no token, add "${key}" to PUBLIC_ROUTES):\n  ${rowFor(key, permissions)}`);
      } else if (!requiresAuth || permissions.length !== (row.permission === null ? 0 : 1) || (row.permission !== null && permissions[0] !== row.permission)) {
        problems.push(`${key}: PROTECTED_ROUTES says requireAuth + '${row.permission}', the route installs ${requiresAuth ? "requireAuth" : "no requireAuth"} + [${permissions.join(", ")}]`);
      }
    }
    for (const key of [...Object.keys(PROTECTED_ROUTES), ...PUBLIC_ROUTES]) {
      if (!served.has(key)) problems.push(`${key} is in ${TABLE} but the app serves no such route: fix the key or remove the row.`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });
});

describe("public routes", () => {
  it.each(PUBLIC_ROUTES)("%s answers without a token", async (key) => {
    const [method, path] = key.split(" ") as [string, string];
    const res = await call(method, path);
    expect(res.status, describeResponse(res)).toBe(200);
  });
});

for (const [key, route] of Object.entries(PROTECTED_ROUTES)) {
  describeAuthMatrix({ method: key.slice(0, key.indexOf(" ")), ...route }, key);
}
