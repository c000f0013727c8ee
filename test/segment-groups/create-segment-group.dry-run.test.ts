import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../src/auth/permissions";
import { call, describeResponse, errorsOf, type ApiResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { snapshotTables } from "../helpers/db";
import { asStated, member, ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

async function post(query: string, json: unknown, options: { token?: string; db?: D1Database } = {}): Promise<ApiResponse> {
  return call("POST", `/segment_groups${query}`, { token: options.token ?? (await tokenFor([ORG])), json, env: options.db ? { DB: options.db } : undefined });
}

/** Sends the dry run, proves it wrote nothing, and returns it. */
async function dryRun(json: unknown, options: { token?: string } = {}): Promise<ApiResponse> {
  const before = await snapshotTables();
  const res = await post("?dry_run=true", json, options);
  expect(await snapshotTables(), `the dry run changed rows: ${describeResponse(res)}`).toEqual(before);
  return res;
}

const logic = {
  subgroup_operator: "OR",
  segment_subgroup: [
    { segment_operator: "AND", segment_members: [member(101), member(201, "3P")] },
    { segment_operator: "OR", exclude: true, segment_members: [member(301, "3P")] },
  ],
};

describe("POST /segment_groups?dry_run=true", () => {
  it("answers 200 with the group as it would be stored, without id, Location or ETag, and writes nothing", async () => {
    const res = await dryRun(validGroup(logic));
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toEqual({
      ...asStated(validGroup(logic)),
      expression: "(CONTEXTUAL:101 AND 3P:201) OR NOT (3P:301)",
      created_at: expect.any(String),
      updated_at: res.body.data.created_at,
      created_by: "auth0|test-user",
      updated_by: "auth0|test-user",
    });
    expect(res.body.data).not.toHaveProperty("id");
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("ETag")).toBeNull();

    // The real create stores exactly that, plus its id.
    const real = await post("", validGroup(logic));
    expect(real.status, describeResponse(real)).toBe(201);
    const { id: _, created_at: __, updated_at: ___, ...stored } = real.body.data;
    const { created_at: ____, updated_at: _____, ...previewed } = res.body.data;
    expect(previewed).toEqual(stored);
  });

  it("reads the quota and the catalog in ONE round trip and sends no write", async () => {
    const { db, calls } = countingD1(env.DB);
    const res = await post("?dry_run=true", validGroup(), { db });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(calls.map(({ kind, statements }) => ({ kind, statements }))).toEqual([{ kind: "batch", statements: 2 }]);
    for (const sql of calls[0]!.sql) expect(sql).toMatch(/^SELECT/);
  });

  it("refuses what the real create refuses, with the same status and errors, in the same order", async () => {
    const cases: [string, unknown, string?][] = [
      ["invalid body", validGroup({ name: "", type: "OTHER", segment_subgroup: [{ segment_operator: "AND", exclude: true, segment_members: [member(101), member(101)] }] })],
      ["only exclusions", validGroup({ segment_subgroup: [{ segment_operator: "AND", exclude: true, segment_members: [member(101)] }] })],
      ["another organization", validGroup({ organization_id: OTHER_ORG })],
      ["segments the catalog lacks", validGroup({ segment_subgroup: [{ segment_operator: "OR", segment_members: [member(555), member(101), member(401, "3P")] }] })],
      ["no permission", validGroup(), await tokenFor([ORG], PERMISSIONS.filter((p) => p !== "create:segment_groups"))],
      ["no token", validGroup(), ""],
    ];
    for (const [label, json, token] of cases) {
      const preview = await dryRun(json, { token });
      const real = await post("", json, { token });
      expect(real.status, `${label}: ${describeResponse(real)}`).toBeGreaterThanOrEqual(400);
      expect({ status: preview.status, errors: errorsOf(preview) }, label).toEqual({ status: real.status, errors: errorsOf(real) });
    }
  });

  it("400 invalid_value on dry_run for any value but true (including false), writing nothing", async () => {
    for (const query of ["?dry_run=false", "?dry_run=1", "?dry_run=", "?dry_run=TRUE", "?dry_run=true&dry_run=true"]) {
      const before = await snapshotTables();
      const res = await post(query, validGroup());
      expect(res.status, `${query}: ${describeResponse(res)}`).toBe(400);
      expect(res.body.errors[0].field, query).toBe("dry_run");
      expect(await snapshotTables()).toEqual(before);
    }
  });
});
