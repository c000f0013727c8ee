import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { SHARDED } from "../helpers/shards";
import { tokenFor } from "../helpers/tokens";

// Run by `npm run test:shards`: an Idempotency-Key is its caller's, whatever organization it
// wrote for, so a key used for an organization on one shard answers the same on every shard.
const ORGS = [76001, 76002];
const group = (org: number, name = "Keyed") =>
  validGroup({ name, organization_id: org, segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] });

describe.runIf(SHARDED)("shards: an Idempotency-Key over several shards", () => {
  let token: string;

  beforeAll(async () => {
    await seedCatalog();
    token = await tokenFor(ORGS);
    for (const org of ORGS) expect((await call("POST", "/segment_groups", { token, json: group(org, "placing") })).status).toBe(201);
    const shards = await env.DB.prepare("SELECT count(DISTINCT shard) AS n FROM organization_shards WHERE organization_id IN (?, ?)").bind(...ORGS).first<{ n: number }>();
    expect(shards!.n).toBe(2);
  });

  it("refuses a key used for another organization on another shard (422), writing nothing", async () => {
    const first = await call("POST", "/segment_groups", { token, json: group(ORGS[0]!), headers: { "Idempotency-Key": "cross-shard-1" } });
    expect(first.status, describeResponse(first)).toBe(201);
    const before = await snapshotTables();
    const other = await call("POST", "/segment_groups", { token, json: group(ORGS[1]!), headers: { "Idempotency-Key": "cross-shard-1" } });
    expect(other.status, describeResponse(other)).toBe(422);
    expect(errorsOf(other)).toEqual([{ code: "idempotency_key_reused", field: "Idempotency-Key" }]);
    expect(await snapshotTables()).toEqual(before);
  });

  it("replays a key from the shard that stored it", async () => {
    const first = await call("POST", "/segment_groups", { token, json: group(ORGS[1]!), headers: { "Idempotency-Key": "cross-shard-2" } });
    expect(first.status, describeResponse(first)).toBe(201);
    const replay = await call("POST", "/segment_groups", { token, json: group(ORGS[1]!), headers: { "Idempotency-Key": "cross-shard-2" } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.data).toEqual(first.body.data);
  });

  it("refuses a bulk key used for another organization's items on another shard, and replays it where it was stored", async () => {
    const bulk = (org: number, id: number) =>
      call("POST", "/segments/bulk", { token, json: { items: [{ segment_type: "3P", segment_id: id, name: "Own", organization_id: org }] }, headers: { "Idempotency-Key": "cross-shard-3" } });
    const first = await bulk(ORGS[0]!, 76101);
    expect(first.status, describeResponse(first)).toBe(200);
    const before = await snapshotTables();
    const other = await bulk(ORGS[1]!, 76102);
    expect(errorsOf(other)).toEqual([{ code: "idempotency_key_reused", field: "Idempotency-Key" }]);
    expect(await snapshotTables()).toEqual(before);
    const replay = await bulk(ORGS[0]!, 76101);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
  });
});
