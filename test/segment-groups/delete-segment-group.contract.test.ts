import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, type ApiResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { snapshotTables } from "../helpers/db";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup, readGroup, rowsOfGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

const UNKNOWN_ID = "01890a5d-ac96-774b-bcce-b302099a8057";

async function remove(id: string, headers: Record<string, string> = {}, db?: D1Database): Promise<ApiResponse> {
  return call("DELETE", `/segment_groups/${id}`, { token: await tokenFor([ORG]), headers, env: db ? { DB: db } : undefined });
}

/** DELETEs group `id` and asserts the error `status`, `code` and that no row changed. */
async function expectRejected(id: string, status: number, code: string, headers: Record<string, string> = {}) {
  const before = await snapshotTables();
  const res = await remove(id, headers);
  expect(res.status, describeResponse(res)).toBe(status);
  expect(res.body.errors[0].code, describeResponse(res)).toBe(code);
  expect(await snapshotTables()).toEqual(before);
  return res;
}

describe("DELETE /segment_groups/{id}", () => {
  it("204 with no body; the group, its subgroups and its members are gone", async () => {
    const { id } = (await createGroup()).body.data;
    expect(await rowsOfGroup(id)).toEqual({ groups: 1, subgroups: 2, members: 3 });
    const res = await remove(id);
    expect(res.status, describeResponse(res)).toBe(204);
    expect(res.text).toBe("");
    expect(await rowsOfGroup(id)).toEqual({ groups: 0, subgroups: 0, members: 0 });
    expect((await readGroup(id)).status).toBe(404);
  });

  it("a second DELETE is a 404", async () => {
    const { id } = (await createGroup()).body.data;
    expect((await remove(id)).status).toBe(204);
    const again = await expectRejected(id, 404, "segment_group_not_found");
    expect(again.body.errors[0].message).toContain(id);
  });

  it("leaves other groups and the catalog alone", async () => {
    const { id } = (await createGroup()).body.data;
    const other = await createGroup({ name: "Other" });
    const segmentsBefore = (await snapshotTables()).segments;
    expect((await remove(id)).status).toBe(204);
    expect(await rowsOfGroup(other.body.data.id)).toEqual({ groups: 1, subgroups: 2, members: 3 });
    expect((await readGroup(other.body.data.id)).body.data).toEqual(other.body.data);
    expect((await snapshotTables()).segments).toEqual(segmentsBefore);
  });

  it("accepts the id in upper case", async () => {
    const { id } = (await createGroup()).body.data;
    expect((await remove(id.toUpperCase())).status).toBe(204);
    expect(await rowsOfGroup(id)).toEqual({ groups: 0, subgroups: 0, members: 0 });
  });

  it("404 segment_group_not_found for an id that never existed", async () => {
    await expectRejected(UNKNOWN_ID, 404, "segment_group_not_found");
  });

  it("400 on a malformed id, naming the parameter", async () => {
    const res = await expectRejected("not-a-uuid", 400, "invalid_value");
    expect(res.body.errors).toEqual([{ code: "invalid_value", field: "id", message: "must be a segment group id (a UUID)" }]);
  });
});

describe("DELETE /segment_groups/{id} — If-Match", () => {
  it("deletes when If-Match holds the current ETag, or is *", async () => {
    const first = await createGroup();
    expect((await remove(first.body.data.id, { "If-Match": first.headers.get("ETag")! })).status).toBe(204);
    const second = await createGroup();
    expect((await remove(second.body.data.id, { "If-Match": "*" })).status).toBe(204);
    expect(await rowsOfGroup(second.body.data.id)).toEqual({ groups: 0, subgroups: 0, members: 0 });
  });

  it("412 precondition_failed and nothing deleted when If-Match is stale", async () => {
    const created = await createGroup();
    const renamed = await call("PATCH", `/segment_groups/${created.body.data.id}`, { token: await tokenFor([ORG]), json: { name: "Renamed" } });
    expect(renamed.status, describeResponse(renamed)).toBe(200);
    const res = await expectRejected(created.body.data.id, 412, "precondition_failed", { "If-Match": created.headers.get("ETag")! });
    expect(res.body.errors[0].field).toBe("If-Match");
    expect(await rowsOfGroup(created.body.data.id)).toEqual({ groups: 1, subgroups: 2, members: 3 });
  });

  it("a missing group is a 404, not a 412, whatever If-Match says", async () => {
    await expectRejected(UNKNOWN_ID, 404, "segment_group_not_found", { "If-Match": `"stale"` });
  });

  it("400 on a malformed If-Match, naming the header", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, "invalid_value", { "If-Match": "stale" });
    expect(res.body.errors[0].field).toBe("If-Match");
  });
});

describe("DELETE /segment_groups/{id} — storage", () => {
  it("costs one round trip of seven statements (tombstone, delete, diagnosis, the index merge), whatever the answer", async () => {
    const big = await createGroup({
      segment_subgroup: Array.from({ length: 20 }, () => ({ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }, { segment_id: 201, segment_type: "3P" }] })),
    });
    const small = await createGroup();
    const cases: [string, Record<string, string>, number][] = [
      [small.body.data.id, { "If-Match": `"stale"` }, 412],
      [small.body.data.id, {}, 204],
      [big.body.data.id, { "If-Match": big.headers.get("ETag")! }, 204],
      [big.body.data.id, {}, 404],
    ];
    for (const [id, headers, status] of cases) {
      const { db, calls } = countingD1(env.DB);
      const res = await remove(id, headers, db);
      expect(res.status, describeResponse(res)).toBe(status);
      expect(calls.map(({ kind, statements }) => ({ kind, statements }))).toEqual([{ kind: "batch", statements: 7 }]);
    }
  });

  it("of two DELETEs at once, exactly one gets 204 and the other 404", async () => {
    const { id } = (await createGroup()).body.data;
    const results = await Promise.all([remove(id), remove(id)]);
    expect(results.map((r) => r.status).sort(), results.map(describeResponse).join("\n")).toEqual([204, 404]);
  });
});
