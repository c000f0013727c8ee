import { describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../src/auth/permissions";
import { call, describeResponse } from "./api";
import { snapshotTables } from "./db";
import { ORG, OTHER_ORG } from "./fixtures";
import { mintToken, tokenFor } from "./tokens";

export interface ProtectedRoute {
  method: string;
  /** The path, or a function run inside each test (e.g. to create the group it names). */
  path: string | (() => Promise<string>);
  permission: Permission;
  json?: unknown;
  headers?: Record<string, string>;
  /** What the same request gets from a token holding every permission but only OTHER_ORG. */
  foreignOrganization: { status: number; code: string };
}

/**
 * The auth matrix every protected route must pass: no token (401), a bad token (401), every
 * permission but the one it needs (403), and another organization's token (route-specific:
 * 404 where existence must not leak, 403 where the caller named the organization). Each
 * rejection writes nothing.
 */
export function describeAuthMatrix(route: ProtectedRoute) {
  const label = `${route.method} ${typeof route.path === "string" ? route.path : "(per test)"}`;
  const send = async (token: string | undefined) => {
    const path = typeof route.path === "string" ? route.path : await route.path();
    const before = await snapshotTables();
    const res = await call(route.method, path, { token, json: route.json, headers: route.headers });
    expect(await snapshotTables(), `${label} changed rows: ${describeResponse(res)}`).toEqual(before);
    return res;
  };

  describe(`${label} — auth matrix`, () => {
    it("401 missing_token without a token", async () => {
      const res = await send(undefined);
      expect(res.status, describeResponse(res)).toBe(401);
      expect(res.body.errors[0].code).toBe("missing_token");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    });

    it("401 invalid_token with an expired token", async () => {
      const res = await send(await mintToken({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } }));
      expect(res.status, describeResponse(res)).toBe(401);
      expect(res.body.errors[0].code).toBe("invalid_token");
    });

    it(`403 insufficient_permissions without '${route.permission}'`, async () => {
      const res = await send(await tokenFor([ORG], PERMISSIONS.filter((p) => p !== route.permission)));
      expect(res.status, describeResponse(res)).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ code: "insufficient_permissions" });
      expect(res.headers.get("WWW-Authenticate")).toContain(`scope="${route.permission}"`);
    });

    it(`${route.foreignOrganization.status} ${route.foreignOrganization.code} for another organization's token`, async () => {
      const res = await send(await tokenFor([OTHER_ORG]));
      expect(res.status, describeResponse(res)).toBe(route.foreignOrganization.status);
      expect(res.body.errors[0].code).toBe(route.foreignOrganization.code);
    });
  });
}
