import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { seedSegments, snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG } from "../helpers/fixtures";
import { mintToken, tokenFor } from "../helpers/tokens";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";
import { allRows, SHARDED } from "../helpers/shards";

const put = async (path: string, json: unknown, token?: string) =>
  call("PUT", path, { token: token ?? (await tokenFor([ORG])), json });

describe("PUT /segments/{segment_type}/{segment_id}", () => {
  it("creates a segment (201), then replaces it (200), keeping created_at", async () => {
    const created = await put("/segments/3P/5001", { name: "Auto intenders", organization_id: ORG });
    expect(created.status, describeResponse(created)).toBe(201);
    expect(created.body).toEqual({
      data: {
        segment_type: "3P",
        segment_id: 5001,
        name: "Auto intenders",
        organization_id: ORG,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
      meta: { status: "success", request_id: expect.any(String) },
    });
    const replaced = await put("/segments/3P/5001", { name: "Auto intenders (EU)", organization_id: ORG });
    expect(replaced.status, describeResponse(replaced)).toBe(200);
    expect(replaced.body.data).toMatchObject({ name: "Auto intenders (EU)", created_at: created.body.data.created_at });
    const row = await env.DB.prepare("SELECT name, organization_id, revision FROM segments WHERE segment_type = '3P' AND segment_id = 5001 AND organization_id = ?1").bind(ORG).first();
    expect(row).toEqual({ name: "Auto intenders (EU)", organization_id: ORG, revision: 2 });
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("costs one D1 round trip to create, replace or refuse", async () => {
    const cases: [string, object, number][] = [
      ["/segments/CONTEXTUAL/5011", { name: "Cheap" }, 201],
      ["/segments/CONTEXTUAL/5011", { name: "Cheap" }, 200],
      ["/segments/CONTEXTUAL/5011", { name: "Cheap", organization_id: ORG }, 409],
      ["/segments/3P/5401", { name: "Also owned by another organization", organization_id: ORG }, 201],
    ];
    await seedSegments([{ segment_type: "3P", segment_id: 5401, organization_id: OTHER_ORG }]);
    for (const [path, json, expected] of cases) {
      const { db, calls } = countingD1(env.DB);
      const res = await call("PUT", path, { token: await tokenFor([ORG]), json, env: { DB: db } });
      expect(res.status, describeResponse(res)).toBe(expected);
      expect(calls.map((c) => c.kind), describeResponse(res)).toEqual(["batch"]);
    }
  });

  it("makes a segment global when organization_id is null or absent", async () => {
    const absent = await put("/segments/CONTEXTUAL/5002", { name: "Sports" });
    expect(absent.status, describeResponse(absent)).toBe(201);
    expect(absent.body.data.organization_id).toBeNull();
    const explicit = await put("/segments/CONTEXTUAL/5003", { name: "News", organization_id: null });
    expect(explicit.body.data.organization_id).toBeNull();
  });

  it("treats the same id under another type as another segment", async () => {
    expect((await put("/segments/CONTEXTUAL/5004", { name: "A" })).status).toBe(201);
    expect((await put("/segments/3P/5004", { name: "B" })).status).toBe(201);
  });

  it("creates the caller's own segment under a key another organization owns, leaving theirs as it was", async () => {
    const theirs = await put("/segments/3P/5005", { name: "Theirs", organization_id: OTHER_ORG }, await tokenFor([OTHER_ORG]));
    expect(theirs.status, describeResponse(theirs)).toBe(201);
    const mine = await put("/segments/3P/5005", { name: "Mine", organization_id: ORG });
    expect(mine.status, describeResponse(mine)).toBe(201);
    expect(mine.body.data).toMatchObject({ name: "Mine", organization_id: ORG });
    // Each on its owner's shard (npm run test:shards).
    const rows = await allRows<{ organization_id: number }>("SELECT name, organization_id FROM segments WHERE segment_type = '3P' AND segment_id = 5005");
    expect(rows.sort((a, b) => a.organization_id - b.organization_id)).toEqual([
      { name: "Mine", organization_id: ORG },
      { name: "Theirs", organization_id: OTHER_ORG },
    ]);
  });

  it("keeps a key global or private, never both: 409 segment_owner_conflict, writing nothing", async () => {
    expect((await put("/segments/3P/5009", { name: "Global" })).status).toBe(201);
    expect((await put("/segments/3P/5010", { name: "Owned", organization_id: OTHER_ORG }, await tokenFor([OTHER_ORG]))).status).toBe(201);
    const before = await snapshotTables();
    // An organization cannot own a global key (global keys are public: saying so reveals nothing).
    const claim = await put("/segments/3P/5009", { name: "Taken", organization_id: ORG }, await tokenFor([ORG], TENANT_PERMISSIONS));
    expect(claim.status, describeResponse(claim)).toBe(409);
    expect(claim.body.errors).toEqual([{ code: "segment_owner_conflict", field: "organization_id", message: expect.stringContaining("global segment") }]);
    // The catalog admin cannot make a privately owned key global; it sees how many own it.
    const global = await put("/segments/3P/5010", { name: "Everyone's" });
    expect(global.status, describeResponse(global)).toBe(409);
    expect(global.body.errors).toEqual([{ code: "segment_owner_conflict", field: "organization_id", message: "1 organization owns this key privately; a key is either global or private." }]);
    expect(await snapshotTables()).toEqual(before);
  });

  it("writes a global segment only with write:catalog: 403 insufficient_permissions otherwise, writing nothing", async () => {
    expect((await put("/segments/CONTEXTUAL/5012", { name: "Platform's" })).status).toBe(201);
    const before = await snapshotTables();
    const tenant = await tokenFor([ORG], TENANT_PERMISSIONS);
    for (const [path, json] of [
      ["/segments/CONTEXTUAL/5012", { name: "Renamed" }],
      ["/segments/CONTEXTUAL/5013", { name: "New", organization_id: null }],
    ] as const) {
      const res = await put(path, json, tenant);
      expect(res.status, describeResponse(res)).toBe(403);
      expect(res.body.errors).toEqual([{ code: "insufficient_permissions", field: "organization_id", message: "A global segment (no organization_id) needs the 'write:catalog' permission." }]);
      expect(res.headers.get("WWW-Authenticate")).toContain('scope="write:catalog"');
    }
    expect(await snapshotTables()).toEqual(before);
  });

  it("refuses to assign an organization the token does not hold", async () => {
    const before = await snapshotTables();
    const res = await put("/segments/3P/5006", { name: "x", organization_id: OTHER_ORG });
    expect(res.status, describeResponse(res)).toBe(403);
    expect(res.body.errors).toEqual([{ code: "organization_forbidden", field: "organization_id", message: expect.any(String) }]);
    expect(await snapshotTables()).toEqual(before);
  });

  it("needs write:segments", async () => {
    const token = await mintToken({ claims: { permissions: ["create:segment_groups"] } });
    const res = await put("/segments/3P/5007", { name: "x" }, token);
    expect(res.status, describeResponse(res)).toBe(403);
    expect(res.body.errors[0].code).toBe("insufficient_permissions");
    const anonymous = await call("PUT", "/segments/3P/5007", { json: { name: "x" } });
    expect(anonymous.status).toBe(401);
  });

  it("validates the path and the body, reporting each problem with its field", async () => {
    const before = await snapshotTables();
    for (const [path, field] of [
      ["/segments/3p/1", "segment_type"],
      ["/segments/AUDIENCE/1", "segment_type"],
      ["/segments/3P/0", "segment_id"],
      ["/segments/3P/-1", "segment_id"],
      ["/segments/3P/01", "segment_id"],
      ["/segments/3P/1.5", "segment_id"],
      ["/segments/3P/abc", "segment_id"],
      ["/segments/3P/99999999999999999999", "segment_id"],
    ] as const) {
      const res = await put(path, { name: "x" });
      expect(res.status, `${path}: ${describeResponse(res)}`).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    const body = await put("/segments/3P/5008", { name: " ", organization_id: "1234", extra: true });
    expect(body.status, describeResponse(body)).toBe(400);
    expect(body.body.errors.map((e: { code: string; field: string }) => [e.code, e.field])).toEqual([
      ["blank", "name"],
      ["invalid_type", "organization_id"],
      ["unknown_field", "extra"],
    ]);
    const wrongType = await call("PUT", "/segments/3P/5008", { token: await tokenFor([ORG]), rawBody: "name=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(wrongType.status).toBe(415);
    expect(await snapshotTables()).toEqual(before);
  });
});
