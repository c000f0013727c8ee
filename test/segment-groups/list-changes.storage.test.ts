import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { call, describeResponse, type ApiResponse, type CallOptions } from "../helpers/api";
import { seedSegments } from "../helpers/db";
import { ORG, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

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
  it("adds one event row (and its index entries) to every write, whatever its size", async () => {
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
    // organization's for the reverse lookup, 0008) instead of writing one index row per member,
    // plus the entry of its index_key; the later writes find it queued already. Never one per member.
    expect(costs).toEqual({
      "create 1": 3 + 1 + 2 + 4, "rename 1": 1 + 3, "resize 1": 1 + 3, "delete 1": 1 + 4,
      "create 1000": 3 + 1 + 2 + 4, "rename 1000": 1 + 3, "resize 1000": 1 + 3, "delete 1000": 1 + 4,
    });
  });

  it("reads a page of 100 events at a cost set by the page, not by the feed's length or other organizations", async () => {
    const org = 880_001;
    const token = await tokenFor([org]);
    // One real event, copied `count` times for `organization` (the feed only reads these rows).
    const created = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: org, segment_subgroup: withMembers(3) }) });
    expect(created.status, describeResponse(created)).toBe(201);
    const template = await env.DB.prepare("SELECT group_id, version, changed_at, changed_by, data FROM segment_group_changes WHERE group_id = ?")
      .bind(created.body.data.id)
      .first<Record<string, string>>();
    const create = (count: number, organization: number) =>
      env.DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO segment_group_changes (organization_id, group_id, change, version, changed_at, changed_by, data)
         SELECT ?2, ?3, 'updated', ?4, ?5, ?6, ?7 FROM n`,
      ).bind(count, organization, template!.group_id, template!.version, template!.changed_at, template!.changed_by, template!.data).run();
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
    // About one row per event: the page's 101 rows through the index, and the feed's state.
    expect(small).toBeLessThanOrEqual(101 + 5);
  });
});
