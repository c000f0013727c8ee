import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { seedSegments, snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeEach(seedCatalog);

const del = async (path: string, organizations = [ORG]) => call("DELETE", path, { token: await tokenFor(organizations) });

async function exists(type: string, id: number) {
  return (await env.DB.prepare("SELECT 1 FROM segments WHERE segment_type = ? AND segment_id = ?").bind(type, id).first()) !== null;
}

async function createGroup(organization: number, subgroups: { segment_type: string; segment_id: number }[][]) {
  const res = await call("POST", "/segment_groups", {
    token: await tokenFor([organization]),
    json: validGroup({ organization_id: organization, segment_subgroup: subgroups.map((members) => ({ segment_operator: "OR", segment_members: members })) }),
  });
  expect(res.status, describeResponse(res)).toBe(201);
  return res.body.data.id as string;
}

/** Sends a DELETE that must be refused, and checks it changed no row. */
async function refusedDelete(path: string, organizations = [ORG]) {
  const before = await snapshotTables();
  const res = await del(path, organizations);
  expect(await snapshotTables(), `rows changed by ${describeResponse(res)}`).toEqual(before);
  return res;
}

describe("DELETE /segments/{segment_type}/{segment_id}", () => {
  it("204 with no body for the caller's own segment; a second DELETE is 404", async () => {
    await seedSegments([{ segment_type: "3P", segment_id: 9701, organization_id: ORG }]);
    const res = await del("/segments/3P/9701");
    expect(res.status, describeResponse(res)).toBe(204);
    expect(res.text).toBe("");
    expect(await exists("3P", 9701)).toBe(false);
    const again = await del("/segments/3P/9701");
    expect(again.status, describeResponse(again)).toBe(404);
    expect(again.body.errors).toEqual([{ code: "segment_not_found", message: "No 3P segment 9701 is available to your organizations." }]);
  });

  it("204 for a global segment no group uses", async () => {
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 9702 }]);
    const res = await del("/segments/CONTEXTUAL/9702", [OTHER_ORG]);
    expect(res.status, describeResponse(res)).toBe(204);
    expect(await exists("CONTEXTUAL", 9702)).toBe(false);
  });

  it("404 segment_not_found for another organization's segment, which stays", async () => {
    const res = await refusedDelete("/segments/3P/401");
    expect(res.status, describeResponse(res)).toBe(404);
    expect(res.body.errors[0].code).toBe("segment_not_found");
    expect(await exists("3P", 401)).toBe(true);
  });

  it("404 segment_not_found for a segment that never existed", async () => {
    const res = await refusedDelete("/segments/CONTEXTUAL/777777");
    expect(res.status, describeResponse(res)).toBe(404);
  });

  it("409 segment_in_use while groups use it, counting each group once whatever its organization, naming none", async () => {
    await seedSegments([{ segment_type: "3P", segment_id: 9703 }]);
    const segment = { segment_type: "3P", segment_id: 9703 };
    // One group uses it in two subgroups; another organization's group uses it too.
    const mine = await createGroup(ORG, [[segment], [{ segment_type: "CONTEXTUAL", segment_id: 101 }, segment]]);
    const theirs = await createGroup(OTHER_ORG, [[segment]]);
    const res = await refusedDelete("/segments/3P/9703");
    expect(res.status, describeResponse(res)).toBe(409);
    expect(res.body).toEqual({
      errors: [{ code: "segment_in_use", message: "2 segment groups use this segment; remove it from them before deleting it." }],
      meta: { status: "error", request_id: expect.any(String), group_count: 2 },
    });
    expect(res.text).not.toContain(mine);
    expect(res.text).not.toContain(theirs);

    await env.DB.prepare("DELETE FROM segment_groups WHERE id = ?").bind(theirs).run();
    const one = await refusedDelete("/segments/3P/9703");
    expect(one.status, describeResponse(one)).toBe(409);
    expect(one.body.meta.group_count).toBe(1);
    expect(one.body.errors[0].message).toMatch(/^1 segment group uses this segment/);

    await env.DB.prepare("DELETE FROM segment_groups WHERE id = ?").bind(mine).run();
    const free = await del("/segments/3P/9703");
    expect(free.status, describeResponse(free)).toBe(204);
  });

  it("404, not 409, for another organization's segment even while groups use it", async () => {
    await createGroup(OTHER_ORG, [[{ segment_type: "3P", segment_id: 401 }]]);
    const res = await refusedDelete("/segments/3P/401");
    expect(res.status, describeResponse(res)).toBe(404);
    expect(res.body.meta.group_count).toBeUndefined();
  });

  it("400 on a malformed path, naming the parameter", async () => {
    for (const [path, field] of [["/segments/contextual/101", "segment_type"], ["/segments/CONTEXTUAL/+101", "segment_id"]] as const) {
      const res = await refusedDelete(path);
      expect(res.status, `${path}: ${describeResponse(res)}`).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("costs one D1 batch of the same size whether it deletes, refuses or finds nothing", async () => {
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 9704 }]);
    for (const [path, status] of [["/segments/CONTEXTUAL/9704", 204], ["/segments/CONTEXTUAL/101", 409], ["/segments/3P/401", 404]] as const) {
      if (status === 409) await createGroup(ORG, [[{ segment_type: "CONTEXTUAL", segment_id: 101 }]]);
      const { db, calls } = countingD1(env.DB);
      const res = await call("DELETE", path, { token: await tokenFor([ORG]), env: { DB: db } });
      expect(res.status, describeResponse(res)).toBe(status);
      expect(calls.map((c) => [c.kind, c.statements]), path).toEqual([["batch", 2]]);
    }
  });
});
