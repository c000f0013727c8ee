import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf, type ApiResponse } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { laggingReplica } from "../helpers/lagging-replica";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeAll(seedCatalog);

let nextOrg = 920_000;

/**
 * Four groups of a fresh organization: the two oldest fill the listing's second page (limit=2);
 * the replica is snapshotted with all four as created; then the oldest is renamed and the
 * second deleted, so only a replica that lags still shows them as they were.
 */
async function groupsChangedAfterTheReplica() {
  const org = ++nextOrg;
  const token = await tokenFor([org]);
  const replica = laggingReplica();
  // Global segments only, so any organization may use the group.
  const logic = { segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] };
  const create = async (name: string) => {
    const created = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: org, name, ...logic }) });
    expect(created.status, describeResponse(created)).toBe(201);
    return created.body.data.id as string;
  };
  const renamed = await create("renamed later");
  const deleted = await create("deleted later");
  await create("newer");
  await create("newest");
  await replica.control.snapshot();
  expect((await call("PATCH", `/segment_groups/${renamed}`, { token, json: { name: "renamed" } })).status).toBe(200);
  expect((await call("DELETE", `/segment_groups/${deleted}`, { token })).status).toBe(204);
  // The primary moved on; the replica did not.
  expect(await replica.control.primaryBookmark()).not.toBe(replica.control.replicaBookmark);
  expect((await replica.control.primaryBookmark()) > replica.control.replicaBookmark).toBe(true);
  const get = (path: string): Promise<ApiResponse> => call("GET", path, { token, env: { DB: replica.db } });
  return { org, token, replica: replica.control, get, renamed, deleted };
}

// The simulated replica mirrors DB alone; test/shards/reads.test.ts reads several shards at their bookmarks.
describe.skipIf(SHARDED)("GET /segment_groups, then the change feed — one snapshot", () => {
  it("reads later pages at least where the first page read, so the documented list-then-feed mirror misses no change", async () => {
    const { org, token, replica, get, renamed } = await groupsChangedAfterTheReplica();
    // Page 1 is served by a replica that has caught up; page 2 would be served by one that lags.
    const first = await get(`/segment_groups?organization_id=${org}&limit=2`);
    expect(first.status, describeResponse(first)).toBe(200);
    replica.lagging = true;
    const second = await get(`/segment_groups?organization_id=${org}&limit=2&cursor=${first.body.meta.next_cursor}`);
    replica.lagging = false;
    expect(second.status, describeResponse(second)).toBe(200);

    // The mirror docs/api.md describes: every page, then the feed from the first page's changes_cursor.
    const mirror = new Map<string, unknown>([...first.body.data, ...second.body.data].map((group: any) => [group.id, group]));
    let after = first.body.meta.changes_cursor;
    for (;;) {
      const feed = await get(`/segment_groups/changes?organization_id=${org}&after=${after}`);
      expect(feed.status, describeResponse(feed)).toBe(200);
      for (const event of feed.body.data) (event.data === null ? mirror.delete(event.id) : mirror.set(event.id, event.data));
      after = feed.body.meta.next_cursor;
      if (!feed.body.meta.has_more) break;
    }
    // The groups as they are: the rename is there and the deleted group is not.
    const now = await call("GET", `/segment_groups?organization_id=${org}&limit=100`, { token });
    expect(mirror).toEqual(new Map(now.body.data.map((group: any) => [group.id, group])));
    expect((mirror.get(renamed) as { name: string }).name).toBe("renamed");
  });

  it("refuses a page a replica serves older than the previous page (503, retry), rather than show it", async () => {
    const { org, replica, get } = await groupsChangedAfterTheReplica();
    const first = await get(`/segment_groups?organization_id=${org}&limit=2`);
    // A replica that breaks D1's promise and serves the page from before the cursor's bookmark.
    replica.lagging = true;
    replica.keepsPromises = false;
    const second = await get(`/segment_groups?organization_id=${org}&limit=2&cursor=${first.body.meta.next_cursor}`);
    expect(second.status, describeResponse(second)).toBe(503);
    expect(errorsOf(second)).toEqual([{ code: "database_unavailable" }]);
    expect(second.headers.get("Retry-After")).toBe("1");
  });
});
