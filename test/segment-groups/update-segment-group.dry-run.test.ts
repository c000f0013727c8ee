import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf, type ApiResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { snapshotTables } from "../helpers/db";
import { member, ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup, readGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

interface PatchOptions {
  headers?: Record<string, string>;
  organizations?: number[];
  db?: D1Database;
}

async function patch(path: string, json: unknown, options: PatchOptions = {}): Promise<ApiResponse> {
  return call("PATCH", path, {
    token: await tokenFor(options.organizations ?? [ORG]),
    json,
    headers: options.headers,
    env: options.db ? { DB: options.db } : undefined,
  });
}

/** Sends the dry run, proves it wrote nothing, and returns it. */
async function dryRun(id: string, json: unknown, options: PatchOptions = {}): Promise<ApiResponse> {
  const before = await snapshotTables();
  const res = await patch(`/segment_groups/${id}?dry_run=true`, json, options);
  expect(await snapshotTables(), `the dry run changed rows: ${describeResponse(res)}`).toEqual(before);
  return res;
}

const change = {
  name: "Previewed",
  subgroup_operator: "OR",
  segment_subgroup: [
    { segment_operator: "OR", segment_members: [member(102), member(202, "3P")] },
    { segment_operator: "AND", exclude: true, segment_members: [member(103)] },
  ],
};

describe("PATCH /segment_groups/{id}?dry_run=true", () => {
  it("answers 200 with the group as the change would leave it, without an ETag, and changes nothing", async () => {
    const created = await createGroup();
    const { id } = created.body.data;
    const res = await dryRun(id, change, { headers: { "If-Match": created.headers.get("ETag")! } });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.headers.get("ETag")).toBeNull();
    expect(res.body.data).toMatchObject({
      id,
      name: "Previewed",
      subgroup_operator: "OR",
      segment_subgroup: [
        { segment_operator: "OR", exclude: false, segment_members: [member(102), member(202, "3P")] },
        { segment_operator: "AND", exclude: true, segment_members: [member(103)] },
      ],
      expression: "(CONTEXTUAL:102 OR 3P:202) OR NOT (CONTEXTUAL:103)",
      created_at: created.body.data.created_at,
    });
    // updated_at as the write would move it: strictly forward, even within the same millisecond.
    expect(res.body.data.updated_at > created.body.data.updated_at, res.body.data.updated_at).toBe(true);
    const stored = await readGroup(id);
    expect(stored.body.data).toEqual(created.body.data);
    expect(stored.headers.get("ETag")).toBe(created.headers.get("ETag"));

    // The real PATCH stores exactly that (its updated_at is its own moment).
    const real = await patch(`/segment_groups/${id}`, change);
    expect(real.status, describeResponse(real)).toBe(200);
    expect({ ...res.body.data, updated_at: real.body.data.updated_at }).toEqual(real.body.data);
  });

  it("keeps what is not sent, as the real PATCH does", async () => {
    const created = await createGroup();
    const res = await dryRun(created.body.data.id, { subgroup_operator: "OR" });
    expect(res.body.data, describeResponse(res)).toEqual({
      ...created.body.data,
      subgroup_operator: "OR",
      expression: "(CONTEXTUAL:101 AND 3P:201) OR (3P:301)",
      updated_at: res.body.data.updated_at,
    });
  });

  it("reads in ONE query and sends no write", async () => {
    const { id } = (await createGroup()).body.data;
    const { db, calls } = countingD1(env.DB);
    const res = await patch(`/segment_groups/${id}?dry_run=true`, change, { db });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(calls.map(({ kind, statements }) => ({ kind, statements }))).toEqual([{ kind: "all", statements: 1 }]);
    expect(calls[0]!.sql[0]).toMatch(/^SELECT/);
  });

  it("refuses what the real PATCH refuses, with the same status and errors, in the same order", async () => {
    const created = await createGroup();
    const { id } = created.body.data;
    const absent = "00000000-0000-7000-8000-000000000000";
    const missingMembers = { segment_subgroup: [{ segment_operator: "OR", segment_members: [member(555), member(101), member(401, "3P")] }] };
    const cases: [string, string, unknown, PatchOptions][] = [
      ["invalid body", id, { name: "", type: "OTHER", segment_subgroup: [{ segment_operator: "AND", exclude: true, segment_members: [member(101)] }] }, {}],
      ["malformed If-Match", id, { name: "x" }, { headers: { "If-Match": "nope" } }],
      ["absent group", absent, { name: "x" }, {}],
      ["another organization's group", id, { name: "x" }, { organizations: [OTHER_ORG] }],
      ["moving organization, with a stale If-Match and missing members", id, { organization_id: 5, ...missingMembers }, { headers: { "If-Match": '"stale"' } }],
      ["stale If-Match and missing members", id, missingMembers, { headers: { "If-Match": '"stale"' } }],
      ["missing members", id, missingMembers, {}],
    ];
    for (const [label, target, json, options] of cases) {
      const preview = await dryRun(target, json, options);
      const real = await patch(`/segment_groups/${target}`, json, options);
      expect(real.status, `${label}: ${describeResponse(real)}`).toBeGreaterThanOrEqual(400);
      expect({ status: preview.status, errors: errorsOf(preview) }, label).toEqual({ status: real.status, errors: errorsOf(real) });
    }
    expect((await readGroup(id)).headers.get("ETag")).toBe(created.headers.get("ETag"));
  });

  it("400 invalid_value on dry_run for any value but true, writing nothing", async () => {
    const { id } = (await createGroup()).body.data;
    for (const value of ["false", "yes", ""]) {
      const before = await snapshotTables();
      const res = await patch(`/segment_groups/${id}?dry_run=${value}`, { name: "x" });
      expect(errorsOf(res), describeResponse(res)).toEqual([{ code: "invalid_value", field: "dry_run" }]);
      expect(await snapshotTables()).toEqual(before);
    }
  });
});
