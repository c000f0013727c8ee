import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { mergeIndexBacklog } from "../helpers/db";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { SHARDED, testShards } from "../helpers/shards";
import { putSketch } from "../helpers/sketches";
import { tokenFor } from "../helpers/tokens";
import { sketchBytes } from "../sketch/theta-fixtures";
import { shardBinding, shardNames } from "../../src/db/shards/bindings";

// Run by `npm run test:shards` (three shards); with DB alone there is nothing to place.
const ORGS = [71001, 71002, 71003, 71004, 71005, 71006];

// Every table an organization's rows live in, and how to find them.
const OWN_ROWS: Record<string, string> = {
  segments: "organization_id = ?1",
  segment_sketches: "owner_scope = ?1",
  segment_groups: "organization_id = ?1",
  segment_group_members: "organization_id = ?1",
  segment_group_index_backlog: "organization_id = ?1",
  segment_group_changes: "organization_id = ?1",
  organization_usage: "organization_id = ?1",
  idempotency_keys: "snapshot ->> '$.organization_id' = ?1",
};

async function shardCounts(): Promise<Map<string, number>> {
  const rows = (await env.DB.prepare("SELECT shard, count(*) AS n FROM organization_shards GROUP BY shard").all<{ shard: string; n: number }>()).results;
  return new Map(shardNames(env).map((s) => [s, rows.find((r) => r.shard === s)?.n ?? 0]));
}

describe.runIf(SHARDED)("shards: where an organization's rows live", () => {
  const placed = new Map<number, string>();

  beforeAll(async () => {
    await seedCatalog();
    const token = await tokenFor(ORGS);
    for (const org of ORGS) {
      const before = await shardCounts();
      const fewest = Math.min(...before.values());
      const created = await call("POST", "/segment_groups", {
        token,
        json: validGroup({ organization_id: org, segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] }),
        headers: { "Idempotency-Key": `placement-${org}` },
      });
      expect(created.status, describeResponse(created)).toBe(201);
      const row = await env.DB.prepare("SELECT shard FROM organization_shards WHERE organization_id = ?").bind(org).first<{ shard: string }>();
      // The rule: the shard with the fewest organizations, ties in binding order.
      expect(row!.shard, `${org}: counts before ${JSON.stringify([...before])}`).toBe([...before].find(([, n]) => n === fewest)![0]);
      placed.set(org, row!.shard);
      const renamed = await call("PATCH", `/segment_groups/${created.body.data.id}`, { token, json: { name: `Renamed ${org}` } });
      expect(renamed.status, describeResponse(renamed)).toBe(200);
      const segment = await call("PUT", `/segments/3P/${org}`, { token, json: { name: `Own ${org}`, organization_id: org } });
      expect(segment.status, describeResponse(segment)).toBe(201);
      const sketch = await putSketch(`/segments/3P/${org}/sketch?organization_id=${org}`, sketchBytes("tiny"), { token });
      expect(sketch.status, describeResponse(sketch)).toBe(201);
    }
    await mergeIndexBacklog();
  });

  it("spreads new organizations over every shard", () => {
    expect(new Set(placed.values()), JSON.stringify([...placed])).toEqual(new Set(shardNames(env)));
  });

  it("keeps each organization's rows in its shard's database and in no other", async () => {
    for (const org of ORGS) {
      for (const name of shardNames(env)) {
        const db = shardBinding(env, name);
        for (const [table, where] of Object.entries(OWN_ROWS)) {
          const { n } = (await db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(org).first<{ n: number }>())!;
          if (name === placed.get(org)) {
            if (table !== "segment_group_index_backlog") expect(n, `${table} of ${org} on its shard ${name}`).toBeGreaterThan(0);
          } else {
            expect(n, `${table} of ${org} on ${name}, which is not its shard (${placed.get(org)})`).toBe(0);
          }
        }
      }
    }
  });

  it("keeps the directory in DB only", async () => {
    for (const [i, db] of testShards().entries()) {
      const { n } = (await db.prepare("SELECT count(*) AS n FROM organization_shards").first<{ n: number }>())!;
      if (i > 0) expect(n).toBe(0);
    }
  });
});
