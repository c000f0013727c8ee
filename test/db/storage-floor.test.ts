import { beforeAll, describe, expect, it } from "vitest";
import { describeResponse } from "../helpers/api";
import { callWithUsage } from "../helpers/d1-usage";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { groupWithMembers, seedBulkCatalog, subgroupsWith } from "../helpers/large-groups";
import { seedGroups } from "../helpers/seed-groups";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

// Sizes, not timings: D1's own rows_read / rows_written (from the request log line, which sums
// every result's meta) for the storage goals in BENCHMARKS.md. They hold whatever the machine.
beforeAll(async () => {
  await seedCatalog();
  await seedBulkCatalog(5000);
});

describe("storage at the floor — rows per request", () => {
  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("a create writes at most 2 rows per member + 10, in one round trip, at any size", async () => {
    const token = await tokenFor([ORG]);
    for (const members of [3, 1000, 5000]) {
      const { res, usage } = await callWithUsage("POST", "/segment_groups", { token, json: groupWithMembers(members) });
      expect(res.status, describeResponse(res)).toBe(201);
      expect(usage.d1_queries).toBe(1);
      expect(usage.d1_rows_written, `${members} members`).toBeLessThanOrEqual(2 * members + 10);
    }
  });

  it("GET of one group reads at most 5 rows, whatever its size", async () => {
    const token = await tokenFor([ORG]);
    for (const members of [1, 5000]) {
      const created = await callWithUsage("POST", "/segment_groups", { token, json: groupWithMembers(members) });
      const { res, usage } = await callWithUsage("GET", `/segment_groups/${created.res.body.data.id}`, { token });
      expect(res.status, describeResponse(res)).toBe(200);
      expect(res.body.data.segment_subgroup.flatMap((s: { segment_members: unknown[] }) => s.segment_members)).toHaveLength(members);
      expect(usage.d1_rows_read, `${members} members`).toBeLessThanOrEqual(5);
    }
  });

  it("a PATCH of the name writes the group row alone, however large the group", async () => {
    const token = await tokenFor([ORG]);
    const created = await callWithUsage("POST", "/segment_groups", { token, json: groupWithMembers(1000) });
    const { res, usage } = await callWithUsage("PATCH", `/segment_groups/${created.res.body.data.id}`, { token, json: { name: "Renamed" } });
    expect(res.status, describeResponse(res)).toBe(200);
    // The row and its two indexes (name changes no indexed column; etag/updated_at do not either),
    // and the change event with its two index entries (organization, group).
    expect(usage.d1_rows_written).toBeLessThanOrEqual(3 + 3);
  });
});

describe("storage at the floor — list pages", () => {
  const organization = 777_001;
  beforeAll(async () => {
    // 120 groups of 50 members each (a page of 100 stays under the 10,000-member budget), a second apart.
    await seedGroups(
      Array.from({ length: 120 }, (_, i) => ({
        organization_id: organization,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        segment_subgroup: subgroupsWith(50) as never,
      })),
    );
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("a page of 100 whole groups reads at most 3 rows per group; a summary page 2", async () => {
    const { res, usage } = await callWithUsage("GET", `/segment_groups?organization_id=${organization}&limit=100`, {
      token: await tokenFor([organization]),
    });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toHaveLength(100);
    expect(usage.d1_queries).toBe(1);
    // A full page's running sum of members (src/pagination/page-budget.ts) counts about two more per group.
    expect(usage.d1_rows_read).toBeLessThanOrEqual(3 * 101 + 5);
    const summary = await callWithUsage("GET", `/segment_groups?organization_id=${organization}&limit=100&view=summary`, { token: await tokenFor([organization]) });
    expect(summary.usage.d1_rows_read).toBeLessThanOrEqual(2 * 100);
  });

  it("the reverse lookup reads from the index, about the rows it returns", async () => {
    const { res, usage } = await callWithUsage("GET", `/segment_groups?organization_id=${organization}&segment=CONTEXTUAL:10042&limit=50`, {
      token: await tokenFor([organization]),
    });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toHaveLength(50);
    // Every group here uses the segment (queued, not yet merged): a page reads its candidates
    // (index rows and queued groups, 51) and their groups, not every user of the segment.
    expect(usage.d1_rows_read).toBeLessThanOrEqual(2 * 50 + 10);
  });
});

describe("bounded list pages", () => {
  const organization = 777_002;
  beforeAll(async () => {
    // Three groups of 4,000 members and one of 10: a full page holds two of the large ones (8,000 members).
    await seedGroups(
      [4000, 4000, 4000, 10].map((members, i) => ({
        organization_id: organization,
        created_at: new Date(Date.UTC(2026, 1, 1, 0, 0, 10 - i)).toISOString(),
        segment_subgroup: subgroupsWith(members) as never,
      })),
    );
  });

  it("a full page stops before the group that would take it past 10,000 members, and the next page goes on from there", async () => {
    const token = await tokenFor([organization]);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/segment_groups?organization_id=${organization}&limit=100${cursor ? `&cursor=${cursor}` : ""}`;
      const { res } = await callWithUsage("GET", query, { token });
      expect(res.status, describeResponse(res)).toBe(200);
      const members = res.body.data.map((g: { segment_subgroup: { segment_members: unknown[] }[] }) =>
        g.segment_subgroup.reduce((n, s) => n + s.segment_members.length, 0),
      );
      expect(members.reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(10_000);
      sizes.push(res.body.data.length);
      seen.push(...res.body.data.map((g: { id: string }) => g.id));
      expect(res.body.meta.has_more).toBe(res.body.meta.next_cursor !== null);
      cursor = res.body.meta.next_cursor;
    } while (cursor !== null);
    expect(sizes).toEqual([2, 2]);
    expect(new Set(seen).size).toBe(4);
  });

  it("view=summary leaves the members out, counts them, and fills the page", async () => {
    const token = await tokenFor([organization]);
    const full = await callWithUsage("GET", `/segment_groups?organization_id=${organization}&limit=100`, { token });
    const { res } = await callWithUsage("GET", `/segment_groups?organization_id=${organization}&limit=100&view=summary`, { token });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data.map((g: { member_count: number }) => g.member_count)).toEqual([4000, 4000, 4000, 10]);
    expect(res.body.meta).toMatchObject({ has_more: false, next_cursor: null });
    for (const group of res.body.data) {
      expect(group).not.toHaveProperty("segment_subgroup");
      // The expression is written from the subgroups, so it goes with them; the operator stays.
      expect(group).not.toHaveProperty("expression");
      expect(group.subgroup_operator).toBe("AND");
      const { member_count, ...rest } = group;
      const whole = full.res.body.data.find((g: { id: string }) => g.id === group.id);
      if (whole) expect({ ...whole, segment_subgroup: undefined, expression: undefined }).toEqual({ ...rest, segment_subgroup: undefined });
    }
    expect(res.text.length).toBeLessThan(full.res.text.length / 100);
  });

  it("refuses any other view", async () => {
    const { res } = await callWithUsage("GET", "/segment_groups?view=compact", { token: await tokenFor([ORG]) });
    expect(res.status, describeResponse(res)).toBe(400);
    expect(res.body.errors).toMatchObject([{ field: "view" }]);
  });
});
