import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { mintToken } from "../helpers/tokens";

// With RBAC off, Auth0 grants a client any scope it asks for: `scope` proves nothing unless the
// deployment says it does (AUTH0_PERMISSIONS_FROM_SCOPE, src/config.ts).

beforeEach(seedCatalog);

const scopeOnly = () => mintToken({ claims: { permissions: undefined, scope: "openid create:segment_groups", organization_ids: [ORG] } });
const create = (token: string, env?: Record<string, string>) => call("POST", "/segment_groups", { token, json: validGroup(), env });

describe("permissions come from the permissions claim only, unless AUTH0_PERMISSIONS_FROM_SCOPE opts into scope", () => {
  it("refuses a permission granted only in scope by default, and with \"false\"", async () => {
    const token = await scopeOnly();
    for (const env of [undefined, { AUTH0_PERMISSIONS_FROM_SCOPE: "false" }, { AUTH0_PERMISSIONS_FROM_SCOPE: "" }]) {
      const before = await snapshotTables();
      const res = await create(token, env);
      expect(res.status, describeResponse(res)).toBe(403);
      expect(res.body.errors).toEqual([{ code: "insufficient_permissions", message: expect.stringContaining("create:segment_groups") }]);
      expect(await snapshotTables()).toEqual(before);
    }
  });

  it("accepts it with \"true\", even for a token first verified without the opt-in", async () => {
    const token = await scopeOnly();
    expect((await create(token)).status).toBe(403);
    const res = await create(token, { AUTH0_PERMISSIONS_FROM_SCOPE: " true " });
    expect(res.status, describeResponse(res)).toBe(201);
  });

  it("still reads the permissions claim with the opt-in", async () => {
    const token = await mintToken({ claims: { permissions: ["create:segment_groups"], scope: "openid", organization_ids: [ORG] } });
    const res = await create(token, { AUTH0_PERMISSIONS_FROM_SCOPE: "true" });
    expect(res.status, describeResponse(res)).toBe(201);
  });

  it.each(["yes", "1", "TRUE", "true,false"])("refuses AUTH0_PERMISSIONS_FROM_SCOPE=%j with configuration_error", async (value) => {
    const logs = expectErrorLogs();
    const res = await call("GET", "/health", { env: { AUTH0_PERMISSIONS_FROM_SCOPE: value } });
    expect(res.status, describeResponse(res)).toBe(500);
    expect(res.body.errors).toEqual([{ code: "configuration_error", message: expect.any(String) }]);
    expect(res.text).not.toContain("SCOPE");
    expect(logs.lines()).toEqual([expect.objectContaining({ event: "configuration_error", message: expect.stringContaining("AUTH0_PERMISSIONS_FROM_SCOPE") })]);
  });
});
