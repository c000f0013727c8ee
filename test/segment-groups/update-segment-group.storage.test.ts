import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { expectErrorLogs } from "../helpers/expected-logs";
import { countingD1 } from "../helpers/counting-d1";
import { snapshotTables } from "../helpers/db";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup, readGroup, rowsOfGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";
import { seedBulkCatalog, subgroupsWith } from "../helpers/large-groups";

beforeEach(seedCatalog);


/** PATCHes through a counting D1 and returns the response with its round trips. */
async function countedPatch(id: string, json: unknown, headers: Record<string, string> = {}) {
  const { db, calls } = countingD1(env.DB);
  const res = await call("PATCH", `/segment_groups/${id}`, { token: await tokenFor([ORG]), json, headers, env: { DB: db } });
  return { res, cost: calls.map(({ kind, statements }) => ({ kind, statements })), sql: calls.flatMap((c) => c.sql) };
}

describe("PATCH /segment_groups/{id} — storage", () => {
  it("costs one round trip of the same seven statements, with or without subgroups, for 1 or 1,000 members", async () => {
    await seedBulkCatalog(1000);
    const { id } = (await createGroup()).body.data;
    const costs = [];
    for (const json of [{ name: "x" }, { segment_subgroup: subgroupsWith(1) }, { name: "y", segment_subgroup: subgroupsWith(1000) }]) {
      const { res, cost } = await countedPatch(id, json);
      expect(res.status, describeResponse(res)).toBe(200);
      costs.push(cost);
    }
    expect(await rowsOfGroup(id)).toEqual({ groups: 1, subgroups: 1, members: 1000 });
    // The update, the diagnosis, the change event.
    expect(costs[0]).toEqual([{ kind: "batch", statements: 7 }]);
    expect(costs[1]).toEqual(costs[0]);
    expect(costs[2]).toEqual(costs[0]);
  });

  it("answers 404, 400 immutable_field, 412 and segment 404s from that same single round trip", async () => {
    const { id } = (await createGroup()).body.data;
    const cases: [string, unknown, Record<string, string>, number][] = [
      ["01890a5d-ac96-774b-bcce-b302099a8057", { name: "x" }, {}, 404],
      [id, { name: "x", organization_id: 42 }, {}, 400],
      [id, { name: "x" }, { "If-Match": `"stale"` }, 412],
      [id, { segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 999, segment_type: "3P" }] }] }, {}, 404],
    ];
    for (const [target, json, headers, status] of cases) {
      const { res, cost } = await countedPatch(target, json, headers);
      expect(res.status, describeResponse(res)).toBe(status);
      expect(cost).toEqual([{ kind: "batch", statements: 7 }]);
    }
  });

  it("binds well under D1's 100 parameters per statement, whatever the payload", async () => {
    await seedBulkCatalog(1000);
    const { id } = (await createGroup()).body.data;
    const { res, sql } = await countedPatch(id, { name: "x", type: "AUDIENCE", status: false, organization_id: ORG, segment_subgroup: subgroupsWith(1000) }, { "If-Match": "*" });
    expect(res.status, describeResponse(res)).toBe(200);
    for (const statement of sql) expect(statement.split("?").length - 1).toBeLessThanOrEqual(20);
  });

  it("is atomic: a failure inside the batch leaves the group as it was, and answers 503", async () => {
    const logs = expectErrorLogs();
    const created = await createGroup();
    const before = await snapshotTables();
    await env.DB.exec("CREATE TRIGGER fail_members BEFORE INSERT ON segment_group_index_backlog BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    try {
      const { res } = await countedPatch(created.body.data.id, { name: "x", segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 103, segment_type: "CONTEXTUAL" }] }] });
      expect(res.status, describeResponse(res)).toBe(503);
      expect(res.text).not.toContain("injected");
      expect(logs.events()).toEqual(["database_error"]);
    } finally {
      await env.DB.exec("DROP TRIGGER fail_members");
    }
    expect(await snapshotTables()).toEqual(before);
  });

  it("keeps the group's subgroups and members when the write is refused", async () => {
    const created = await createGroup();
    const { res } = await countedPatch(created.body.data.id, { segment_subgroup: subgroupsWith(1) }, { "If-Match": `"stale"` });
    expect(res.status, describeResponse(res)).toBe(412);
    expect(await rowsOfGroup(created.body.data.id)).toEqual({ groups: 1, subgroups: 2, members: 3 });
  });
});

describe("PATCH /segment_groups/{id} — concurrency", () => {
  it("of two PATCHes with the same If-Match, exactly one wins; the other gets 412 and the group is the winner's", async () => {
    const created = await createGroup();
    const { id } = created.body.data;
    const ifMatch = { "If-Match": created.headers.get("ETag")! };
    const token = await tokenFor([ORG]);
    const results = await Promise.all([
      call("PATCH", `/segment_groups/${id}`, { token, json: { name: "A", segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_id: 102, segment_type: "CONTEXTUAL" }] }] }, headers: ifMatch }),
      call("PATCH", `/segment_groups/${id}`, { token, json: { name: "B", status: false }, headers: ifMatch }),
    ]);
    expect(results.map((r) => r.status).sort(), results.map(describeResponse).join("\n")).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)!;
    const stored = await readGroup(id);
    expect(stored.body.data).toEqual(winner.body.data);
    expect(stored.headers.get("ETag")).toBe(winner.headers.get("ETag"));
  });

  it("of a PATCH and a DELETE with the same If-Match, exactly one wins", async () => {
    const created = await createGroup();
    const { id } = created.body.data;
    const ifMatch = { "If-Match": created.headers.get("ETag")! };
    const token = await tokenFor([ORG]);
    const [patched, deleted] = await Promise.all([
      call("PATCH", `/segment_groups/${id}`, { token, json: { name: "A" }, headers: ifMatch }),
      call("DELETE", `/segment_groups/${id}`, { token, headers: ifMatch }),
    ]);
    const outcome = `${patched.status}/${deleted.status}`;
    expect(["200/412", "404/204"], `${describeResponse(patched)}\n${describeResponse(deleted)}`).toContain(outcome);
    const stored = await readGroup(id);
    if (outcome === "200/412") expect(stored.body.data).toEqual(patched.body.data);
    else expect(await rowsOfGroup(id)).toEqual({ groups: 0, subgroups: 0, members: 0 });
  });
});
