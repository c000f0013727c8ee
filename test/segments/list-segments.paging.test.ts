import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { seedSegments, type SeedSegment } from "../helpers/db";
import { ORG, OTHER_ORG } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

const THIRD_ORG = 4242;
const OWNERS = [null, ORG, OTHER_ORG, THIRD_ORG, null] as const;

// A few hundred segments of both types and four owners, inserted out of key order, with ids
// whose text order differs from their numeric order (9 < 10 < 100).
const SEEDED: SeedSegment[] = Array.from({ length: 400 }, (_, i) => {
  const n = (i * 7919) % 400;
  return {
    segment_type: n % 3 === 0 ? "3P" : "CONTEXTUAL",
    segment_id: n < 10 ? n + 1 : n * 11,
    organization_id: OWNERS[n % OWNERS.length]!,
    name: n % 4 === 0 ? `Runners ${n}` : `Readers ${n}`,
  };
});

beforeAll(async () => {
  await seedSegments(SEEDED);
});

interface Row {
  segment_type: string;
  segment_id: number;
  name: string;
  organization_id: number | null;
}

/** The expected listing, computed in JS from every row: the oracle the API's pages must add up to. */
async function expected(keep: (row: Row) => boolean): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT segment_type, segment_id, name, organization_id FROM segments").all<Row>();
  return results
    .filter(keep)
    .sort((a, b) => (a.segment_type < b.segment_type ? -1 : a.segment_type > b.segment_type ? 1 : a.segment_id - b.segment_id))
    .map((r) => `${r.segment_type}:${r.segment_id}`);
}

/** Follows next_cursor to the end, one page per request; `between` runs after each page. */
async function walk(query: string, organizations: number[], between?: (page: number) => Promise<void>) {
  const token = await tokenFor(organizations);
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 1; page < 200; page++) {
    const sep = query ? "&" : "?";
    const res = await call("GET", `/segments${query}${cursor ? `${sep}cursor=${cursor}` : ""}`, { token });
    expect(res.status, describeResponse(res)).toBe(200);
    seen.push(...res.body.data.map((s: Row) => `${s.segment_type}:${s.segment_id}`));
    expect(res.body.meta.has_more).toBe(res.body.meta.next_cursor !== null);
    cursor = res.body.meta.next_cursor;
    if (!cursor) return seen;
    await between?.(page);
  }
  throw new Error("the walk did not end");
}

const visibleTo = (organizations: number[]) => (r: Row) => r.organization_id === null || organizations.includes(r.organization_id);

describe("GET /segments — paging", () => {
  it("walks the whole visible catalog in key order, without skipping or repeating", async () => {
    const all = await expected(visibleTo([ORG]));
    expect(all.length).toBeGreaterThan(200);
    for (const limit of [7, 100]) {
      expect(await walk(`?limit=${limit}`, [ORG]), `limit=${limit}`).toEqual(all);
    }
  });

  it("walks an organization's own segments, and filtered listings, the same way", async () => {
    expect(await walk(`?organization_id=${OTHER_ORG}&limit=9`, [ORG, OTHER_ORG])).toEqual(await expected((r) => r.organization_id === OTHER_ORG));
    expect(await walk("?type=3P&q=runners&limit=4", [ORG, THIRD_ORG])).toEqual(
      await expected((r) => visibleTo([ORG, THIRD_ORG])(r) && r.segment_type === "3P" && r.name.toLowerCase().includes("runners")),
    );
  });

  it("pages 25 items by default and at most 100", async () => {
    const token = await tokenFor([ORG]);
    expect((await call("GET", "/segments", { token })).body.data).toHaveLength(25);
    expect((await call("GET", "/segments?limit=100", { token })).body.data).toHaveLength(100);
    expect((await call("GET", "/segments?limit=1", { token })).body.data).toHaveLength(1);
  });

  it("neither skips nor repeats a segment that existed throughout, while others come and go", async () => {
    const before = await expected(visibleTo([ORG]));
    const removed = new Set<string>();
    const seen = await walk("?limit=10", [ORG], async (page) => {
      // Behind and ahead of the cursor: insert new segments, delete an unseen one.
      await seedSegments([
        { segment_type: "3P", segment_id: 100_000 + page },
        { segment_type: "CONTEXTUAL", segment_id: 100_000 + page },
        { segment_type: "3P", segment_id: page },
      ]);
      const victim = before[before.length - page * 2]!;
      const [type, id] = victim.split(":");
      await env.DB.prepare("DELETE FROM segments WHERE segment_type = ? AND segment_id = ?").bind(type, Number(id)).run();
      removed.add(victim);
    });
    const stable = before.filter((key) => !removed.has(key));
    expect(seen.filter((key) => before.includes(key))).toEqual(before.filter((key) => seen.includes(key)));
    expect(stable.every((key) => seen.includes(key))).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("costs one D1 query per page, following a cursor too", async () => {
    const token = await tokenFor([ORG]);
    const first = await call("GET", "/segments?limit=5", { token });
    const { db, calls } = countingD1(env.DB);
    const next = await call("GET", `/segments?limit=5&cursor=${first.body.meta.next_cursor}`, { token, env: { DB: db } });
    expect(next.status, describeResponse(next)).toBe(200);
    expect(calls.map((c) => c.statements)).toEqual([1]);
  });
});
