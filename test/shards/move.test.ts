import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { putSketch } from "../helpers/sketches";
import { SHARDED } from "../helpers/shards";
import { tokenFor } from "../helpers/tokens";
import { sketchBytes } from "../sketch/theta-fixtures";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";
import { shardBinding, shardNames } from "../../src/db/shards/bindings";

// Run by `npm run test:shards`: moving one organization to another shard, step by step, with
// nothing lost (docs/storage.md, "Moving an organization"). The drain's and the clean's waits
// (60 s each) are made to have passed by moving the directory's clock back.
const ORG = 74001;
const OWN_ROWS: Record<string, string> = {
  segments: "organization_id = ?1",
  segment_sketches: "owner_scope = ?1",
  segment_groups: "organization_id = ?1",
  segment_group_changes: "organization_id = ?1",
  organization_usage: "organization_id = ?1",
  idempotency_keys: "snapshot ->> '$.organization_id' = ?1",
};

const members = (...ids: [number, "CONTEXTUAL" | "3P"][]) => [{ segment_operator: "AND", segment_members: ids.map(([segment_id, segment_type]) => ({ segment_id, segment_type })) }];
const placement = () => env.DB.prepare("SELECT shard, state, previous_shard FROM organization_shards WHERE organization_id = ?").bind(ORG).first<{ shard: string; state: string; previous_shard: string | null }>();
const passTime = () => env.DB.prepare("UPDATE organization_shards SET changed_at = ?2 WHERE organization_id = ?1").bind(ORG, new Date(Date.now() - 61_000).toISOString()).run();
async function rowsOn(shard: string): Promise<Record<string, number>> {
  const db = shardBinding(env, shard);
  const counts: Record<string, number> = {};
  for (const [table, where] of Object.entries(OWN_ROWS)) counts[table] = (await db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(ORG).first<{ n: number }>())!.n;
  return counts;
}

describe.runIf(SHARDED)("shards: moving an organization", () => {
  let token: string;
  let operator: string;
  let from: string;
  let to: string;
  let reads: Record<string, unknown>;
  let feedCursor: string;
  const paths = () => [
    `/segment_groups?organization_id=${ORG}`,
    `/segment_groups?organization_id=${ORG}&segment=3P:${ORG}`,
    `/segment_groups/${reads.groupId}`,
    `/segment_groups/${reads.groupId}/versions`,
    `/segments/3P/${ORG}`,
    `/segments/3P/${ORG}/sketch`,
    `/usage?organization_id=${ORG}`,
  ];
  const readAll = async () => Object.fromEntries(await Promise.all(paths().map(async (p) => [p, (await call("GET", p, { token })).body.data])));

  beforeAll(async () => {
    await seedCatalog();
    token = await tokenFor([ORG]);
    operator = await tokenFor([ORG], [...TENANT_PERMISSIONS, "manage:shards"]);
    expect((await call("PUT", `/segments/3P/${ORG}`, { token, json: { name: "Own", organization_id: ORG } })).status).toBe(201);
    expect((await putSketch(`/segments/3P/${ORG}/sketch`, sketchBytes("tiny"), { token })).status).toBe(201);
    const first = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: ORG, segment_subgroup: members([101, "CONTEXTUAL"], [ORG, "3P"]) }), headers: { "Idempotency-Key": "before-the-move" } });
    expect(first.status, describeResponse(first)).toBe(201);
    expect((await call("PATCH", `/segment_groups/${first.body.data.id}`, { token, json: { name: "Renamed" } })).status).toBe(200);
    expect((await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: ORG, name: "Second", segment_subgroup: members([102, "CONTEXTUAL"]) }) })).status).toBe(201);
    reads = { groupId: first.body.data.id, firstBody: first.body };
    reads = { ...reads, answers: await readAll() };
    feedCursor = (await call("GET", `/segment_groups/changes?organization_id=${ORG}`, { token })).body.meta.next_cursor;
    from = (await placement())!.shard;
    to = shardNames(env).find((s) => s !== from)!;
  });

  it("drains, copies, switches and cleans: every answer the same before and after, nothing left behind", async () => {
    const before = await rowsOn(from);
    const move = () => call("POST", `/admin/organizations/${ORG}/move`, { token: operator, json: { shard: to } });

    const draining = await move();
    expect(draining.status, describeResponse(draining)).toBe(202);
    expect(draining.body.data).toMatchObject({ organization_id: ORG, phase: "draining", shard: to, retry_after: 60 });
    expect(draining.headers.get("Retry-After")).toBe("60");
    // Writes wait; reads go on, unchanged.
    const write = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: ORG, segment_subgroup: members([101, "CONTEXTUAL"]) }) });
    expect(write.status, describeResponse(write)).toBe(503);
    expect(write.headers.get("Retry-After")).not.toBeNull();
    expect((await call("PATCH", `/segment_groups/${reads.groupId}`, { token, json: { name: "No" } })).status).toBe(503);
    expect(await readAll()).toEqual((reads as { answers: unknown }).answers);
    // Too early to copy: still draining.
    expect((await move()).body.data.phase).toBe("draining");

    const versionsPage = await call("GET", `/segment_groups/${reads.groupId}/versions?limit=1`, { token });
    expect(versionsPage.body.meta.has_more).toBe(true);
    await passTime();
    const copied = await move();
    expect(copied.status, describeResponse(copied)).toBe(202);
    expect(copied.body.data).toMatchObject({ phase: "cleaning", shard: to });
    expect(copied.body.data.copied).toMatchObject({ segments: before.segments, segment_sketches: before.segment_sketches, segment_groups: before.segment_groups, segment_group_changes: before.segment_group_changes, idempotency_keys: before.idempotency_keys });
    expect(await placement()).toEqual({ shard: to, state: "active", previous_shard: from });
    expect(await readAll()).toEqual((reads as { answers: unknown }).answers);
    // A versions cursor from before the move is refused (the new shard numbered the history anew).
    const staleVersions = await call("GET", `/segment_groups/${reads.groupId}/versions?limit=1&cursor=${versionsPage.body.meta.next_cursor}`, { token });
    expect(errorsOf(staleVersions)).toEqual([{ code: "invalid_value", field: "cursor" }]);
    // A feed cursor from before the move expires; the list's changes_cursor starts again.
    const stale = await call("GET", `/segment_groups/changes?organization_id=${ORG}&after=${feedCursor}`, { token });
    expect(stale.status, describeResponse(stale)).toBe(410);
    expect(errorsOf(stale)).toEqual([{ code: "cursor_expired", field: "after" }]);

    await passTime();
    const done = await move();
    expect(done.status, describeResponse(done)).toBe(200);
    expect(done.body.data).toEqual({ organization_id: ORG, phase: "done", shard: to, retry_after: null });
    expect(await rowsOn(from)).toEqual(Object.fromEntries(Object.keys(OWN_ROWS).map((t) => [t, 0])));
    expect(await rowsOn(to)).toEqual(before);
    expect(await readAll()).toEqual((reads as { answers: unknown }).answers);

    // Everything answers as before: the feed from the start, a replayed key, new writes.
    const feed = await call("GET", `/segment_groups/changes?organization_id=${ORG}`, { token });
    expect(feed.body.data.map((e: { change: string }) => e.change)).toEqual(["created", "updated", "created"]);
    const replay = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: ORG, segment_subgroup: members([101, "CONTEXTUAL"], [ORG, "3P"]) }), headers: { "Idempotency-Key": "before-the-move" } });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.data).toEqual((reads as { firstBody: { data: unknown } }).firstBody.data);
    const after = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: ORG, segment_subgroup: members([ORG, "3P"]) }) });
    expect(after.status, describeResponse(after)).toBe(201);
    const users = await call("GET", `/segment_groups?organization_id=${ORG}&segment=3P:${ORG}`, { token });
    expect(users.body.data.map((g: { id: string }) => g.id).sort()).toEqual([after.body.data.id, reads.groupId].sort());
    const where = await call("GET", `/admin/organizations/${ORG}`, { token: operator });
    expect(where.body.data).toMatchObject({ organization_id: ORG, shard: to, placed: true, state: "active", previous_shard: null });
  });

  it("is done at once for an organization already there, or one that never wrote (placing it)", async () => {
    const there = await call("POST", `/admin/organizations/${ORG}/move`, { token: operator, json: { shard: to } });
    expect(there.status, describeResponse(there)).toBe(200);
    const fresh = await call("POST", "/admin/organizations/74999/move", { token: operator, json: { shard: "DB_3" } });
    expect(fresh.body.data).toEqual({ organization_id: 74999, phase: "done", shard: "DB_3", retry_after: null });
    expect((await call("GET", "/admin/organizations/74999", { token: operator })).body.data).toMatchObject({ shard: "DB_3", placed: true });
  });

  it("refuses an unknown shard, a second move under way, and tokens without manage:shards", async () => {
    const unknown = await call("POST", `/admin/organizations/${ORG}/move`, { token: operator, json: { shard: "DB_9" } });
    expect(errorsOf(unknown)).toEqual([{ code: "invalid_value", field: "shard" }]);
    const elsewhere = shardNames(env).find((s) => s !== to)!;
    const third = shardNames(env).find((s) => s !== to && s !== elsewhere)!;
    expect((await call("POST", `/admin/organizations/${ORG}/move`, { token: operator, json: { shard: elsewhere } })).status).toBe(202);
    const second = await call("POST", `/admin/organizations/${ORG}/move`, { token: operator, json: { shard: third } });
    expect(second.status, describeResponse(second)).toBe(409);
    expect(errorsOf(second)).toEqual([{ code: "move_in_progress", field: "shard" }]);
    const tenant = await call("POST", `/admin/organizations/${ORG}/move`, { token: await tokenFor([ORG], TENANT_PERMISSIONS), json: { shard: third } });
    expect(tenant.status, describeResponse(tenant)).toBe(403);
    expect(errorsOf(tenant)).toEqual([{ code: "insufficient_permissions" }]);
  });
});
