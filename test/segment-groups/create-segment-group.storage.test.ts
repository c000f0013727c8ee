import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { expectErrorLogs } from "../helpers/expected-logs";
import { countingD1 } from "../helpers/counting-d1";
import { countRows, mergeIndexBacklog, snapshotTables } from "../helpers/db";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { groupWithMembers, seedBulkCatalog } from "../helpers/large-groups";
import { SHARDED } from "../helpers/shards";

beforeEach(seedCatalog);


describe("POST /segment_groups — storage", () => {
  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("costs one D1 round trip whose statement count does not grow with members", async () => {
    await seedBulkCatalog(5000);
    const token = await tokenFor([ORG]);
    const costs: Record<number, { kind: string; statements: number }[]> = {};
    for (const members of [1, 1000, 5000]) {
      const { db, calls } = countingD1(env.DB);
      const res = await call("POST", "/segment_groups", { token, json: groupWithMembers(members), env: { DB: db } });
      expect(res.status, describeResponse(res)).toBe(201);
      costs[members] = calls.map(({ kind, statements }) => ({ kind, statements }));
      await mergeIndexBacklog();
      const stored = await env.DB.prepare("SELECT count(*) AS n FROM segment_group_members WHERE group_key = (SELECT index_key FROM segment_groups WHERE id = ?)")
        .bind(res.body.data.id)
        .first<{ n: number }>();
      expect(stored!.n).toBe(members);
    }
    // The idempotency key's answer, the insert, the missing members, the quota's refusal, the
    // key, the change event, and the reverse index's merge (four statements; idle unless the
    // backlog is full).
    expect(costs[1]).toEqual([{ kind: "batch", statements: 10 }]);
    expect(costs[1000]).toEqual(costs[1]);
    expect(costs[5000]).toEqual(costs[1]);
  });

  it("binds well under D1's 100 parameters per statement, whatever the payload", async () => {
    await seedBulkCatalog(2000);
    const { db, calls } = countingD1(env.DB);
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: groupWithMembers(2000), env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(201);
    for (const sql of calls.flatMap((c) => c.sql)) expect(sql.split("?").length - 1).toBeLessThanOrEqual(20);
  });

  it("also answers a missing segment within that single round trip", async () => {
    const { db, calls } = countingD1(env.DB);
    const body = validGroup({ segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 999_999, segment_type: "3P" }] }] });
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: body, env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(404);
    expect(calls.map((c) => c.kind)).toEqual(["batch"]);
  });

  it("is atomic: a failure inside the batch leaves no partial group, and answers 503 in the envelope", async () => {
    const logs = expectErrorLogs();
    const before = await snapshotTables();
    // Make the database reject the index backlog's insert (the insert trigger's), as a constraint or outage would mid-batch.
    await env.DB.exec(
      "CREATE TRIGGER fail_members BEFORE INSERT ON segment_group_index_backlog BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    );
    try {
      const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup() });
      expect(res.status, describeResponse(res)).toBe(503);
      expect(res.body.errors).toEqual([{ code: "database_unavailable", message: expect.any(String) }]);
      expect(res.text).not.toContain("injected");
      expect(res.text).not.toContain("SQLITE");
      expect(logs.events()).toEqual(["database_error"]);
    } finally {
      await env.DB.exec("DROP TRIGGER fail_members");
    }
    expect(await snapshotTables()).toEqual(before);
  });

  it("enforces member → catalog integrity in the database itself", async () => {
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup() });
    expect(res.status, describeResponse(res)).toBe(201);
    const id = res.body.data.id;
    // A segment in use cannot leave the catalog, whoever asks: refused while the group is
    // queued for the reverse index (its document says so) and once it is indexed. No
    // segment's key or owner ever changes.
    const used = env.DB.prepare("DELETE FROM segments WHERE segment_type = '3P' AND segment_id = 301");
    const rekey = env.DB.prepare("UPDATE segments SET segment_id = 777 WHERE segment_type = 'CONTEXTUAL' AND segment_id = 101");
    await expect(used.run()).rejects.toThrow(/FOREIGN KEY/);
    await expect(rekey.run()).rejects.toThrow(/never change/);
    await mergeIndexBacklog();
    await expect(used.run()).rejects.toThrow(/FOREIGN KEY/);
    // An unused one may go.
    await env.DB.prepare("DELETE FROM segments WHERE segment_type = 'CONTEXTUAL' AND segment_id = 103").run();
    // A document naming a segment the catalog lacks, or another organization's, is never
    // stored, whoever writes it: the BEFORE UPDATE trigger skips the row.
    for (const member of ['{"segment_id":123456789,"segment_type":"3P"}', '{"segment_id":401,"segment_type":"3P"}']) {
      const stored = await env.DB.prepare(`UPDATE segment_groups SET subgroups = '[{"segment_operator":"OR","exclude":false,"segment_members":[${member}]}]' WHERE id = ?`)
        .bind(id)
        .run();
      expect(stored.meta.changes).toBe(0);
    }
    const moved = await env.DB.prepare("UPDATE segment_groups SET organization_id = 9999 WHERE id = ?").bind(id).run();
    expect(moved.meta.changes, "its own segment 3P:301 is not the other organization's").toBe(0);
    const inserted = await env.DB.prepare(
      `INSERT INTO segment_groups (id, organization_id, name, name_folded, type, status, subgroups, member_count, created_at, updated_at, etag, subgroup_operator)
       VALUES ('raw', 1234, 'n', 'n', 'CONTEXTUAL', 1, '[{"segment_operator":"OR","exclude":false,"segment_members":[{"segment_id":123456789,"segment_type":"3P"}]}]', 1, 'now', 'now', 'e', 'AND')`,
    ).run();
    expect(inserted.meta.changes).toBe(0);
    // One index row per segment and group.
    const duplicate = env.DB.prepare(
      "INSERT INTO segment_group_members (segment_type, segment_id, organization_id, group_key) SELECT 'CONTEXTUAL', 101, organization_id, index_key FROM segment_groups WHERE id = ?",
    ).bind(id);
    await expect(duplicate.run()).rejects.toThrow(/UNIQUE/);
  });

  it("removes subgroups and members with their group", async () => {
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup() });
    expect(res.status, describeResponse(res)).toBe(201);
    await mergeIndexBacklog();
    const members = await countRows("segment_group_members");
    await env.DB.prepare("DELETE FROM segment_groups WHERE id = ?").bind(res.body.data.id).run();
    // The delete queued the group; the next merge removes its rows.
    expect(await mergeIndexBacklog()).toBe(1);
    expect(await countRows("segment_group_members")).toBe(members - 3);
  });
});
