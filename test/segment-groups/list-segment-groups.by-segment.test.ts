import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { pageOfCandidates, type Candidate } from "../../src/db/segment-groups/list-by-segment";
import { BACKLOG_LIMITS } from "../../src/db/segment-groups/member-index";
import { encodeCursor } from "../../src/pagination";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { callWithUsage } from "../helpers/d1-usage";
import { countRows, mergeIndexBacklog, seedSegments } from "../helpers/db";
import { seedGroups, type SeedGroup } from "../helpers/seed-groups";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

// GET /segment_groups?segment=…: the reverse lookup, paged in creation (index key) order, each
// page reading at most 2 × limit + 10 rows (D1's own count, from the request log) however many
// groups use the segment. Storage lasts for the whole file: it seeds its own organizations.
const [MANY, FEW] = [883_001, 883_002];
const LOOKED_UP = 88_001;
const OTHER = 88_002;
const SEGMENT = `CONTEXTUAL:${LOOKED_UP}`;
const LIMIT = 100;
const ROWS_PER_PAGE = 2 * LIMIT + 10;

const uses = (...ids: number[]) => [{ segment_operator: "OR" as const, segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "CONTEXTUAL" as const })) }];

/**
 * The groups of `organizations` whose document holds the segment, newest first by index key,
 * asked of the documents with json_each (neither the index nor the backlog's text search).
 */
async function usersFromDocuments(organizations: number[], extra = ""): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM segment_groups AS g WHERE organization_id IN (SELECT value FROM json_each(?1)) ${extra}
       AND EXISTS (SELECT 1 FROM json_each(g.subgroups) AS s, json_each(s.value, '$.segment_members') AS m
         WHERE m.value ->> '$.segment_type' = 'CONTEXTUAL' AND m.value ->> '$.segment_id' = ?2)
     ORDER BY index_key DESC`,
  ).bind(JSON.stringify(organizations), LOOKED_UP).all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Every page of `query` from the first: the ids in order, and each page's size and rows read. */
async function walk(query: string, organizations: number[]) {
  const token = await tokenFor(organizations);
  const pages: { size: number; rowsRead: number }[] = [];
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `/segment_groups?${query}${cursor ? `&cursor=${cursor}` : ""}`;
    const { res, usage } = await callWithUsage("GET", path, { token });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.meta.has_more).toBe(res.body.meta.next_cursor !== null);
    pages.push({ size: res.body.data.length, rowsRead: usage.d1_rows_read });
    ids.push(...res.body.data.map((g: { id: string }) => g.id));
    cursor = res.body.meta.next_cursor;
    expect(pages.length, "the walk ends").toBeLessThan(200);
  } while (cursor !== null);
  return { ids, pages };
}

function expectBoundedPages(pages: { size: number; rowsRead: number }[], bound = ROWS_PER_PAGE) {
  // First, middle and last page alike.
  expect(pages.length).toBeGreaterThanOrEqual(3);
  for (const [i, page] of pages.entries()) expect(page.rowsRead, `page ${i + 1} of ${pages.length} read ${page.rowsRead} rows`).toBeLessThanOrEqual(bound);
}

function seeded(organization: number, count: number, documentOf: (i: number) => SeedGroup["segment_subgroup"], day: number, extra: (i: number) => Partial<SeedGroup> = () => ({})): SeedGroup[] {
  const start = Date.UTC(2026, 0, day);
  return Array.from({ length: count }, (_, i) => ({
    organization_id: organization,
    // Every 40th group's clock ran an hour late: creation order is the index key's, not created_at's.
    created_at: new Date(start + i * 10 - (i % 40 === 0 ? 3_600_000 : 0)).toISOString(),
    segment_subgroup: documentOf(i),
    ...extra(i),
  }));
}

beforeAll(async () => {
  await seedSegments([LOOKED_UP, OTHER].map((segment_id) => ({ segment_type: "CONTEXTUAL", segment_id })));
  // 5,000 groups use the segment: 4,400 of MANY, 600 of FEW (whose 300 others do not, interleaved).
  const groups = [
    ...seeded(FEW, 900, (i) => (i % 3 === 2 ? uses(OTHER) : uses(LOOKED_UP, OTHER)), 1, (i) => ({ type: i % 2 ? "AUDIENCE" : "CONTEXTUAL" })),
    ...seeded(MANY, 4400, () => uses(LOOKED_UP), 2),
  ];
  for (let i = 0; i < groups.length; i += 500) await seedGroups(groups.slice(i, i + 500));
  await mergeIndexBacklog();
}, 120_000);

describe("GET /segment_groups?segment= — rows read per page", () => {
  it(`reads at most 2 × limit + 10 rows a page over a segment ${(5000).toLocaleString("en")} groups use, and lists each user once, newest first`, async () => {
    expect(await usersFromDocuments([MANY, FEW])).toHaveLength(5000);
    for (const organization of [MANY, FEW]) {
      const { ids, pages } = await walk(`organization_id=${organization}&segment=${SEGMENT}&limit=${LIMIT}`, [organization]);
      expect(ids).toEqual(await usersFromDocuments([organization]));
      expect(pages.slice(0, -1).every((p) => p.size === LIMIT), "no backlog: every page but the last is full").toBe(true);
      expectBoundedPages(pages);
    }
  });

  it("keeps the bound with the other filters, whose refused groups take their place on a page", async () => {
    const { ids, pages } = await walk(`organization_id=${FEW}&segment=${SEGMENT}&type=AUDIENCE&limit=${LIMIT}`, [FEW]);
    expect(ids).toEqual(await usersFromDocuments([FEW], "AND type = 'AUDIENCE'"));
    expectBoundedPages(pages);
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("merges two organizations' pages in creation order, a few rows more per organization", async () => {
    const { ids, pages } = await walk(`segment=${SEGMENT}&limit=${LIMIT}`, [MANY, FEW]);
    expect(ids).toEqual(await usersFromDocuments([MANY, FEW]));
    expectBoundedPages(pages);
  });

  it("lists a token of more than 50 organizations in one statement over all of them, in the same order", async () => {
    const many = [FEW, ...Array.from({ length: 50 }, (_, i) => 884_000 + i)];
    const { ids } = await walk(`segment=${SEGMENT}&limit=${LIMIT}`, many);
    expect(ids).toEqual(await usersFromDocuments([FEW]));
  });

  it("keeps the bound and the answers with a backlog (creates, PATCHes both ways, deletes), then after its merge", async () => {
    const token = await tokenFor([FEW]);
    const listed = await call("GET", `/segment_groups?organization_id=${FEW}&view=summary&limit=100`, { token });
    const newest = listed.body.data.map((g: { id: string }) => g.id) as string[];
    const writes: Promise<unknown>[] = [];
    // Some of the newest groups stop using the segment, others start, some go; and new ones come.
    // (AND: a document unlike any seeded one, so that every PATCH changes it and queues the group.)
    const leaves = [{ segment_operator: "AND", segment_members: [{ segment_id: OTHER, segment_type: "CONTEXTUAL" }] }];
    for (const id of newest.slice(0, 10)) writes.push(call("PATCH", `/segment_groups/${id}`, { token, json: { segment_subgroup: leaves } }));
    for (const id of newest.slice(10, 20)) writes.push(call("PATCH", `/segment_groups/${id}`, { token, json: { segment_subgroup: uses(LOOKED_UP) } }));
    for (const id of newest.slice(20, 25)) writes.push(call("DELETE", `/segment_groups/${id}`, { token }));
    for (let i = 0; i < 20; i++) {
      const json = { name: `Queued ${i}`, type: "CONTEXTUAL", organization_id: FEW, status: true, segment_subgroup: i % 2 ? uses(OTHER) : uses(LOOKED_UP) };
      writes.push(call("POST", "/segment_groups", { token, json }));
    }
    for (const res of (await Promise.all(writes)) as { status: number }[]) expect([200, 201, 204]).toContain(res.status);
    const queued = await countRows("segment_group_index_backlog");
    expect(queued).toBe(45);
    expect(queued).toBeLessThan(BACKLOG_LIMITS.groups);

    const expected = await usersFromDocuments([FEW]);
    const withBacklog = await walk(`organization_id=${FEW}&segment=${SEGMENT}&limit=${LIMIT}`, [FEW]);
    expect(withBacklog.ids).toEqual(expected);
    expectBoundedPages(withBacklog.pages);
    // Candidates that are no answer (stale index rows, queued groups that left the segment) take room.
    expect(withBacklog.pages[0]!.size).toBeLessThan(LIMIT);

    expect(await mergeIndexBacklog()).toBe(45);
    const merged = await walk(`organization_id=${FEW}&segment=${SEGMENT}&limit=${LIMIT}`, [FEW]);
    expect(merged.ids).toEqual(expected);
    expectBoundedPages(merged.pages);
    expect(merged.pages.slice(0, -1).every((p) => p.size === LIMIT)).toBe(true);
  });
});

describe("GET /segment_groups?segment= — cursors", () => {
  it("refuses the plain listing's cursor, and a reverse lookup's without `segment`", async () => {
    const token = await tokenFor([FEW]);
    const lookup = await call("GET", `/segment_groups?organization_id=${FEW}&segment=${SEGMENT}&limit=2`, { token });
    const plain = await call("GET", `/segment_groups?organization_id=${FEW}&limit=2`, { token });
    for (const path of [
      `/segment_groups?organization_id=${FEW}&segment=${SEGMENT}&cursor=${plain.body.meta.next_cursor}`,
      `/segment_groups?organization_id=${FEW}&cursor=${lookup.body.meta.next_cursor}`,
      `/segment_groups?segment=${SEGMENT}&cursor=${encodeCursor(["1"])}`,
    ]) {
      const res = await call("GET", path, { token });
      expect(res.status, describeResponse(res)).toBe(400);
      expect(errorsOf(res)).toEqual([{ code: "invalid_value", field: "cursor" }]);
    }
  });
});

describe("pageOfCandidates", () => {
  const user = (key: number, queued = false): Candidate<string> => ({ key, queued, group: `g${key}` });
  const dropped = (key: number, queued = false): Candidate<string> => ({ key, queued, group: null });
  const cut = (candidates: Candidate<string>[], limit: number, budget = 100) => pageOfCandidates(candidates, limit, () => 1, budget);

  it("shows at most `limit` answers newest first and continues below the last one shown", () => {
    expect(cut([user(7), user(9), user(8)], 2)).toEqual({ rows: ["g9", "g8"], keys: [9, 8], nextBefore: 8 });
    expect(cut([user(9), user(8)], 2)).toEqual({ rows: ["g9", "g8"], keys: [9, 8], nextBefore: null });
  });

  it("continues below the last candidate examined when some were no answer", () => {
    expect(cut([user(9), dropped(8, true), user(7)], 2)).toEqual({ rows: ["g9", "g7"], keys: [9, 7], nextBefore: 7 });
    expect(cut([dropped(9, true), dropped(8, true)], 1)).toEqual({ rows: [], keys: [], nextBefore: 8 });
  });

  it("examines a queued group again when the cut fell between its stale index row and its queued row", () => {
    // Key 8: the index row (dropped: its group is queued) was examined, the queued row was not.
    expect(cut([user(9), dropped(8)], 1)).toEqual({ rows: ["g9"], keys: [9], nextBefore: 9 });
    expect(cut([dropped(9, true), dropped(8)], 1)).toEqual({ rows: [], keys: [], nextBefore: 9 });
    // Both rows of key 8 were examined: go on below it.
    expect(cut([dropped(8), user(8, true)], 1)).toEqual({ rows: ["g8"], keys: [8], nextBefore: 8 });
    expect(cut([dropped(8), user(8, true), dropped(7, true)], 2)).toEqual({ rows: ["g8"], keys: [8], nextBefore: 7 });
  });

  it("stops before the answer that would pass the budget", () => {
    expect(pageOfCandidates([user(9), user(8), user(7)], 5, () => 6, 10)).toEqual({ rows: ["g9"], keys: [9], nextBefore: 9 });
  });
});
