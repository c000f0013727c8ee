import { describe, expect, it } from "vitest";
import { describeResponse } from "../helpers/api";
import { callWithUsage } from "../helpers/d1-usage";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { SHARDED } from "../helpers/shards";
import { tokenFor } from "../helpers/tokens";

// What a request costs with DB alone (npm test) and on three shards (npm run test:shards): the
// same requests, their D1 round trips asserted, their rows read printed (docs/scaling.md quotes
// both runs). Over shards a request of one organization touches its shard alone (its placement
// cached); the directory adds two round trips to an organization's first write.
const ORGS = [75001, 75002, 75003];
const group = (org: number) => validGroup({ organization_id: org, segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] });

describe("what a request costs, with DB alone and over three shards", () => {
  it("spends the round trips of one database, plus the directory's where it must", async () => {
    await seedCatalog();
    const one = await tokenFor([ORGS[0]!]);
    const all = await tokenFor(ORGS);
    const costs: Record<string, { queries: number; rowsRead: number }> = {};
    const measure = async (name: string, queries: { one: number; sharded: number }, method: string, path: string, token: string, json?: unknown) => {
      const { res, usage } = await callWithUsage(method, path, { token, json });
      expect(res.status, describeResponse(res)).toBeLessThan(300);
      costs[name] = { queries: usage.d1_queries, rowsRead: usage.d1_rows_read };
      expect(usage.d1_queries, name).toBe(SHARDED ? queries.sharded : queries.one);
      return res;
    };
    // An organization's first write looks it up and places it (two directory round trips); later ones find it cached.
    const created = await measure("POST /segment_groups, first write", { one: 1, sharded: 3 }, "POST", "/segment_groups", one, group(ORGS[0]!));
    await measure("POST /segment_groups", { one: 1, sharded: 1 }, "POST", "/segment_groups", one, group(ORGS[0]!));
    await measure("GET /segment_groups/{id}", { one: 1, sharded: 1 }, "GET", `/segment_groups/${created.body.data.id}`, one);
    await measure("PATCH /segment_groups/{id}", { one: 1, sharded: 1 }, "PATCH", `/segment_groups/${created.body.data.id}`, one, { name: "Renamed" });
    await measure("GET /segment_groups?limit=25", { one: 1, sharded: 1 }, "GET", "/segment_groups?limit=25", one);
    await measure("GET /segment_groups/changes", { one: 1, sharded: 1 }, "GET", "/segment_groups/changes", one);
    for (const org of ORGS.slice(1)) await measure(`POST /segment_groups, first write of ${org}`, { one: 1, sharded: 3 }, "POST", "/segment_groups", all, group(org));
    // A token over three organizations, on three shards under test:shards: each shard once, at once.
    await measure("GET /segment_groups?limit=25, 3 organizations", { one: 1, sharded: 3 }, "GET", "/segment_groups?limit=25", all);
    await measure("GET /segment_groups/changes, 3 organizations", { one: 1, sharded: 3 }, "GET", "/segment_groups/changes", all);
    await measure("GET /usage, 3 organizations", { one: 1, sharded: 3 }, "GET", "/usage", all);
    console.info(`request costs (${SHARDED ? "three shards" : "DB alone"}): ${JSON.stringify(costs)}`);
  });
});
