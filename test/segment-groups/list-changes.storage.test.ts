import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { env } from "cloudflare:workers";
import { MAX_DATA_PER_PAGE } from "../../src/db/segment-groups/changes";
import { countingD1 } from "../helpers/counting-d1";
import { seedBulkCatalog, subgroupsWith } from "../helpers/large-groups";
import { call, describeResponse, type ApiResponse, type CallOptions } from "../helpers/api";
import { seedSegments } from "../helpers/db";
import { copyEvents, statementResult } from "../helpers/seed-events";
import { ORG, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

// What D1 reports per request (the request log's d1_rows_written / d1_rows_read).
let logSpy: MockInstance<typeof console.log>;
beforeAll(() => seedSegments(Array.from({ length: 1000 }, (_, i) => ({ segment_type: "3P" as const, segment_id: 60_000 + i }))));
beforeEach(() => {
  logSpy = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => logSpy.mockRestore());

async function usage(method: string, path: string, options: CallOptions): Promise<{ res: ApiResponse; written: number; read: number }> {
  logSpy.mockClear();
  const res = await call(method, path, options);
  const line = logSpy.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, number>).find((entry) => "d1_rows_written" in entry)!;
  return { res, written: line.d1_rows_written!, read: line.d1_rows_read! };
}

const withMembers = (n: number) => [{ segment_operator: "OR", segment_members: Array.from({ length: n }, (_, i) => ({ segment_id: 60_000 + i, segment_type: "3P" })) }];

describe("cost of the change feed", () => {
  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("adds one event row (and its index entries) to every write, whatever its size", async () => {
    const token = await tokenFor([ORG]);
    const costs: Record<string, number> = {};
    for (const members of [1, 1000]) {
      const created = await usage("POST", "/segment_groups", { token, json: validGroup({ segment_subgroup: withMembers(members) }) });
      expect(created.res.status, describeResponse(created.res)).toBe(201);
      const id = created.res.body.data.id;
      const renamed = await usage("PATCH", `/segment_groups/${id}`, { token, json: { name: "renamed" } });
      const resized = await usage("PATCH", `/segment_groups/${id}`, { token, json: { segment_subgroup: withMembers(members === 1 ? 2 : 999) } });
      const deleted = await usage("DELETE", `/segment_groups/${id}`, { token });
      expect(deleted.res.status).toBe(204);
      Object.assign(costs, { [`create ${members}`]: created.written, [`rename ${members}`]: renamed.written, [`resize ${members}`]: resized.written, [`delete ${members}`]: deleted.written });
    }
    console.info(`rows written per write: ${JSON.stringify(costs)}`);
    // Before the feed (main 504259c): create 4 / 1003, rename 1 / 1, resize 2 / 2, delete 3 / 1000.
    // Each write adds its event: the row and its two index entries (organization, group); a
    // deletion also its entry in the partial tombstone index. Since the index backlog (0006) a
    // create queues its group (a row and its two index entries: the group's key, and its
    // organization's for the reverse lookup, 0009) instead of writing one index row per member,
    // plus the entry of its index_key; the later writes find it queued already. Since the usage
    // counters (0008) the organization's counter row is written once per group row created,
    // resized or deleted and once per event. Never one per member.
    expect(costs).toEqual({
      "create 1": 3 + 1 + 2 + 4 + 2, "rename 1": 1 + 3 + 1, "resize 1": 1 + 3 + 2, "delete 1": 1 + 4 + 2,
      "create 1000": 3 + 1 + 2 + 4 + 2, "rename 1000": 1 + 3 + 1, "resize 1000": 1 + 3 + 2, "delete 1000": 1 + 4 + 2,
    });
  });

  it("reads a page of 100 events at a cost set by the page, not by the feed's length or other organizations", async () => {
    const org = 880_001;
    const token = await tokenFor([org]);
    // One real event, copied `count` times for `organization` (the feed only reads these rows).
    const created = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: org, segment_subgroup: withMembers(3) }) });
    expect(created.status, describeResponse(created)).toBe(201);
    const create = (count: number, organization: number) => copyEvents(created.body.data.id, count, organization);
    const firstPage = async () => {
      const page = await usage("GET", `/segment_groups/changes?organization_id=${org}&limit=100`, { token });
      expect(page.res.status, describeResponse(page.res)).toBe(200);
      expect(page.res.body.data).toHaveLength(100);
      return page.read;
    };
    await create(109, org);
    const small = await firstPage();
    // Ten times the events after the page, and another organization's in between.
    await create(10_000, ORG);
    await create(2000, org);
    expect(await firstPage()).toBe(small);
    console.info(`rows read per page of 100 events: ${small}`);
    // About three rows per event: the page's 101 rows through the index, twice that for the
    // running sum that decides which copies the page returns (src/pagination/page-budget.ts),
    // and the feed's state.
    expect(small).toBeLessThanOrEqual(3 * 101 + 5);
  });
});

describe("cost of a feed page of large groups", () => {
  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("sends from D1 only the copies the page keeps (5,000-member groups, limit=40)", async () => {
    await seedBulkCatalog(5000);
    const org = 880_002;
    const token = await tokenFor([org]);
    const created = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: org, segment_subgroup: subgroupsWith(5000) }) });
    expect(created.status, describeResponse(created)).toBe(201);
    await copyEvents(created.body.data.id, 60, org);

    const { db, calls } = countingD1(env.DB);
    const res = await call("GET", `/segment_groups/changes?organization_id=${org}&limit=40`, { token, env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(200);
    const { copy } = (await env.DB.prepare("SELECT octet_length(data) AS copy FROM segment_group_changes WHERE group_id = ? LIMIT 1").bind(created.body.data.id).first<{ copy: number }>())!;
    const kept = Math.floor(MAX_DATA_PER_PAGE / copy);
    expect(res.body.data).toHaveLength(kept);
    expect(res.body.meta.has_more).toBe(true);

    const page = statementResult(calls, "FROM segment_group_changes WHERE");
    console.info(`feed page of 5000-member events: ${res.body.data.length} events, ${page.rows} rows returned, ${page.rowsRead} rows read, ${page.bytes} bytes from D1 (a copy: ${copy})`);
    // 41 candidates, a copy only for the events the page keeps.
    expect(page.rows).toBe(41);
    expect(page.bytes).toBeGreaterThan(kept * copy);
    expect(page.bytes).toBeLessThan((kept + 1) * copy);
    expect(page.rowsRead).toBeLessThanOrEqual(3 * 41 + 2);
  });
});
