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
  /** The permission it needs; null: any valid token (the route only shows the token's own organizations). */
  permission: Permission | null;
  json?: unknown;
  /** A body that is not JSON (a sketch's bytes), sent with `headers`' Content-Type. */
  rawBody?: Uint8Array;
  headers?: Record<string, string>;
  /**
   * What the same request gets from a token holding every permission but only OTHER_ORG; absent
   * for routes no organization owns (the universe sketch, the platform's).
   */
  foreignOrganization?: { status: number; code: string };
}

const REALM = 'Bearer realm="segment-groups-api"';

/**
 * The auth matrix every protected route must pass: no token (401), a malformed or expired token
 * (401), every permission but the one it needs (403), and another organization's token
 * (route-specific: 404 where existence must not leak, 403 where the caller named the
 * organization). Each rejection names the scheme in WWW-Authenticate and writes nothing.
 * test/auth/protected-routes.test.ts runs it over every row of PROTECTED_ROUTES.
 */
export function describeAuthMatrix(route: ProtectedRoute, label = `${route.method} ${typeof route.path === "string" ? route.path : "(per test)"}`) {
  const send = async (authorization: string | undefined) => {
    const path = typeof route.path === "string" ? route.path : await route.path();
    const headers = { ...route.headers, ...(authorization === undefined ? {} : { Authorization: authorization }) };
    const before = await snapshotTables();
    const res = await call(route.method, path, { json: route.json, rawBody: route.rawBody as Uint8Array<ArrayBuffer> | undefined, headers });
    expect(await snapshotTables(), `${label} changed rows: ${describeResponse(res)}`).toEqual(before);
    expect(res.body.meta, describeResponse(res)).toMatchObject({ status: "error", request_id: expect.any(String) });
    return res;
  };
  const bearer = async (token: Promise<string>) => `Bearer ${await token}`;

  describe(`${label} — auth matrix`, () => {
    it("401 missing_token without a token", async () => {
      const res = await send(undefined);
      expect(res.status, describeResponse(res)).toBe(401);
      expect(res.body.errors[0].code).toBe("missing_token");
      expect(res.headers.get("WWW-Authenticate")).toBe(REALM);
    });

    it("401 invalid_token with a token that is not a JWT", async () => {
      const res = await send("Bearer not-a-jwt");
      expect(res.status, describeResponse(res)).toBe(401);
      expect(res.body.errors[0].code).toBe("invalid_token");
      expect(res.headers.get("WWW-Authenticate")).toMatch(new RegExp(`^${REALM}, error="invalid_token"`));
    });

    it("401 invalid_token with an expired token", async () => {
      const res = await send(await bearer(mintToken({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } })));
      expect(res.status, describeResponse(res)).toBe(401);
      expect(res.body.errors[0].code).toBe("invalid_token");
      expect(res.headers.get("WWW-Authenticate")).toMatch(new RegExp(`^${REALM}, error="invalid_token"`));
    });

    const permission = route.permission;
    if (permission === null) {
      it("answers a valid token without any permission", async () => {
        const path = typeof route.path === "string" ? route.path : await route.path();
        const res = await call(route.method, path, { json: route.json, headers: { ...route.headers, Authorization: await bearer(tokenFor([ORG], [])) } });
        expect(res.status, describeResponse(res)).toBeLessThan(300);
      });
    } else {
      it(`403 insufficient_permissions without '${permission}'`, async () => {
        const res = await send(await bearer(tokenFor([ORG], PERMISSIONS.filter((p) => p !== permission))));
        expect(res.status, describeResponse(res)).toBe(403);
        expect(res.body.errors[0]).toMatchObject({ code: "insufficient_permissions" });
        expect(res.headers.get("WWW-Authenticate")).toBe(`${REALM}, error="insufficient_scope", scope="${permission}"`);
      });
    }

    const foreign = route.foreignOrganization;
    if (foreign) {
      it(`${foreign.status} ${foreign.code} for another organization's token`, async () => {
        const res = await send(await bearer(tokenFor([OTHER_ORG])));
        expect(res.status, describeResponse(res)).toBe(foreign.status);
        expect(res.body.errors[0].code).toBe(foreign.code);
      });
    }
  });
}
